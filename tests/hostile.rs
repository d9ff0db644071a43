//! Hostile input: random and malicious requests never crash the service, never get a 5xx, and
//! never change the data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use proptest::prelude::*;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn triple_count() -> String {
    runtime().block_on(async {
        let query = common::encode("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }");
        common::get(&format!("/sparql?query={query}&format=csv"))
            .await
            .body
    })
}

/// Sends raw bytes as a percent-encoded query string or as a body with a chosen content type.
fn send_raw(path_and_query: String, content_type: &str, body: Vec<u8>) -> u16 {
    runtime().block_on(async {
        let request = if body.is_empty() {
            Request::get(path_and_query).body(Body::empty())
        } else {
            Request::post(path_and_query)
                .header("content-type", content_type)
                .body(Body::from(body))
        };
        match request {
            // A URI the HTTP layer itself would never accept cannot reach the service.
            Err(_) => 400,
            Ok(request) => common::send(request).await.status,
        }
    })
}

const CONTENT_TYPES: &[&str] = &[
    "application/sparql-query",
    "application/x-www-form-urlencoded",
    "application/sparql-update",
    "text/plain",
    "application/json",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn random_query_strings_get_a_4xx_or_an_answer(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let encoded: String = percent_encoding::percent_encode(&bytes, percent_encoding::NON_ALPHANUMERIC).to_string();
        let status = send_raw(format!("/sparql?query={encoded}"), "", Vec::new());
        prop_assert!(status < 500, "status {status} for query bytes {bytes:?}");
    }

    #[test]
    fn random_bodies_get_a_4xx_or_an_answer(bytes in proptest::collection::vec(any::<u8>(), 1..500), kind in 0..CONTENT_TYPES.len()) {
        let status = send_raw("/sparql".to_owned(), CONTENT_TYPES[kind], bytes.clone());
        prop_assert!(status < 500, "status {status} for a {} body {bytes:?}", CONTENT_TYPES[kind]);
    }

    #[test]
    fn random_questions_get_an_answer_or_a_4xx(text in "\\PC{0,200}") {
        let encoded: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
        let status = send_raw(format!("/ask?q={encoded}"), "", Vec::new());
        prop_assert!(status == 200 || (400..500).contains(&status), "status {status} for {text:?}");
    }

    #[test]
    fn question_like_garbage_never_fails(words in proptest::collection::vec("(hoeveel|how many|wanneer|when|sinds|since|is|de|the|fabriek|plant|Audi|Q8-tron|e-tron|43\\.866|43,866|9\\.000|MWh|GWh|ton|m2|km|2021|2007|mei|May|\"|'|\\}|\\{|#|DROP ALL|\\?|[a-zé]{1,12}|[0-9]{1,7})", 0..25)) {
        let question = words.join(" ");
        let body = serde_json::json!({ "question": question }).to_string().into_bytes();
        let status = send_raw("/ask".to_owned(), "application/json", body);
        prop_assert!(status == 200 || (400..500).contains(&status), "status {status} for {question:?}");
    }

    #[test]
    fn sparql_like_garbage_is_refused_cleanly(text in "(SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|\\{|\\}|\\?x|<http://a>|\"|'|\\.|;|FILTER|\\(|\\)|OPTIONAL|UNION|GRAPH|SERVICE|[ \n\t]|\\\\|\u{0}|é){0,40}") {
        let status = send_raw("/sparql".to_owned(), "application/sparql-query", text.clone().into_bytes());
        prop_assert!(status < 500, "status {status} for {text:?}");
    }
}

#[test]
fn malicious_requests_leave_the_data_unchanged() {
    let before = triple_count();
    assert!(before.contains('\n'), "{before}");
    let attacks: &[(&str, &str)] = &[
        ("application/sparql-update", "DROP ALL"),
        ("application/sparql-update", "CLEAR DEFAULT"),
        ("application/x-www-form-urlencoded", "update=DROP%20ALL"),
        (
            "application/x-www-form-urlencoded",
            "query=ASK%7B%7D&update=DROP%20ALL",
        ),
        ("application/sparql-query", "DELETE WHERE { ?s ?p ?o }"),
        ("application/sparql-query", "ASK {} ; DROP ALL"),
        ("application/sparql-query", "LOAD <http://example.org/x>"),
        ("application/sparql-query", "\u{0}\u{0}"),
    ];
    for (content_type, body) in attacks {
        let status = send_raw("/sparql".to_owned(), content_type, body.as_bytes().to_vec());
        assert!((400..500).contains(&status), "{status} for {body:?}");
    }
    let invalid_utf8 = vec![0xff, 0xfe, b'A', b'S', b'K', 0xc3];
    let status = send_raw(
        "/sparql".to_owned(),
        "application/sparql-query",
        invalid_utf8,
    );
    assert_eq!(status, 400);
    assert_eq!(triple_count(), before);
}
