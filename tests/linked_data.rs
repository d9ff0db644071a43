//! Linked Data rules that need code rather than a case file: every minted IRI resolves, JSON-LD
//! says exactly what Turtle says, the VoID counts agree with the data, markup in the data is
//! escaped, other bases map request paths, negotiation over a real socket, and federation
//! between two instances on loopback.
//!
//! Tests that do not depend on the fixture's content run on the fixture and on the shipped
//! graph, so they check the real data as soon as it is on the branch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use factgraph::store::model::graph::CanonicalizationAlgorithm;
use factgraph::store::model::{Graph, NamedNode, Term, Triple};
use factgraph::store::{Federation, Store, DEFAULT_BASE};
use factgraph::{app, AppState, ServiceConfig};
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParser};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

fn fixture_paths() -> Vec<PathBuf> {
    vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ld")]
}

fn state_with(paths: &[PathBuf], base: &str) -> AppState {
    let (store, _) = Store::load(paths, base).unwrap();
    AppState::new(store, ServiceConfig::default()).unwrap()
}

fn fixture() -> AppState {
    state_with(&fixture_paths(), DEFAULT_BASE)
}

/// The fixture and the shipped graph (which is empty until the data is merged).
fn graphs() -> Vec<(&'static str, AppState)> {
    vec![("fixture", fixture()), ("shipped", common::state())]
}

async fn get(state: &AppState, uri: &str, accept: &str) -> common::Reply {
    let request = Request::get(uri)
        .header("accept", accept)
        .body(Body::empty())
        .unwrap();
    common::send_to(app(state.clone()), request).await
}

fn parse(body: &str, format: RdfFormat) -> Graph {
    let mut graph = Graph::new();
    for triple in RdfParser::from_format(format).for_slice(body.as_bytes()) {
        let triple = triple.unwrap_or_else(|e| panic!("{format} does not parse ({e}):\n{body}"));
        graph.insert(&Triple::from(triple));
    }
    graph
}

/// Every IRI under `id/`, `def/` or `shape/` that the graph mentions, as a request path.
fn minted_paths(state: &AppState) -> Vec<String> {
    let base = state.store.base().to_owned();
    let table = state
        .store
        .select(
            "SELECT DISTINCT ?x WHERE { { ?x ?p ?o } UNION { ?s ?x ?o } UNION { ?s ?p ?x } \
             FILTER(isIRI(?x)) }",
        )
        .unwrap();
    let mut paths = BTreeSet::new();
    for row in 0..table.rows.len() {
        if let Some(Term::NamedNode(n)) = table.get(row, "x") {
            if let Some(rest) = n.as_str().strip_prefix(&base) {
                let served = ["id/", "def/", "shape/"]
                    .iter()
                    .any(|p| rest.starts_with(p) && rest.len() > p.len());
                if served {
                    paths.insert(format!("/{rest}"));
                }
            }
        }
    }
    paths.into_iter().collect()
}

/// Open and close tags balance, void elements aside: a cheap check that the markup is well
/// formed, which an HTML5 validator would also demand of these pages.
fn assert_well_formed(html: &str, context: &str) {
    const VOID: &[&str] = &["meta", "link", "br", "hr", "img", "input"];
    assert!(html.starts_with("<!DOCTYPE html>"), "{context}: no doctype");
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest
            .find('>')
            .unwrap_or_else(|| panic!("{context}: unclosed <"));
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name == "style" && !tag.starts_with('/') {
            let close = rest.find("</style>").unwrap();
            rest = &rest[close + "</style>".len()..];
            continue;
        }
        if tag.starts_with('/') {
            let open = stack.pop();
            assert_eq!(open.as_deref(), Some(name.as_str()), "{context}: </{name}>");
        } else if !VOID.contains(&name.as_str()) {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "{context}: unclosed {stack:?}");
}

/// A page in the site's frame: header navigation and footer, the site's style sheet, its strict
/// Content-Security-Policy, and no inline styles or scripts (which that policy would block).
fn assert_framed(page: &common::Reply, context: &str) {
    assert!(
        page.header("content-security-policy")
            .starts_with("default-src 'self'; script-src 'self'; style-src 'self';"),
        "{context}: {:?}",
        page.header("content-security-policy")
    );
    assert!(page.body.contains("<nav aria-label=\"Main\">"), "{context}");
    assert!(
        page.body.contains("<footer class=\"site-footer\""),
        "{context}"
    );
    assert!(page.body.contains("/assets/site.css?v="), "{context}");
    for inline in ["<style", " style=", "<script"] {
        assert!(!page.body.contains(inline), "{context}: {inline}");
    }
}

#[tokio::test]
async fn namespace_documents_and_the_dataset_are_framed_pages() {
    for (name, state) in graphs() {
        for path in ["/def/", "/shape/", "/.well-known/void", "/def/qa"] {
            if name == "fixture" && path == "/def/qa" {
                continue; // the question templates are not part of the fixture
            }
            let context = format!("{name} {path}");
            let page = get(&state, path, "text/html").await;
            assert_eq!(page.status, 200, "{context}: {}", page.body);
            assert_framed(&page, &context);
            assert_well_formed(&page.body, &context);
        }
    }
}

#[tokio::test]
async fn an_entity_page_lists_its_facts_before_the_property_table() {
    let page = get(&fixture(), "/id/audi-brussels?lang=nl", "text/html").await;
    let facts = page.body.find("<section class=\"facts\">").unwrap();
    let properties = page.body.find("<section class=\"properties\">").unwrap();
    let value_of = page.body.find("<section class=\"value-of\">").unwrap();
    assert!(facts < value_of && value_of < properties, "{}", page.body);
    // Each fact once: the fact naming the plant is not repeated as an incoming link (its
    // rdf:object) or as its direct triple (Audi fg:owns the plant), which were its only links in;
    // the fact about the plant's area is not repeated in the property table either.
    assert!(
        !page.body.contains("<section class=\"incoming\">"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("oppervlakte</a></th>"), "{}", page.body);
    // Each fact leads with its readable statement in the page language.
    assert!(
        page.body.contains(
            "<h3><a class=\"internal\" href=\"/id/fact/plant-surface-area\" \
         title=\"https://w3id.org/factgraph/id/fact/plant-surface-area\">De fabriek heeft zo&#39;n \
         37.000 m² zonnepanelen.</a></h3>"
        ),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn every_minted_iri_resolves_as_html_and_rdf() {
    for (name, state) in graphs() {
        let paths = minted_paths(&state);
        if name == "fixture" {
            assert!(paths.len() > 20, "{paths:?}");
        }
        for path in paths {
            let context = format!("{name} {path}");
            let page = get(&state, &path, "text/html").await;
            assert_eq!(page.status, 200, "{context}: {}", page.body);
            assert!(page.header("content-type").starts_with("text/html"));
            assert!(page.header("vary").contains("Accept"), "{context}");
            assert!(page.body.contains("<html lang=\"en\">"), "{context}");
            assert!(page.body.contains("<title>"), "{context}");
            assert_framed(&page, &context);
            assert_well_formed(&page.body, &context);
            let turtle = get(&state, &path, "text/turtle").await;
            assert_eq!(turtle.status, 200, "{context}");
            let iri = NamedNode::new(format!("{}{}", state.store.base(), &path[1..])).unwrap();
            let graph = parse(&turtle.body, RdfFormat::Turtle);
            assert!(
                graph
                    .iter()
                    .any(|t| t.subject == iri.as_ref().into() || t.object == iri.as_ref().into()),
                "{context}: the description does not mention the resource"
            );
        }
    }
}

#[tokio::test]
async fn json_ld_says_what_turtle_says() {
    let jsonld = RdfFormat::JsonLd {
        profile: JsonLdProfileSet::empty(),
    };
    for (name, state) in graphs() {
        let mut paths = minted_paths(&state);
        paths.push("/.well-known/void".to_owned());
        if name == "fixture" {
            paths.push("/def/".to_owned());
            paths.push("/shape/".to_owned());
        }
        for path in paths {
            let context = format!("{name} {path}");
            let json = get(&state, &path, "application/ld+json").await;
            assert_eq!(json.status, 200, "{context}");
            let value = json.json();
            assert!(value["@context"]["fg"].is_string(), "{context}");
            let turtle = get(&state, &path, "text/turtle").await;
            let mut from_json = parse(&json.body, jsonld);
            let mut from_turtle = parse(&turtle.body, RdfFormat::Turtle);
            if path.contains("void") {
                // Blank nodes and the statistics are the same, but each request mints new
                // blank node ids; compare up to renaming.
                from_json.canonicalize(CanonicalizationAlgorithm::Unstable);
                from_turtle.canonicalize(CanonicalizationAlgorithm::Unstable);
            }
            assert!(!from_turtle.is_empty(), "{context}");
            let only_json: Vec<String> = from_json
                .iter()
                .filter(|t| !from_turtle.contains(*t))
                .map(|t| t.to_string())
                .collect();
            let only_turtle: Vec<String> = from_turtle
                .iter()
                .filter(|t| !from_json.contains(*t))
                .map(|t| t.to_string())
                .collect();
            assert!(
                only_json.is_empty() && only_turtle.is_empty(),
                "{context}: only in JSON-LD {only_json:#?}\nonly in Turtle {only_turtle:#?}\n{}",
                json.body
            );
        }
    }
}

#[tokio::test]
async fn json_ld_uses_the_published_context() {
    let state = fixture();
    let context = get(&state, "/context.jsonld", "*/*").await.json();
    let document = get(&state, "/id/audi-brussels", "application/ld+json")
        .await
        .json();
    assert_eq!(document["@context"], context["@context"]);
    let plant = document["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["@id"] == "id:audi-brussels")
        .unwrap();
    assert_eq!(plant["sameAs"], "dbr:Audi_Brussels");
    assert_eq!(plant["fg:surfaceArea"], 37000);
}

fn count(graph: &Graph, subject_predicate: &str) -> Vec<i64> {
    graph
        .iter()
        .filter(|t| t.predicate.as_str() == subject_predicate)
        .filter_map(|t| match t.object {
            oxigraph::model::TermRef::Literal(l) => l.value().parse().ok(),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn void_counts_agree_with_the_data() {
    const VOID: &str = "http://rdfs.org/ns/void#";
    for (name, state) in graphs() {
        let all = get(
            &state,
            "/sparql?query=CONSTRUCT+%7B%3Fs+%3Fp+%3Fo%7D+WHERE+%7B%3Fs+%3Fp+%3Fo%7D",
            "application/n-triples",
        )
        .await;
        let data = parse(&all.body, RdfFormat::NTriples);
        let void = parse(
            &get(&state, "/.well-known/void", "application/n-triples")
                .await
                .body,
            RdfFormat::NTriples,
        );
        let dataset = NamedNode::new(state.store.base()).unwrap();
        let own = |predicate: &str| {
            void.object_for_subject_predicate(
                &dataset,
                &NamedNode::new(format!("{VOID}{predicate}")).unwrap(),
            )
            .and_then(|o| match o {
                oxigraph::model::TermRef::Literal(l) => l.value().parse::<usize>().ok(),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{name}: no void:{predicate}"))
        };
        assert_eq!(own("triples"), data.len(), "{name}");
        let subjects: BTreeSet<_> = data.iter().map(|t| t.subject.to_string()).collect();
        assert_eq!(own("distinctSubjects"), subjects.len(), "{name}");
        let classes: BTreeSet<_> = data
            .iter()
            .filter(|t| t.predicate == oxigraph::model::vocab::rdf::TYPE)
            .map(|t| t.object.to_string())
            .collect();
        assert_eq!(own("classes"), classes.len(), "{name}");
        // Each linkset counts exactly the triples whose object is in the target's namespace.
        let link_counts = count(&void, &format!("{VOID}triples"));
        for namespace in [
            "http://www.wikidata.org/entity/",
            "http://dbpedia.org/resource/",
            "http://qudt.org/vocab/unit/",
        ] {
            let links = data
                .iter()
                .filter(|t| {
                    matches!(t.object, oxigraph::model::TermRef::NamedNode(n) if n.as_str().starts_with(namespace))
                })
                .count();
            let described = void.iter().any(|t| {
                matches!(t.object, oxigraph::model::TermRef::Literal(l) if l.value() == namespace)
            });
            assert_eq!(described, links > 0, "{name}: linkset for {namespace}");
            if links > 0 {
                assert!(
                    link_counts.contains(&(links as i64)),
                    "{name}: no void:triples {links} for {namespace}"
                );
            }
        }
        // Class partitions add up to the typed resources, property partitions to all triples.
        let partitions: i64 = void
            .iter()
            .filter(|t| t.predicate.as_str() == format!("{VOID}property"))
            .map(|t| {
                let partition = t.subject;
                void.object_for_subject_predicate(
                    partition,
                    &NamedNode::new(format!("{VOID}triples")).unwrap(),
                )
                .and_then(|o| match o {
                    oxigraph::model::TermRef::Literal(l) => l.value().parse::<i64>().ok(),
                    _ => None,
                })
                .unwrap()
            })
            .sum();
        assert_eq!(partitions as usize, data.len(), "{name}");
    }
}

#[tokio::test]
async fn markup_in_the_data_is_escaped() {
    let dir = std::env::temp_dir().join(format!("factgraph-ld-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("markup.ttl");
    std::fs::write(
        &file,
        r#"<https://w3id.org/factgraph/id/x> <http://www.w3.org/2004/02/skos/core#prefLabel> "<script>alert('x')</script> & \"q\""@en ;
             <http://www.w3.org/2000/01/rdf-schema#seeAlso> <http://example.org/a?b=1&c=2> ."#,
    )
    .unwrap();
    let state = state_with(&[file], DEFAULT_BASE);
    std::fs::remove_dir_all(&dir).unwrap();
    let page = get(&state, "/id/x", "text/html").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script"), "{}", page.body);
    assert!(page
        .body
        .contains("<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</h1>"));
    assert!(page
        .body
        .contains("href=\"http://example.org/a?b=1&amp;c=2\""));
    assert_well_formed(&page.body, "markup");
}

#[tokio::test]
async fn request_paths_map_onto_another_base() {
    let state = state_with(&fixture_paths(), "http://example.org/kg/");
    for path in ["/id/audi-brussels", "/kg/id/audi-brussels"] {
        let reply = get(&state, path, "application/n-triples").await;
        assert_eq!(reply.status, 200, "{path}");
        assert!(reply
            .body
            .contains("<http://example.org/kg/id/audi-brussels> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/kg/def/Plant> ."));
    }
    let page = get(&state, "/id/audi-brussels", "text/html").await;
    assert!(page.body.contains("href=\"/def/Plant\""), "{}", page.body);
    let ontology = get(&state, "/kg/def", "application/n-triples").await;
    assert_eq!(ontology.status, 200);
    assert!(ontology.body.contains(
        "<http://example.org/kg/def/> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> \
         <http://www.w3.org/2002/07/owl#Ontology> ."
    ));
    // The old base is not ours any more.
    assert_eq!(
        get(&state, "/factgraph/id/audi-brussels", "*/*")
            .await
            .status,
        404
    );
}

// --- over real sockets ---------------------------------------------------------------------

async fn serve(state: AppState) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });
    address
}

struct RawReply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl RawReply {
    fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// One HTTP/1.1 request written by hand on a TCP connection; the reply read to its end.
async fn raw(address: SocketAddr, request_line: &str, headers: &[&str], body: &str) -> RawReply {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut request = format!("{request_line}\r\nHost: {address}\r\nConnection: close\r\n");
    for header in headers {
        request.push_str(header);
        request.push_str("\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut bytes))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    RawReply {
        status,
        headers,
        body: body.to_owned(),
    }
}

#[tokio::test]
async fn content_negotiation_over_a_socket() {
    let address = serve(fixture()).await;
    let cases: &[(&str, &[&str], u16, &str)] = &[
        (
            "GET /id/audi-brussels HTTP/1.1",
            &["Accept: text/turtle"],
            200,
            "text/turtle",
        ),
        (
            "GET /id/audi-brussels HTTP/1.1",
            &["Accept: text/html,application/xhtml+xml,*/*;q=0.8"],
            200,
            "text/html; charset=utf-8",
        ),
        (
            "GET /id/audi-brussels HTTP/1.1",
            &["Accept: application/ld+json"],
            200,
            "application/ld+json",
        ),
        (
            "GET /factgraph/id/audi-brussels HTTP/1.1",
            &["Accept: text/turtle"],
            200,
            "text/turtle",
        ),
        (
            "GET /id/audi-brussels HTTP/1.1",
            &["Accept: application/rdf+xml"],
            200,
            "application/rdf+xml",
        ),
        (
            "GET /id/audi-brussels?format=nt HTTP/1.1",
            &["Accept: text/html"],
            200,
            "application/n-triples",
        ),
        (
            "GET /id/audi-brussels HTTP/1.1",
            &["Accept: */*"],
            200,
            "text/turtle",
        ),
        (
            "GET /id/audi-brussels HTTP/1.1",
            &["Accept: image/png"],
            406,
            "text/plain",
        ),
        (
            "GET /id/nothing-here HTTP/1.1",
            &["Accept: text/turtle"],
            404,
            "text/plain",
        ),
        (
            "GET /def/ HTTP/1.1",
            &["Accept: text/turtle"],
            200,
            "text/turtle",
        ),
        ("GET /.well-known/void HTTP/1.1", &[], 200, "text/turtle"),
        (
            "GET /.well-known/void HTTP/1.1",
            &["Accept: text/html"],
            200,
            "text/html; charset=utf-8",
        ),
    ];
    for (line, headers, status, content_type) in cases {
        let reply = raw(address, line, headers, "").await;
        assert_eq!(reply.status, *status, "{line} {headers:?}: {}", reply.body);
        let got = reply.header("content-type");
        assert!(
            got.len() == 1 && got[0].starts_with(content_type),
            "{line} {headers:?}: Content-Type {got:?}"
        );
        assert!(
            reply.header("vary").iter().any(|v| v.contains("Accept")),
            "{line} {headers:?}: Vary is {:?}",
            reply.header("vary")
        );
    }
    // HEAD answers the same headers without a body.
    let head = raw(
        address,
        "HEAD /id/audi-brussels HTTP/1.1",
        &["Accept: text/html"],
        "",
    )
    .await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
}

fn encode(query: &str) -> String {
    form_urlencoded::byte_serialize(query.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn federation_calls_allowed_endpoints_only() {
    // B holds the fixture; A holds nothing and may call B only, so whatever A answers came
    // from B over a real socket.
    let b = serve(fixture()).await;
    let b_endpoint = format!("http://{b}/sparql");
    let (empty, _) = Store::load(&[], DEFAULT_BASE).unwrap();
    // A closed port on the allow-list stands for an endpoint that is down.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    // An allowed endpoint that redirects elsewhere must not be followed.
    let redirector = {
        let target = b_endpoint.clone();
        let router = axum::Router::new().route(
            "/sparql",
            axum::routing::any(move || {
                let target = target.clone();
                async move { axum::response::Redirect::temporary(&target) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        format!("http://{address}/sparql")
    };
    let allowed: Vec<NamedNode> = [&b_endpoint, &format!("http://{closed}/sparql"), &redirector]
        .iter()
        .map(|iri| NamedNode::new(iri.as_str()).unwrap())
        .collect();
    let a = serve(
        AppState::new(empty, ServiceConfig::default())
            .unwrap()
            .with_federation(Federation::new(
                allowed,
                Some(Duration::from_secs(5)),
                &factgraph::store::tls::Trust::default(),
            )),
    )
    .await;
    let ask = |query: String| async move {
        raw(
            a,
            &format!("GET /sparql?query={} HTTP/1.1", encode(&query)),
            &["Accept: application/sparql-results+json"],
            "",
        )
        .await
    };

    let description = raw(
        a,
        "GET /sparql HTTP/1.1",
        &["Accept: application/n-triples"],
        "",
    )
    .await;
    assert!(description
        .body
        .contains("<http://www.w3.org/ns/sparql-service-description#BasicFederatedQuery>"));

    let reply = ask(format!(
        "SELECT ?label WHERE {{ SERVICE <{b_endpoint}> {{ id:audi-brussels skos:prefLabel ?label }} }}"
    ))
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply.body.contains("Audi-fabriek in Vorst"),
        "{}",
        reply.body
    );

    let reply = ask(format!(
        "SELECT * WHERE {{ SERVICE <http://{b}/elsewhere> {{ ?s ?p ?o }} }}"
    ))
    .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.body.contains(&format!(
        "SERVICE <http://{b}/elsewhere> is not an allowed endpoint"
    )));
    assert!(
        reply.body.contains(&b_endpoint),
        "the message lists the allowed endpoints"
    );

    let reply =
        ask("SELECT * WHERE { VALUES ?e { <http://x/> } SERVICE ?e { ?s ?p ?o } }".into()).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(
        reply.body.contains("SERVICE ?e is refused"),
        "{}",
        reply.body
    );

    let reply = ask(format!(
        "SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE <http://{b}/other> {{ ?s ?p ?o }} }} }}"
    ))
    .await;
    assert_eq!(reply.status, 400, "{}", reply.body);

    let reply = ask(format!(
        "SELECT * WHERE {{ SERVICE <http://{closed}/sparql> {{ ?s ?p ?o }} }}"
    ))
    .await;
    assert_eq!(reply.status, 502, "{}", reply.body);
    assert!(reply.body.contains("SERVICE call failed"), "{}", reply.body);

    let reply = ask(format!(
        "SELECT * WHERE {{ SERVICE <{redirector}> {{ ?s ?p ?o }} }}"
    ))
    .await;
    assert_eq!(reply.status, 502, "a redirect was followed: {}", reply.body);
}

/// A namespace document holds every triple whose subject is in the namespace, and nothing of
/// the rest of the graph (the service finds the subjects without scanning every triple).
#[tokio::test]
async fn namespace_documents_hold_exactly_their_subjects_triples() {
    for (name, state) in graphs() {
        for namespace in ["def/", "shape/"] {
            let iri = format!("{DEFAULT_BASE}{namespace}");
            let expected = state
                .store
                .select(&format!(
                    "SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o \
                     FILTER(isIRI(?s) && STRSTARTS(STR(?s), \"{iri}\")) }} }}"
                ))
                .unwrap();
            let expected: usize = match expected.get(0, "n") {
                Some(oxigraph::model::Term::Literal(l)) => l.value().parse().unwrap(),
                other => panic!("{other:?}"),
            };
            let document = get(&state, &format!("/{namespace}"), "application/n-triples").await;
            assert_eq!(
                document.status, 200,
                "{name} {namespace}: {}",
                document.body
            );
            let graph = parse(&document.body, RdfFormat::NTriples);
            let own = graph
                .iter()
                .filter(|t| {
                    matches!(t.subject, oxigraph::model::NamedOrBlankNodeRef::NamedNode(n)
                        if n.as_str().starts_with(&iri))
                })
                .count();
            assert!(expected > 0, "{name} {namespace}: the graph has none");
            assert_eq!(own, expected, "{name} {namespace}");
            assert!(
                graph.iter().all(|t| !matches!(t.subject,
                    oxigraph::model::NamedOrBlankNodeRef::NamedNode(n)
                        if !n.as_str().starts_with(&iri))),
                "{name} {namespace}: a subject outside the namespace"
            );
        }
    }
}

/// A resource that many things point at (a class of a large graph) is described with the first
/// thousand links in, and its page says how many there are and where to see them all.
#[tokio::test]
async fn a_hub_is_described_with_a_bounded_number_of_incoming_links() {
    let dir = std::env::temp_dir().join(format!("factgraph-hub-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut turtle = String::from(
        "@prefix id: <https://w3id.org/factgraph/id/> .\n\
         @prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
         id:hub skos:prefLabel \"Hub\"@en .\n",
    );
    for i in 0..1500 {
        turtle.push_str(&format!("id:spoke-{i:04} skos:related id:hub .\n"));
    }
    std::fs::write(dir.join("hub.ttl"), turtle).unwrap();
    let state = state_with(std::slice::from_ref(&dir), DEFAULT_BASE);
    let hub = format!("{DEFAULT_BASE}id/hub");

    let rdf = get(&state, "/id/hub", "application/n-triples").await;
    assert_eq!(rdf.status, 200, "{}", rdf.body);
    let graph = parse(&rdf.body, RdfFormat::NTriples);
    let incoming = graph
        .iter()
        .filter(|t| matches!(t.object, oxigraph::model::TermRef::NamedNode(n) if n.as_str() == hub))
        .count();
    assert_eq!(incoming, 1000);

    let page = get(&state, "/id/hub", "text/html").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Showing the first 1000 of 1500"),
        "{}",
        page.body
    );
    // The links in are grouped by relation, with the count, and a long group starts collapsed.
    assert!(
        page.body
            .contains("<details class=\"link-group\"><summary>")
            && page
                .body
                .contains("<span class=\"count\">(1000)</span></summary>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("href=\"/query?query=SELECT"),
        "{}",
        page.body
    );
    // A resource with few links in says nothing of the kind.
    let spoke = get(&state, "/id/spoke-0001", "text/html").await;
    assert!(!spoke.body.contains("Showing the first"));
    std::fs::remove_dir_all(&dir).ok();
}
