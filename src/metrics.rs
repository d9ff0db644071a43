//! Request metrics in the Prometheus text format, and the one log line per request.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Why a request was refused or stopped, attached by `error.rs` to the response so the counters
/// can tell a time-out from an ordinary client error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
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

#[derive(Default)]
struct Histogram {
    counts: Vec<u64>,
    sum: f64,
    total: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS.len()];
        }
        for (count, bound) in self.counts.iter_mut().zip(BUCKETS) {
            if seconds <= *bound {
                *count += 1;
            }
        }
        self.sum += seconds;
        self.total += 1;
    }
}

#[derive(Default)]
struct Counters {
    /// route → (method, status) → count. Keyed by route first so a request allocates nothing
    /// once its route has been seen.
    requests: BTreeMap<String, BTreeMap<(String, u16), u64>>,
    durations: BTreeMap<String, Histogram>,
    outcomes: BTreeMap<Outcome, u64>,
}

/// The counters of one service. Updates take a short lock; a scrape renders a copy.
#[derive(Default)]
pub struct Metrics {
    counters: Mutex<Counters>,
}

impl Metrics {
    fn observe(
        &self,
        method: &str,
        route: &str,
        status: u16,
        seconds: f64,
        outcome: Option<Outcome>,
    ) {
        let mut counters = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        if !counters.requests.contains_key(route) {
            counters.requests.insert(route.to_owned(), BTreeMap::new());
        }
        if let Some(by_status) = counters.requests.get_mut(route) {
            match by_status
                .iter_mut()
                .find(|((m, s), _)| m == method && *s == status)
            {
                Some((_, count)) => *count += 1,
                None => {
                    by_status.insert((method.to_owned(), status), 1);
                }
            }
        }
        match counters.durations.get_mut(route) {
            Some(histogram) => histogram.observe(seconds),
            None => {
                let mut histogram = Histogram::default();
                histogram.observe(seconds);
                counters.durations.insert(route.to_owned(), histogram);
            }
        }
        if let Some(outcome) = outcome {
            *counters.outcomes.entry(outcome).or_default() += 1;
        }
    }

    /// The Prometheus text exposition of every counter.
    pub fn render(&self) -> String {
        let counters = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        out.push_str(
            "# HELP factgraph_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE factgraph_http_requests_total counter\n");
        for (route, by_status) in &counters.requests {
            for ((method, status), count) in by_status {
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
        for (route, histogram) in &counters.durations {
            let route = escape(route);
            for (count, bound) in histogram.counts.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "factgraph_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "factgraph_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                histogram.total
            );
            let _ = writeln!(
                out,
                "factgraph_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                histogram.sum
            );
            let _ = writeln!(
                out,
                "factgraph_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                histogram.total
            );
        }
        out.push_str("# HELP factgraph_query_timeouts_total Queries stopped at the time limit.\n");
        out.push_str("# TYPE factgraph_query_timeouts_total counter\n");
        let _ = writeln!(
            out,
            "factgraph_query_timeouts_total {}",
            counters
                .outcomes
                .get(&Outcome::Timeout)
                .copied()
                .unwrap_or(0)
        );
        out.push_str("# HELP factgraph_rejections_total Requests refused by a limit, by reason.\n");
        out.push_str("# TYPE factgraph_rejections_total counter\n");
        for outcome in [
            Outcome::TooManyQueries,
            Outcome::RateLimited,
            Outcome::BodyTooLarge,
            Outcome::UriTooLong,
        ] {
            let _ = writeln!(
                out,
                "factgraph_rejections_total{{reason=\"{}\"}} {}",
                outcome.label(),
                counters.outcomes.get(&outcome).copied().unwrap_or(0)
            );
        }
        out
    }
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Counts the request and writes one log line with method, route, status and duration. The
/// route is the matched pattern (e.g. `/id/{*path}`), never the raw path, so the number of
/// series stays bounded whatever clients send.
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let method = method.as_str();
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    let outcome = response
        .extensions()
        .get::<Outcome>()
        .copied()
        .or(match status {
            413 => Some(Outcome::BodyTooLarge),
            _ => None,
        });
    state
        .metrics
        .observe(method, route, status, elapsed.as_secs_f64(), outcome);
    tracing::info!(
        target: "factgraph::request",
        method,
        route,
        status,
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    response
}
