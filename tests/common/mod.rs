//! Shared test helpers: the app over the shipped graph, and one request through it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{Request, Response};
use factgraph::{app, AppState};
use http_body_util::BodyExt;
use std::sync::OnceLock;
use tower::ServiceExt;

/// The shipped graph, loaded once per test binary.
pub fn state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| AppState::shipped().expect("the shipped graph loads"))
        .clone()
}

/// A response with its body read.
pub struct Reply {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }
}

/// Sends one request through the app in-process.
pub async fn send(request: Request<Body>) -> Reply {
    send_to(app(state()), request).await
}

pub async fn send_to(router: axum::Router, request: Request<Body>) -> Reply {
    let response: Response<Body> = router.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub async fn get(uri: &str) -> Reply {
    send(Request::get(uri).body(Body::empty()).unwrap()).await
}
