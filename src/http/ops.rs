//! Operational routes: health, Prometheus metrics and the OpenAPI description.

use crate::http::error::Result;
use crate::service::state::AppState;
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

async fn openapi(State(state): State<AppState>) -> impl IntoResponse {
    let writable = state.write_access.is_some();
    (
        [(header::CONTENT_TYPE, "application/json")],
        document(writable),
    )
}

/// The document as this instance serves it. A read-only instance (no write token) has no
/// credentials to ask for: its writes are described as what they are, answered 403 whoever
/// sends them, rather than as operations a bearer token would open. Made once per variant.
fn document(writable: bool) -> &'static str {
    static DOCUMENTS: [std::sync::OnceLock<String>; 2] =
        [std::sync::OnceLock::new(), std::sync::OnceLock::new()];
    DOCUMENTS[usize::from(writable)].get_or_init(|| {
        if writable {
            return OPENAPI.to_owned();
        }
        // The document is checked by a test; should it ever fail to parse, serve it as written.
        serde_json::from_str::<serde_json::Value>(OPENAPI)
            .map(|mut document| {
                read_only(&mut document);
                document.to_string()
            })
            .unwrap_or_else(|_| OPENAPI.to_owned())
    })
}

/// Rewrites every operation that needs the write token for an instance that has none.
fn read_only(document: &mut serde_json::Value) {
    if let Some(components) = document
        .get_mut("components")
        .and_then(|c| c.as_object_mut())
    {
        components.remove("securitySchemes");
    }
    let Some(paths) = document.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for operation in paths
        .values_mut()
        .filter_map(|path| path.as_object_mut())
        .flat_map(|path| path.values_mut())
    {
        let Some(operation) = operation.as_object_mut() else {
            continue;
        };
        if operation.remove("security").is_none() {
            continue;
        }
        if let Some(responses) = operation
            .get_mut("responses")
            .and_then(|r| r.as_object_mut())
        {
            responses.remove("401");
        }
        let summary = operation
            .get("summary")
            .and_then(|s| s.as_str())
            .unwrap_or_default();
        let summary = format!("{summary}. This instance is read-only: writes are answered 403.");
        operation.insert("summary".to_owned(), summary.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_parses_in_both_variants() {
        for writable in [false, true] {
            let document: serde_json::Value =
                serde_json::from_str(document(writable)).expect("valid JSON");
            assert_eq!(document["openapi"], "3.0.3");
            let text = document.to_string();
            assert_eq!(
                text.contains("\"bearer\""),
                writable,
                "writable: {writable}"
            );
        }
    }
}
