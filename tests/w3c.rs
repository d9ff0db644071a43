//! Runs the W3C SPARQL 1.1 suites of `tests/w3c/sparql11/` from their manifests, one loop for
//! all of them (as Oxigraph's `testsuite` crate does): the Protocol (`protocol/`), the Graph Store
//! Protocol with direct and indirect identification (`graph-store-protocol/`), the JSON, CSV and
//! TSV result formats (`json-res/`, `csv-tsv-res/`) and the Service Description
//! (`service-description/`), each against the real service in-process.
//!
//! Every test gets a service of its own: an in-memory store for tests that only read, a new
//! on-disk store with a write token for tests that write (only with the `rocksdb` feature;
//! without it they are skipped and counted, and with it none may be skipped). The data a test
//! names is loaded as it says: `qt:data` into the default graph, each `ut:graphData` into the
//! named graph of its `rdfs:label`. The service's base is `http://www.example/`, the host the
//! manifests' requests name, so a graph under `/store/…` is the IRI of its request URL.
//!
//! `tests/w3c/expected-failures.txt` lists the tests expected to fail, each with its reason; a
//! listed test that passes fails the run too, so the list cannot go stale. The tests at the end
//! of this file show the upstream behaviour each listed reason names.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::Request;
use factgraph::store::{GraphTarget, Store};
use factgraph::{AppState, ServiceConfig};
use http_body_util::BodyExt;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::dataset::CanonicalizationAlgorithm;
use oxigraph::model::{Graph, NamedNode, NamedOrBlankNode, Term, TermRef};
use oxigraph::sparql::results::SliceQueryResultsParserOutput;
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsParser};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use tower::ServiceExt;

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const MF: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#";
const QT: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#";
const UT: &str = "http://www.w3.org/2009/sparql/tests/test-update#";
const HT: &str = "http://www.w3.org/2011/http#";
const HTS: &str = "http://www.w3.org/2011/http-statusCodes#";
const CNT: &str = "http://www.w3.org/2011/content#";
const SD: &str = "http://www.w3.org/ns/sparql-service-description#";

/// The manifests run, relative to `tests/w3c/sparql11/`.
const MANIFESTS: &[&str] = &[
    "protocol/manifest.ttl",
    "graph-store-protocol/manifest.ttl",
    "json-res/manifest.ttl",
    "csv-tsv-res/manifest.ttl",
    "service-description/manifest.ttl",
];

/// The service's base IRI: the authority of the manifests' requests (`ht:connectionAuthority`).
const BASE: &str = "http://www.example/";
const HOST: &str = "www.example";
const TOKEN: &str = "w3c-suite-write-token-0123456789";

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/w3c/sparql11")
}

// ---------------------------------------------------------------------------------------------
// Reading manifests
// ---------------------------------------------------------------------------------------------

/// A manifest's triples, with relative IRIs resolved against the file's own `file:` URL, so
/// that data files map back onto paths.
struct Manifest {
    graph: Graph,
}

fn iri(text: &str) -> NamedNode {
    NamedNode::new(text).unwrap()
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn path_of(node: &Term) -> PathBuf {
    match node {
        Term::NamedNode(n) => PathBuf::from(
            n.as_str()
                .strip_prefix("file://")
                .unwrap_or_else(|| panic!("{n} is not a local file")),
        ),
        other => panic!("{other} is not a file IRI"),
    }
}

impl Manifest {
    fn read(path: &Path) -> Self {
        let text = std::fs::read(path).unwrap();
        let mut graph = Graph::new();
        for quad in RdfParser::from_format(RdfFormat::Turtle)
            .with_base_iri(file_url(path))
            .unwrap()
            .for_slice(&text)
        {
            let quad = quad.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            graph.insert(quad.as_ref());
        }
        Self { graph }
    }

    fn objects(&self, subject: &Term, predicate: &str) -> Vec<Term> {
        let Some(subject) = as_subject(subject) else {
            return Vec::new();
        };
        self.graph
            .objects_for_subject_predicate(subject.as_ref(), iri(predicate).as_ref())
            .map(TermRef::into_owned)
            .collect()
    }

    fn object(&self, subject: &Term, predicate: &str) -> Option<Term> {
        self.objects(subject, predicate).into_iter().next()
    }

    fn string(&self, subject: &Term, predicate: &str) -> Option<String> {
        match self.object(subject, predicate)? {
            Term::Literal(l) => Some(l.value().to_owned()),
            Term::NamedNode(n) => Some(n.as_str().to_owned()),
            Term::BlankNode(_) => None,
        }
    }

    /// The members of an RDF list.
    fn list(&self, head: Option<Term>) -> Vec<Term> {
        let mut items = Vec::new();
        let mut node = head;
        while let Some(current) = node {
            if current == Term::from(iri(&format!("{RDF}nil"))) {
                break;
            }
            items.extend(self.object(&current, &format!("{RDF}first")));
            node = self.object(&current, &format!("{RDF}rest"));
        }
        items
    }
}

fn as_subject(term: &Term) -> Option<NamedOrBlankNode> {
    match term {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        Term::Literal(_) => None,
    }
}

/// One test of a manifest.
struct Test {
    /// The folder of its manifest (`protocol`, `graph-store-protocol`, …), for the summary.
    suite: String,
    id: String,
    name: String,
    kind: String,
    node: Term,
    manifest: std::rc::Rc<Manifest>,
}

/// The tests of a manifest and of the manifests it includes, in the manifests' order.
fn tests_of(path: &Path) -> Vec<Test> {
    let manifest = std::rc::Rc::new(Manifest::read(path));
    let this = Term::from(iri(&file_url(path)));
    let mut tests = Vec::new();
    for included in manifest.list(manifest.object(&this, &format!("{MF}include"))) {
        tests.extend(tests_of(&path_of(&included)));
    }
    for entry in manifest.list(manifest.object(&this, &format!("{MF}entries"))) {
        let id = match &entry {
            Term::NamedNode(n) => n.as_str().to_owned(),
            other => panic!("{}: an entry without IRI: {other}", path.display()),
        };
        tests.push(Test {
            suite: path
                .parent()
                .and_then(Path::file_name)
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            name: manifest
                .string(&entry, &format!("{MF}name"))
                .unwrap_or_default(),
            kind: manifest
                .string(&entry, &format!("{RDF}type"))
                .unwrap_or_default(),
            id,
            node: entry,
            manifest: manifest.clone(),
        });
    }
    tests
}

// ---------------------------------------------------------------------------------------------
// The service under test
// ---------------------------------------------------------------------------------------------

/// What a test writes, and so which store it needs.
fn needs_writes(test: &Test) -> bool {
    if test.kind == format!("{MF}GraphStoreProtocolTest") {
        return true;
    }
    let m = &test.manifest;
    let Some(action) = m.object(&test.node, &format!("{MF}action")) else {
        return false;
    };
    m.list(m.object(&action, &format!("{HT}requests")))
        .iter()
        .any(|request| {
            let path = m
                .string(request, &format!("{HT}absolutePath"))
                .unwrap_or_default();
            let body = m
                .object(request, &format!("{HT}body"))
                .and_then(|b| m.string(&b, &format!("{CNT}chars")))
                .unwrap_or_default();
            let update_type = request_headers(m, request)
                .iter()
                .any(|(_, v)| v.starts_with("application/sparql-update"));
            update_type || path.contains("update=") || body.starts_with("update=")
        })
}

/// The data a test loads: `(file, graph)`, graph `None` for the default graph.
fn test_data(test: &Test) -> Vec<(PathBuf, Option<NamedNode>)> {
    let m = &test.manifest;
    let mut data = Vec::new();
    if let Some(action) = m.object(&test.node, &format!("{MF}action")) {
        for file in m.objects(&action, &format!("{QT}data")) {
            data.push((path_of(&file), None));
        }
    }
    for graph_data in m.objects(&test.node, &format!("{UT}graphData")) {
        let file = m.object(&graph_data, &format!("{UT}graph")).unwrap();
        let label = m.string(&graph_data, &format!("{RDFS}label")).unwrap();
        data.push((path_of(&file), Some(iri(&label))));
    }
    data
}

/// The directories of the on-disk stores made for tests, removed after the run.
struct Stores(Vec<PathBuf>);

impl Drop for Stores {
    fn drop(&mut self) {
        for dir in &self.0 {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A new service for one test: `None` when the test writes and this build has no on-disk store.
fn service_for(test: &Test, stores: &mut Stores) -> Option<axum::Router> {
    let store = if needs_writes(test) {
        persistent_store(stores)?
    } else {
        Store::load(&[], BASE).unwrap().0
    };
    for (file, graph) in test_data(test) {
        let format = RdfFormat::from_extension(
            file.extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default(),
        )
        .unwrap_or_else(|| panic!("{}: unknown RDF format", file.display()));
        let target = graph.map_or(GraphTarget::Default, GraphTarget::Named);
        store
            .replace_graph(&target, format, &std::fs::read(&file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
    let state = AppState::new(store, ServiceConfig::default())
        .unwrap()
        .with_write_token(&TOKEN.parse().unwrap());
    Some(factgraph::app(state))
}

#[cfg(feature = "rocksdb")]
fn persistent_store(stores: &mut Stores) -> Option<Store> {
    let dir = std::env::temp_dir().join(format!(
        "factgraph-w3c-{}-{}",
        std::process::id(),
        stores.0.len()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    stores.0.push(dir.clone());
    Some(Store::open(&dir, &[], BASE).unwrap().0)
}

#[cfg(not(feature = "rocksdb"))]
fn persistent_store(_stores: &mut Stores) -> Option<Store> {
    None
}

/// A response with its body as bytes.
struct Reply {
    status: u16,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", HOST)
        .header("authorization", format!("Bearer {TOKEN}"));
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// The media type of a `Content-Type` value, lower case, without parameters.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

// ---------------------------------------------------------------------------------------------
// Protocol and Graph Store Protocol tests: requests and expected responses
// ---------------------------------------------------------------------------------------------

fn request_headers(m: &Manifest, node: &Term) -> Vec<(String, String)> {
    m.list(m.object(node, &format!("{HT}headers")))
        .iter()
        .map(|h| {
            (
                m.string(h, &format!("{HT}fieldName")).unwrap(),
                m.string(h, &format!("{HT}fieldValue")).unwrap(),
            )
        })
        .collect()
}

/// The manifests' paths name `/sparql/` and `/gsp`; the service has them at `/sparql` and
/// `/store`.
fn service_path(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("/sparql/") {
        format!("/sparql{rest}")
    } else if let Some(rest) = path.strip_prefix("/gsp") {
        format!("/store{rest}")
    } else {
        panic!("a request path outside /sparql/ and /gsp: {path}")
    }
}

/// Whether `status` is one of the expected `hts:` values.
fn status_matches(expected: &[Term], status: u16) -> Result<(), String> {
    let names: Vec<String> = expected
        .iter()
        .map(|t| match t {
            Term::NamedNode(n) => n
                .as_str()
                .strip_prefix(HTS)
                .unwrap_or(n.as_str())
                .to_owned(),
            other => other.to_string(),
        })
        .collect();
    let fits = |name: &str| match name {
        "StatusCode2xx" => (200..300).contains(&status),
        "StatusCode3xx" => (300..400).contains(&status),
        "StatusCode4xx" => (400..500).contains(&status),
        "OK" => status == 200,
        "Created" => status == 201,
        "NoContent" => status == 204,
        "NotFound" => status == 404,
        other => panic!("the runner does not know the status {other}"),
    };
    if names.is_empty() || names.iter().any(|n| fits(n)) {
        Ok(())
    } else {
        Err(format!("status {status}, expected {}", names.join(" or ")))
    }
}

/// The RDF format of a media type.
fn rdf_format_of(media_type: &str) -> Option<RdfFormat> {
    RdfFormat::from_media_type(&essence(media_type))
}

fn results_format_of(media_type: &str) -> Option<QueryResultsFormat> {
    QueryResultsFormat::from_media_type(&essence(media_type))
}

/// Parses RDF into a graph with canonical blank nodes, so that isomorphic graphs are equal.
fn canonical_graph(body: &[u8], format: RdfFormat, base: &str) -> Result<Graph, String> {
    let mut graph = Graph::new();
    for quad in RdfParser::from_format(format)
        .with_base_iri(base)
        .map_err(|e| e.to_string())?
        .for_slice(body)
    {
        let quad = quad.map_err(|e| format!("the body is not {}: {e}", format.name()))?;
        graph.insert(quad.as_ref());
    }
    graph.canonicalize(CanonicalizationAlgorithm::Unstable);
    Ok(graph)
}

/// Checks one response against its `ht:Response`; returns the template variable the response
/// sets (`mf:expectedLocation`), if any.
fn check_response(
    m: &Manifest,
    expected: &Term,
    url: &str,
    reply: &Reply,
) -> Result<Option<(String, String)>, String> {
    status_matches(
        &m.objects(expected, &format!("{MF}expectedStatus")),
        reply.status,
    )?;
    let content_type = reply.header("content-type");
    let mut parsed_results = None;
    if let Some(kind) = m.string(expected, &format!("{MF}expectedFormat")) {
        match kind.as_str() {
            "boolean" | "tabular" => {
                let format = results_format_of(content_type).ok_or_else(|| {
                    format!("expected {kind} results, got Content-Type {content_type:?}")
                })?;
                let results = parse_results(&reply.body, format)?;
                match (&results, kind.as_str()) {
                    (Results::Boolean(_), "boolean") | (Results::Solutions { .. }, "tabular") => {}
                    _ => return Err(format!("expected {kind} results, got {results:?}")),
                }
                parsed_results = Some(results);
            }
            "RDF" => {
                let format = rdf_format_of(content_type)
                    .ok_or_else(|| format!("expected RDF, got Content-Type {content_type:?}"))?;
                canonical_graph(&reply.body, format, url)?;
            }
            other => panic!("the runner does not know the expected format {other}"),
        }
    }
    if let Some(Term::Literal(boolean)) = m.object(expected, &format!("{MF}expectedBoolean")) {
        let want = boolean.value() == "true";
        match parsed_results {
            Some(Results::Boolean(got)) if got == want => {}
            other => return Err(format!("expected the boolean {want}, got {other:?}")),
        }
    }
    for (name, value) in request_headers(m, expected) {
        let got = reply.header(&name);
        if name.eq_ignore_ascii_case("content-type") {
            // The media type must agree; a charset only where both name one (UTF-8 is the
            // only encoding of these formats).
            if essence(got) != essence(&value) {
                return Err(format!("Content-Type {got:?}, expected {value:?}"));
            }
        } else if got != value {
            return Err(format!("{name} {got:?}, expected {value:?}"));
        }
    }
    if let Some(body) = m.object(expected, &format!("{HT}body")) {
        let chars = m.string(&body, &format!("{CNT}chars")).unwrap();
        let expected_type = request_headers(m, expected)
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v)
            .unwrap();
        let want = canonical_graph(
            chars.as_bytes(),
            rdf_format_of(&expected_type).unwrap(),
            url,
        )?;
        let format = rdf_format_of(content_type)
            .ok_or_else(|| format!("expected RDF, got Content-Type {content_type:?}"))?;
        let got = canonical_graph(&reply.body, format, url)?;
        if want != got {
            return Err(format!(
                "the graph differs; expected\n{want}\ngot\n{got}\n(as sent: {})",
                reply.text()
            ));
        }
    }
    if let Some(variable) = m.string(expected, &format!("{MF}expectedLocation")) {
        let location = reply.header("location");
        if location.is_empty() {
            return Err("no Location header".to_owned());
        }
        return Ok(Some((variable, location.to_owned())));
    }
    Ok(None)
}

/// The body of a request, in the encoding `cnt:characterEncoding` names.
fn request_body(m: &Manifest, request: &Term, variables: &[(String, String)]) -> Vec<u8> {
    let Some(body) = m.object(request, &format!("{HT}body")) else {
        return Vec::new();
    };
    let mut chars = m.string(&body, &format!("{CNT}chars")).unwrap_or_default();
    for (name, value) in variables {
        chars = chars.replace(name, value);
    }
    match m
        .string(&body, &format!("{CNT}characterEncoding"))
        .as_deref()
    {
        None | Some("UTF-8") => chars.into_bytes(),
        // Big-endian with a byte order mark, as a UTF-16 text on the wire would be.
        Some("UTF-16") => std::iter::once(0xFEFF_u16)
            .chain(chars.encode_utf16())
            .flat_map(u16::to_be_bytes)
            .collect(),
        Some(other) => panic!("the runner does not know the encoding {other}"),
    }
}

async fn run_http_test(test: &Test, app: &axum::Router) -> Result<(), String> {
    let m = &test.manifest;
    let action = m
        .object(&test.node, &format!("{MF}action"))
        .ok_or("no mf:action")?;
    let mut variables: Vec<(String, String)> = Vec::new();
    for (i, request) in m
        .list(m.object(&action, &format!("{HT}requests")))
        .iter()
        .enumerate()
    {
        let method = m.string(request, &format!("{HT}methodName")).unwrap();
        let mut path = m.string(request, &format!("{HT}absolutePath")).unwrap();
        for (name, value) in &variables {
            path = path.replace(name, value);
        }
        let uri = service_path(&path);
        let body = request_body(m, request, &variables);
        let reply = send(app, &method, &uri, &request_headers(m, request), body).await;
        let url = format!("http://{HOST}{uri}");
        let expected = m
            .object(request, &format!("{HT}resp"))
            .ok_or("a request without ht:resp")?;
        match check_response(m, &expected, &url, &reply) {
            Ok(Some(variable)) => variables.push(variable),
            Ok(None) => {}
            Err(problem) => {
                return Err(format!(
                    "request {} ({method} {uri}): {problem}\n--- body ---\n{}",
                    i + 1,
                    reply.text().chars().take(1500).collect::<String>()
                ))
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Result-format tests: a query, its data, the expected results in a file
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
enum Results {
    Boolean(bool),
    Solutions {
        variables: Vec<String>,
        rows: Vec<BTreeMap<String, Term>>,
    },
}

fn parse_results(body: &[u8], format: QueryResultsFormat) -> Result<Results, String> {
    let parsed = QueryResultsParser::from_format(format)
        .for_slice(body)
        .map_err(|e| format!("the results are not {}: {e}", format.name()))?;
    Ok(match parsed {
        SliceQueryResultsParserOutput::Boolean(b) => Results::Boolean(b),
        SliceQueryResultsParserOutput::Solutions(solutions) => {
            let variables = solutions
                .variables()
                .iter()
                .map(|v| v.as_str().to_owned())
                .collect();
            let mut rows = Vec::new();
            for solution in solutions {
                let solution =
                    solution.map_err(|e| format!("the results are not {}: {e}", format.name()))?;
                rows.push(
                    solution
                        .iter()
                        .map(|(v, t)| (v.as_str().to_owned(), t.clone()))
                        .collect(),
                );
            }
            Results::Solutions { variables, rows }
        }
    })
}

/// Whether the blank node `e` (expected) may stand for `a` (actual) under `mapping`, extending
/// it: the renaming must be one-to-one both ways.
fn map_blank(mapping: &mut HashMap<String, String>, e: &str, a: &str) -> bool {
    let forward = mapping
        .entry(format!("e:{e}"))
        .or_insert_with(|| a.to_owned())
        .clone();
    let backward = mapping
        .entry(format!("a:{a}"))
        .or_insert_with(|| e.to_owned())
        .clone();
    forward == a && backward == e
}

/// Whether two terms are equal once `expected`'s blank nodes are renamed onto `actual`'s by
/// `mapping` (extended when a blank node is seen first).
fn term_matches(expected: &Term, actual: &Term, mapping: &mut HashMap<String, String>) -> bool {
    match (expected, actual) {
        (Term::BlankNode(e), Term::BlankNode(a)) => map_blank(mapping, e.as_str(), a.as_str()),
        _ => expected == actual,
    }
}

/// Rows as multisets, equal up to a consistent renaming of blank nodes (backtracking over the
/// candidate rows; the suites' results are a handful of rows).
/// Whether two result sets hold the same rows in any order, blank nodes renamed one to one.
fn same_rows<T>(
    expected: &[T],
    actual: &[T],
    row_matches: &impl Fn(&T, &T, &mut HashMap<String, String>) -> bool,
) -> bool {
    expected.len() == actual.len()
        && rows_match(
            expected,
            actual,
            &mut vec![false; actual.len()],
            &HashMap::new(),
            row_matches,
        )
}

fn rows_match<T>(
    expected: &[T],
    actual: &[T],
    used: &mut Vec<bool>,
    mapping: &HashMap<String, String>,
    row_matches: &impl Fn(&T, &T, &mut HashMap<String, String>) -> bool,
) -> bool {
    let Some((first, rest)) = expected.split_first() else {
        return true;
    };
    for (i, candidate) in actual.iter().enumerate() {
        if used[i] {
            continue;
        }
        let mut extended = mapping.clone();
        if row_matches(first, candidate, &mut extended) {
            used[i] = true;
            if rows_match(rest, actual, used, &extended, row_matches) {
                return true;
            }
            used[i] = false;
        }
    }
    false
}

fn same_results(expected: &Results, actual: &Results) -> Result<(), String> {
    match (expected, actual) {
        (Results::Boolean(e), Results::Boolean(a)) if e == a => Ok(()),
        (
            Results::Solutions {
                variables: ev,
                rows: er,
            },
            Results::Solutions {
                variables: av,
                rows: ar,
            },
        ) => {
            let mut sorted_ev = ev.clone();
            sorted_ev.sort();
            let mut sorted_av = av.clone();
            sorted_av.sort();
            if sorted_ev != sorted_av {
                return Err(format!("variables {av:?}, expected {ev:?}"));
            }
            let row_matches =
                |e: &BTreeMap<String, Term>,
                 a: &BTreeMap<String, Term>,
                 mapping: &mut HashMap<String, String>| {
                    e.len() == a.len()
                        && e.iter().all(|(variable, term)| {
                            a.get(variable)
                                .is_some_and(|other| term_matches(term, other, mapping))
                        })
                };
            if same_rows(er, ar, &row_matches) {
                Ok(())
            } else {
                Err(format!("rows {ar:#?}\nexpected {er:#?}"))
            }
        }
        _ => Err(format!("{actual:?}, expected {expected:?}")),
    }
}

/// CSV carries no term kinds, so CSV results compare as text: the same variables in the header,
/// then the rows as a multiset of records, with `_:` labels matched up to a consistent renaming.
/// The columns are matched by name, as the JSON and TSV comparisons match variables: a result
/// set's variables are a set, and `SELECT *` gives them no order (spargebra lists them
/// alphabetically, the suites' files in order of appearance).
fn same_csv(expected: &str, actual: &str) -> Result<(), String> {
    let records = |text: &str| -> Result<Vec<Vec<String>>, String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        reader
            .records()
            .map(|r| {
                r.map(|r| r.iter().map(str::to_owned).collect())
                    .map_err(|e| e.to_string())
            })
            .collect()
    };
    let expected = records(expected)?;
    let actual = records(actual)?;
    let (Some((eh, er)), Some((ah, ar))) = (expected.split_first(), actual.split_first()) else {
        return Err("a CSV result without header".to_owned());
    };
    let mut sorted_eh = eh.clone();
    sorted_eh.sort();
    let mut sorted_ah = ah.clone();
    sorted_ah.sort();
    if sorted_eh != sorted_ah {
        return Err(format!("header {ah:?}, expected {eh:?}"));
    }
    // The actual rows with their columns in the expected header's order.
    let columns: Vec<usize> = eh
        .iter()
        .map(|name| ah.iter().position(|n| n == name).unwrap())
        .collect();
    let ar: Vec<Vec<String>> = ar
        .iter()
        .map(|row| columns.iter().map(|&i| row[i].clone()).collect())
        .collect();
    let ar = ar.as_slice();
    let row_matches = |e: &Vec<String>, a: &Vec<String>, mapping: &mut HashMap<String, String>| {
        e.len() == a.len()
            && e.iter().zip(a).all(
                |(e, a)| match (e.strip_prefix("_:"), a.strip_prefix("_:")) {
                    (Some(e), Some(a)) => map_blank(mapping, e, a),
                    _ => e == a,
                },
            )
    };
    if same_rows(er, ar, &row_matches) {
        Ok(())
    } else {
        Err(format!("rows {ar:?}\nexpected {er:?}"))
    }
}

async fn run_results_test(test: &Test, app: &axum::Router) -> Result<(), String> {
    let m = &test.manifest;
    let action = m
        .object(&test.node, &format!("{MF}action"))
        .ok_or("no mf:action")?;
    let query = std::fs::read_to_string(path_of(
        &m.object(&action, &format!("{QT}query"))
            .ok_or("no qt:query")?,
    ))
    .unwrap();
    let result_file = path_of(
        &m.object(&test.node, &format!("{MF}result"))
            .ok_or("no mf:result")?,
    );
    let extension = result_file.extension().and_then(|e| e.to_str()).unwrap();
    let format = match extension {
        "srj" => QueryResultsFormat::Json,
        "srx" => QueryResultsFormat::Xml,
        "csv" => QueryResultsFormat::Csv,
        "tsv" => QueryResultsFormat::Tsv,
        other => panic!("the runner does not know results in .{other}"),
    };
    let reply = send(
        app,
        "POST",
        "/sparql",
        &[
            (
                "content-type".to_owned(),
                "application/sparql-query".to_owned(),
            ),
            ("accept".to_owned(), format.media_type().to_owned()),
        ],
        query.into_bytes(),
    )
    .await;
    if reply.status != 200 {
        return Err(format!("status {}: {}", reply.status, reply.text()));
    }
    if essence(reply.header("content-type")) != essence(format.media_type()) {
        return Err(format!(
            "Content-Type {:?}, expected {}",
            reply.header("content-type"),
            format.media_type()
        ));
    }
    let expected = std::fs::read(&result_file).unwrap();
    let outcome = if format == QueryResultsFormat::Csv {
        same_csv(&String::from_utf8_lossy(&expected), &reply.text())
    } else {
        same_results(
            &parse_results(&expected, format)?,
            &parse_results(&reply.body, format)?,
        )
    };
    outcome.map_err(|problem| format!("{problem}\n--- body ---\n{}", reply.text()))
}

// ---------------------------------------------------------------------------------------------
// Service Description tests: the manifest names them, the runner knows what each checks
// ---------------------------------------------------------------------------------------------

/// The description `GET /sparql` returns with `accept`, as a graph (and its media type).
async fn description(app: &axum::Router, accept: Option<&str>) -> Result<(Graph, String), String> {
    let headers: Vec<(String, String)> = accept
        .map(|a| vec![("accept".to_owned(), a.to_owned())])
        .unwrap_or_default();
    let reply = send(app, "GET", "/sparql", &headers, Vec::new()).await;
    if reply.status != 200 {
        return Err(format!("status {}: {}", reply.status, reply.text()));
    }
    let content_type = reply.header("content-type").to_owned();
    let format = rdf_format_of(&content_type)
        .ok_or_else(|| format!("Content-Type {content_type:?} is not an RDF format"))?;
    let graph = canonical_graph(&reply.body, format, &format!("http://{HOST}/sparql"))?;
    Ok((graph, content_type))
}

/// ASK queries over the description, each with what it means when it is false.
const SCHEMA_CHECKS: &[(&str, &str)] = &[
    (
        "ASK { ?s a sd:Service ; sd:endpoint ?e . FILTER isIRI(?e) }",
        "an sd:Service with an IRI as sd:endpoint",
    ),
    (
        "ASK { FILTER NOT EXISTS { ?s a sd:Service ; sd:endpoint ?a , ?b . FILTER (?a != ?b) } }",
        "one endpoint per service",
    ),
    (
        "ASK { ?s a sd:Service ; sd:supportedLanguage ?l }",
        "an sd:supportedLanguage",
    ),
    (
        "ASK { FILTER NOT EXISTS { ?s sd:supportedLanguage ?l \
         FILTER (?l NOT IN (sd:SPARQL10Query, sd:SPARQL11Query, sd:SPARQL11Update)) } }",
        "sd:supportedLanguage values are the three sd:Language individuals",
    ),
    (
        "ASK { FILTER NOT EXISTS { ?s sd:feature|sd:resultFormat|sd:inputFormat ?f \
         FILTER (!isIRI(?f)) } }",
        "features and formats are IRIs",
    ),
    (
        "ASK { FILTER NOT EXISTS { ?s sd:feature ?f FILTER (STRSTARTS(STR(?f), STR(sd:)) \
         && ?f NOT IN (sd:DereferencesURIs, sd:UnionDefaultGraph, sd:RequiresDataset, \
         sd:EmptyGraphs, sd:BasicFederatedQuery)) } }",
        "sd: features are the five sd:Feature individuals",
    ),
    (
        "ASK { FILTER NOT EXISTS { ?s sd:defaultDataset ?d FILTER NOT EXISTS { ?d a sd:Dataset } } }",
        "an sd:defaultDataset is an sd:Dataset",
    ),
    (
        "ASK { FILTER NOT EXISTS { ?d sd:defaultGraph ?g FILTER NOT EXISTS { ?g a sd:Graph } } }",
        "an sd:defaultGraph is an sd:Graph",
    ),
    (
        "ASK { FILTER NOT EXISTS { ?d sd:namedGraph ?n \
         FILTER NOT EXISTS { ?n a sd:NamedGraph ; sd:name ?name FILTER isIRI(?name) } } }",
        "an sd:namedGraph is an sd:NamedGraph with an IRI as sd:name",
    ),
];

async fn run_description_test(test: &Test, app: &axum::Router) -> Result<(), String> {
    let local = test.id.rsplit('#').next().unwrap_or_default();
    match local {
        // Without Accept and with each RDF type the Service Description spec names.
        "returns-rdf" => {
            for accept in [None, Some("text/turtle"), Some("application/rdf+xml")] {
                let (graph, _) = description(app, accept).await?;
                if graph.is_empty() {
                    return Err(format!("an empty description for Accept {accept:?}"));
                }
            }
            Ok(())
        }
        "has-endpoint-triple" => {
            let (graph, _) = description(app, None).await?;
            let endpoint = iri(&format!("http://{HOST}/sparql"));
            let found = graph
                .subjects_for_predicate_object(
                    iri(&format!("{SD}endpoint")).as_ref(),
                    endpoint.as_ref(),
                )
                .next()
                .is_some();
            if found {
                Ok(())
            } else {
                Err(format!("no triple ?s sd:endpoint <{endpoint}> in\n{graph}"))
            }
        }
        "conforms-to-schema" => {
            let (graph, _) = description(app, None).await?;
            let store = oxigraph::store::Store::new().unwrap();
            for triple in graph.iter() {
                store
                    .insert(triple.in_graph(oxigraph::model::GraphNameRef::DefaultGraph))
                    .unwrap();
            }
            let mut failed = Vec::new();
            for (ask, meaning) in SCHEMA_CHECKS {
                let query = format!("PREFIX sd: <{SD}> {ask}");
                let answer = oxigraph::sparql::SparqlEvaluator::new()
                    .parse_query(&query)
                    .unwrap()
                    .on_store(&store)
                    .execute()
                    .unwrap();
                match answer {
                    oxigraph::sparql::QueryResults::Boolean(true) => {}
                    _ => failed.push(*meaning),
                }
            }
            if failed.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "the description lacks: {}\n{graph}",
                    failed.join("; ")
                ))
            }
        }
        other => panic!("the runner does not know the Service Description test {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The loop
// ---------------------------------------------------------------------------------------------

/// `tests/w3c/expected-failures.txt`: a test IRI, white space, the reason; `#` comments.
fn expected_failures() -> HashMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/w3c/expected-failures.txt");
    std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, reason) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            assert!(
                !reason.trim().is_empty(),
                "{id}: an expected failure needs a reason"
            );
            (id.to_owned(), reason.trim().to_owned())
        })
        .collect()
}

async fn run(test: &Test, app: &axum::Router) -> Result<(), String> {
    let kind = test.kind.strip_prefix(MF).unwrap_or(&test.kind);
    match kind {
        "ProtocolTest" | "GraphStoreProtocolTest" => run_http_test(test, app).await,
        "QueryEvaluationTest" | "CSVResultFormatTest" => run_results_test(test, app).await,
        "ServiceDescriptionTest" => run_description_test(test, app).await,
        other => panic!(
            "{}: the runner does not know tests of type {other}",
            test.id
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn w3c_sparql_protocol_suites() {
    let mut tests = Vec::new();
    for manifest in MANIFESTS {
        tests.extend(tests_of(&suite_dir().join(manifest)));
    }
    let expected = expected_failures();
    for id in expected.keys() {
        assert!(
            tests.iter().any(|t| &t.id == id),
            "expected-failures.txt names {id}, which no manifest has"
        );
    }
    let mut stores = Stores(Vec::new());
    let (mut passed, mut failed_as_expected, mut skipped) = (0, 0, Vec::new());
    let mut problems = Vec::new();
    // Per suite: tests, passed, failed as expected.
    let mut tally: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for test in &tests {
        tally.entry(test.suite.as_str()).or_default().0 += 1;
        let Some(app) = service_for(test, &mut stores) else {
            skipped.push(test.id.as_str());
            continue;
        };
        let outcome = run(test, &app).await;
        match (outcome, expected.get(&test.id)) {
            (Ok(()), None) => {
                passed += 1;
                tally.entry(test.suite.as_str()).or_default().1 += 1;
            }
            (Err(problem), Some(reason)) => {
                // Shown, so that a test failing for another reason than the listed one is seen.
                println!("expected failure {} ({reason}):\n{problem}\n", test.id);
                failed_as_expected += 1;
                tally.entry(test.suite.as_str()).or_default().2 += 1;
            }
            (Ok(()), Some(reason)) => problems.push(format!(
                "{} ({}) passed, but expected-failures.txt lists it ({reason}): remove the line",
                test.id, test.name
            )),
            (Err(problem), None) => {
                problems.push(format!("{} ({}):\n{problem}", test.id, test.name))
            }
        }
    }
    for (suite, (count, passed, expected)) in &tally {
        println!("{suite}: {passed} of {count} passed, {expected} failed as expected");
    }
    println!(
        "W3C SPARQL protocol suites: {} tests, {passed} passed, {failed_as_expected} failed as \
         expected-failures.txt says, {} skipped{}",
        tests.len(),
        skipped.len(),
        if skipped.is_empty() {
            ""
        } else {
            " (they write: run with --features rocksdb)"
        }
    );
    assert!(
        problems.is_empty(),
        "{} of {} W3C tests went wrong:\n\n{}",
        problems.len(),
        tests.len(),
        problems.join("\n\n")
    );
    if cfg!(feature = "rocksdb") {
        assert!(
            skipped.is_empty(),
            "skipped with an on-disk store: {skipped:?}"
        );
    }
    assert!(passed > 0);
}

// ---------------------------------------------------------------------------------------------
// The upstream behaviour behind each line of expected-failures.txt
// ---------------------------------------------------------------------------------------------

/// The literal an Oxigraph store gives back for `value`^^`datatype` once it has stored it (as
/// loading a file stores it).
fn stored(value: &str, datatype: &str) -> oxigraph::model::Literal {
    let store = oxigraph::store::Store::new().unwrap();
    let literal = oxigraph::model::Literal::new_typed_literal(value, iri(datatype));
    store
        .insert(oxigraph::model::QuadRef::new(
            iri("http://e/s").as_ref(),
            iri("http://e/p").as_ref(),
            literal.as_ref(),
            oxigraph::model::GraphNameRef::DefaultGraph,
        ))
        .unwrap();
    let quad = store
        .quads_for_pattern(None, None, None, None)
        .next()
        .unwrap()
        .unwrap();
    match quad.object {
        Term::Literal(l) => l,
        other => panic!("not a literal: {other}"),
    }
}

/// csv03 and tsv03: Oxigraph stores an xsd:double as its value, so the lexical form `1.0E6`
/// comes back in Oxigraph's canonical form.
#[test]
fn oxigraph_stores_doubles_as_values_not_lexical_forms() {
    let literal = stored("1.0E6", "http://www.w3.org/2001/XMLSchema#double");
    assert_eq!(
        literal.datatype().as_str(),
        "http://www.w3.org/2001/XMLSchema#double"
    );
    assert_ne!(
        literal.value(),
        "1.0E6",
        "Oxigraph now keeps the lexical form"
    );
    assert_eq!(literal.value().parse::<f64>().unwrap(), 1.0e6);
}

/// tsv03: Oxigraph stores the integer types derived from xsd:integer as xsd:integer values, so
/// `"-3"^^xsd:negativeInteger` comes back as the xsd:integer `-3`.
#[test]
fn oxigraph_stores_derived_integer_types_as_xsd_integer() {
    let literal = stored("-3", "http://www.w3.org/2001/XMLSchema#negativeInteger");
    assert_eq!(literal.value(), "-3");
    assert_eq!(
        literal.datatype().as_str(),
        "http://www.w3.org/2001/XMLSchema#integer",
        "Oxigraph now keeps xsd:negativeInteger"
    );
}

/// The runner's own comparisons: equal up to a one-to-one renaming of blank nodes and the
/// order of rows and columns, and nothing more.
#[test]
fn csv_comparison_renames_blank_nodes_one_to_one() {
    let expected = "s,o\r\nhttp://e/a,_:x\r\nhttp://e/b,_:y\r\n";
    assert!(same_csv(expected, "o,s\r\n_:b1,http://e/b\r\n_:b0,http://e/a\r\n").is_ok());
    // Two blank nodes cannot become one, nor a value change.
    assert!(same_csv(expected, "s,o\r\nhttp://e/a,_:b0\r\nhttp://e/b,_:b0\r\n").is_err());
    assert!(same_csv(expected, "s,o\r\nhttp://e/a,_:b0\r\nhttp://e/c,_:b1\r\n").is_err());
    assert!(same_csv(expected, "s,p\r\nhttp://e/a,_:b0\r\nhttp://e/b,_:b1\r\n").is_err());
    assert!(same_csv(expected, "s,o\r\nhttp://e/a,_:b0\r\n").is_err());
}

#[test]
fn results_comparison_renames_blank_nodes_one_to_one() {
    let json = |rows: &str| {
        format!(r#"{{"head":{{"vars":["s","o"]}},"results":{{"bindings":[{rows}]}}}}"#)
    };
    let row = |s: &str, o: &str| {
        format!(r#"{{"s":{{"type":"uri","value":"{s}"}},"o":{{"type":"bnode","value":"{o}"}}}}"#)
    };
    let parse = |text: String| parse_results(text.as_bytes(), QueryResultsFormat::Json).unwrap();
    let expected = parse(json(&format!(
        "{},{}",
        row("http://e/a", "x"),
        row("http://e/b", "y")
    )));
    let renamed = parse(json(&format!(
        "{},{}",
        row("http://e/b", "q"),
        row("http://e/a", "p")
    )));
    assert!(same_results(&expected, &renamed).is_ok());
    let merged = parse(json(&format!(
        "{},{}",
        row("http://e/a", "p"),
        row("http://e/b", "p")
    )));
    assert!(same_results(&expected, &merged).is_err());
    assert!(same_results(&expected, &Results::Boolean(true)).is_err());
}
