//! SIGTERM drains the requests in flight and then exits cleanly, against the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn request(port: u16, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_then_exits_zero() {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_factgraph"))
        .args([
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--query-timeout",
            "0",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while request(port, "/healthz").is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "no start");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Counting 10^6 combinations takes a noticeable while, and finishes.
    let blocks: String = "abcdef"
        .chars()
        .map(|v| format!("VALUES ?{v} {{1 2 3 4 5 6 7 8 9 10}} "))
        .collect();
    let query: String = form_urlencoded::byte_serialize(
        format!("SELECT (COUNT(*) AS ?n) WHERE {{ {blocks} }}").as_bytes(),
    )
    .collect();
    let slow = std::thread::spawn(move || {
        let response = request(port, &format!("/sparql?query={query}&format=csv"));
        (response, Instant::now())
    });
    std::thread::sleep(Duration::from_millis(100));
    let signalled = Instant::now();
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let (response, answered) = slow.join().unwrap();
    let response = response.unwrap();
    assert!(
        answered > signalled,
        "the query finished before the signal, so nothing was in flight"
    );
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("n\r\n1000000"), "{response}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "still running 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status}");
    assert!(
        request(port, "/healthz").is_err(),
        "still accepting connections"
    );
}
