//! The limits that keep one client from starving the others, and the operational routes that
//! report on them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use factgraph::{app, AppState, ServiceConfig};
use std::time::Duration;

fn state_with(config: ServiceConfig) -> AppState {
    AppState::new(common::state().store.clone(), config).unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

/// A query that would count 10^10 solutions: it runs until its time limit stops it.
fn endless_query() -> String {
    let blocks: String = "abcdefghij"
        .chars()
        .map(|v| format!("VALUES ?{v} {{1 2 3 4 5 6 7 8 9 10}} "))
        .collect();
    common::encode(&format!("SELECT (COUNT(*) AS ?n) WHERE {{ {blocks} }}"))
}

#[tokio::test]
async fn an_over_long_url_gets_414() {
    let router = app(state_with(ServiceConfig {
        max_url_bytes: 1000,
        ..ServiceConfig::default()
    }));
    let long = common::encode(&format!(
        "ASK {{ FILTER(\"{}\" != \"\") }}",
        "x".repeat(2000)
    ));
    let reply = common::send_to(router, get(&format!("/sparql?query={long}"))).await;
    assert_eq!(reply.status, 414, "{}", reply.body);
    assert!(
        reply.body.contains("1000 bytes") && reply.body.contains("POST"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn an_over_large_body_gets_413() {
    let router = app(state_with(ServiceConfig {
        max_body_bytes: 1000,
        ..ServiceConfig::default()
    }));
    let query = format!("ASK {{ FILTER(\"{}\" != \"\") }}", "x".repeat(5000));
    let request = Request::post("/sparql")
        .header("content-type", "application/sparql-query")
        .body(Body::from(query))
        .unwrap();
    let reply = common::send_to(router, request).await;
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert!(reply.body.contains("1000 bytes"), "{}", reply.body);
}

#[tokio::test]
async fn an_over_large_result_is_refused() {
    let router = app(state_with(ServiceConfig {
        max_result_bytes: 2000,
        ..ServiceConfig::default()
    }));
    let query = common::encode("SELECT * WHERE { ?s ?p ?o }");
    let reply = common::send_to(router, get(&format!("/sparql?query={query}"))).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.body.contains("2000 bytes"), "{}", reply.body);
}

#[tokio::test]
async fn clients_above_the_rate_get_429() {
    let router = app(state_with(ServiceConfig {
        rate_limit: Some(3.0),
        ..ServiceConfig::default()
    }));
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let reply = common::send_to(router.clone(), get("/healthz")).await;
        statuses.push(reply.status);
        if reply.status == 429 {
            assert!(reply.headers.contains_key("retry-after"));
            assert!(reply.body.contains("too many requests"), "{}", reply.body);
        }
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_beyond_the_slots_get_503_at_once() {
    let state = state_with(ServiceConfig {
        max_concurrent_queries: 1,
        query_timeout: Some(Duration::from_secs(2)),
        ..ServiceConfig::default()
    });
    let address = common::spawn_server(state).await;
    let long = tokio::spawn(async move {
        common::raw_request(
            address,
            &format!("GET /sparql?query={} HTTP/1.1", endless_query()),
            "",
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ask = common::encode("ASK {}");
    let started = std::time::Instant::now();
    let (status, headers, body) =
        common::raw_request(address, &format!("GET /sparql?query={ask} HTTP/1.1"), "").await;
    assert_eq!(status, 503, "{body}");
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "it waited in a queue"
    );
    assert!(body.contains("too many queries"), "{body}");
    assert!(headers.iter().any(|(k, _)| k == "retry-after"));
    // The first query ends at its limit and gives its slot back.
    let (status, _, _) = long.await.unwrap();
    assert_eq!(status, 503);
    let (status, _, body) =
        common::raw_request(address, &format!("GET /sparql?query={ask} HTTP/1.1"), "").await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let router = app(state_with(ServiceConfig::default()));
    let ask = common::encode("ASK {}");
    common::send_to(router.clone(), get(&format!("/sparql?query={ask}"))).await;
    common::send_to(router.clone(), get("/sparql?query=NOT%20SPARQL")).await;
    let reply = common::send_to(router, get("/metrics")).await;
    assert_eq!(reply.status, 200);
    assert!(reply.header("content-type").starts_with("text/plain"));
    for expected in [
        "factgraph_http_requests_total{method=\"GET\",route=\"/sparql\",status=\"200\"} 1",
        "factgraph_http_requests_total{method=\"GET\",route=\"/sparql\",status=\"400\"} 1",
        "factgraph_http_request_duration_seconds_count{route=\"/sparql\"} 2",
        "factgraph_query_timeouts_total 0",
        "factgraph_rejections_total{reason=\"too_many_queries\"} 0",
    ] {
        assert!(
            reply.body.contains(expected),
            "missing {expected:?} in\n{}",
            reply.body
        );
    }
}

#[tokio::test]
async fn openapi_describes_the_api() {
    let reply = common::get("/openapi.json").await;
    assert_eq!(reply.status, 200);
    let document = reply.json();
    assert_eq!(document["openapi"], "3.0.3");
    for path in ["/ask", "/questions", "/sparql", "/store"] {
        assert!(
            document["paths"][path].is_object(),
            "no {path} in the OpenAPI document"
        );
    }
}

/// The number after `factgraph_cache_lookups_total{result="…"}` in the metrics.
async fn cache_count(router: &axum::Router, result: &str) -> u64 {
    let reply = common::send_to(router.clone(), get("/metrics")).await;
    let prefix = format!("factgraph_cache_lookups_total{{result=\"{result}\"}} ");
    reply
        .body
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn repeated_queries_come_from_the_cache_unless_they_are_volatile() {
    let router = app(state_with(ServiceConfig::default()));
    let query =
        common::encode("SELECT ?v WHERE { id:audi-brussels fg:electricVehiclesProduced ?v }");
    let first = common::send_to(router.clone(), get(&format!("/sparql?query={query}"))).await;
    let second = common::send_to(router.clone(), get(&format!("/sparql?query={query}"))).await;
    assert_eq!((first.status, second.status), (200, 200));
    assert_eq!(first.body, second.body);
    assert!(second.body.contains("43866"));
    assert_eq!(cache_count(&router, "hit").await, 1);
    // Another format of the same query is another entry.
    let csv = common::send_to(
        router.clone(),
        get(&format!("/sparql?query={query}&format=csv")),
    )
    .await;
    assert_eq!(csv.body, "v\r\n43866\r\n");
    assert_eq!(cache_count(&router, "hit").await, 1);
    // RAND() differs per run: never served from the cache.
    let random = common::encode("SELECT (RAND() AS ?r) WHERE {}");
    let a = common::send_to(router.clone(), get(&format!("/sparql?query={random}"))).await;
    let b = common::send_to(router.clone(), get(&format!("/sparql?query={random}"))).await;
    assert_ne!(a.body, b.body);
    assert_eq!(cache_count(&router, "hit").await, 1);
}

#[tokio::test]
async fn the_cache_can_be_switched_off() {
    let router = app(state_with(ServiceConfig {
        cache_bytes: 0,
        ..ServiceConfig::default()
    }));
    let query = common::encode("ASK {}");
    for _ in 0..2 {
        let reply = common::send_to(router.clone(), get(&format!("/sparql?query={query}"))).await;
        assert_eq!(reply.status, 200);
    }
    assert_eq!(cache_count(&router, "hit").await, 0);
}

#[tokio::test]
async fn repeated_questions_come_from_the_cache() {
    let router = app(state_with(ServiceConfig::default()));
    let q = common::encode("Sinds wanneer is Audi eigenaar van de fabriek in Brussel?");
    let first = common::send_to(router.clone(), get(&format!("/ask?q={q}"))).await;
    let second = common::send_to(router.clone(), get(&format!("/ask?q={q}"))).await;
    assert_eq!((first.status, second.status), (200, 200));
    assert_eq!(first.body, second.body);
    assert_eq!(second.json()["values"][0]["value"], "2007");
    assert_eq!(cache_count(&router, "hit").await, 1);
}

#[tokio::test]
async fn an_over_large_question_body_gets_413_as_json() {
    let router = app(state_with(ServiceConfig {
        max_body_bytes: 100,
        ..ServiceConfig::default()
    }));
    let body = format!("{{\"question\": \"{}\"}}", "x".repeat(500));
    let request = Request::post("/ask")
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap();
    let reply = common::send_to(router, request).await;
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(reply.json()["error"]["status"], 413);
}
