//! The dumps against the store and the VoID document: every dump the VoID names downloads with
//! the size and format it states and parses; the N-Quads dump holds every quad of the store, the
//! Turtle dump exactly `void:triples` distinct triples, each linkset dump its `void:triples`
//! links; the descriptions are the same bytes on every request; and a write changes the dumps,
//! their entity tags and the description.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use factgraph::access::{self, Credentials, WriteAccess, WriteToken};
use factgraph::store::model::{Literal, NamedNode, NamedOrBlankNode, Quad, Term, Triple};
use factgraph::store::{Store, UpdateOptions, DEFAULT_BASE};
use factgraph::{app, AppState, ServiceConfig};

const TOKEN: &str = "0123456789abcdef0123";
use http_body_util::BodyExt;
use oxigraph::io::{RdfFormat, RdfParser};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use tower::ServiceExt;

const VOID: &str = "http://rdfs.org/ns/void#";
const DCAT: &str = "http://www.w3.org/ns/dcat#";

/// Status, headers and raw body bytes (dumps may be gzip).
async fn fetch(
    state: &AppState,
    uri: &str,
    headers: &[(&str, &str)],
) -> (u16, axum::http::HeaderMap, Vec<u8>) {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app(state.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, body.to_vec())
}

fn parse(format: RdfFormat, bytes: &[u8]) -> Vec<Quad> {
    RdfParser::from_format(format)
        .for_slice(bytes)
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("does not parse as {format:?}: {e}"))
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// One dump as the VoID describes it.
#[derive(Debug)]
struct Described {
    url: String,
    media_type: String,
    gzip: bool,
    bytes: usize,
    /// The `void:triples` of the dataset or linkset it is the dump of.
    triples: u64,
}

fn value(triples: &[Triple], subject: &NamedOrBlankNode, predicate: &str) -> Vec<Term> {
    triples
        .iter()
        .filter(|t| &t.subject == subject && t.predicate.as_str() == predicate)
        .map(|t| t.object.clone())
        .collect()
}

fn number(term: &Term) -> u64 {
    match term {
        Term::Literal(l) => l.value().parse().unwrap(),
        other => panic!("not a number: {other}"),
    }
}

/// The VoID (N-Triples) and the dumps it names.
async fn described_dumps(state: &AppState) -> (Vec<u8>, Vec<Described>) {
    let (status, _, body) = fetch(
        state,
        "/.well-known/void",
        &[("accept", "application/n-triples")],
    )
    .await;
    assert_eq!(status, 200);
    let triples: Vec<Triple> = parse(RdfFormat::NTriples, &body)
        .into_iter()
        .map(Triple::from)
        .collect();
    let mut dumps = Vec::new();
    for t in triples
        .iter()
        .filter(|t| t.predicate.as_str() == format!("{VOID}dataDump"))
    {
        let Term::NamedNode(url) = &t.object else {
            panic!("a dump that is not an IRI: {t}")
        };
        let distribution = triples
            .iter()
            .find(|d| d.predicate.as_str() == format!("{DCAT}downloadURL") && d.object == t.object)
            .unwrap_or_else(|| panic!("no distribution for {url}"))
            .subject
            .clone();
        let media_type = match &value(&triples, &distribution, &format!("{DCAT}mediaType"))[..] {
            [Term::NamedNode(m)] => m.as_str().to_owned(),
            other => panic!("media type of {url}: {other:?}"),
        };
        dumps.push(Described {
            url: url.as_str().to_owned(),
            media_type,
            gzip: !value(&triples, &distribution, &format!("{DCAT}compressFormat")).is_empty(),
            bytes: number(&value(&triples, &distribution, &format!("{DCAT}byteSize"))[0]) as usize,
            triples: number(&value(&triples, &t.subject, &format!("{VOID}triples"))[0]),
        });
    }
    (body, dumps)
}

/// Every quad of the store, read with SPARQL (independently of the dump's code), as N-Quads
/// lines.
fn store_quads(store: &Store) -> BTreeSet<String> {
    let table = store
        .select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        .unwrap();
    (0..table.rows.len())
        .map(|row| {
            let term = |v: &str| table.get(row, v).unwrap().to_string();
            format!("{} {} {} {}", term("s"), term("p"), term("o"), term("g"))
        })
        .collect()
}

/// Checks every dump the VoID names; returns the N-Quads dump's quads.
async fn check_dumps(state: &AppState) -> BTreeSet<String> {
    let (_, dumps) = described_dumps(state).await;
    let names: BTreeSet<&str> = dumps
        .iter()
        .map(|d| d.url.rsplit('/').next().unwrap())
        .collect();
    assert!(
        [
            "factgraph.nq",
            "factgraph.nq.gz",
            "factgraph.ttl",
            "factgraph.ttl.gz",
            "linkset-wikidata.ttl",
            "linkset-dbpedia.ttl",
            "linkset-qudt.ttl"
        ]
        .iter()
        .all(|n| names.contains(n)),
        "{names:?}"
    );
    let mut nquads = BTreeSet::new();
    for dump in &dumps {
        let path = dump.url.strip_prefix("http://localhost").unwrap();
        let (status, headers, body) = fetch(state, path, &[]).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(body.len(), dump.bytes, "{path}: the size the VoID states");
        let content_type = headers["content-type"].to_str().unwrap();
        let data = if dump.gzip {
            assert_eq!(content_type, "application/gzip", "{path}");
            gunzip(&body)
        } else {
            assert!(
                dump.media_type.ends_with(content_type),
                "{path}: {content_type}"
            );
            body
        };
        let format = RdfFormat::from_media_type(
            dump.media_type
                .strip_prefix("https://www.iana.org/assignments/media-types/")
                .unwrap(),
        )
        .unwrap();
        let quads = parse(format, &data);
        match format {
            RdfFormat::NQuads => {
                nquads = quads
                    .iter()
                    .map(|q| {
                        format!(
                            "{} {} {} {}",
                            q.subject, q.predicate, q.object, q.graph_name
                        )
                    })
                    .collect();
                assert_eq!(nquads.len(), quads.len(), "{path}: a quad twice");
            }
            _ => {
                let distinct: std::collections::HashSet<Triple> =
                    quads.into_iter().map(Triple::from).collect();
                assert_eq!(
                    distinct.len() as u64,
                    dump.triples,
                    "{path}: exactly the void:triples of what it dumps"
                );
            }
        }
    }
    nquads
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dumps_hold_the_store_as_the_void_describes_it() {
    let state = common::state();
    let nquads = check_dumps(&state).await;
    let store = store_quads(&state.store);
    assert!(!store.is_empty());
    assert_eq!(nquads, store, "the N-Quads dump is every quad of the store");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn descriptions_are_the_same_bytes_every_time() {
    let state = common::state();
    for (uri, accept) in [
        ("/.well-known/void", "text/turtle"),
        ("/.well-known/void", "application/n-triples"),
        ("/.well-known/void", "application/ld+json"),
        ("/.well-known/void", "application/rdf+xml"),
        ("/.well-known/void", "text/html"),
        ("/sparql", "text/turtle"),
        ("/sparql", "application/n-triples"),
        ("/sparql", "application/ld+json"),
    ] {
        let (status, first_headers, first) = fetch(&state, uri, &[("accept", accept)]).await;
        assert_eq!(status, 200, "{uri} {accept}");
        let (_, again_headers, again) = fetch(&state, uri, &[("accept", accept)]).await;
        assert_eq!(
            String::from_utf8_lossy(&first),
            String::from_utf8_lossy(&again),
            "{uri} as {accept}"
        );
        let etag = first_headers["etag"].to_str().unwrap();
        assert_eq!(etag, again_headers["etag"].to_str().unwrap());
        assert!(
            first_headers.contains_key("last-modified"),
            "{uri} {accept}"
        );
        let (status, headers, body) =
            fetch(&state, uri, &[("accept", accept), ("if-none-match", etag)]).await;
        assert_eq!(status, 304, "{uri} {accept}");
        assert!(body.is_empty());
        assert_eq!(headers["etag"].to_str().unwrap(), etag);
        let last_modified = first_headers["last-modified"].to_str().unwrap();
        let (status, _, _) = fetch(
            &state,
            uri,
            &[("accept", accept), ("if-modified-since", last_modified)],
        )
        .await;
        assert_eq!(status, 304, "{uri} {accept} If-Modified-Since");
    }
    // Another representation is another entity: its tag differs.
    let (_, turtle, _) = fetch(&state, "/.well-known/void", &[("accept", "text/turtle")]).await;
    let (_, ntriples, _) = fetch(
        &state,
        "/.well-known/void",
        &[("accept", "application/n-triples")],
    )
    .await;
    assert_ne!(turtle["etag"], ntriples["etag"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_changes_the_dumps_and_their_tags() {
    // An in-memory store of its own: the write methods work on any embedded store (the HTTP
    // write routes also need --store, tested in tests/http_cases.rs with rocksdb).
    let (store, _) = Store::load(&factgraph::store::shipped_data_paths(), DEFAULT_BASE).unwrap();
    let state = AppState::new(store, ServiceConfig::default()).unwrap();
    let before = check_dumps(&state).await;
    let (void_before, dumps_before) = described_dumps(&state).await;
    let (_, headers, _) = fetch(&state, "/dumps/factgraph.nq", &[]).await;
    let etag_before = headers["etag"].to_str().unwrap().to_owned();
    let (_, sd_headers, _) = fetch(&state, "/sparql", &[("accept", "text/turtle")]).await;
    let sd_etag_before = sd_headers["etag"].to_str().unwrap().to_owned();
    let modified_before = headers["last-modified"].to_str().unwrap().to_owned();

    let added = Quad::new(
        NamedNode::new(format!("{DEFAULT_BASE}id/audi")).unwrap(),
        NamedNode::new("http://www.w3.org/2000/01/rdf-schema#comment").unwrap(),
        Literal::new_simple_literal("added by a write"),
        NamedNode::new(format!("{DEFAULT_BASE}graph/entities")).unwrap(),
    );
    let update = format!(
        "INSERT DATA {{ GRAPH {} {{ {} {} {} }} }}",
        added.graph_name, added.subject, added.predicate, added.object
    );
    // The write methods work on any embedded store; refusing writes to one that is not on disk
    // is the HTTP routes' rule, so the grant is asked for as for a persistent one.
    let token: WriteToken = TOKEN.parse().unwrap();
    let grant = access::grant(
        Some(&WriteAccess::new(&token)),
        Credentials::Bearer(TOKEN),
        true,
    )
    .unwrap();
    state
        .write(grant, move |store| {
            store.update(&update, &UpdateOptions::default())
        })
        .await
        .unwrap()
        .unwrap();

    let after = check_dumps(&state).await;
    let new: Vec<&String> = after.difference(&before).collect();
    assert_eq!(
        new,
        [&format!(
            "{} {} {} {}",
            added.subject, added.predicate, added.object, added.graph_name
        )]
    );
    assert!(before.is_subset(&after));
    assert_eq!(after, store_quads(&state.store));

    let (void_after, dumps_after) = described_dumps(&state).await;
    assert_ne!(void_before, void_after);
    let sizes = |dumps: &[Described]| -> BTreeMap<String, (usize, u64)> {
        dumps
            .iter()
            .map(|d| (d.url.clone(), (d.bytes, d.triples)))
            .collect()
    };
    let (sizes_before, sizes_after) = (sizes(&dumps_before), sizes(&dumps_after));
    let url = "http://localhost/dumps/factgraph.ttl";
    assert!(sizes_after[url].0 > sizes_before[url].0);
    assert_eq!(sizes_after[url].1, sizes_before[url].1 + 1, "void:triples");
    // The links did not change, nor did their dump.
    let links = "http://localhost/dumps/linkset-wikidata.ttl";
    assert_eq!(sizes_after[links], sizes_before[links]);

    let (status, headers, _) = fetch(
        &state,
        "/dumps/factgraph.nq",
        &[("if-none-match", &etag_before)],
    )
    .await;
    assert_eq!(status, 200, "the old tag no longer matches");
    // Even within the second of the write, a copy dated before it is not current.
    let (status, _, _) = fetch(
        &state,
        "/dumps/factgraph.nq",
        &[("if-modified-since", &modified_before)],
    )
    .await;
    assert_eq!(status, 200, "a copy from before the write is stale");
    assert_ne!(headers["etag"].to_str().unwrap(), etag_before);
    let (status, _, _) = fetch(
        &state,
        "/sparql",
        &[
            ("accept", "text/turtle"),
            ("if-none-match", &sd_etag_before),
        ],
    )
    .await;
    assert_eq!(status, 200, "the Service Description counts the new triple");
}

/// What the question builder and reconciliation read from the graph is kept between requests
/// and read again after a write: a new name and a new class are found right after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_renews_what_the_builder_and_reconciliation_read() {
    let (store, _) = Store::load(&factgraph::store::shipped_data_paths(), DEFAULT_BASE).unwrap();
    let state = AppState::new(store, ServiceConfig::default()).unwrap();
    let names = |body: &[u8]| String::from_utf8_lossy(body).contains("Vorstfabriekje");
    let (status, _, before) = fetch(&state, "/questions/things", &[]).await;
    assert_eq!(status, 200);
    assert!(!names(&before));
    let suggest = "/reconcile/suggest/type?prefix=Testsoort";
    let (_, _, types_before) = fetch(&state, suggest, &[]).await;
    assert!(!String::from_utf8_lossy(&types_before).contains("TestKind"));

    let update = format!(
        "INSERT DATA {{ GRAPH <{DEFAULT_BASE}graph/entities> {{ \
           <{DEFAULT_BASE}id/audi-brussels> <http://www.w3.org/2004/02/skos/core#altLabel> \"Vorstfabriekje\"@nl . \
           <{DEFAULT_BASE}def/TestKind> a <http://www.w3.org/2002/07/owl#Class> ; \
             <http://www.w3.org/2000/01/rdf-schema#label> \"Testsoort\"@nl, \"test kind\"@en }} }}"
    );
    let token: WriteToken = TOKEN.parse().unwrap();
    let grant = access::grant(
        Some(&WriteAccess::new(&token)),
        Credentials::Bearer(TOKEN),
        true,
    )
    .unwrap();
    state
        .write(grant, move |store| {
            store.update(&update, &UpdateOptions::default())
        })
        .await
        .unwrap()
        .unwrap();

    let (_, _, after) = fetch(&state, "/questions/things", &[]).await;
    assert!(
        names(&after),
        "the builder reads the graph again after a write"
    );
    let (_, _, types_after) = fetch(&state, suggest, &[]).await;
    assert!(
        String::from_utf8_lossy(&types_after).contains("TestKind"),
        "reconciliation reads the schema again after a write"
    );
}
