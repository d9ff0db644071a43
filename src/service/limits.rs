//! Limits that keep one client from starving the others: URL length, request rate per client,
//! and the number of queries running at once. Body size is limited by axum's `DefaultBodyLimit`.

use crate::http::error::{Error, Result};
use crate::AppState;
use axum::extract::ConnectInfo;
use axum::http::Request;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Refuses what no route should see: over-long URLs (414) and heads (431), HTTP/1.1 without
/// `Host` (400), percent-encoded bytes in the URL that are not UTF-8 (400, naming the
/// parameter), bodies in a `Content-Encoding` (415), and, when a rate is configured, clients
/// above it (429). It runs inside `metrics::ObserveLayer`, which counts and logs its refusals
/// like any other response; the JSON APIs get them as JSON.
pub struct Guard {
    max_url_bytes: usize,
    max_header_bytes: usize,
    rate: Option<Arc<RateLimiter>>,
}

impl Guard {
    pub fn new(state: &AppState) -> Self {
        Self {
            max_url_bytes: state.config.max_url_bytes,
            max_header_bytes: state.config.max_header_bytes,
            rate: state.rate.clone(),
        }
    }

    /// `Ok` when the request may go on; otherwise the error to answer with.
    pub fn check<B>(&self, request: &Request<B>) -> Result<()> {
        let limit = self.max_url_bytes;
        let length = request
            .uri()
            .path_and_query()
            .map_or(0, |p| p.as_str().len());
        if length > limit {
            return Err(Error::UriTooLong { limit });
        }
        check_head(request, self.max_header_bytes)?;
        if let Some(rate) = &self.rate {
            let client = request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
            if !rate.allow(client) {
                return Err(Error::TooManyRequests {
                    per_second: rate.per_second,
                });
            }
        }
        Ok(())
    }
}

/// The checks of the request head that do not depend on the service's state.
fn check_head<B>(request: &Request<B>, max_header_bytes: usize) -> Result<()> {
    if request
        .extensions()
        .get::<crate::service::server::MissingHost>()
        .is_some()
    {
        return Err(Error::BadRequest(
            "an HTTP/1.1 request must have a Host header (RFC 9112, section 3.2)".to_owned(),
        ));
    }
    let head: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if head > max_header_bytes {
        return Err(Error::HeadersTooLarge {
            limit: max_header_bytes,
        });
    }
    if let Some(encoding) = request.headers().get(axum::http::header::CONTENT_ENCODING) {
        let encoding = String::from_utf8_lossy(encoding.as_bytes())
            .trim()
            .to_owned();
        if !encoding.eq_ignore_ascii_case("identity") {
            return Err(Error::UnsupportedEncoding(encoding));
        }
    }
    let path = request.uri().path();
    if path.contains('%')
        && percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .is_err()
    {
        return Err(Error::BadRequest(
            "the path holds percent-encoded bytes that are not UTF-8".to_owned(),
        ));
    }
    if let Some(query) = request.uri().query() {
        crate::http::form::check_utf8(query.as_bytes())?;
    }
    Ok(())
}

/// A token bucket per client address: `per_second` requests a second, bursts of the same size.
pub struct RateLimiter {
    per_second: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(per_second: f64) -> Self {
        Self {
            per_second,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn allow(&self, client: IpAddr) -> bool {
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
    pub fn acquire(&self) -> Result<OwnedSemaphorePermit> {
        self.0.clone().try_acquire_owned().map_err(|_| {
            Error::Unavailable("too many queries are running at once; retry in a moment".to_owned())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
