//! Black-box: what the service answers for each kind of answer a remote SPARQL engine can
//! give (`tests/cases/engine/*.case`). The engine is a stand-in on a loopback socket that
//! forwards every query to the shipped graph (so start-up works as over any engine) except a
//! query naming `<urn:case:NAME>`, which gets the canned answer of `NAME.case`.
//!
//! A case file: `#` comment lines, then `query:` (sent to `/sparql`), optional `accept:`,
//! `engine-status:`, `engine-header:` lines, `expect-status:`, `expect-body:` and
//! `expect-not-body:` lines, then a line `---` and the engine's body.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
struct Case {
    name: String,
    query: String,
    accept: String,
    engine_status: u16,
    engine_headers: Vec<(String, String)>,
    engine_body: String,
    status: u16,
    contains: Vec<String>,
    not_contains: Vec<String>,
}

fn parse(name: &str, text: &str) -> Case {
    let (head, body) = text
        .split_once("\n---\n")
        .unwrap_or_else(|| panic!("{name}: no --- line before the engine's body"));
    let mut case = Case {
        name: name.to_owned(),
        accept: "application/sparql-results+json".to_owned(),
        engine_body: body.to_owned(),
        ..Case::default()
    };
    for line in head
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (key, value) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("{name}: not a `key: value` line: {line}"));
        let value = value.to_owned();
        match key {
            "query" => case.query = value,
            "accept" => case.accept = value,
            "engine-status" => case.engine_status = value.parse().unwrap(),
            "engine-header" => {
                let (k, v) = value.split_once(": ").unwrap();
                case.engine_headers.push((k.to_owned(), v.to_owned()));
            }
            "expect-status" => case.status = value.parse().unwrap(),
            "expect-body" => case.contains.push(value),
            "expect-not-body" => case.not_contains.push(value),
            other => panic!("{name}: unknown key {other}"),
        }
    }
    case
}

/// The stand-in engine: canned answers by case name, everything else forwarded to `inner`.
async fn engine(
    cases: Arc<HashMap<String, Case>>,
    inner: std::net::SocketAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "query")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let case = query
        .split("<urn:case:")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .and_then(|name| cases.get(name));
    if let Some(case) = case {
        let mut response = (
            StatusCode::from_u16(case.engine_status).unwrap(),
            case.engine_body.clone(),
        )
            .into_response();
        for (k, v) in &case.engine_headers {
            response
                .headers_mut()
                .insert::<axum::http::HeaderName>(k.parse().unwrap(), v.parse().unwrap());
        }
        return response;
    }
    let (status, content_type, bytes) = forward(inner, &headers, body).await;
    (status, [("content-type", content_type)], bytes).into_response()
}

/// Sends a protocol request on to the shipped graph's `/sparql`: status, type and body.
async fn forward(
    inner: std::net::SocketAddr,
    headers: &HeaderMap,
    body: Bytes,
) -> (StatusCode, String, Vec<u8>) {
    let accept = headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("*/*")
        .to_owned();
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut answer = agent
            .post(&format!("http://{inner}/sparql"))
            .header("Accept", &accept)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(&body[..])
            .unwrap();
        let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
        let content_type = answer
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = answer
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()
            .unwrap();
        (status, content_type, bytes)
    })
    .await
    .unwrap()
}

/// A stand-in engine that cuts every JSON answer at `cap` rows and says so, as Virtuoso does
/// with its ResultSetMaxRows.
async fn capped(
    cap: usize,
    inner: std::net::SocketAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (status, content_type, bytes) = forward(inner, &headers, body).await;
    let mut said = false;
    let bytes = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(mut json) if content_type.starts_with("application/sparql-results+json") => {
            if let Some(rows) = json
                .pointer_mut("/results/bindings")
                .and_then(|b| b.as_array_mut())
            {
                said = rows.len() >= cap;
                rows.truncate(cap);
            }
            serde_json::to_vec(&json).unwrap()
        }
        _ => bytes,
    };
    let mut response = (status, [("content-type", content_type)], bytes).into_response();
    if said {
        response
            .headers_mut()
            .insert("x-sparql-maxrows", cap.to_string().parse().unwrap());
    }
    response
}

/// The start-up queries read past an engine's row cap in pages: over an engine that cuts at
/// 500 rows (the largest start-up answer has over 1 600), the service answers every question
/// of the English file as over the embedded store, and VoID counts the same.
#[tokio::test(flavor = "multi_thread")]
async fn start_up_reads_past_a_row_cap_in_pages() {
    let embedded = factgraph::AppState::shipped().unwrap();
    let inner = common::spawn_server(embedded.clone()).await;
    let router = axum::Router::new()
        .fallback(move |headers: HeaderMap, body: Bytes| capped(500, inner, headers, body));
    let address = common::serve_router(router).await;
    let remote = common::remote_state_at(address, factgraph::store::DEFAULT_MAX_ANSWER_BYTES).await;
    let questions = std::fs::read_to_string("tests/cases/questions/en.tsv").unwrap();
    let mut asked = 0;
    for question in questions
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
    {
        let ask = |state: &factgraph::AppState| {
            let request = Request::get(format!("/ask?q={}", common::encode(question)))
                .header("Accept", "application/json")
                .body(Body::empty())
                .unwrap();
            common::send_to(factgraph::app(state.clone()), request)
        };
        let (here, there) = (ask(&embedded).await, ask(&remote).await);
        assert_eq!(there.status, 200, "{question}: {}", there.body);
        // The same answer; values that come in no defined order compared as a set.
        let values = |reply: &common::Reply| {
            let json = reply.json();
            let mut values: Vec<String> = json["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["value"].to_string())
                .collect();
            values.sort();
            (json["answered"].clone(), json["template"].clone(), values)
        };
        assert_eq!(values(&here), values(&there), "{question}");
        asked += 1;
    }
    assert!(asked > 100, "only {asked} questions");
    let void = |state: &factgraph::AppState| {
        let request = Request::get("/.well-known/void")
            .header("Accept", "application/n-triples")
            .body(Body::empty())
            .unwrap();
        common::send_to(factgraph::app(state.clone()), request)
    };
    let triples = |body: &str| {
        body.lines()
            .find(|l| {
                l.starts_with("<https://w3id.org/factgraph/> <http://rdfs.org/ns/void#triples>")
            })
            .map(str::to_owned)
    };
    let (here, there) = (void(&embedded).await, void(&remote).await);
    assert_eq!(there.status, 200, "{}", there.body);
    assert!(triples(&here.body).is_some());
    assert_eq!(triples(&here.body), triples(&there.body));
}

#[tokio::test(flavor = "multi_thread")]
async fn engine_answers() {
    let mut cases = HashMap::new();
    let mut files: Vec<_> = std::fs::read_dir("tests/cases/engine")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "case"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in &files {
        let name = file.file_stem().unwrap().to_str().unwrap().to_owned();
        let case = parse(&name, &std::fs::read_to_string(file).unwrap());
        cases.insert(name, case);
    }
    let cases = Arc::new(cases);
    let inner = common::spawn_server(factgraph::AppState::shipped().unwrap()).await;
    let canned = Arc::clone(&cases);
    let router = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        engine(Arc::clone(&canned), inner, headers, body)
    });
    let address = common::serve_router(router).await;
    // Answers of at most 1 MiB (--max-result-bytes): the start-up's fit, a cross product not.
    let state = common::remote_state_at(address, 1 << 20).await;

    let mut failures = Vec::new();
    let huge = "SELECT * WHERE { ?s ?p ?o . ?x a fg:Sentence } LIMIT 20000";
    let request = Request::get(format!("/sparql?query={}", common::encode(huge)))
        .header("Accept", "application/sparql-results+json")
        .body(Body::empty())
        .unwrap();
    let reply = common::send_to(factgraph::app(state.clone()), request).await;
    if reply.status != 400
        || !reply
            .body
            .contains("larger than the limit of 1048576 bytes")
    {
        failures.push(format!(
            "an answer past --max-result-bytes: {} {}",
            reply.status, reply.body
        ));
    }
    let mut names: Vec<_> = cases.keys().cloned().collect();
    names.sort();
    for name in names {
        let case = &cases[&name];
        let request = Request::get(format!("/sparql?query={}", common::encode(&case.query)))
            .header("Accept", &case.accept)
            .body(Body::empty())
            .unwrap();
        let reply = common::send_to(factgraph::app(state.clone()), request).await;
        let mut problems = Vec::new();
        if reply.status != case.status {
            problems.push(format!(
                "status {} instead of {}",
                reply.status, case.status
            ));
        }
        for text in &case.contains {
            if !reply.body.contains(text.as_str()) {
                problems.push(format!("body does not contain {text:?}"));
            }
        }
        for text in &case.not_contains {
            if reply.body.contains(text.as_str()) {
                problems.push(format!("body contains {text:?}"));
            }
        }
        if problems.is_empty() {
            println!("ok   {}", case.name);
        } else {
            failures.push(format!(
                "{}: {}\n--- body ---\n{}",
                case.name,
                problems.join("; "),
                reply.body
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} engine cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
