//! Shared test helpers: the app over the shipped graph, and one request through it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{Request, Response};
use factgraph::{app, AppState};
use http_body_util::BodyExt;
use std::sync::OnceLock;
use tower::ServiceExt;

/// The shipped graph, loaded once per test binary. With `FACTGRAPH_TEST_SPARQL_ENDPOINT` set,
/// the graph is instead the one that endpoint serves (e.g. `oxigraph serve` loaded with the
/// shipped files, see `tests/remote/run.sh`), so the same tests prove the service works over
/// another SPARQL engine.
pub fn state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| match std::env::var("FACTGRAPH_TEST_SPARQL_ENDPOINT") {
            Ok(url) => {
                let store =
                    factgraph::store::Store::remote(&url, factgraph::store::DEFAULT_BASE, None)
                        .unwrap_or_else(|e| panic!("the test endpoint {url}: {e}"));
                AppState::new(store, factgraph::ServiceConfig::default())
                    .expect("the state builds over the test endpoint")
            }
            Err(_) => AppState::shipped().expect("the shipped graph loads"),
        })
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

/// A service bound to a real socket on loopback, for tests that need TCP.
pub async fn spawn_server(state: AppState) -> std::net::SocketAddr {
    serve_router(app(state)).await
}

/// Any router (a stand-in engine, say) bound to a real socket on loopback.
pub async fn serve_router(router: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    address
}

/// Sends a raw HTTP/1.1 request (`Connection: close` is added) and returns the status line,
/// the headers (lower-cased names) and the body. Chunked bodies are returned undecoded.
pub async fn raw_request(
    address: std::net::SocketAddr,
    head: &str,
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "{}\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        head.trim_end().replace('\n', "\r\n"),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

/// Percent-encodes a query-string value.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A service whose store is a remote SPARQL endpoint: the shipped graph served by another
/// instance on a loopback socket.
pub async fn remote_state() -> AppState {
    let address = spawn_server(state()).await;
    remote_state_at(address, factgraph::store::DEFAULT_MAX_ANSWER_BYTES).await
}

/// A service whose store is the SPARQL endpoint at `address` (`/sparql` on loopback), reading
/// answers of at most `max_answer_bytes`.
pub async fn remote_state_at(address: std::net::SocketAddr, max_answer_bytes: u64) -> AppState {
    let url = format!("http://{address}/sparql");
    let store = tokio::task::spawn_blocking(move || {
        factgraph::store::Store::remote_graphs(
            &url,
            factgraph::store::DEFAULT_BASE,
            None,
            Vec::new(),
            max_answer_bytes,
        )
    })
    .await
    .unwrap()
    .unwrap();
    AppState::new(store, factgraph::ServiceConfig::default()).unwrap()
}

/// Starts the factgraph binary with `args` and `--bind 127.0.0.1:0` (a free loopback port),
/// and returns it with the first line it prints, which says where it listens (it is printed
/// once the socket is bound).
pub fn start_binary<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (std::process::Child, String) {
    use std::io::BufRead as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_factgraph"))
        .args(args)
        .args(["--bind", "127.0.0.1:0"])
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}
