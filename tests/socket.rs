//! Tests over a real bound socket: the protocol as a TCP client sees it, and a runaway query
//! that must stop using the CPU once its time limit has passed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use factgraph::{AppState, ServiceConfig};
use std::time::{Duration, Instant};

#[tokio::test]
async fn select_over_tcp() {
    let address = common::spawn_server(common::state()).await;
    let query = common::encode("SELECT ?x WHERE { BIND(7 AS ?x) }");
    let (status, headers, body) = common::raw_request(
        address,
        &format!("GET /sparql?query={query} HTTP/1.1\nAccept: text/csv"),
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(headers
        .iter()
        .any(|(k, v)| k == "content-type" && v.starts_with("text/csv")));
    assert!(body.contains("x\r\n7"), "{body}");
}

/// CPU seconds this process has used (user + system), from /proc.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name, which is in parentheses and may contain spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runaway_query_is_stopped_and_stops_using_the_cpu() {
    let state = common::state();
    let state = AppState::new(
        state.store.clone(),
        ServiceConfig {
            query_timeout: Some(Duration::from_secs(1)),
            ..ServiceConfig::default()
        },
    )
    .unwrap();
    let address = common::spawn_server(state).await;
    // Ten VALUES blocks of ten values: 10^10 solutions to count, hours of work. It touches no
    // stored data, which is the case Oxigraph's own cancellation missed.
    let values = "{1 2 3 4 5 6 7 8 9 10}";
    let blocks: String = "abcdefghij"
        .chars()
        .map(|v| format!("VALUES ?{v} {values} "))
        .collect();
    let query = common::encode(&format!("SELECT (COUNT(*) AS ?n) WHERE {{ {blocks} }}"));
    let started = Instant::now();
    let (status, headers, body) =
        common::raw_request(address, &format!("GET /sparql?query={query} HTTP/1.1"), "").await;
    let elapsed = started.elapsed();
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("time limit"), "{body}");
    assert!(headers.iter().any(|(k, _)| k == "retry-after"));
    assert!(
        elapsed < Duration::from_secs(3),
        "answered after {elapsed:?}"
    );
    // Give the evaluation a moment to notice, then measure: an idle process uses almost no CPU.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = cpu_seconds();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let used = cpu_seconds() - before;
    assert!(
        used < 0.5,
        "the process used {used:.2} CPU seconds in the 2 s after the time-out: the query still runs"
    );
}
