//! Request metrics in the Prometheus text format, and the one log line per request.

use crate::{service::limits, AppState};
use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::response::Response;
use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tower::{Layer, Service};

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

    fn observe(
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

/// Counts every request and writes one log line with method, route, status and duration, after
/// `limits::Guard` has had its say (so refusals are counted and logged too). The route is the
/// matched pattern (e.g. `/id/{*path}`), never the raw path, so the number of series stays
/// bounded whatever clients send.
///
/// A hand-written layer rather than `from_fn` middlewares: those clone the whole `AppState`,
/// box the inner service and box the future on every request, which was a measurable part of a
/// cached query's time.
#[derive(Clone)]
pub struct ObserveLayer {
    metrics: Arc<Metrics>,
    guard: Arc<limits::Guard>,
}

impl ObserveLayer {
    pub fn new(state: &AppState) -> Self {
        Self {
            metrics: state.metrics.clone(),
            guard: Arc::new(limits::Guard::new(state)),
        }
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            inner,
            metrics: self.metrics.clone(),
            guard: self.guard.clone(),
        }
    }
}

/// The service of [`ObserveLayer`].
#[derive(Clone)]
pub struct Observe<S> {
    inner: S,
    metrics: Arc<Metrics>,
    guard: Arc<limits::Guard>,
}

impl<S> Service<Request> for Observe<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    S::Future: Unpin,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Observed<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let finish = Finish {
            started: Instant::now(),
            method: request.method().clone(),
            route: request.extensions().get::<MatchedPath>().cloned(),
            metrics: self.metrics.clone(),
        };
        let state = match self.guard.check(&request) {
            Ok(()) => Stage::Running(self.inner.call(request)),
            Err(refusal) => Stage::Refused(Some(refusal.response_for(request.uri().path()))),
        };
        Observed {
            stage: state,
            finish: Some(finish),
        }
    }
}

/// The response future of [`Observe`]: the inner one, or a refusal of the guard.
pub struct Observed<F> {
    stage: Stage<F>,
    /// Taken when the response is counted; a future dropped before that (the client went
    /// away) is neither counted nor logged.
    finish: Option<Finish>,
}

enum Stage<F> {
    Running(F),
    Refused(Option<Response>),
}

impl<F> Future for Observed<F>
where
    F: Future<Output = Result<Response, Infallible>> + Unpin,
{
    type Output = Result<Response, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let response = match &mut this.stage {
            Stage::Running(inner) => match Pin::new(inner).poll(cx) {
                Poll::Ready(Ok(response)) => response,
                Poll::Ready(Err(never)) => match never {},
                Poll::Pending => return Poll::Pending,
            },
            Stage::Refused(response) => response.take().unwrap_or_default(),
        };
        if let Some(finish) = this.finish.take() {
            finish.record(&response);
        }
        Poll::Ready(Ok(response))
    }
}

/// What is known of a request when it starts, to count and log it when it ends.
struct Finish {
    started: Instant,
    method: Method,
    route: Option<MatchedPath>,
    metrics: Arc<Metrics>,
}

impl Finish {
    fn record(self, response: &Response) {
        let elapsed = self.started.elapsed();
        let status = response.status().as_u16();
        let route = self.route.as_ref().map_or("unmatched", MatchedPath::as_str);
        let outcome = response
            .extensions()
            .get::<Outcome>()
            .copied()
            .or(match status {
                413 => Some(Outcome::BodyTooLarge),
                _ => None,
            });
        self.metrics
            .observe(&self.method, route, status, elapsed, outcome);
        // The macro checks the level before it evaluates any field, so with info off (as under
        // load, `RUST_LOG=warn`) nothing is formatted.
        tracing::info!(
            target: "factgraph::request",
            method = self.method.as_str(),
            route,
            status,
            duration_ms = elapsed.as_secs_f64() * 1000.0,
            "request"
        );
    }
}
