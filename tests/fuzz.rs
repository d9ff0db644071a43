//! Structural fuzzing: random deep and long structures, not only short random strings, through
//! the SPARQL request path, `/ask`'s JSON and every `/store` body format. Random short strings
//! (tests/hostile.rs) never found the stack overflow that a 2 KB query of nested braces caused;
//! these strategies build nesting and chains thousands of levels deep, mixed at random, and are
//! seeded with the shapes that crashed (see `seeds`). Every case must end in an answer or a
//! 4xx (a 503 at the time limit aside), never a 5xx or a crash.
//!
//! The number of cases is bounded (`FUZZ_CASES`, default 48 per target), so CI time stays
//! fixed; raise it to search longer: `FUZZ_CASES=5000 cargo test --test fuzz`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use factgraph::store::{GraphTarget, Store, DEFAULT_BASE};
use oxigraph::io::{JsonLdProfileSet, RdfFormat};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(48)
}

/// The runtime the service gives queries: blocking threads with its evaluation stack.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .thread_stack_size(factgraph::store::nesting::EVALUATION_STACK)
        .build()
        .unwrap()
}

fn post(path: &str, content_type: &str, body: String) -> (u16, String) {
    runtime().block_on(async {
        let request = Request::post(path)
            .header("content-type", content_type)
            .body(Body::from(body))
            .unwrap();
        let reply = common::send(request).await;
        (reply.status, reply.body)
    })
}

/// One way of wrapping a SPARQL group-graph-pattern body `X` in another level.
const WRAPPERS: &[(&str, &str)] = &[
    ("{ ", " }"),
    ("OPTIONAL { ", " }"),
    ("{ SELECT * WHERE { ", " } }"),
    ("FILTER EXISTS { ", " }"),
    ("FILTER NOT EXISTS { ", " }"),
    ("MINUS { ", " }"),
    ("GRAPH ?g { ", " }"),
    ("{ } UNION { ", " }"),
    ("?s ?p ?o . ", ""),
    ("BIND(1 AS ?b) ", ""),
    ("OPTIONAL { ?s ?p ?o } ", ""),
];

/// One way of wrapping an expression `E`.
const EXPRESSIONS: &[(&str, &str)] = &[
    ("(", ")"),
    ("!", ""),
    ("-", ""),
    ("1 + ", ""),
    ("?x || ", ""),
    ("?x && ", ""),
    ("STR(", ")"),
    ("COALESCE(", ", 1)"),
    ("IF(true, ", ", 0)"),
];

/// One way of wrapping a property path `P`.
const PATHS: &[(&str, &str)] = &[
    ("(", ")"),
    ("^", ""),
    ("", "*"),
    ("", "?"),
    ("<http://x/p>/", ""),
    ("<http://x/p>|", ""),
    ("!(<http://x/p>)|", ""),
];

/// Builds a query from a list of choices without recursion: each choice wraps what was built
/// so far, so the nesting is as deep as the list is long.
fn build(pattern_choices: &[u8], expression_choices: &[u8], path_choices: &[u8]) -> String {
    let mut path = String::from("<http://x/p>");
    for &c in path_choices {
        let (open, close) = PATHS[usize::from(c) % PATHS.len()];
        path = format!("{open}{path}{close}");
    }
    let mut expression = String::from("?x");
    for &c in expression_choices {
        let (open, close) = EXPRESSIONS[usize::from(c) % EXPRESSIONS.len()];
        expression = format!("{open}{expression}{close}");
    }
    let mut pattern = format!("?s {path} ?o FILTER({expression})");
    for &c in pattern_choices {
        let (open, close) = WRAPPERS[usize::from(c) % WRAPPERS.len()];
        pattern = format!("{open}{pattern}{close}");
    }
    format!("SELECT * WHERE {{ {pattern} }} LIMIT 1")
}

fn depth() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..40),
        proptest::collection::vec(any::<u8>(), 100..400),
        proptest::collection::vec(any::<u8>(), 1_000..6_000),
    ]
}

fn assert_survives(status: u16, body: &str, what: &str) {
    assert!(
        status < 500 || status == 503,
        "{what}: status {status}: {}",
        &body[..body.len().min(300)]
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), .. ProptestConfig::default() })]

    #[test]
    fn deep_random_queries_get_an_answer_or_a_4xx(
        patterns in depth(),
        expressions in depth(),
        paths in depth(),
        as_update in any::<bool>(),
    ) {
        let query = build(&patterns, &expressions, &paths);
        let (content_type, text) = if as_update {
            ("application/sparql-update", query.replacen("SELECT * WHERE", "DELETE { ?s ?p ?o } WHERE", 1).replace(" LIMIT 1", ""))
        } else {
            ("application/sparql-query", query)
        };
        let (status, body) = post("/sparql", content_type, text);
        assert_survives(status, &body, "query");
    }

    #[test]
    fn deep_random_json_gets_an_answer_or_a_4xx(
        opens in proptest::collection::vec(0u8..3, 0..3_000),
    ) {
        let mut value = String::from("\"Sinds wanneer is Audi eigenaar?\"");
        for open in opens {
            value = match open {
                0 => format!("[{value}]"),
                1 => format!("{{\"question\": {value}}}"),
                _ => format!("{{\"question\": {value}, \"lang\": \"nl\"}}"),
            };
        }
        let (status, body) = post("/ask", "application/json", value);
        assert_survives(status, &body, "/ask JSON");
    }

    #[test]
    fn deep_random_rdf_bodies_parse_or_are_refused(
        opens in proptest::collection::vec(0u8..3, 0..20_000),
        format in 0u8..4,
    ) {
        let (format, body) = rdf_body(&opens, format);
        // Writes run on the service's blocking threads, with the evaluation stack.
        let outcome = std::thread::Builder::new()
            .stack_size(factgraph::store::nesting::EVALUATION_STACK)
            .spawn(move || {
                let store = Store::load(&[], DEFAULT_BASE).unwrap().0;
                let graph = GraphTarget::Named(oxigraph::model::NamedNode::new("http://x/g").unwrap());
                let _ = store.add_to_graph(&graph, format, body.as_bytes());
            })
            .unwrap()
            .join();
        prop_assert!(outcome.is_ok());
    }
}

/// A document of one of the body formats of `/store` that nests as `opens` says.
fn rdf_body(opens: &[u8], format: u8) -> (RdfFormat, String) {
    let mut turtle = String::from("1");
    let mut xml = String::from("1");
    let mut json = String::from("1");
    for &open in opens {
        match open {
            0 => {
                turtle = format!("[ <http://x/p> {turtle} ]");
                xml = format!("<rdf:Description><ex:p>{xml}</ex:p></rdf:Description>");
                json = format!("{{\"http://x/p\": {json}}}");
            }
            1 => {
                turtle = format!("( {turtle} )");
                xml = format!("<ex:p rdf:parseType=\"Resource\">{xml}</ex:p>");
                json = format!("[{json}]");
            }
            _ => {
                turtle = format!("[ <http://x/q> 2 ; <http://x/p> {turtle} ]");
                xml = format!("<ex:q>{xml}</ex:q>");
                json = format!("{{\"@list\": [{json}]}}");
            }
        }
    }
    match format {
        0 => (
            RdfFormat::Turtle,
            format!("<http://x/s> <http://x/p> {turtle} ."),
        ),
        1 => (
            RdfFormat::TriG,
            format!("<http://x/s> <http://x/p> {turtle} ."),
        ),
        2 => (
            RdfFormat::RdfXml,
            format!(
                "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" \
                 xmlns:ex=\"http://x/\"><rdf:Description>{xml}</rdf:Description></rdf:RDF>"
            ),
        ),
        _ => (
            RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
            json,
        ),
    }
}

/// The shapes that took the service down before `nesting.rs`, each at the depth that crashed
/// it and ten times that.
#[test]
fn seeds() {
    for (open, close, crashed_at) in [
        ("{", "}", 860),
        ("FILTER((", "))", 430),
        ("OPTIONAL {", "}", 860),
        ("{SELECT * {", "}}", 700),
        ("", "", 0),
    ] {
        if crashed_at == 0 {
            continue;
        }
        for depth in [crashed_at, crashed_at * 10] {
            let query = format!("ASK {{ {}{} }}", open.repeat(depth), close.repeat(depth));
            let (status, body) = post("/sparql", "application/sparql-query", query);
            assert_eq!(
                status,
                400,
                "{open} x {depth}: {}",
                &body[..body.len().min(200)]
            );
        }
    }
    let paths = format!(
        "ASK {{ ?s {}<http://x/p>{} ?o }}",
        "(".repeat(3_600),
        ")".repeat(3_600)
    );
    assert_eq!(post("/sparql", "application/sparql-query", paths).0, 400);
    let nots = format!("ASK {{ FILTER({}true) }}", "!".repeat(4_300));
    assert_eq!(post("/sparql", "application/sparql-query", nots).0, 400);
}
