//! Nothing lost: against the real binary on a persistent store, a write acknowledged with 2xx
//! survives SIGKILL and a restart, and a write that failed or was refused leaves nothing of
//! itself behind. Built only with the `rocksdb` feature.
#![cfg(feature = "rocksdb")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "durability-test-token-0123456789";

/// A directory of its own under the system's temp dir, removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "factgraph-durability-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary serving `store` on a free loopback port; killed with SIGKILL when dropped.
struct Server {
    child: Child,
    address: SocketAddr,
}

impl Server {
    fn start(store: &Path, token_file: &Path, extra: &[&str]) -> Self {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "--store".as_ref(),
            store.as_os_str(),
            "--write-token-file".as_ref(),
            token_file.as_os_str(),
        ];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        let (child, line) = common::start_binary(&args);
        let address = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .parse()
            .unwrap();
        Self { child, address }
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown code runs, nothing is flushed.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    fn request(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(self.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.address,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let response = String::from_utf8_lossy(&response).into_owned();
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Reply {
            status,
            body: body.to_owned(),
        }
    }

    fn update(&self, update: &str) -> Reply {
        let auth = format!("Bearer {TOKEN}");
        self.request(
            "POST",
            "/sparql",
            &[
                ("Content-Type", "application/sparql-update"),
                ("Authorization", &auth),
            ],
            update.as_bytes(),
        )
    }

    fn graph_write(&self, method: &str, graph: &str, content_type: &str, body: &[u8]) -> Reply {
        let auth = format!("Bearer {TOKEN}");
        self.request(
            method,
            &format!("/store?graph={}", encode(graph)),
            &[("Content-Type", content_type), ("Authorization", &auth)],
            body,
        )
    }

    fn read_graph(&self, graph: &str) -> Reply {
        self.request(
            "GET",
            &format!("/store?graph={}", encode(graph)),
            &[("Accept", "application/n-triples")],
            b"",
        )
    }

    fn ask(&self, query: &str) -> bool {
        let reply = self.request(
            "GET",
            &format!("/sparql?query={}", encode(query)),
            &[("Accept", "text/csv")],
            b"",
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body.contains("true")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    body: String,
}

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn token_file(dir: &TempDir) -> PathBuf {
    let path = dir.0.join("token");
    std::fs::write(&path, format!("{TOKEN}\n")).unwrap();
    path
}

const FACTS: &str = "https://w3id.org/factgraph/graph/facts";

#[test]
fn acknowledged_writes_survive_sigkill() {
    let started = Instant::now();
    let dir = TempDir::new("survive");
    let store = dir.0.join("store");
    let token = token_file(&dir);

    // First start: the empty directory gets the shipped graph.
    let server = Server::start(&store, &token, &[]);
    assert!(server.ask("ASK { id:audi fg:owns id:audi-brussels }"));
    let reply = server.update(
        "INSERT DATA { GRAPH <http://example.org/u> { <http://example.org/update> <http://example.org/p> 1 } } ; \
         DROP GRAPH <https://w3id.org/factgraph/graph/facts>",
    );
    assert_eq!(reply.status, 204, "{}", reply.body);
    server.kill();

    // The update is there, and the graph it dropped was not loaded again.
    let server = Server::start(&store, &token, &[]);
    assert!(server.ask("ASK { <http://example.org/update> ?p ?o }"));
    assert_eq!(server.read_graph(FACTS).status, 404);
    assert!(server.ask("ASK { id:audi-brussels a fg:Plant }"));
    let reply = server.graph_write(
        "PUT",
        "http://example.org/put",
        "text/turtle",
        b"<http://example.org/put> <http://example.org/p> \"put\" .",
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    server.kill();

    let server = Server::start(&store, &token, &[]);
    assert!(server
        .read_graph("http://example.org/put")
        .body
        .contains("\"put\""));
    let reply = server.graph_write(
        "POST",
        "http://example.org/put",
        "application/n-triples",
        b"<http://example.org/post> <http://example.org/p> \"post\" .\n",
    );
    assert_eq!(reply.status, 204, "{}", reply.body);
    server.kill();

    let server = Server::start(&store, &token, &[]);
    let graph = server.read_graph("http://example.org/put");
    assert_eq!(graph.status, 200);
    assert!(
        graph.body.contains("\"put\"") && graph.body.contains("\"post\""),
        "{}",
        graph.body
    );
    assert!(server.ask("ASK { <http://example.org/update> ?p ?o }"));
    server.kill();
    eprintln!(
        "acknowledged_writes_survive_sigkill: {:?}",
        started.elapsed()
    );
}

#[test]
fn failed_writes_leave_nothing() {
    let started = Instant::now();
    let dir = TempDir::new("failed");
    let store = dir.0.join("store");
    let token = token_file(&dir);
    let server = Server::start(&store, &token, &[]);

    // A PUT over an existing graph whose body breaks after a thousand good triples.
    let reply = server.graph_write(
        "PUT",
        "http://example.org/g",
        "text/turtle",
        b"<http://example.org/kept> <http://example.org/p> 1 .",
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let mut broken = String::new();
    for i in 0..1000 {
        broken.push_str(&format!(
            "<http://example.org/partial{i}> <http://example.org/p> {i} .\n"
        ));
    }
    broken.push_str("<http://example.org/partial> <http://example.org/p> \"unclosed .\n");
    for i in 0..1000 {
        broken.push_str(&format!(
            "<http://example.org/after{i}> <http://example.org/p> {i} .\n"
        ));
    }
    let reply = server.graph_write(
        "PUT",
        "http://example.org/g",
        "text/turtle",
        broken.as_bytes(),
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.body.contains("line 1001"), "{}", reply.body);
    let reply = server.graph_write(
        "POST",
        "http://example.org/new",
        "text/turtle",
        broken.as_bytes(),
    );
    assert_eq!(reply.status, 400, "{}", reply.body);

    // Updates whose first operation succeeds and a later one fails or is refused.
    let reply = server.update(
        "INSERT DATA { <http://example.org/half> <http://example.org/p> 1 } ; \
         CREATE GRAPH <http://example.org/g>",
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    let reply = server.update(
        "INSERT DATA { <http://example.org/half> <http://example.org/p> 2 } ; \
         LOAD <http://127.0.0.1:9/refused.ttl>",
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.body.contains("LOAD"), "{}", reply.body);

    let check = |server: &Server| {
        let graph = server.read_graph("http://example.org/g");
        assert_eq!(graph.status, 200);
        assert!(graph.body.contains("/kept>"), "{}", graph.body);
        assert!(!graph.body.contains("partial"), "{}", graph.body);
        assert_eq!(server.read_graph("http://example.org/new").status, 404);
        assert!(!server.ask("ASK { <http://example.org/half> ?p ?o }"));
        assert!(!server
            .ask("ASK { ?s ?p ?o FILTER(STRSTARTS(STR(?s), \"http://example.org/partial\")) }"));
    };
    check(&server);
    server.kill();
    let server = Server::start(&store, &token, &[]);
    check(&server);
    server.kill();
    eprintln!("failed_writes_leave_nothing: {:?}", started.elapsed());
}

#[test]
fn a_directory_with_other_files_is_refused() {
    let dir = TempDir::new("foreign");
    std::fs::write(dir.0.join("notes.txt"), "not a store").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_factgraph"))
        .arg("--store")
        .arg(&dir.0)
        .args(["query", "ASK {}"])
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("neither empty nor an Oxigraph store"), "{err}");
    assert_eq!(
        std::fs::read_dir(&dir.0).unwrap().count(),
        1,
        "nothing was created"
    );
}

/// `/store` writes obey the body limit (413) and the query slots (503), checked in-process on
/// a persistent store so the refusals do not race a socket that is still sending.
#[tokio::test]
async fn store_writes_obey_the_body_limit_and_the_slots() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    let dir = TempDir::new("limits");
    let (store, _) =
        factgraph::store::Store::open(&dir.0.join("store"), &[], factgraph::store::DEFAULT_BASE)
            .unwrap();
    let config = factgraph::ServiceConfig {
        max_body_bytes: 100,
        max_concurrent_queries: 1,
        ..factgraph::ServiceConfig::default()
    };
    let state = factgraph::AppState::new(store, config)
        .unwrap()
        .with_write_token(&TOKEN.parse().unwrap());
    let put = |body: String| {
        Request::put("/store?graph=http%3A%2F%2Fexample.org%2Fg")
            .header("Content-Type", "application/n-triples")
            .header("Authorization", format!("Bearer {TOKEN}"))
            .body(Body::from(body))
            .unwrap()
    };
    let triple = |i: usize| format!("<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n");
    let app = factgraph::app(state.clone());
    let big: String = (0..10).map(triple).collect();
    let response = app.clone().oneshot(put(big)).await.unwrap();
    assert_eq!(response.status(), 413);
    let slot = state.query_slots.acquire().unwrap();
    let response = app.clone().oneshot(put(triple(1))).await.unwrap();
    assert_eq!(response.status(), 503);
    drop(slot);
    let response = app.clone().oneshot(put(triple(1))).await.unwrap();
    assert_eq!(response.status(), 201);
    let graph = state
        .store
        .graph_triples(&factgraph::store::GraphTarget::Named(
            factgraph::store::model::NamedNode::new("http://example.org/g").unwrap(),
        ))
        .unwrap()
        .unwrap();
    assert_eq!(graph.len(), 1, "only the write that was let through landed");
}
