//! Operational routes: health, Prometheus metrics and the OpenAPI description.

use crate::error::Result;
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};

/// The OpenAPI 3 description of the HTTP API, kept as a document next to the code.
const OPENAPI: &str = include_str!("openapi.json");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
}

/// 200 when the store answers a trivial query (the service does not listen before the graph is
/// loaded). It stays cheap on a large remote engine, so load balancers may poll it often.
async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>> {
    let store = state.store.clone();
    let backend = if store.remote_url().is_some() {
        "remote"
    } else {
        "embedded"
    };
    tokio::task::spawn_blocking(move || store.ask("ASK {}")).await??;
    Ok(Json(
        serde_json::json!({ "status": "ok", "backend": backend }),
    ))
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let mut text = state.metrics.render();
    let (hits, misses) = state.cache.counts();
    text.push_str(&format!(
        "# HELP factgraph_cache_lookups_total Lookups in the response cache, by result.\n\
         # TYPE factgraph_cache_lookups_total counter\n\
         factgraph_cache_lookups_total{{result=\"hit\"}} {hits}\n\
         factgraph_cache_lookups_total{{result=\"miss\"}} {misses}\n"
    ));
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
