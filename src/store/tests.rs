//! Behaviour of the embedded store: whole-or-nothing writes, datasets of updates, graph
//! creation, relative IRIs, and bodies nested deeper than any stack.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use oxigraph::io::RdfFormat;
use oxigraph::model::NamedNode;

const EX: &str = "http://example.org/";

/// Errors the HTTP layer answers with 400: the request's fault, not the store's.
fn is_the_callers_fault(error: &Error) -> bool {
    matches!(
        error,
        Error::Invalid(_) | Error::QuerySyntax(_) | Error::QueryRejected(_) | Error::TooDeep { .. }
    )
}

fn memory_store() -> Store {
    Store::load(&[], DEFAULT_BASE).unwrap().0
}

fn named(local: &str) -> GraphTarget {
    GraphTarget::Named(NamedNode::new(format!("{EX}{local}")).unwrap())
}

fn count(store: &Store, query: &str) -> usize {
    store.select(query).unwrap().rows.len()
}

#[test]
fn an_update_that_fails_half_way_changes_nothing() {
    let store = memory_store();
    let options = UpdateOptions::default();
    store
        .update(
            "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> <http://example.org/p> 1 } }",
            &options,
        )
        .unwrap();
    // The INSERT DATA runs, then CREATE fails on the existing graph: the transaction is
    // dropped and the first operation is gone with it.
    let err = store
        .update(
            "INSERT DATA { <http://example.org/b> <http://example.org/p> 2 } ;                  CREATE GRAPH <http://example.org/g>",
            &options,
        )
        .unwrap_err();
    assert!(is_the_callers_fault(&err), "{err}");
    assert!(err.to_string().contains("nothing"), "{err}");
    assert_eq!(count(&store, "SELECT * WHERE { ?s ?p ?o }"), 1);
    let err = store
        .update(
            "INSERT DATA { <http://example.org/b> <http://example.org/p> 2 } ;                  LOAD <http://127.0.0.1:1/data.ttl>",
            &options,
        )
        .unwrap_err();
    assert!(err.to_string().contains("LOAD"), "{err}");
    assert_eq!(count(&store, "SELECT * WHERE { ?s ?p ?o }"), 1);
    let err = store
        .update(
            "INSERT { ?s ?p ?o } WHERE { SERVICE <http://evil.example/> { ?s ?p ?o } }",
            &options,
        )
        .unwrap_err();
    assert!(err.to_string().contains("SERVICE"), "{err}");
    assert!(store.update("INSERT DATA {", &options).is_err());
}

#[test]
fn load_silent_fetches_nothing_and_succeeds() {
    let store = memory_store();
    let options = UpdateOptions::default();
    // A listener the LOAD names: SILENT would hide a failed fetch, so the test watches for
    // the connection itself.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    store
        .update(
            &format!(
                "INSERT DATA {{ <http://example.org/b> <http://example.org/p> 2 }} ; \
                 LOAD SILENT <http://127.0.0.1:{port}/data.ttl> INTO GRAPH <http://example.org/g>"
            ),
            &options,
        )
        .unwrap();
    assert_eq!(
        listener.accept().map_err(|e| e.kind()).err(),
        Some(std::io::ErrorKind::WouldBlock),
        "LOAD SILENT connected to the URL it names"
    );
    assert_eq!(count(&store, "SELECT * WHERE { ?s ?p ?o }"), 1);
    assert_eq!(count(&store, "SELECT ?g WHERE { GRAPH ?g { } }"), 0);
}

#[test]
fn update_where_sees_all_graphs_unless_told_otherwise() {
    let store = memory_store();
    let options = UpdateOptions::default();
    store
        .update(
            "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> a <http://example.org/C> } }",
            &options,
        )
        .unwrap();
    store
        .update(
            "INSERT { ?s <http://example.org/seen> true } WHERE { ?s a <http://example.org/C> }",
            &options,
        )
        .unwrap();
    assert_eq!(
        count(
            &store,
            "SELECT * WHERE { ?s <http://example.org/seen> true }"
        ),
        1
    );
    let elsewhere = UpdateOptions {
        using_graphs: vec![NamedNode::new_unchecked("http://example.org/empty")],
        ..UpdateOptions::default()
    };
    store
        .update(
            "INSERT { ?s <http://example.org/again> true } WHERE { ?s a <http://example.org/C> }",
            &elsewhere,
        )
        .unwrap();
    assert_eq!(
        count(
            &store,
            "SELECT * WHERE { ?s <http://example.org/again> true }"
        ),
        0
    );
    let err = store
        .update(
            "WITH <http://example.org/g> INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }",
            &elsewhere,
        )
        .unwrap_err();
    assert!(err.to_string().contains("only one"), "{err}");
}

#[test]
fn graph_writes_are_whole_or_nothing() {
    let store = memory_store();
    let turtle = RdfFormat::Turtle;
    let g = named("g");
    assert!(store.graph_triples(&g).unwrap().is_none());
    assert!(store
        .replace_graph(&g, turtle, b"<a> <p> <b> , <c> .")
        .unwrap());
    assert_eq!(store.graph_triples(&g).unwrap().unwrap().len(), 2);
    // Relative IRIs resolve against the graph's IRI.
    assert_eq!(
        count(
            &store,
            "SELECT * WHERE { GRAPH <http://example.org/g> { <http://example.org/a> ?p ?o } }"
        ),
        2
    );
    let broken = b"<a> <p> <d> .\n<a> <p> <e> .\n<a> <p> \"open .\n<a> <p> <f> .";
    let err = store.replace_graph(&g, turtle, broken).unwrap_err();
    assert!(is_the_callers_fault(&err), "{err}");
    assert!(err.to_string().contains("line 3"), "{err}");
    assert!(store.add_to_graph(&g, turtle, broken).is_err());
    assert_eq!(store.graph_triples(&g).unwrap().unwrap().len(), 2);
    assert!(!store.add_to_graph(&g, turtle, b"<a> <p> <d> .").unwrap());
    assert_eq!(store.graph_triples(&g).unwrap().unwrap().len(), 3);
    assert!(!store.replace_graph(&g, turtle, b"").unwrap());
    assert_eq!(store.graph_triples(&g).unwrap().unwrap().len(), 0);
    assert!(store.delete_graph(&g).unwrap());
    assert!(!store.delete_graph(&g).unwrap());
    assert!(store.graph_triples(&g).unwrap().is_none());
    assert!(store.delete_graph(&GraphTarget::Default).unwrap());
    // A JSON-LD document with a named graph of its own is refused, not spread over graphs.
    let jsonld = RdfFormat::JsonLd {
        profile: oxigraph::io::JsonLdProfileSet::empty(),
    };
    let with_graph = br#"{"@id": "http://example.org/h", "@graph": [{"@id": "http://example.org/x", "http://example.org/p": "v"}]}"#;
    assert!(store.add_to_graph(&named("j"), jsonld, with_graph).is_err());
    assert!(store.graph_triples(&named("j")).unwrap().is_none());
    let plain = br#"{"@id": "http://example.org/x", "http://example.org/p": "v"}"#;
    assert!(store.add_to_graph(&named("j"), jsonld, plain).unwrap());
    assert_eq!(store.graph_triples(&named("j")).unwrap().unwrap().len(), 1);
    let xml = br#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/"><rdf:Description rdf:about="x"><ex:p>v</ex:p></rdf:Description></rdf:RDF>"#;
    assert!(store
        .replace_graph(&named("x"), RdfFormat::RdfXml, xml)
        .unwrap());
    assert_eq!(
        count(
            &store,
            "SELECT * WHERE { GRAPH <http://example.org/x> { <http://example.org/x> ?p ?o } }"
        ),
        1
    );
}

#[test]
fn several_documents_land_together_or_not_at_all() {
    let store = memory_store();
    let turtle = RdfFormat::Turtle;
    let g = named("parts");
    // Blank nodes of different documents stay apart, as in an RDF merge.
    let parts: [(RdfFormat, &[u8]); 2] = [
        (turtle, b"_:x <http://example.org/p> 1 ."),
        (RdfFormat::NTriples, b"_:x <http://example.org/p> \"2\" ."),
    ];
    assert!(store.write_documents(&g, &parts, false).unwrap());
    assert_eq!(
        count(
            &store,
            "SELECT DISTINCT ?s WHERE { GRAPH <http://example.org/parts> { ?s ?p ?o } }"
        ),
        2
    );
    // One broken part: nothing of the others lands.
    let broken: [(RdfFormat, &[u8]); 2] =
        [(turtle, b"<a> <p> <new> ."), (turtle, b"<a> <p> \"open .")];
    let err = store.write_documents(&g, &broken, false).unwrap_err();
    assert!(is_the_callers_fault(&err), "{err}");
    assert_eq!(store.graph_triples(&g).unwrap().unwrap().len(), 2);
}

#[test]
fn a_created_graph_gets_a_new_name_under_the_prefix() {
    let store = memory_store();
    let doc: [(RdfFormat, &[u8]); 1] = [(RdfFormat::Turtle, b"<a> <p> <b> .")];
    let first = store
        .create_graph("http://example.org/store/", &doc)
        .unwrap();
    let second = store
        .create_graph("http://example.org/store/", &doc)
        .unwrap();
    assert_ne!(first, second);
    for iri in [&first, &second] {
        let rest = iri
            .as_str()
            .strip_prefix("http://example.org/store/")
            .unwrap();
        assert!(
            !rest.is_empty() && rest.chars().all(|c| c.is_ascii_hexdigit()),
            "{iri}"
        );
        let triples = store
            .graph_triples(&GraphTarget::Named(iri.clone()))
            .unwrap()
            .unwrap();
        // Relative IRIs resolve against the new graph's own IRI.
        assert_eq!(
            triples[0].subject.to_string(),
            "<http://example.org/store/a>"
        );
    }
}

#[test]
fn relative_iris_resolve_against_the_base() {
    let store = memory_store();
    let triples = store.construct("CONSTRUCT { <s> <p> 1 } WHERE {}").unwrap();
    assert_eq!(triples[0].subject.to_string(), format!("<{DEFAULT_BASE}s>"));
    // A BASE in the query wins.
    let triples = store
        .construct("BASE <http://example.org/> CONSTRUCT { <s> <p> 1 } WHERE {}")
        .unwrap();
    assert_eq!(triples[0].subject.to_string(), "<http://example.org/s>");
    // Updates resolve the same way.
    store
        .update(
            "INSERT DATA { GRAPH <http://example.org/rel> { <x> <p> <y> } }",
            &UpdateOptions::default(),
        )
        .unwrap();
    let query =
        format!("SELECT * WHERE {{ <{DEFAULT_BASE}x> <{DEFAULT_BASE}p> <{DEFAULT_BASE}y> }}");
    assert_eq!(count(&store, &query), 1);
}

/// Request bodies of `/store` nest as deep as a client likes; every parser must refuse or
/// accept them without recursing, on the smallest stack a request runs on.
#[test]
fn deeply_nested_bodies_parse_without_overflowing_the_stack() {
    let depth = 100_000;
    let bodies = [
        (
            RdfFormat::Turtle,
            format!(
                "<http://example.org/s> <http://example.org/p> {}1{} .",
                "[ <http://example.org/p> ".repeat(depth),
                " ]".repeat(depth)
            ),
        ),
        (
            RdfFormat::Turtle,
            format!(
                "<http://example.org/s> <http://example.org/p> {}1{} .",
                "(".repeat(depth),
                ")".repeat(depth)
            ),
        ),
        (
            RdfFormat::RdfXml,
            format!(
                "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" \
                 xmlns:ex=\"http://example.org/\">{}{}</rdf:RDF>",
                "<rdf:Description><ex:p>".repeat(depth),
                "</ex:p></rdf:Description>".repeat(depth)
            ),
        ),
        (
            RdfFormat::JsonLd {
                profile: oxigraph::io::JsonLdProfileSet::empty(),
            },
            format!(
                "{}1{}",
                "{\"http://example.org/p\": ".repeat(depth),
                "}".repeat(depth)
            ),
        ),
        (
            RdfFormat::JsonLd {
                profile: oxigraph::io::JsonLdProfileSet::empty(),
            },
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        ),
        (
            RdfFormat::JsonLd {
                profile: oxigraph::io::JsonLdProfileSet::empty(),
            },
            mixed_json_ld(depth),
        ),
    ];
    for (format, body) in bodies {
        let outcome = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let store = memory_store();
                store
                    .add_to_graph(&named("deep"), format, body.as_bytes())
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
            .unwrap()
            .join();
        assert!(
            outcome.is_ok(),
            "{} body {depth} deep crashed",
            format.name()
        );
    }
}

/// Objects, arrays and lists in turn: the JSON-LD parser expands such values by recursion.
fn mixed_json_ld(depth: usize) -> String {
    let mut json = String::from("1");
    for level in 0..depth {
        json = match level % 3 {
            0 => format!("{{\"http://example.org/p\": {json}}}"),
            1 => format!("[{json}]"),
            _ => format!("{{\"@list\": [{json}]}}"),
        };
    }
    format!("{{\"http://example.org/p\": {json}}}")
}

/// JSON-LD deeper than the limit is refused before parsing; at the limit it parses on the
/// stack writes run on.
#[test]
fn json_ld_nesting_is_bounded_and_the_bound_fits_the_write_stack() {
    let jsonld = RdfFormat::JsonLd {
        profile: oxigraph::io::JsonLdProfileSet::empty(),
    };
    let refused = memory_store()
        .add_to_graph(&named("deep"), jsonld, mixed_json_ld(1_000).as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("JSON-LD body nests more than"),
        "{refused}"
    );
    // The wrapper adds one object and every third level two brackets: stay within the limit.
    let levels = (crate::store::nesting::MAX_JSON_LD_NESTING - 1) * 3 / 4;
    let body = mixed_json_ld(levels);
    assert!(crate::store::nesting::check_json_ld(body.as_bytes()).is_ok());
    let parsed = std::thread::Builder::new()
        .stack_size(crate::store::nesting::EVALUATION_STACK)
        .spawn(move || {
            memory_store()
                .add_to_graph(&named("deep"), jsonld, body.as_bytes())
                .map_err(|e| e.to_string())
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(parsed.is_ok(), "{parsed:?}");
}
