//! The one error type of the service, and the only place that chooses HTTP status codes.

use crate::store::error as store;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// Everything that can go wrong while serving a request.
///
/// Client mistakes carry a message meant for the client; infrastructure failures are logged in
/// full and answered with a generic message, so internals never leak.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed (missing or repeated parameter, bad IRI, bad encoding, ...).
    #[error("{0}")]
    BadRequest(String),
    /// The SPARQL text does not parse, or nests deeper than the service accepts: the store's
    /// own words (`store::Error::{QuerySyntax, TooDeep}`), which name the position or limit.
    #[error(transparent)]
    Query(store::Error),
    /// The query parsed but cannot be evaluated as asked (e.g. an unsupported SERVICE).
    #[error("{0}")]
    QueryRejected(String),
    /// No representation the client accepts can be produced.
    #[error("none of the requested media types can be produced; available: {}", .offered.join(", "))]
    NotAcceptable { offered: Vec<&'static str> },
    /// The HTTP method is not one this route answers.
    #[error("method {method} is not allowed here; allowed: {allowed}")]
    MethodNotAllowed {
        method: String,
        allowed: &'static str,
    },
    /// The request body has a media type this route does not read.
    #[error("unsupported content type {got:?}; expected one of: {expected}")]
    UnsupportedMediaType { got: String, expected: &'static str },
    /// A write was attempted on a read-only service.
    #[error("{0}")]
    Forbidden(String),
    /// A write came without the service's write token, or with another one. `invalid_token`
    /// tells a wrong token (RFC 6750 `error="invalid_token"`) from a missing one.
    #[error("{message}")]
    Unauthorized {
        message: &'static str,
        invalid_token: bool,
    },
    /// The request body is larger than the service accepts.
    #[error("the request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// A reconciliation batch (or data extension query) holds more than the service takes at
    /// once: its manifest's `batchSize`, which the Reconciliation API answers with 413.
    #[error("the batch holds {got} queries, more than the {limit} this service takes at once (the manifest's batchSize); send it in smaller batches")]
    BatchTooLarge { got: usize, limit: usize },
    /// The request head (request line and headers) is larger than the service accepts.
    #[error("the request headers are larger than the limit of {limit} bytes")]
    HeadersTooLarge { limit: usize },
    /// The request body did not arrive in time (`--body-read-timeout`).
    #[error("{0}")]
    RequestTimeout(String),
    /// The request body is compressed (or otherwise encoded) in a way the service does not read.
    #[error("Content-Encoding {0:?} is not supported: send the body without a Content-Encoding")]
    UnsupportedEncoding(String),
    /// The URL (path and query string) is longer than the service accepts.
    #[error("the URL is longer than the limit of {limit} bytes; send long queries with POST")]
    UriTooLong { limit: usize },
    /// The client sends more requests than its share.
    #[error("too many requests from this client (limit: {per_second} a second)")]
    TooManyRequests { per_second: f64 },
    /// The resource does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The query ran out of its time budget and was stopped.
    #[error("the query was stopped after the time limit of {} s", .0.as_secs_f64())]
    QueryTimeout(Duration),
    /// The service is shutting down or overloaded.
    #[error("{0}")]
    Unavailable(String),
    /// A SPARQL engine failed: the one behind the service (`--sparql-endpoint`: it failed,
    /// answered something unreadable, or cut its answer at its row cap) or an endpoint the
    /// query named with SERVICE. Only `store::Error::{Upstream, Truncated, ServiceFailed}`.
    #[error(transparent)]
    Engine(store::Error),
    /// I/O failures (writing a response, reading a file).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// A failure that is our fault and not the client's.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The HTTP status for this error. This is the only function that picks status codes.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::Query(_) | Self::QueryRejected(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::NotAcceptable { .. } => StatusCode::NOT_ACCEPTABLE,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::UnsupportedMediaType { .. } | Self::UnsupportedEncoding(_) => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            Self::HeadersTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::PayloadTooLarge { .. } | Self::BatchTooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Self::UriTooLong { .. } => StatusCode::URI_TOO_LONG,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::QueryTimeout(_) | Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Engine(_) => StatusCode::BAD_GATEWAY,
            Self::Io(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message a client may see: internal details are replaced by a generic sentence.
    pub fn public_message(&self) -> String {
        match self {
            Self::QueryTimeout(_) | Self::Unavailable(_) => self.to_string(),
            // The engine's product, not its address (the operator's business) nor its message.
            Self::Engine(store::Error::Upstream { engine, .. }) => {
                format!("{engine} behind this service failed; the details are in the server log")
            }
            // A cut answer, or an endpoint the client named itself: the client may know.
            Self::Engine(error) => error.to_string(),
            _ if self.status().is_server_error() => {
                "internal server error; the details are in the server log".to_owned()
            }
            _ => self.to_string(),
        }
    }

    /// Logs server-side failures in full; client errors are not worth a log line of their own.
    fn log(&self) {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
    }

    /// The error as the route at `path` answers errors: JSON for the JSON APIs
    /// ([`JSON_ROUTES`]), plain text elsewhere. For refusals made before a route runs.
    pub fn response_for(self, path: &str) -> Response {
        if JSON_ROUTES.contains(&path) {
            self.into_json_response()
        } else {
            self.into_response()
        }
    }

    /// Turns the error into a JSON body, for routes whose clients read JSON (e.g. `/ask`).
    pub fn into_json_response(self) -> Response {
        self.log();
        let status = self.status();
        let body = serde_json::json!({
            "error": { "status": status.as_u16(), "message": self.public_message() }
        });
        let mut response = (status, axum::Json(body)).into_response();
        self.add_headers(&mut response);
        response
    }

    fn add_headers(&self, response: &mut Response) {
        let outcome = match self {
            Self::QueryTimeout(_) => Some(crate::service::metrics::Outcome::Timeout),
            Self::Unavailable(_) => Some(crate::service::metrics::Outcome::TooManyQueries),
            Self::TooManyRequests { .. } => Some(crate::service::metrics::Outcome::RateLimited),
            Self::PayloadTooLarge { .. } => Some(crate::service::metrics::Outcome::BodyTooLarge),
            Self::UriTooLong { .. } => Some(crate::service::metrics::Outcome::UriTooLong),
            _ => None,
        };
        if let Some(outcome) = outcome {
            response.extensions_mut().insert(outcome);
        }
        if let Self::MethodNotAllowed { allowed, .. } = self {
            if let Ok(value) = HeaderValue::from_str(allowed) {
                response.headers_mut().insert(header::ALLOW, value);
            }
        }
        if let Self::Unauthorized { invalid_token, .. } = self {
            // RFC 6750 section 3: the challenge names the scheme; a token that was sent but is
            // wrong is reported as such, a missing one only gets the challenge.
            let challenge = if *invalid_token {
                "Bearer realm=\"factgraph\", error=\"invalid_token\""
            } else {
                "Bearer realm=\"factgraph\""
            };
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        if matches!(
            self,
            Self::QueryTimeout(_) | Self::Unavailable(_) | Self::TooManyRequests { .. }
        ) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
    }
}

impl Error {
    /// The error for a request body axum could not read: too large for `limit` (413), or
    /// unreadable (400).
    pub fn from_body_rejection(
        rejection: &axum::extract::rejection::BytesRejection,
        limit: usize,
    ) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return Self::PayloadTooLarge { limit };
        }
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(rejection);
        while let Some(error) = source {
            if let Some(timeout) = error.downcast_ref::<crate::service::server::BodyTimeout>() {
                return Self::RequestTimeout(timeout.to_string());
            }
            source = error.source();
        }
        Self::BadRequest(format!("the request body could not be read: {rejection}"))
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{}\n", self.public_message()),
        )
            .into_response();
        self.add_headers(&mut response);
        response
    }
}

/// The store's failures as the HTTP layer words them: the one place that gives each a status.
impl From<store::Error> for Error {
    fn from(error: store::Error) -> Self {
        match error {
            store::Error::Invalid(message) => Self::BadRequest(message),
            error @ (store::Error::QuerySyntax(_) | store::Error::TooDeep { .. }) => {
                Self::Query(error)
            }
            store::Error::QueryRejected(message) => Self::QueryRejected(message),
            store::Error::ReadOnly(message) => Self::Forbidden(message),
            store::Error::QueryTimeout(limit) => Self::QueryTimeout(limit),
            store::Error::Busy(message) => Self::Unavailable(message),
            error @ (store::Error::Upstream { .. }
            | store::Error::Truncated { .. }
            | store::Error::ServiceFailed(_)) => Self::Engine(error),
            store::Error::Io(error) => Self::Io(error),
            error @ (store::Error::Storage(_) | store::Error::Internal(_)) => {
                Self::Internal(error.to_string())
            }
        }
    }
}

/// The question engine's failures: the store's as the store's, malformed templates as ours.
impl From<crate::qa::error::Error> for Error {
    fn from(error: crate::qa::error::Error) -> Self {
        match error {
            crate::qa::error::Error::Store(error) => error.into(),
            error @ crate::qa::error::Error::Templates(_) => Self::Internal(error.to_string()),
        }
    }
}

/// Reconciliation's failures: a request that breaks the 0.2 schemas is the client's (400), a
/// batch over `batchSize` is 413 as the API says.
impl From<crate::reconcile::error::Error> for Error {
    fn from(error: crate::reconcile::error::Error) -> Self {
        match error {
            crate::reconcile::error::Error::Invalid(message) => Self::BadRequest(message),
            crate::reconcile::error::Error::BatchTooLarge { got, limit } => {
                Self::BatchTooLarge { got, limit }
            }
            crate::reconcile::error::Error::Store(error) => error.into(),
        }
    }
}

/// The service machinery's failures: no query slot (503 with `Retry-After`), a failed task.
impl From<crate::service::error::Error> for Error {
    fn from(error: crate::service::error::Error) -> Self {
        match error {
            error @ crate::service::error::Error::Busy => Self::Unavailable(error.to_string()),
            crate::service::error::Error::Task(error) => error.into(),
        }
    }
}

/// What `AppState::blocking` and `AppState::write` give back, the service's failure around the
/// work's, as one HTTP error.
pub trait Flatten<T> {
    fn flat(self) -> Result<T>;
}

impl<T, E> Flatten<T>
    for std::result::Result<std::result::Result<T, E>, crate::service::error::Error>
where
    Error: From<E>,
{
    fn flat(self) -> Result<T> {
        self?.map_err(Error::from)
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(error: tokio::task::JoinError) -> Self {
        Self::Internal(format!("a blocking task failed: {error}"))
    }
}

/// The routes whose clients read JSON, errors included (`openapi.json` describes them so).
pub const JSON_ROUTES: &[&str] = &[
    "/ask",
    "/questions",
    "/healthz",
    "/openapi.json",
    "/reconcile",
    "/reconcile/suggest/entity",
    "/reconcile/suggest/type",
    "/reconcile/suggest/property",
    "/reconcile/properties",
];

/// The result type of the service.
pub type Result<T, E = Error> = std::result::Result<T, E>;
