//! factgraph: the facts of one article as an RDF knowledge graph, served over HTTP, with
//! answers to plain-language questions about it.
//!
//! [`app`] builds the whole HTTP service from an [`AppState`]; `main.rs` only parses the command
//! line and binds a socket, so tests drive exactly what users get.

pub(crate) mod builder;
pub mod config;
pub(crate) mod http;
pub mod link;
pub(crate) mod linked_data;
pub mod qa;
pub mod reconcile;
pub(crate) mod service;
pub mod store;

pub use http::ask::answer_json;
pub use service::access;
pub use service::server::serve;
pub use service::state::{AppState, ServiceConfig};

use axum::Router;
use http::{ask, assets, cors, docs, editor, graph_store, home, ops, sparql};

/// The whole HTTP service.
pub fn app(state: AppState) -> Router {
    // CORS and OPTIONS answer from the routes' complete responses, the `Allow` header that the
    // method routers add last included, so they wrap the whole router rather than each route.
    Router::new()
        .fallback_service(routes(state))
        .layer(cors::CorsLayer)
}

fn routes(state: AppState) -> Router {
    Router::new()
        .merge(home::router())
        .merge(editor::router())
        .merge(docs::router())
        .merge(assets::router())
        .merge(sparql::router())
        .merge(graph_store::router(state.store.base()))
        .merge(ops::router())
        .merge(http::linked_data::router(state.store.base()))
        .merge(ask::router())
        .merge(http::reconcile::router())
        .merge(http::builder::router())
        // One `Router::layer` call for the whole stack: each call boxes every route again, and
        // a boxed route clones its service and boxes its future on every request. Outermost
        // first: counting and logging (with the URL and rate limits inside it), then the body
        // limit.
        .layer(
            tower::ServiceBuilder::new()
                .layer(http::observe::ObserveLayer::new(&state))
                .layer(axum::extract::DefaultBodyLimit::max(
                    state.config.max_body_bytes,
                )),
        )
        .with_state(state)
}
