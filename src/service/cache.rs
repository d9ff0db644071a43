//! A bounded cache of complete responses. The embedded store is read-only after start-up, so the
//! same request always gets the same bytes; repeated queries and questions are then answered
//! without evaluating anything. Writes (on a persistent store) clear it.

use bytes::Bytes;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

/// Least-recently-used eviction by total size. Entries larger than an eighth of the budget are
/// not kept, so one big result cannot flush everything else.
pub struct ResponseCache {
    budget: usize,
    /// Read-locked by lookups, so concurrent hits do not wait for each other; write-locked to
    /// insert and evict.
    inner: RwLock<Inner>,
    /// The recency clock: every lookup and insert takes the next tick.
    clock: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// A complete response: its media type and body.
#[derive(Clone, Debug)]
pub struct Cached {
    pub media_type: &'static str,
    pub body: Bytes,
}

#[derive(Default)]
struct Inner {
    /// Each entry with the tick of its last use, an atomic so that a hit can update it under
    /// the read lock.
    entries: HashMap<String, (Cached, AtomicU64)>,
    bytes: usize,
}

impl ResponseCache {
    /// A cache of at most `budget` bytes; 0 disables it.
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: RwLock::default(),
            clock: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// (hits, misses) since start-up, for the metrics.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    pub fn get(&self, key: &str) -> Option<Cached> {
        if self.budget == 0 {
            return None;
        }
        // A poisoned lock only means a panic elsewhere mid-update; the map is still consistent
        // enough to read, and the worst case is a miss.
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        match inner.entries.get(key) {
            Some((bytes, used)) => {
                used.store(self.tick(), Ordering::Relaxed);
                self.hits.fetch_add(1, Ordering::Relaxed);
                Some(bytes.clone())
            }
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    pub fn insert(&self, key: String, value: Cached) {
        let size = key.len() + value.body.len();
        if self.budget == 0 || size > self.budget / 8 {
            return;
        }
        let now = AtomicU64::new(self.tick());
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if let Some((old, _)) = inner.entries.insert(key.clone(), (value, now)) {
            inner.bytes -= key.len() + old.body.len();
        }
        inner.bytes += size;
        while inner.bytes > self.budget {
            let Some(oldest) = inner
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| used.load(Ordering::Relaxed))
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((cached, _)) = inner.entries.remove(&oldest) {
                inner.bytes -= oldest.len() + cached.body.len();
            }
        }
    }

    /// The next tick of the recency clock.
    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Forgets everything, after the data changed.
    pub fn clear(&self) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        inner.entries.clear();
        inner.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(size: usize) -> Cached {
        Cached {
            media_type: "text/plain",
            body: Bytes::from(vec![0; size]),
        }
    }

    #[test]
    fn keeps_recent_entries_within_the_budget() {
        let cache = ResponseCache::new(800);
        cache.insert("a".into(), value(90));
        cache.insert("b".into(), value(90));
        assert!(cache.get("a").is_some());
        for key in ["c", "d", "e", "f", "g", "h", "i", "j"] {
            cache.insert(key.into(), value(90));
        }
        assert!(cache.get("a").is_none() || cache.get("b").is_none());
        assert!(cache.get("j").is_some());
        assert!(cache.inner.read().unwrap().bytes <= 800);
    }

    #[test]
    fn refuses_big_entries_and_can_be_disabled_or_cleared() {
        let cache = ResponseCache::new(800);
        cache.insert("big".into(), value(200));
        assert!(cache.get("big").is_none());
        cache.insert("x".into(), value(1));
        cache.clear();
        assert!(cache.get("x").is_none());
        let off = ResponseCache::new(0);
        off.insert("x".into(), value(1));
        assert!(off.get("x").is_none());
    }
}
