//! Request metrics in the Prometheus text format: counters by matched route, method, status,
//! latency bucket and refusal (`Outcome`), and the connection counters of the server.

use axum::http::Method;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Why a request was refused or stopped, attached by `error.rs` to the response so the counters
/// can tell a time-out from an ordinary client error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    // The order is that of `OUTCOMES`: each variant's discriminant indexes its counter.
    Timeout,
    TooManyQueries,
    RateLimited,
    BodyTooLarge,
    UriTooLong,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::TooManyQueries => "too_many_queries",
            Self::RateLimited => "rate_limited",
            Self::BodyTooLarge => "body_too_large",
            Self::UriTooLong => "uri_too_long",
        }
    }
}

/// The counters of one route. Every field is updated with atomics, so concurrent requests never
/// wait for each other; only the first response of a new (method, status) pair takes a write
/// lock to add its counter.
#[derive(Default)]
struct RouteCounters {
    /// (method, status) → count.
    responses: RwLock<Vec<(Method, u16, AtomicU64)>>,
    /// Requests per latency bucket, not cumulative (the last one is "above every bound"); the
    /// rendering adds them up, so a request touches one bucket instead of all above it.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    /// Sum of the latencies in nanoseconds (584 years fit in a u64).
    nanos: AtomicU64,
}

impl RouteCounters {
    fn count(&self, method: &Method, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BUCKETS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.nanos.fetch_add(nanos, Ordering::Relaxed);
        {
            let responses = self.responses.read().unwrap_or_else(|e| e.into_inner());
            if let Some((_, _, count)) = responses
                .iter()
                .find(|(m, s, _)| *s == status && m == method)
            {
                count.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
        let mut responses = self.responses.write().unwrap_or_else(|e| e.into_inner());
        // Another request may have added the pair between the two locks.
        match responses
            .iter()
            .find(|(m, s, _)| *s == status && m == method)
        {
            Some((_, _, count)) => {
                count.fetch_add(1, Ordering::Relaxed);
            }
            None => responses.push((method.clone(), status, AtomicU64::new(1))),
        }
    }
}

/// The counters of one service, rendered in the Prometheus text format on a scrape.
#[derive(Default)]
pub struct Metrics {
    /// By matched route. Read-locked per request; write-locked once per route.
    routes: RwLock<HashMap<Box<str>, Arc<RouteCounters>>>,
    /// By `Outcome as usize`.
    outcomes: [AtomicU64; OUTCOMES.len()],
    /// Connections open now, and refused at the `--max-connections` cap (`server.rs`).
    connections_open: AtomicU64,
    connections_refused: AtomicU64,
}

/// Every outcome, in the order of `Outcome`'s variants (its discriminants index `outcomes`).
const OUTCOMES: [Outcome; 5] = [
    Outcome::Timeout,
    Outcome::TooManyQueries,
    Outcome::RateLimited,
    Outcome::BodyTooLarge,
    Outcome::UriTooLong,
];

impl Metrics {
    pub fn connection_opened(&self) {
        self.connections_open.fetch_add(1, Ordering::Relaxed);
    }

    pub fn connection_closed(&self) {
        self.connections_open.fetch_sub(1, Ordering::Relaxed);
    }

    pub fn connection_refused(&self) {
        self.connections_refused.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one request of `route` (a matched pattern, or "unmatched").
    pub fn observe(
        &self,
        method: &Method,
        route: &str,
        status: u16,
        elapsed: Duration,
        outcome: Option<Outcome>,
    ) {
        let known = self
            .routes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(route)
            .cloned();
        let counters = match known {
            Some(counters) => counters,
            None => self
                .routes
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .entry(route.into())
                .or_default()
                .clone(),
        };
        counters.count(method, status, elapsed);
        if let Some(outcome) = outcome {
            self.outcomes[outcome as usize].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The Prometheus text exposition of every counter.
    pub fn render(&self) -> String {
        // Sorted by route, then method and status, so scrapes list series in a stable order.
        let routes: BTreeMap<String, Arc<RouteCounters>> = self
            .routes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(route, counters)| (route.to_string(), counters.clone()))
            .collect();
        let mut out = String::new();
        out.push_str(
            "# HELP factgraph_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE factgraph_http_requests_total counter\n");
        for (route, counters) in &routes {
            let mut responses: Vec<(String, u16, u64)> = counters
                .responses
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .map(|(method, status, count)| {
                    (method.to_string(), *status, count.load(Ordering::Relaxed))
                })
                .collect();
            responses.sort();
            for (method, status, count) in responses {
                let _ = writeln!(
                    out,
                    "factgraph_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}",
                    escape(route)
                );
            }
        }
        out.push_str(
            "# HELP factgraph_http_request_duration_seconds Time to the response head, by route.\n",
        );
        out.push_str("# TYPE factgraph_http_request_duration_seconds histogram\n");
        for (route, counters) in &routes {
            let route = escape(route);
            let mut cumulative = 0;
            for (count, bound) in counters.buckets.iter().zip(BUCKETS) {
                cumulative += count.load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "factgraph_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let total = cumulative + counters.buckets[BUCKETS.len()].load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "factgraph_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {total}"
            );
            let _ = writeln!(
                out,
                "factgraph_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                counters.nanos.load(Ordering::Relaxed) as f64 / 1e9
            );
            let _ = writeln!(
                out,
                "factgraph_http_request_duration_seconds_count{{route=\"{route}\"}} {total}"
            );
        }
        let outcome = |outcome: Outcome| self.outcomes[outcome as usize].load(Ordering::Relaxed);
        out.push_str("# HELP factgraph_query_timeouts_total Queries stopped at the time limit.\n");
        out.push_str("# TYPE factgraph_query_timeouts_total counter\n");
        let _ = writeln!(
            out,
            "factgraph_query_timeouts_total {}",
            outcome(Outcome::Timeout)
        );
        out.push_str("# HELP factgraph_rejections_total Requests refused by a limit, by reason.\n");
        out.push_str("# TYPE factgraph_rejections_total counter\n");
        for reason in &OUTCOMES[1..] {
            let _ = writeln!(
                out,
                "factgraph_rejections_total{{reason=\"{}\"}} {}",
                reason.label(),
                outcome(*reason)
            );
        }
        out.push_str("# HELP factgraph_connections_open Client connections open now.\n");
        out.push_str("# TYPE factgraph_connections_open gauge\n");
        let _ = writeln!(
            out,
            "factgraph_connections_open {}",
            self.connections_open.load(Ordering::Relaxed)
        );
        out.push_str(
            "# HELP factgraph_connections_refused_total Connections refused at the --max-connections cap.\n",
        );
        out.push_str("# TYPE factgraph_connections_refused_total counter\n");
        let _ = writeln!(
            out,
            "factgraph_connections_refused_total {}",
            self.connections_refused.load(Ordering::Relaxed)
        );
        out
    }
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
