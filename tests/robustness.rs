//! Against the real binary over sockets: no request takes the service down. Deeply nested and
//! long-chained queries and updates at 10^3, 10^4 and 10^5 levels get 400 and the process goes
//! on serving; slow and half-open clients are closed by the deadlines and cannot stop others;
//! strict HTTP (Host, UTF-8, Content-Encoding). See SECURITY.md for the limits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The service as a user starts it, on a free port; killed when dropped.
struct Service {
    child: Child,
    port: u16,
}

impl Service {
    fn start(extra: &[&str]) -> Self {
        // Port 0: the service picks a free port and prints it, so tests running side by side
        // never race for one.
        let mut args = vec!["--bind", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = Command::new(env!("CARGO_BIN_EXE_factgraph"))
            .args(&args)
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        let service = Self { child, port };
        assert!(service.try_request("GET /healthz", "").is_ok(), "no start");
        service
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream
    }

    /// One request on its own connection; `head` is the request line and any headers.
    fn try_request(&self, head: &str, body: &str) -> std::io::Result<(u16, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let (line, headers) = head.split_once('\n').unwrap_or((head, ""));
        let mut headers = headers.trim_end().replace('\n', "\r\n");
        if !headers.is_empty() {
            headers.push_str("\r\n");
        }
        // A body goes after `100 Continue`, as curl sends large ones: a request refused before
        // its body is read (403 for an update without a token) is answered without the client
        // writing into a connection the service has closed.
        let expect = if body.is_empty() {
            ""
        } else {
            "Expect: 100-continue\r\n"
        };
        write!(
            stream,
            "{line} HTTP/1.1\r\nHost: localhost\r\n{headers}{expect}Connection: close\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )?;
        let mut response = Vec::new();
        if !body.is_empty() {
            let interim = read_head(&mut stream)?;
            if interim.starts_with(b"HTTP/1.1 100") {
                stream.write_all(body.as_bytes())?;
            } else {
                response = interim;
            }
        }
        stream.read_to_end(&mut response)?;
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Ok((status, response))
    }

    fn request(&self, head: &str, body: &str) -> (u16, String) {
        self.try_request(head, body)
            .unwrap_or_else(|e| panic!("{head}: {e}"))
    }

    fn still_serving(&self, after: &str) {
        assert!(self.child_alive(), "the process exited after {after}");
        let (status, _) = self.request("GET /sparql?query=ASK%7B%7D", "");
        assert_eq!(status, 200, "not serving after {after}");
    }

    fn child_alive(&self) -> bool {
        // A zombie still has its /proc entry; ask for its state.
        std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))
            .is_ok_and(|stat| !stat.contains(") Z "))
    }
}

/// Reads a response head, up to and including its blank line.
fn read_head(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            break;
        }
        head.push(byte[0]);
    }
    Ok(head)
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A query nesting one construct `depth` times.
fn nested(kind: &str, depth: usize) -> String {
    let r = |s: &str| s.repeat(depth);
    match kind {
        "groups" => format!("ASK {}{}", r("{"), r("}")),
        "filter parentheses" => format!("ASK {{ FILTER({}true{}) }}", r("("), r(")")),
        "optional" => format!("ASK {{ {}{} }}", r("OPTIONAL {"), r("}")),
        "sub-select" => format!("ASK {{ {}{} }}", r("{SELECT*{"), r("}}")),
        "exists" => format!("ASK {{ {}{} }}", r("FILTER EXISTS{"), r("}")),
        "path parentheses" => format!("ASK {{ ?s {}<http://x/p>{} ?o }}", r("("), r(")")),
        "not" => format!("ASK {{ FILTER({}true) }}", r("!")),
        "unary minus" => format!("ASK {{ FILTER({}1) }}", r("-")),
        "union chain" => format!("ASK {{ {{}}{} }}", r("UNION{}")),
        "plus chain" => format!("ASK {{ FILTER(1{}) }}", r("+1")),
        "path alternatives" => format!("ASK {{ ?s <http://x/p>{} ?o }}", r("|<http://x/p>")),
        "optional chain" => format!("ASK {{ {} }}", r("OPTIONAL{}")),
        "update groups" => format!("INSERT {{}} WHERE {}{}", r("{"), r("}")),
        "update union chain" => format!("DELETE {{}} WHERE {{ {{}}{} }}", r("UNION{}")),
        other => unreachable!("{other}"),
    }
}

const KINDS: &[&str] = &[
    "groups",
    "filter parentheses",
    "optional",
    "sub-select",
    "exists",
    "path parentheses",
    "not",
    "unary minus",
    "union chain",
    "plus chain",
    "path alternatives",
    "optional chain",
    "update groups",
    "update union chain",
];

#[test]
fn deep_and_long_queries_get_400_and_the_service_stays_up() {
    let service = Service::start(&["--max-body-bytes", "4194304", "--max-url-bytes", "65536"]);
    for kind in KINDS {
        for depth in [1_000, 10_000, 100_000] {
            let text = nested(kind, depth);
            let content_type = if kind.starts_with("update") {
                "application/sparql-update"
            } else {
                "application/sparql-query"
            };
            let (status, response) = service.request(
                &format!("POST /sparql\nContent-Type: {content_type}"),
                &text,
            );
            let what = format!("{kind} at depth {depth}");
            // Updates are refused for want of a write token before they are parsed: that is
            // fine too, as long as nothing crashes.
            let expected = if kind.starts_with("update") { 403 } else { 400 };
            assert_eq!(
                status,
                expected,
                "{what}: {}",
                &response[..response.len().min(400)]
            );
            if expected == 400 {
                assert!(
                    response.contains("the most this service accepts"),
                    "{what}: the message does not name the limit: {}",
                    &response[..response.len().min(400)]
                );
            }
            service.still_serving(&what);
        }
        // The same by GET, as a link would send it, where it fits the URL.
        let text = nested(kind, 1_000);
        if !kind.starts_with("update") {
            let query: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
            let (status, _) = service.request(&format!("GET /sparql?query={query}"), "");
            assert_eq!(status, 400, "{kind} by GET");
            service.still_serving(&format!("{kind} by GET"));
        }
    }
    // The editor page runs the query of its URL in the browser; the page itself must not crash.
    let query: String =
        form_urlencoded::byte_serialize(nested("groups", 1_000).as_bytes()).collect();
    let (status, _) = service.request(&format!("GET /query?query={query}"), "");
    assert_eq!(status, 200);
    service.still_serving("the editor with a deep query");
}

#[test]
fn queries_within_the_limits_still_run() {
    let service = Service::start(&[]);
    for (kind, depth) in [
        ("groups", 100),
        ("filter parentheses", 100),
        ("union chain", 200),
        ("plus chain", 200),
        ("path alternatives", 200),
    ] {
        let (status, response) = service.request(
            "POST /sparql\nContent-Type: application/sparql-query",
            &nested(kind, depth),
        );
        assert_eq!(status, 200, "{kind} at {depth}: {response}");
    }
}

#[test]
fn nested_json_is_refused_by_ask() {
    let service = Service::start(&[]);
    for depth in [1_000, 100_000] {
        let body = format!(
            "{{\"question\": {}1{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let (status, response) =
            service.request("POST /ask\nContent-Type: application/json", &body);
        assert_eq!(status, 400, "{response}");
        assert!(response.contains("application/json"), "{response}");
        service.still_serving(&format!("JSON nested {depth} deep"));
    }
}

#[test]
fn half_open_connections_are_closed_and_do_not_block_others() {
    let service = Service::start(&[
        "--header-read-timeout",
        "1",
        "--body-read-timeout",
        "1",
        "--max-connections",
        "1000",
    ]);
    let mut idle = Vec::new();
    for i in 0..500 {
        let mut stream = service.connect();
        // Three kinds of slow client: a half-sent head, a body shorter than announced, an
        // unfinished chunked body.
        let _ = match i % 3 {
            0 => stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n"),
            1 => stream.write_all(
                b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"q",
            ),
            _ => stream.write_all(
                b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"que",
            ),
        };
        idle.push(stream);
    }
    let started = Instant::now();
    let (status, _) = service.request("GET /healthz", "");
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "a normal request took {:?} beside 500 slow clients",
        started.elapsed()
    );
    // Past the deadlines every slow connection has been answered or closed.
    std::thread::sleep(Duration::from_millis(2_500));
    let mut statuses = std::collections::BTreeMap::new();
    for mut stream in idle {
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut response = Vec::new();
        let outcome = stream.read_to_end(&mut response);
        assert!(
            outcome.is_ok(),
            "a slow connection is still open: {outcome:?}"
        );
        let text = String::from_utf8_lossy(&response);
        let status = text.split(' ').nth(1).unwrap_or("closed").to_owned();
        *statuses.entry(status).or_insert(0) += 1;
    }
    // Bodies that did not arrive in time get 408; half-sent heads are closed without a word.
    assert_eq!(statuses.get("408"), Some(&333), "{statuses:?}");
    let metrics = service.request("GET /metrics", "").1;
    assert!(
        metrics.contains("factgraph_connections_open 1\n"),
        "{metrics}"
    );
    service.still_serving("500 slow clients");
}

#[test]
fn connections_over_the_cap_are_refused_at_once_and_counted() {
    let service = Service::start(&["--max-connections", "8", "--header-read-timeout", "30"]);
    // Each held connection is known to be open once it has been answered on keep-alive. The
    // readiness request's connection may hold its place for a moment after its answer, so a
    // connection refused while filling the places is opened again (and counted).
    let mut refused_before = 0;
    let mut held = Vec::new();
    while held.len() < 8 {
        let mut stream = service.connect();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut buffer = [0; 4096];
        let read = stream.read(&mut buffer).unwrap();
        let head = String::from_utf8_lossy(&buffer[..read]).into_owned();
        if head.starts_with("HTTP/1.1 200") {
            held.push(stream);
        } else {
            assert!(head.starts_with("HTTP/1.1 503"), "{head}");
            refused_before += 1;
            assert!(refused_before < 20, "places never freed");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let started = Instant::now();
    let (status, response) = service.request("GET /healthz", "");
    assert_eq!(status, 503, "{response}");
    assert!(response.contains("too many open connections"), "{response}");
    assert!(started.elapsed() < Duration::from_secs(1));
    drop(held);
    // The held connections close as the service notices; until then /metrics may be refused
    // too, and each refusal is counted.
    let mut refused = refused_before + 1;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, metrics) = service.request("GET /metrics", "");
        if status == 200 {
            let expected = format!("factgraph_connections_refused_total {refused}\n");
            assert!(metrics.contains(&expected), "{expected}{metrics}");
            break;
        }
        assert_eq!(status, 503, "{metrics}");
        refused += 1;
        assert!(Instant::now() < deadline, "the places were never freed");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn idle_keep_alive_connections_are_closed() {
    let service = Service::start(&["--header-read-timeout", "1"]);
    let mut stream = service.connect();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buffer = [0; 4096];
    let read = stream.read(&mut buffer).unwrap();
    assert!(String::from_utf8_lossy(&buffer[..read]).starts_with("HTTP/1.1 200"));
    let started = Instant::now();
    // The connection is kept alive, then closed once idle for the deadline.
    let rest = stream.read(&mut buffer).unwrap();
    assert_eq!(rest, 0, "expected the service to close the idle connection");
    let idle = started.elapsed();
    assert!(
        idle >= Duration::from_millis(900) && idle < Duration::from_secs(5),
        "closed after {idle:?}"
    );
}

#[test]
fn strict_http() {
    let service = Service::start(&[]);
    let raw = |request: &[u8]| {
        let mut stream = service.connect();
        stream.write_all(request).unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        String::from_utf8_lossy(&response).into_owned()
    };
    let response = raw(b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(response.contains("Host"), "{response}");
    // HTTP/1.0 has no Host requirement.
    let response = raw(b"GET /healthz HTTP/1.0\r\n\r\n");
    assert!(response.contains(" 200 OK"), "{response}");

    let (status, response) = service.request("GET /ask?q=%FF%FE", "");
    assert_eq!(status, 400, "{response}");
    assert!(response.contains(r#"parameter \"q\""#), "{response}");
    assert!(response.contains("application/json"), "{response}");
    let (status, response) = service.request("GET /sparql?query=ASK%7BFILTER(%22%FF%22)%7D", "");
    assert_eq!(status, 400, "{response}");
    assert!(response.contains(r#"parameter "query""#), "{response}");
    let (status, response) = service.request(
        "POST /sparql\nContent-Type: application/x-www-form-urlencoded",
        "query=ASK%7BFILTER(%22%FF%22)%7D",
    );
    assert_eq!(status, 400, "{response}");
    let (status, response) = service.request(
        "POST /sparql\nContent-Type: application/sparql-query\nContent-Encoding: gzip",
        "ASK {}",
    );
    assert_eq!(status, 415, "{response}");
    assert!(response.contains("gzip"), "{response}");
    let big = "x".repeat(40_000);
    let (status, response) = service.request(&format!("GET /ask?q=a\nX-Big: {big}"), "");
    assert_eq!(status, 431, "{response}");
    assert!(response.contains("application/json"), "{response}");
    let long = "a".repeat(20_000);
    let (status, response) = service.request(&format!("GET /ask?q={long}"), "");
    assert_eq!(status, 414, "{response}");
    assert!(response.contains("application/json"), "{response}");
    service.still_serving("strict HTTP checks");
}
