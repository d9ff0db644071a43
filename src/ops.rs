//! Operational routes: health.

use crate::error::Result;
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

/// 200 once the store is loaded (the service does not listen before that), with its size.
async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>> {
    let store = state.store.clone();
    let quads = tokio::task::spawn_blocking(move || store.len()).await??;
    Ok(Json(serde_json::json!({ "status": "ok", "quads": quads })))
}
