//! Cross-origin reads, and `OPTIONS` for every path answered from the routes themselves: the
//! methods a preflight allows are exactly those the path's `Allow` header names, and a path
//! that does not exist is a 404, not an invitation.
//!
//! A route table of our own would drift from the router, so the layer asks the router: it lets
//! the `OPTIONS` request through, and since no route answers `OPTIONS`, the router says what it
//! would accept (405 with `Allow`) or that nothing is there (404). The layer turns the 405 into
//! the real answer: 204 with `Allow` (OPTIONS included) and, for a CORS preflight, the same
//! methods in `Access-Control-Allow-Methods`. Other requests pass through; a response to a
//! request with an `Origin` may be read by the page (`Access-Control-Allow-Origin: *`), and
//! every 405 names OPTIONS in its `Allow` too.
//!
//! Reads are open to pages on other origins (YASGUI, Comunica in a browser). Writes from a page
//! need the token in an Authorization header, which no page gets without being given it:
//! cookies play no part, so allowing the methods lets no site write on a user's behalf.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tower::{Layer, Service};

/// How long a browser may cache a preflight's answer.
const MAX_AGE_SECONDS: &str = "86400";

#[derive(Clone, Copy, Default)]
pub struct CorsLayer;

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors { inner }
    }
}

#[derive(Clone)]
pub struct Cors<S> {
    inner: S,
}

impl<S> Service<Request> for Cors<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    S::Future: Unpin,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Answered<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let headers = request.headers();
        let origin = headers.contains_key(header::ORIGIN);
        let preflight = (request.method() == Method::OPTIONS).then(|| CorsAsk::of(headers));
        Answered {
            inner: self.inner.call(request),
            origin,
            preflight,
        }
    }
}

/// What a CORS preflight asked for (all `None` for a plain OPTIONS).
struct CorsAsk {
    origin: bool,
    headers: Option<HeaderValue>,
}

impl CorsAsk {
    fn of(headers: &HeaderMap) -> Self {
        Self {
            origin: headers.contains_key(header::ORIGIN)
                && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD),
            headers: headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned(),
        }
    }
}

pub struct Answered<F> {
    inner: F,
    /// The request came from a page of another origin (or says where it comes from).
    origin: bool,
    /// `Some` for an OPTIONS request.
    preflight: Option<CorsAsk>,
}

impl<F> Future for Answered<F>
where
    F: Future<Output = Result<Response, Infallible>> + Unpin,
{
    type Output = Result<Response, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mut response = match Pin::new(&mut this.inner).poll(cx) {
            Poll::Ready(Ok(response)) => response,
            Poll::Ready(Err(never)) => match never {},
            Poll::Pending => return Poll::Pending,
        };
        if response.status() != StatusCode::METHOD_NOT_ALLOWED {
            if this.origin {
                allow_reading(response.headers_mut());
            }
            return Poll::Ready(Ok(response));
        }
        let allow = with_options(response.headers().get(header::ALLOW));
        match this.preflight.take() {
            Some(ask) => Poll::Ready(Ok(options_answer(allow, &ask))),
            None => {
                if let Some(allow) = allow {
                    response.headers_mut().insert(header::ALLOW, allow);
                }
                if this.origin {
                    allow_reading(response.headers_mut());
                }
                Poll::Ready(Ok(response))
            }
        }
    }
}

/// Lets a page of any origin read the response, and the headers a client needs beyond the
/// safelisted ones (where a created graph is, validators, when to retry).
fn allow_reading(headers: &mut HeaderMap) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Location, ETag, Last-Modified, Retry-After, Link, Allow"),
    );
}

/// The `Allow` value with OPTIONS in it, in the router's order.
fn with_options(allow: Option<&HeaderValue>) -> Option<HeaderValue> {
    let allow = allow?.to_str().ok()?;
    let mut methods: Vec<&str> = allow
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .collect();
    if !methods.iter().any(|m| m.eq_ignore_ascii_case("OPTIONS")) {
        methods.push("OPTIONS");
    }
    HeaderValue::from_str(&methods.join(", ")).ok()
}

fn options_answer(allow: Option<HeaderValue>, ask: &CorsAsk) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    let Some(allow) = allow else {
        return response;
    };
    if ask.origin {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, allow.clone());
        // Whatever headers the page wants to send: no cookie or other ambient credential is
        // ever honoured, and writes need the token in Authorization, which a page only has if
        // its user gave it.
        if let Some(requested) = &ask.headers {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
        }
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static(MAX_AGE_SECONDS),
        );
        headers.insert(
            header::VARY,
            HeaderValue::from_static(
                "origin, access-control-request-method, access-control-request-headers",
            ),
        );
    }
    headers.insert(header::ALLOW, allow);
    response
}
