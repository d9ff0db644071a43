//! The outermost layer of every route: `Guard` refuses what no route should see, and
//! `ObserveLayer` counts every response in `service::metrics` and writes its log line.

use crate::http::error::{Error, Result};
use crate::service::limits::RateLimiter;
use crate::service::metrics::{Metrics, Outcome};
use crate::service::state::AppState;
use axum::extract::{ConnectInfo, MatchedPath, Request};
use axum::http::Method;
use axum::response::Response;
use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;
use tower::{Layer, Service};

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

/// Counts every request and writes one log line with method, route, status and duration, after
/// `Guard` has had its say (so refusals are counted and logged too). The route is the
/// matched pattern (e.g. `/id/{*path}`), never the raw path, so the number of series stays
/// bounded whatever clients send.
///
/// A hand-written layer rather than `from_fn` middlewares: those clone the whole `AppState`,
/// box the inner service and box the future on every request, which was a measurable part of a
/// cached query's time.
#[derive(Clone)]
pub struct ObserveLayer {
    metrics: Arc<Metrics>,
    guard: Arc<Guard>,
}

impl ObserveLayer {
    pub fn new(state: &AppState) -> Self {
        Self {
            metrics: state.metrics.clone(),
            guard: Arc::new(Guard::new(state)),
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
    guard: Arc<Guard>,
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
