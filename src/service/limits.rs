//! Limits that keep one client from starving the others: the request rate per client address
//! and the number of queries running at once. The request-head limits are checked by
//! `http::observe::Guard`; body size by axum's `DefaultBodyLimit`.

use crate::service::error::Error;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A token bucket per client address: `per_second` requests a second, bursts of the same size.
pub struct RateLimiter {
    pub per_second: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(per_second: f64) -> Self {
        Self {
            per_second,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn allow(&self, client: IpAddr) -> bool {
        let now = Instant::now();
        // A poisoned lock only means another request panicked mid-update; the counts are still
        // usable, so keep limiting rather than failing every request.
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > 100_000 {
            // Forget clients idle for a minute, so the table cannot grow without bound.
            buckets.retain(|_, (_, seen)| now.duration_since(*seen) < Duration::from_secs(60));
        }
        let (tokens, seen) = buckets.entry(client).or_insert((self.per_second, now));
        *tokens = (*tokens + now.duration_since(*seen).as_secs_f64() * self.per_second)
            .min(self.per_second.max(1.0));
        *seen = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The slots for queries running at once. A request that finds none free is refused at once
/// with 503 and `Retry-After` instead of waiting in an unbounded queue.
#[derive(Clone)]
pub struct QuerySlots(Arc<Semaphore>);

impl QuerySlots {
    pub fn new(slots: usize) -> Self {
        Self(Arc::new(Semaphore::new(slots.max(1))))
    }

    /// A slot, held until the permit is dropped (when the response has been sent).
    pub fn acquire(&self) -> Result<OwnedSemaphorePermit, Error> {
        self.0.clone().try_acquire_owned().map_err(|_| Error::Busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn bucket_refuses_past_the_rate_and_refills() {
        let limiter = RateLimiter::new(2.0);
        let client = IpAddr::V4(Ipv4Addr::LOCALHOST);
        assert!(limiter.allow(client));
        assert!(limiter.allow(client));
        assert!(!limiter.allow(client));
        let other = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
        assert!(limiter.allow(other), "clients have their own buckets");
        std::thread::sleep(Duration::from_millis(600));
        assert!(limiter.allow(client), "the bucket refills over time");
    }

    #[test]
    fn slots_are_returned_when_the_permit_drops() {
        let slots = QuerySlots::new(1);
        let permit = slots.acquire().unwrap();
        assert!(slots.acquire().is_err());
        drop(permit);
        assert!(slots.acquire().is_ok());
    }
}
