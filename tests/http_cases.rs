//! Runs every HTTP case file under `tests/cases/http/` through the app in-process.
//!
//! A file holds cases separated by lines starting with `###` (the case's name). A case is a
//! request written as on the wire (method, path, headers, blank line, body), then the expected
//! response: `HTTP <status>`, then expectations, one per line:
//! `<header-name>: <prefix of its value>`, `contains: <text>`, `not-contains: <text>`,
//! `header-absent: <name>`. Escapes `\n`, `\t` and `\r` work in bodies and expectations.
//! A file runs against the shipped graph unless a line `#! data: <path>, …` (relative to the
//! crate) names the files to load instead, for cases that need known content. `#! write-token:
//! <token>` configures the service's write token; `#! persistent` runs the file on a new
//! on-disk store of its own (only built with the `rocksdb` feature; skipped otherwise, and
//! over a remote endpoint, which is never written to).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use factgraph::AppState;
use std::path::Path;

#[derive(Debug)]
struct Case {
    file: String,
    name: String,
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    body: String,
    status: u16,
    expectations: Vec<(String, String)>,
}

fn unescape(text: &str) -> String {
    text.replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\r", "\r")
}

fn parse_file(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path).unwrap();
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut cases = Vec::new();
    for block in text.split("\n###").skip(1) {
        let mut lines = block.lines();
        let name = lines.next().unwrap().trim().to_owned();
        let lines: Vec<&str> = lines.filter(|l| !l.starts_with('#')).collect();
        let mut i = 0;
        while i < lines.len() && lines[i].trim().is_empty() {
            i += 1;
        }
        let (method, uri) = lines[i]
            .split_once(' ')
            .unwrap_or_else(|| panic!("{file}: {name}: no request line"));
        i += 1;
        let mut headers = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() && !lines[i].starts_with("HTTP ") {
            let (k, v) = lines[i].split_once(':').unwrap();
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
            i += 1;
        }
        let mut body_lines = Vec::new();
        while i < lines.len() && !lines[i].starts_with("HTTP ") {
            body_lines.push(lines[i]);
            i += 1;
        }
        let body = unescape(body_lines.join("\n").trim());
        let status_line = lines
            .get(i)
            .unwrap_or_else(|| panic!("{file}: {name}: no HTTP status line"));
        let status = status_line["HTTP ".len()..].trim().parse().unwrap();
        let expectations = lines[i + 1..]
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (k, v) = l.split_once(':').unwrap();
                (k.trim().to_ascii_lowercase(), unescape(v.trim()))
            })
            .collect();
        cases.push(Case {
            file: file.clone(),
            name,
            method: method.trim().to_owned(),
            uri: uri.trim().to_owned(),
            headers,
            body,
            status,
            expectations,
        });
    }
    cases
}

/// The app a file's cases run against: `state` (the shipped graph), or an embedded store of the
/// files its `#! data:` line names, or a persistent store; `None` when this build or backend
/// cannot run the file.
fn app_for(text: &str, state: &AppState, remote: bool) -> Option<axum::Router> {
    let directive = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix("#! ")?.strip_prefix(name))
            .map(|rest| rest.trim_start_matches(':').trim())
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let paths: Option<Vec<_>> =
        directive("data").map(|paths| paths.split(',').map(|p| root.join(p.trim())).collect());
    let mut state = if directive("persistent").is_some() {
        if remote {
            return None;
        }
        persistent_state(paths.unwrap_or_else(factgraph::store::shipped_data_paths))?
    } else {
        match paths {
            None => state.clone(),
            Some(paths) => {
                let (store, _) =
                    factgraph::store::Store::load(&paths, factgraph::store::DEFAULT_BASE).unwrap();
                AppState::new(store, factgraph::ServiceConfig::default()).unwrap()
            }
        }
    };
    if let Some(token) = directive("write-token") {
        state = state.with_write_token(&token.parse().unwrap());
    }
    Some(factgraph::app(state))
}

/// The directories of the on-disk stores made for case files, removed after the run.
static STORES: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A new on-disk store in a directory of its own, with the given files.
#[cfg(feature = "rocksdb")]
fn persistent_state(paths: Vec<std::path::PathBuf>) -> Option<AppState> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "factgraph-http-cases-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    STORES.lock().unwrap().push(dir.clone());
    let (store, report) =
        factgraph::store::Store::open(&dir, &paths, factgraph::store::DEFAULT_BASE).unwrap();
    assert!(report.is_some(), "a new store loads its files");
    Some(AppState::new(store, factgraph::ServiceConfig::default()).unwrap())
}

#[cfg(not(feature = "rocksdb"))]
fn persistent_state(_paths: Vec<std::path::PathBuf>) -> Option<AppState> {
    None
}

async fn run(case: &Case, app: axum::Router) -> Result<(), String> {
    let mut request = Request::builder()
        .method(case.method.as_str())
        .uri(&case.uri);
    for (k, v) in &case.headers {
        request = request.header(k, v);
    }
    let reply = common::send_to(app, request.body(Body::from(case.body.clone())).unwrap()).await;
    let mut problems = Vec::new();
    if reply.status != case.status {
        problems.push(format!(
            "status {} instead of {}",
            reply.status, case.status
        ));
    }
    for (key, value) in &case.expectations {
        match key.as_str() {
            "contains" if !reply.body.contains(value) => {
                problems.push(format!("body does not contain {value:?}"))
            }
            "not-contains" if reply.body.contains(value) => {
                problems.push(format!("body contains {value:?}"))
            }
            "header-absent" if reply.headers.contains_key(value.as_str()) => {
                problems.push(format!("header {value} is present"))
            }
            "contains" | "not-contains" | "header-absent" => {}
            header if !reply.header(header).starts_with(value.as_str()) => problems.push(format!(
                "header {header} is {:?}, expected it to start with {value:?}",
                reply.header(header)
            )),
            _ => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} / {}: {}\n--- body ---\n{}",
            case.file,
            case.name,
            problems.join("; "),
            reply.body.chars().take(1500).collect::<String>()
        ))
    }
}

/// Runs every case file against the service built on `state`.
async fn run_all(state: AppState, remote: bool) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/http");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "http"))
        .collect();
    files.sort();
    let mut count = 0;
    let mut failures = Vec::new();
    for file in files {
        let Some(app) = app_for(&std::fs::read_to_string(&file).unwrap(), &state, remote) else {
            println!("skipped {} (needs a persistent store)", file.display());
            continue;
        };
        for case in parse_file(&file) {
            count += 1;
            if let Err(e) = run(&case, app.clone()).await {
                failures.push(e);
            }
        }
    }
    for store in STORES.lock().unwrap().drain(..) {
        let _ = std::fs::remove_dir_all(store);
    }
    assert!(count > 0, "no HTTP cases found in {}", dir.display());
    assert!(
        failures.is_empty(),
        "{} of {count} HTTP cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    println!("{count} HTTP cases passed");
}

#[tokio::test]
async fn http_cases() {
    run_all(common::state(), false).await;
}

/// The same cases with the graph behind a remote SPARQL endpoint (another factgraph on a
/// loopback socket): the service must behave the same whatever engine holds the data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_cases_over_a_remote_endpoint() {
    run_all(common::remote_state().await, true).await;
}
