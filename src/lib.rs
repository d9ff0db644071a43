//! factgraph: the facts of one article as an RDF knowledge graph, served over HTTP, with
//! answers to plain-language questions about it.
//!
//! [`app`] builds the whole HTTP service from an [`AppState`]; `main.rs` only parses the command
//! line and binds a socket, so tests drive exactly what users get.

pub mod ask;
pub mod config;
pub mod error;
pub mod negotiate;
pub mod ops;
pub mod qa;
pub mod sparql;
pub mod store;

use axum::http::{header, HeaderMap, Method};
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::TraceLayer;

/// Settings of a running service that handlers read.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// Stop queries after this long; `None` means no limit.
    pub query_timeout: Option<Duration>,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            query_timeout: Some(Duration::from_secs(30)),
        }
    }
}

/// Everything a handler needs, shared by all requests. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: store::Store,
    pub config: Arc<ServiceConfig>,
    /// The question-answering engine, built from the graph at start-up.
    pub qa: Arc<qa::Engine>,
}

impl AppState {
    /// Builds the state, including the question-answering engine (from the store's graph).
    pub fn new(store: store::Store, config: ServiceConfig) -> Result<Self, store::LoadError> {
        let qa =
            qa::Engine::build(&store).map_err(|e| store::LoadError::Questions(e.to_string()))?;
        Ok(Self {
            store,
            config: Arc::new(config),
            qa: Arc::new(qa),
        })
    }

    /// Loads the shipped graph with the default base; what the tests and `cargo run` use.
    pub fn shipped() -> Result<Self, store::LoadError> {
        let (store, _) = store::Store::load(&config::shipped_data_paths(), store::DEFAULT_BASE)?;
        Self::new(store, ServiceConfig::default())
    }

    /// `scheme://host[:port]` as the client addressed us, for links in responses. Behind a proxy
    /// the `X-Forwarded-Proto` header gives the scheme.
    pub fn public_origin(&self, headers: &HeaderMap) -> String {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
            })
            .unwrap_or("localhost");
        let scheme = match headers
            .get("x-forwarded-proto")
            .and_then(|h| h.to_str().ok())
        {
            Some("https") => "https",
            _ => "http",
        };
        format!("{scheme}://{host}")
    }
}

/// The whole HTTP service.
pub fn app(state: AppState) -> Router {
    // Reads are open to pages on other origins (YASGUI, Comunica in a browser).
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::POST, Method::OPTIONS])
        .allow_headers([header::ACCEPT, header::CONTENT_TYPE, header::AUTHORIZATION])
        .max_age(Duration::from_secs(86_400));
    Router::new()
        .merge(sparql::router())
        .merge(ops::router())
        .merge(ask::router())
        .layer(cors)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
