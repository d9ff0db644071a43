//! The W3C SPARQL 1.1 test suites for query and update evaluation and for syntax, run from their
//! manifests by one loop against factgraph's own `Store`.
//!
//! `tests/w3c-sparql/sparql11/` is a copy of the W3C's `sparql/sparql11/` test folders (licence in
//! `tests/w3c-sparql/LICENSE.md`); the loop starts at `manifest-all.ttl` and follows `mf:include`
//! and `mf:entries`. Each test gets a new in-memory `Store` (`with_separate_default_graph`, so that
//! the default graph is the test's `qt:data` alone, as SPARQL 1.1 defines the dataset) filled
//! through `add_to_graph`, the Graph Store Protocol's write; queries go through `Store::parse` and
//! `Store::query_to_writer` (SPARQL JSON results or N-Triples, parsed back), updates through
//! `Store::update`: the service's own path, with the patched spareval of `vendor/spareval`.
//! Results are compared up to blank-node renaming: solutions, booleans and graphs are written as
//! RDF (the `rs:` result-set vocabulary, with `rs:index` when the query orders) and compared
//! after canonicalization; updates compare the whole dataset. Both sides pass through an Oxigraph
//! store first, which writes numbers, booleans and dates in canonical form, as Oxigraph's own
//! test suite does.
//!
//! `tests/w3c-sparql/expected-failures.txt` lists, with a reason each, the tests expected to fail
//! and the manifests not run. A listed test that passes fails the run too, so the list stays true.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use factgraph::store::Error;
use factgraph::store::{
    GraphTarget, QueryKind, QueryOptions, ResultFormat, Store, UpdateOptions, DEFAULT_BASE,
};
use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::dataset::CanonicalizationAlgorithm;
use oxigraph::model::{
    BlankNode, Dataset, Graph, GraphName, Literal, NamedNode, NamedOrBlankNode, Term, Triple,
};
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

/// The IRI the suite's files are published under; the manifests' relative IRIs resolve against it.
const SUITE: &str = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/";
const ROOT_MANIFEST: &str = "manifest-all.ttl";
const MF: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#";
const QT: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#";
const UT: &str = "http://www.w3.org/2009/sparql/tests/test-update#";
const RS: &str = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/w3c-sparql")
}

/// The local copy of a file of the suite.
fn local(iri: &str) -> PathBuf {
    let relative = iri
        .strip_prefix(SUITE)
        .unwrap_or_else(|| panic!("{iri} is not a file of the suite"));
    folder().join("sparql11").join(relative)
}

fn read(iri: &str) -> Vec<u8> {
    let path = local(iri);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_text(iri: &str) -> String {
    String::from_utf8(read(iri)).unwrap_or_else(|e| panic!("{iri}: {e}"))
}

fn iri(text: &str) -> NamedNode {
    NamedNode::new(text).unwrap()
}

// ─── manifests ───────────────────────────────────────────────────────────────

/// All manifests read so far, merged: test IRIs are unique across them.
struct Manifests {
    graph: Graph,
}

impl Manifests {
    fn object(&self, subject: &Term, predicate: &str) -> Option<Term> {
        let subject = subject_of(subject)?;
        self.graph
            .object_for_subject_predicate(&subject, &iri(predicate))
            .map(|t| t.into_owned())
    }

    fn objects(&self, subject: &Term, predicate: &str) -> Vec<Term> {
        let Some(subject) = subject_of(subject) else {
            return Vec::new();
        };
        self.graph
            .objects_for_subject_predicate(&subject, &iri(predicate))
            .map(|t| t.into_owned())
            .collect()
    }

    fn list(&self, head: &Term) -> Vec<Term> {
        let mut out = Vec::new();
        let mut node = head.clone();
        while node != Term::NamedNode(iri(&format!("{RDF}nil"))) {
            out.push(self.object(&node, &format!("{RDF}first")).unwrap());
            node = self.object(&node, &format!("{RDF}rest")).unwrap();
        }
        out
    }

    fn iri_of(&self, subject: &Term, predicate: &str) -> Option<String> {
        match self.object(subject, predicate)? {
            Term::NamedNode(n) => Some(n.into_string()),
            other => panic!("{predicate} of {subject} is not an IRI: {other}"),
        }
    }
}

fn subject_of(term: &Term) -> Option<NamedOrBlankNode> {
    match term {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        _ => None,
    }
}

/// Reads the manifest tree from the root: (test IRI, manifest graph) in manifest order, and the
/// manifests skipped because the expected-failures file lists them.
fn collect_tests(skip: &BTreeMap<String, String>) -> (Manifests, Vec<Term>, BTreeSet<String>) {
    let mut manifests = Manifests {
        graph: Graph::new(),
    };
    let mut tests = Vec::new();
    let mut skipped = BTreeSet::new();
    let mut pending = vec![format!("{SUITE}{ROOT_MANIFEST}")];
    while let Some(manifest) = pending.pop() {
        if skip.contains_key(&manifest) {
            skipped.insert(manifest);
            continue;
        }
        let parser = RdfParser::from_format(RdfFormat::Turtle)
            .with_base_iri(&manifest)
            .unwrap();
        for triple in parser.for_slice(&read(&manifest)) {
            manifests.graph.insert(&triple.unwrap().into());
        }
        let node = Term::NamedNode(iri(&manifest));
        if let Some(includes) = manifests.object(&node, &format!("{MF}include")) {
            let mut included: Vec<String> = manifests
                .list(&includes)
                .into_iter()
                .map(|t| match t {
                    Term::NamedNode(n) => n.into_string(),
                    other => panic!("mf:include of {other}"),
                })
                .collect();
            included.reverse();
            pending.extend(included);
        }
        if let Some(entries) = manifests.object(&node, &format!("{MF}entries")) {
            tests.extend(manifests.list(&entries));
        }
    }
    (manifests, tests, skipped)
}

/// `tests/w3c-sparql/expected-failures.txt`: `IRI reason…` per line (`#` starts a comment).
fn expected_failures() -> BTreeMap<String, String> {
    let path = folder().join("expected-failures.txt");
    let text = fs::read_to_string(&path).unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (test, reason) = line
            .split_once(char::is_whitespace)
            .unwrap_or_else(|| panic!("{}: no reason for {line}", path.display()));
        assert!(!reason.trim().is_empty(), "no reason for {test}");
        assert!(
            out.insert(test.to_owned(), reason.trim().to_owned())
                .is_none(),
            "{test} is listed twice"
        );
    }
    out
}

// ─── running one test ────────────────────────────────────────────────────────

/// A new empty store, the service's kind, reading the default graph as its own graph.
fn new_store() -> Store {
    let (store, _) = Store::load(&[], DEFAULT_BASE).unwrap();
    store.with_separate_default_graph()
}

/// Parses a data file with its IRI as base and hands it to the store as N-Triples, as a
/// Graph Store Protocol client would.
fn load(store: &Store, file: &str, target: &GraphTarget) -> Result<(), String> {
    let format = RdfFormat::from_extension(file.rsplit('.').next().unwrap_or_default())
        .ok_or_else(|| format!("unknown data format: {file}"))?;
    let mut serializer = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(Vec::new());
    let parser = RdfParser::from_format(format)
        .with_base_iri(file)
        .map_err(|e| e.to_string())?;
    for quad in parser.for_slice(&read(file)) {
        let quad = quad.map_err(|e| format!("{file}: {e}"))?;
        serializer
            .serialize_triple(&Triple::from(quad))
            .map_err(|e| e.to_string())?;
    }
    let body = serializer.finish().map_err(|e| e.to_string())?;
    store
        .add_to_graph(target, RdfFormat::NTriples, &body)
        .map_err(|e| format!("loading {file}: {e}"))?;
    Ok(())
}

/// The query or update text, with the file's IRI as its base (a client would send `BASE`).
fn with_base(file: &str) -> String {
    format!("BASE <{file}>\n{}", read_text(file))
}

fn run_test(manifests: &Manifests, test: &Term) -> Result<(), String> {
    let kind = manifests
        .iri_of(test, &format!("{RDF}type"))
        .ok_or("the test has no type")?;
    let kind = kind.strip_prefix(MF).unwrap_or(&kind);
    let action = manifests
        .object(test, &format!("{MF}action"))
        .ok_or("the test has no action")?;
    match kind {
        "PositiveSyntaxTest11" | "NegativeSyntaxTest11" => {
            let Term::NamedNode(file) = action else {
                return Err("the action is not a file".into());
            };
            let parsed = new_store().parse(&with_base(file.as_str()));
            match (kind.starts_with("Positive"), parsed) {
                (true, Err(e)) => Err(format!("refused a valid query: {e}")),
                (false, Ok(_)) => Err("accepted an invalid query".into()),
                _ => Ok(()),
            }
        }
        "PositiveUpdateSyntaxTest11" | "NegativeUpdateSyntaxTest11" => {
            let Term::NamedNode(file) = action else {
                return Err("the action is not a file".into());
            };
            // Store::update parses first; anything but a syntax error means it parsed (a refused
            // LOAD, a missing graph).
            let result = new_store().update(&with_base(file.as_str()), &UpdateOptions::default());
            let parsed = !matches!(result, Err(Error::QuerySyntax(_)));
            match (kind.starts_with("Positive"), parsed) {
                (true, false) => Err(format!("refused a valid update: {result:?}")),
                (false, true) => Err("accepted an invalid update".into()),
                _ => Ok(()),
            }
        }
        "QueryEvaluationTest" => query_evaluation(manifests, test, &action),
        "UpdateEvaluationTest" => update_evaluation(manifests, test, &action),
        other => Err(format!("unknown test type {other}")),
    }
}

fn query_evaluation(manifests: &Manifests, test: &Term, action: &Term) -> Result<(), String> {
    let store = new_store();
    for data in manifests.objects(action, &format!("{QT}data")) {
        load(&store, &term_iri(&data), &GraphTarget::Default)?;
    }
    for data in manifests.objects(action, &format!("{QT}graphData")) {
        let name = term_iri(&data);
        load(&store, &name, &GraphTarget::Named(iri(&name)))?;
    }
    let query_file = manifests
        .iri_of(action, &format!("{QT}query"))
        .ok_or("no qt:query")?;
    let text = with_base(&query_file);
    let query = store.parse(&text).map_err(|e| format!("parse: {e}"))?;
    let ordered = text.to_ascii_lowercase().contains("order by");
    let actual = match query.kind() {
        QueryKind::Select | QueryKind::Ask => {
            let json = store
                .query_to_writer(
                    &query,
                    &QueryOptions::default(),
                    ResultFormat::Results(QueryResultsFormat::Json),
                    Vec::new(),
                )
                .map_err(|e| format!("evaluation: {e}"))?;
            results_graph(&json, QueryResultsFormat::Json, ordered)?
        }
        QueryKind::Construct | QueryKind::Describe => {
            let nt = store
                .query_to_writer(
                    &query,
                    &QueryOptions::default(),
                    ResultFormat::Graph(RdfFormat::NTriples),
                    Vec::new(),
                )
                .map_err(|e| format!("evaluation: {e}"))?;
            parse_graph(&nt, RdfFormat::NTriples, None)?
        }
    };
    let result_file = manifests
        .iri_of(test, &format!("{MF}result"))
        .ok_or("no mf:result")?;
    let extension = result_file.rsplit('.').next().unwrap_or_default();
    let expected = match extension {
        "srx" => results_graph(&read(&result_file), QueryResultsFormat::Xml, ordered)?,
        "srj" => results_graph(&read(&result_file), QueryResultsFormat::Json, ordered)?,
        "tsv" => results_graph(&read(&result_file), QueryResultsFormat::Tsv, ordered)?,
        other => {
            let format = RdfFormat::from_extension(other)
                .ok_or_else(|| format!("unknown result format {result_file}"))?;
            let graph = parse_graph(&read(&result_file), format, Some(&result_file))?;
            if is_result_set(&graph) {
                // Results written in the rs: vocabulary (ordered by rs:index when they are).
                graph
            } else if matches!(query.kind(), QueryKind::Select | QueryKind::Ask) {
                return Err(format!("{result_file} holds no result set"));
            } else {
                graph
            }
        }
    };
    compare(
        dataset_of_graph(actual),
        dataset_of_graph(expected),
        ordered,
    )
}

fn update_evaluation(manifests: &Manifests, test: &Term, action: &Term) -> Result<(), String> {
    let store = new_store();
    for data in manifests.objects(action, &format!("{UT}data")) {
        load(&store, &term_iri(&data), &GraphTarget::Default)?;
    }
    for graph in manifests.objects(action, &format!("{UT}graphData")) {
        let (file, name) = graph_data(manifests, &graph);
        load(&store, &file, &GraphTarget::Named(iri(&name)))?;
    }
    let request = manifests
        .iri_of(action, &format!("{UT}request"))
        .ok_or("no ut:request")?;
    store
        .update(&with_base(&request), &UpdateOptions::default())
        .map_err(|e| format!("update: {e}"))?;

    let result = manifests
        .object(test, &format!("{MF}result"))
        .ok_or("no mf:result")?;
    let mut expected = Dataset::new();
    for data in manifests.objects(&result, &format!("{UT}data")) {
        let file = term_iri(&data);
        for t in &parse_graph(&read(&file), format_of(&file)?, Some(&file))? {
            expected.insert(&t.into_owned().in_graph(GraphName::DefaultGraph));
        }
    }
    for graph in manifests.objects(&result, &format!("{UT}graphData")) {
        let (file, name) = graph_data(manifests, &graph);
        for t in &parse_graph(&read(&file), format_of(&file)?, Some(&file))? {
            expected.insert(&t.into_owned().in_graph(iri(&name)));
        }
    }
    compare(store_dataset(&store)?, expected, false)
}

/// `ut:graphData [ ut:graph <file> ; rdfs:label "name" ]`: (file, graph name).
fn graph_data(manifests: &Manifests, node: &Term) -> (String, String) {
    let file = manifests.iri_of(node, &format!("{UT}graph")).unwrap();
    let name = match manifests.object(node, RDFS_LABEL) {
        Some(Term::Literal(l)) => l.value().to_owned(),
        _ => file.clone(),
    };
    (file, name)
}

/// Everything in the store: the default graph and every named graph, read back through the
/// store's API (a GRAPH query lists the graphs; `graph_triples` reads each).
fn store_dataset(store: &Store) -> Result<Dataset, String> {
    let mut dataset = Dataset::new();
    let graphs = store
        .select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        .map_err(|e| e.to_string())?;
    let mut targets = vec![(GraphTarget::Default, GraphName::DefaultGraph)];
    for row in graphs.rows {
        if let Some(Term::NamedNode(name)) = row.into_iter().next().flatten() {
            targets.push((GraphTarget::Named(name.clone()), GraphName::NamedNode(name)));
        }
    }
    for (target, name) in targets {
        for triple in store
            .graph_triples(&target)
            .map_err(|e| e.to_string())?
            .unwrap_or_default()
        {
            dataset.insert(&triple.in_graph(name.clone()));
        }
    }
    Ok(dataset)
}

fn term_iri(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => n.as_str().to_owned(),
        other => panic!("not an IRI: {other}"),
    }
}

fn format_of(file: &str) -> Result<RdfFormat, String> {
    RdfFormat::from_extension(file.rsplit('.').next().unwrap_or_default())
        .ok_or_else(|| format!("unknown data format: {file}"))
}

fn parse_graph(bytes: &[u8], format: RdfFormat, base: Option<&str>) -> Result<Graph, String> {
    let mut parser = RdfParser::from_format(format);
    if let Some(base) = base {
        parser = parser.with_base_iri(base).map_err(|e| e.to_string())?;
    }
    let mut graph = Graph::new();
    for quad in parser.for_slice(bytes) {
        graph.insert(&Triple::from(quad.map_err(|e| e.to_string())?));
    }
    Ok(graph)
}

fn is_result_set(graph: &Graph) -> bool {
    graph
        .triples_for_object(&iri(&format!("{RS}ResultSet")))
        .next()
        .is_some()
}

/// Solutions or a boolean as a graph in the `rs:` vocabulary, so that blank nodes in results
/// are compared up to renaming like those in graphs. `rs:index` is written only for ordered
/// results.
fn results_graph(bytes: &[u8], format: QueryResultsFormat, ordered: bool) -> Result<Graph, String> {
    let rs = |local: &str| iri(&format!("{RS}{local}"));
    let mut graph = Graph::new();
    let set = BlankNode::default();
    graph.insert(&Triple::new(
        set.clone(),
        iri(&format!("{RDF}type")),
        rs("ResultSet"),
    ));
    match QueryResultsParser::from_format(format)
        .for_slice(bytes)
        .map_err(|e| e.to_string())?
    {
        SliceQueryResultsParserOutput::Boolean(value) => {
            graph.insert(&Triple::new(set, rs("boolean"), Literal::from(value)));
        }
        SliceQueryResultsParserOutput::Solutions(solutions) => {
            for variable in solutions.variables() {
                graph.insert(&Triple::new(
                    set.clone(),
                    rs("resultVariable"),
                    Literal::from(variable.as_str()),
                ));
            }
            for (index, solution) in solutions.enumerate() {
                let solution = solution.map_err(|e| e.to_string())?;
                let row = BlankNode::default();
                graph.insert(&Triple::new(set.clone(), rs("solution"), row.clone()));
                if ordered {
                    graph.insert(&Triple::new(
                        row.clone(),
                        rs("index"),
                        Literal::from(i64::try_from(index + 1).unwrap()),
                    ));
                }
                for (variable, value) in solution.iter() {
                    let binding = BlankNode::default();
                    graph.insert(&Triple::new(row.clone(), rs("binding"), binding.clone()));
                    graph.insert(&Triple::new(
                        binding.clone(),
                        rs("variable"),
                        Literal::from(variable.as_str()),
                    ));
                    graph.insert(&Triple::new(binding, rs("value"), value.clone()));
                }
            }
        }
    }
    Ok(graph)
}

fn dataset_of_graph(graph: Graph) -> Dataset {
    graph
        .iter()
        .map(|t| t.into_owned().in_graph(GraphName::DefaultGraph))
        .collect()
}

/// The dataset as an Oxigraph store gives it back. The store keeps numbers, booleans and dates
/// by value, so a lexical form comes back canonical ("1.0"^^xsd:decimal as "1"); the expected
/// files write non-canonical forms. Both sides go through it, as in Oxigraph's own test suite.
fn normalize(dataset: Dataset) -> Dataset {
    let store = oxigraph::store::Store::new().unwrap();
    for quad in &dataset {
        store.insert(quad).unwrap();
    }
    store.iter().map(|q| q.unwrap()).collect()
}

/// Equal up to blank-node renaming. Without order, `rs:index` in the expected results (some
/// `.srx` files number their rows) is dropped.
fn compare(actual: Dataset, expected: Dataset, ordered: bool) -> Result<(), String> {
    let index = iri(&format!("{RS}index"));
    let strip = |dataset: Dataset| -> Dataset {
        if ordered {
            return dataset;
        }
        dataset
            .iter()
            .filter(|q| q.predicate != index.as_ref())
            .map(|q| q.into_owned())
            .collect()
    };
    let (mut actual, mut expected) = (normalize(strip(actual)), normalize(strip(expected)));
    actual.canonicalize(CanonicalizationAlgorithm::Unstable);
    expected.canonicalize(CanonicalizationAlgorithm::Unstable);
    if actual == expected {
        return Ok(());
    }
    let show = |d: &Dataset| {
        let mut lines: Vec<String> = d.iter().map(|q| q.to_string()).collect();
        lines.sort();
        lines.join("\n    ")
    };
    Err(format!(
        "results differ\n  expected:\n    {}\n  actual:\n    {}",
        show(&expected),
        show(&actual)
    ))
}

// ─── the loop ────────────────────────────────────────────────────────────────

#[test]
fn w3c_sparql11_query_update_and_syntax() {
    let expected = expected_failures();
    let (manifests, tests, skipped) = collect_tests(&expected);
    let mut passed = 0;
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    // (tests, passed) by test type, for the summary.
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for test in &tests {
        let id = term_iri(test);
        seen.insert(id.clone());
        let kind = manifests
            .iri_of(test, &format!("{RDF}type"))
            .unwrap_or_default()
            .replace(MF, "");
        let counts = by_kind.entry(kind).or_default();
        counts.0 += 1;
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_test(&manifests, test)))
                .unwrap_or_else(|_| Err("panicked".into()));
        match (outcome, expected.get(&id)) {
            (Ok(()), None) => {
                passed += 1;
                counts.1 += 1;
            }
            (Err(_), Some(_)) => {}
            (Ok(()), Some(reason)) => failures.push(format!(
                "{id}: passes but is listed as an expected failure ({reason}); remove it"
            )),
            (Err(e), None) => failures.push(format!("{id}: {e}")),
        }
    }
    for listed in expected.keys() {
        if !seen.contains(listed) && !skipped.contains(listed) {
            failures.push(format!(
                "{listed}: listed in expected-failures.txt but not in any manifest"
            ));
        }
    }
    for (kind, (total, passed)) in &by_kind {
        eprintln!("  {kind}: {passed} of {total} passed");
    }
    eprintln!(
        "W3C SPARQL 1.1: {} tests, {passed} passed, {} expected failures, {} manifests skipped",
        tests.len(),
        expected.len() - skipped.len(),
        skipped.len()
    );
    assert!(
        failures.is_empty(),
        "{} unexpected outcomes:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
