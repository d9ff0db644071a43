//! Checks of the knowledge graph files (`ontology/*.ttl`, `data/*.ttl`).
//!
//! - `sparql_cases`: every `tests/cases/graph/NAME.rq` is run and its results are compared with
//!   `tests/cases/graph/NAME.tsv` (SPARQL 1.1 TSV results; for ASK the single line `true` or
//!   `false`). Rows are compared as a sorted list unless the query has `ORDER BY`.
//!   `FACTGRAPH_BLESS=1 cargo test --test graph` rewrites the expected files (review the diff!).
//! - `shacl_*`: a small SHACL-Core-to-SPARQL checker reads `ontology/shapes.ttl` and turns each
//!   constraint into a query that returns the violating focus nodes.
//! - `readme_graph_examples`: every ```sparql block of the README's section "What the graph
//!   knows" is run and compared with the ```text block that follows it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNode, NamedOrBlankNode, Term};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const SH: &str = "http://www.w3.org/ns/shacl#";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Loads every `.ttl` file under `ontology/` and `data/` into one in-memory store.
fn load_graph() -> Store {
    let store = Store::new().unwrap();
    for dir in ["ontology", "data"] {
        let mut files: Vec<PathBuf> = fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "ttl"))
            .collect();
        files.sort();
        for file in files {
            let bytes = fs::read(&file).unwrap();
            store
                .load_from_slice(RdfParser::from_format(RdfFormat::Turtle), &bytes)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        }
    }
    store
}

/// Runs a query and renders its results as SPARQL TSV lines (header first; ASK gives one line).
fn run_tsv(store: &Store, query: &str) -> Result<Vec<String>, String> {
    let results = SparqlEvaluator::new()
        .parse_query(query)
        .map_err(|e| e.to_string())?
        .on_store(store)
        .execute()
        .map_err(|e| e.to_string())?;
    let serializer = QueryResultsSerializer::from_format(QueryResultsFormat::Tsv);
    let bytes = match results {
        QueryResults::Boolean(b) => serializer
            .serialize_boolean_to_writer(Vec::new(), b)
            .map_err(|e| e.to_string())?,
        QueryResults::Solutions(solutions) => {
            let mut w = serializer
                .serialize_solutions_to_writer(Vec::new(), solutions.variables().to_vec())
                .map_err(|e| e.to_string())?;
            for s in solutions {
                w.serialize(&s.map_err(|e| e.to_string())?)
                    .map_err(|e| e.to_string())?;
            }
            w.finish().map_err(|e| e.to_string())?
        }
        QueryResults::Graph(_) => return Err("CONSTRUCT/DESCRIBE not supported here".into()),
    };
    Ok(String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect())
}

/// Compares actual with expected TSV lines: header exactly, rows in order if `ordered`, else as
/// sorted lists. Returns a readable difference.
fn compare(actual: &[String], expected: &[String], ordered: bool) -> Option<String> {
    let norm = |v: &[String]| -> Vec<String> {
        let mut v: Vec<String> = v.iter().map(|l| l.trim_end().to_owned()).collect();
        while v.last().is_some_and(String::is_empty) {
            v.pop();
        }
        if !ordered && v.len() > 1 {
            v[1..].sort();
        }
        v
    };
    let (a, e) = (norm(actual), norm(expected));
    if a == e {
        return None;
    }
    let mut msg = String::from("expected:\n");
    for l in &e {
        let _ = writeln!(msg, "  {l}");
    }
    msg.push_str("actual:\n");
    for l in &a {
        let _ = writeln!(msg, "  {l}");
    }
    Some(msg)
}

fn has_order_by(query: &str) -> bool {
    query.to_uppercase().contains("ORDER BY")
}

#[test]
fn sparql_cases() {
    let store = load_graph();
    let dir = root().join("tests/cases/graph");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rq"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {}", dir.display());
    let bless = std::env::var_os("FACTGRAPH_BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let query = fs::read_to_string(case).unwrap();
        let expected_path = case.with_extension("tsv");
        let actual = match run_tsv(&store, &query) {
            Ok(a) => a,
            Err(e) => {
                failures.push(format!("{name}: query failed: {e}"));
                continue;
            }
        };
        if bless {
            fs::write(&expected_path, actual.join("\n") + "\n").unwrap();
            continue;
        }
        let Ok(expected) = fs::read_to_string(&expected_path) else {
            failures.push(format!("{name}: missing {}", expected_path.display()));
            continue;
        };
        let expected: Vec<String> = expected.lines().map(str::to_owned).collect();
        if let Some(diff) = compare(&actual, &expected, has_order_by(&query)) {
            failures.push(format!("{name}: results differ\n{diff}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} graph cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The document text is the seed article without its ` date 2022-12 ` header
/// (`data/source/…`, or the file named by `FACTGRAPH_SEED`).
#[test]
fn article_text_matches_seed() {
    // The repository ships a copy of the source article; the original lives in shared/seed/.
    let seed = std::env::var("FACTGRAPH_SEED").map_or_else(
        |_| root().join("data/source/000_22b7e4a8bf504f77.txt"),
        PathBuf::from,
    );
    let raw = fs::read_to_string(&seed).unwrap_or_else(|e| panic!("{}: {e}", seed.display()));
    let expected = raw.strip_prefix(" date 2022-12 ").expect("seed header");
    let store = load_graph();
    let text = one(
        &store,
        "SELECT ?t WHERE { <https://w3id.org/factgraph/id/article> <http://schema.org/text> ?t }",
    );
    assert_eq!(text.len(), 1);
    assert_eq!(lexical(&text[0]), expected);
}

// ─── SHACL Core → SPARQL ─────────────────────────────────────────────────────

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Violation {
    shape: String,
    focus: String,
    path: String,
    component: String,
    value: String,
    message: String,
}

fn select(store: &Store, query: &str) -> Vec<Vec<Option<Term>>> {
    let results = SparqlEvaluator::new()
        .parse_query(query)
        .unwrap_or_else(|e| panic!("{e}\n{query}"))
        .on_store(store)
        .execute()
        .unwrap_or_else(|e| panic!("{e}\n{query}"));
    let QueryResults::Solutions(solutions) = results else {
        panic!("not a SELECT: {query}")
    };
    let vars = solutions.variables().to_vec();
    solutions
        .map(|s| {
            let s = s.unwrap();
            vars.iter().map(|v| s.get(v).cloned()).collect()
        })
        .collect()
}

fn one(store: &Store, query: &str) -> Vec<Term> {
    select(store, query)
        .into_iter()
        .filter_map(|mut row| row.remove(0))
        .collect()
}

fn show(term: Option<&Term>) -> String {
    term.map(ToString::to_string).unwrap_or_default()
}

/// The constraint parameters of shapes the checker implements; any other `sh:` predicate on a
/// shape makes the check fail, so the shapes file cannot silently contain unchecked constraints.
const SUPPORTED: &[&str] = &[
    "targetClass",
    "targetSubjectsOf",
    "property",
    "path",
    "minCount",
    "maxCount",
    "datatype",
    "class",
    "nodeKind",
    "in",
    "languageIn",
    "uniqueLang",
    "hasValue",
    "pattern",
    "flags",
    "or",
    "sparql",
    "message",
];

/// The objects of `node pred ?o`, read with the store API (shape nodes are often blank nodes,
/// which a SPARQL query cannot name).
fn objects(store: &Store, node: &Term, pred: &str) -> Vec<Term> {
    let Ok(subject) = NamedOrBlankNode::try_from(node.clone()) else {
        return Vec::new();
    };
    let pred = NamedNode::new(pred).unwrap();
    store
        .quads_for_pattern(Some(subject.as_ref()), Some(pred.as_ref()), None, None)
        .map(|q| q.unwrap().object)
        .collect()
}

fn object(store: &Store, node: &Term, param: &str) -> Option<Term> {
    objects(store, node, &format!("{SH}{param}"))
        .into_iter()
        .next()
}

fn check_supported(store: &Store, node: &Term) {
    let subject = NamedOrBlankNode::try_from(node.clone()).unwrap();
    for quad in store.quads_for_pattern(Some(subject.as_ref()), None, None, None) {
        let p = quad.unwrap().predicate;
        let Some(local) = p.as_str().strip_prefix(SH) else {
            continue;
        };
        assert!(
            SUPPORTED.contains(&local),
            "shape {node} uses sh:{local}, which the checker does not implement"
        );
    }
}

fn list_members(store: &Store, list: &Term) -> Vec<Term> {
    const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    let mut out = Vec::new();
    let mut cur = list.clone();
    while cur.to_string() != format!("<{RDF}nil>") {
        out.extend(objects(store, &cur, &format!("{RDF}first")));
        cur = objects(store, &cur, &format!("{RDF}rest"))
            .into_iter()
            .next()
            .expect("broken RDF list");
    }
    out
}

fn lexical(term: &Term) -> String {
    match term {
        Term::Literal(l) => l.value().to_owned(),
        other => other.to_string(),
    }
}

/// SPARQL expression, over `?v`, that is true iff the value conforms to the value-type
/// constraints of `node` (datatype, class, nodeKind, in, languageIn, pattern, or); `None` if it
/// has none. Errors count as non-conformance (`COALESCE(…, false)`).
fn value_condition(store: &Store, node: &Term) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(dt) = object(store, node, "datatype") {
        parts.push(format!("(isLiteral(?v) && DATATYPE(?v) = {dt})"));
    }
    if let Some(c) = object(store, node, "class") {
        parts.push(format!(
            "EXISTS {{ ?v <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {c} }}"
        ));
    }
    if let Some(Term::NamedNode(k)) = object(store, node, "nodeKind") {
        let test = match &k.as_str()[SH.len()..] {
            "IRI" => "isIRI(?v)",
            "Literal" => "isLiteral(?v)",
            "BlankNode" => "isBlank(?v)",
            "BlankNodeOrIRI" => "(isBlank(?v) || isIRI(?v))",
            "IRIOrLiteral" => "(isIRI(?v) || isLiteral(?v))",
            "BlankNodeOrLiteral" => "(isBlank(?v) || isLiteral(?v))",
            other => panic!("unknown sh:nodeKind {other}"),
        };
        parts.push(test.to_owned());
    }
    if let Some(list) = object(store, node, "in") {
        let members: Vec<String> = list_members(store, &list)
            .iter()
            .map(ToString::to_string)
            .collect();
        parts.push(format!("(?v IN ({}))", members.join(", ")));
    }
    if let Some(list) = object(store, node, "languageIn") {
        let tests: Vec<String> = list_members(store, &list)
            .iter()
            .map(|l| format!("LANGMATCHES(LANG(?v), {l})"))
            .collect();
        parts.push(format!("(isLiteral(?v) && ({}))", tests.join(" || ")));
    }
    if let Some(pattern) = object(store, node, "pattern") {
        let flags =
            object(store, node, "flags").map_or_else(|| "\"\"".to_owned(), |f| f.to_string());
        parts.push(format!(
            "(!isBlank(?v) && REGEX(STR(?v), {pattern}, {flags}))"
        ));
    }
    if let Some(list) = object(store, node, "or") {
        let alternatives: Vec<String> = list_members(store, &list)
            .iter()
            .map(|m| {
                check_supported(store, m);
                value_condition(store, m).expect("sh:or member without value constraints")
            })
            .collect();
        parts.push(format!("({})", alternatives.join(" || ")));
    }
    if parts.is_empty() {
        None
    } else {
        Some(format!("COALESCE({}, false)", parts.join(" && ")))
    }
}

/// Validates the store against every sh:NodeShape in it.
fn shacl_validate(store: &Store) -> Vec<Violation> {
    let mut out = Vec::new();
    let shapes = one(
        store,
        &format!("SELECT ?s WHERE {{ ?s a <{SH}NodeShape> }} ORDER BY ?s"),
    );
    for shape in &shapes {
        check_supported(store, shape);
        // Focus nodes: the union of the shape's targets.
        let mut targets = Vec::new();
        for c in objects(store, shape, &format!("{SH}targetClass")) {
            targets.push(format!(
                "{{ ?this <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {c} }}"
            ));
        }
        for p in objects(store, shape, &format!("{SH}targetSubjectsOf")) {
            targets.push(format!("{{ ?this {p} ?any }}"));
        }
        assert!(!targets.is_empty(), "shape {shape} has no target");
        let focus_pattern = targets.join(" UNION ");
        let focus: HashSet<Term> = one(
            store,
            &format!("SELECT DISTINCT ?this WHERE {{ {focus_pattern} }}"),
        )
        .into_iter()
        .collect();
        let mut violation =
            |focus: &Term, path: &str, component: &str, value: String, message: &Option<Term>| {
                out.push(Violation {
                    shape: shape.to_string(),
                    focus: focus.to_string(),
                    path: path.to_owned(),
                    component: component.to_owned(),
                    value,
                    message: message.as_ref().map(lexical).unwrap_or_default(),
                });
            };

        // Property shapes.
        for ps in objects(store, shape, &format!("{SH}property")) {
            check_supported(store, &ps);
            let Some(path @ Term::NamedNode(_)) = object(store, &ps, "path") else {
                panic!("property shape {ps} of {shape}: only IRI paths are supported")
            };
            let message = object(store, &ps, "message");
            let path_s = path.to_string();
            let counted = format!(
                "SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {focus_pattern} }} }} OPTIONAL {{ ?this {path} ?v }} }} GROUP BY ?this"
            );
            if let Some(min) = object(store, &ps, "minCount") {
                for row in select(
                    store,
                    &format!("SELECT ?this ?n WHERE {{ {{ {counted} }} FILTER(?n < {min}) }}"),
                ) {
                    violation(
                        row[0].as_ref().unwrap(),
                        &path_s,
                        "MinCount",
                        show(row[1].as_ref()),
                        &message,
                    );
                }
            }
            if let Some(max) = object(store, &ps, "maxCount") {
                for row in select(
                    store,
                    &format!("SELECT ?this ?n WHERE {{ {{ {counted} }} FILTER(?n > {max}) }}"),
                ) {
                    violation(
                        row[0].as_ref().unwrap(),
                        &path_s,
                        "MaxCount",
                        show(row[1].as_ref()),
                        &message,
                    );
                }
            }
            if let Some(cond) = value_condition(store, &ps) {
                let q = format!(
                    "SELECT DISTINCT ?this ?v WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {focus_pattern} }} }} ?this {path} ?v FILTER(!({cond})) }}"
                );
                for row in select(store, &q) {
                    violation(
                        row[0].as_ref().unwrap(),
                        &path_s,
                        "ValueType",
                        show(row[1].as_ref()),
                        &message,
                    );
                }
            }
            if object(store, &ps, "uniqueLang").is_some_and(|t| lexical(&t) == "true") {
                let q = format!(
                    "SELECT DISTINCT ?this (LANG(?a) AS ?lang) WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {focus_pattern} }} }} ?this {path} ?a, ?b FILTER(!sameTerm(?a, ?b) && LANG(?a) != \"\" && LANG(?a) = LANG(?b)) }}"
                );
                for row in select(store, &q) {
                    violation(
                        row[0].as_ref().unwrap(),
                        &path_s,
                        "UniqueLang",
                        show(row[1].as_ref()),
                        &message,
                    );
                }
            }
            if let Some(value) = object(store, &ps, "hasValue") {
                let q = format!(
                    "SELECT DISTINCT ?this WHERE {{ {focus_pattern} FILTER NOT EXISTS {{ ?this {path} {value} }} }}"
                );
                for row in select(store, &q) {
                    violation(
                        row[0].as_ref().unwrap(),
                        &path_s,
                        "HasValue",
                        value.to_string(),
                        &message,
                    );
                }
            }
        }

        // SPARQL constraints: the sh:select is run with its sh:prefixes declarations; its
        // solutions for ?this that are focus nodes of the shape are violations.
        for c in objects(store, shape, &format!("{SH}sparql")) {
            let body = object(store, &c, "select").expect("sh:sparql without sh:select");
            let message = object(store, &c, "message");
            let mut prologue = String::new();
            for prefixes in objects(store, &c, &format!("{SH}prefixes")) {
                for decl in objects(store, &prefixes, &format!("{SH}declare")) {
                    let prefix =
                        object(store, &decl, "prefix").expect("sh:declare without sh:prefix");
                    let ns =
                        object(store, &decl, "namespace").expect("sh:declare without sh:namespace");
                    let _ = writeln!(prologue, "PREFIX {}: <{}>", lexical(&prefix), lexical(&ns));
                }
            }
            let query = format!("{prologue}{}", lexical(&body));
            let rows = select(store, &query);
            for row in rows {
                let Some(this) = row[0].as_ref() else {
                    continue;
                };
                if focus.contains(this) {
                    violation(
                        this,
                        "",
                        "SPARQL",
                        show(row.get(1).and_then(Option::as_ref)),
                        &message,
                    );
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn report(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| {
            format!(
                "{} focus={} path={} [{}] value={} — {}",
                v.shape, v.focus, v.path, v.component, v.value, v.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn shacl_data_conforms_to_shapes() {
    let store = load_graph();
    let violations = shacl_validate(&store);
    assert!(
        violations.is_empty(),
        "{} SHACL violations:\n{}",
        violations.len(),
        report(&violations)
    );
}

fn update(store: &Store, u: &str) {
    SparqlEvaluator::new()
        .parse_update(u)
        .unwrap()
        .on_store(store)
        .execute()
        .unwrap();
}

#[test]
fn shacl_reports_broken_facts() {
    let store = load_graph();
    update(
        &store,
        r#"PREFIX fg: <https://w3id.org/factgraph/def/>
           PREFIX id: <https://w3id.org/factgraph/id/>
           PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
           PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
           PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
           INSERT DATA {
             id:audi fg:owns id:audi-brussels .
             # no source sentence
             <https://w3id.org/factgraph/id/fact/broken-no-sentence> a fg:Fact ;
               rdf:subject id:audi ; rdf:predicate fg:owns ; rdf:object id:audi-brussels ;
               fg:evidence "eigenaar"@nl ; rdfs:label "kapot"@nl, "broken"@en .
             # quantity with a string value, no unit, evidence not in its sentence, year as string
             id:audi-brussels-solar-roof fg:surfaceArea "groot" .
             <https://w3id.org/factgraph/id/fact/broken-quantity> a fg:Fact ;
               rdf:subject id:audi-brussels-solar-roof ; rdf:predicate fg:surfaceArea ; rdf:object "groot" ;
               fg:sourceSentence <https://w3id.org/factgraph/id/article/s12> ;
               fg:evidence "heel groot"@nl ; fg:startTime "2018" ;
               rdfs:label "kapot"@nl, "broken"@en, "second English label"@en .
             # entity without an English prefLabel
             id:nameless a fg:Place ; skos:prefLabel "Naamloos"@nl .
           }"#,
    );
    let violations = shacl_validate(&store);
    let has = |focus: &str, path: &str, component: &str| {
        violations.iter().any(|v| {
            v.focus == format!("<https://w3id.org/factgraph/id/{focus}>")
                && v.path.contains(path)
                && v.component == component
        })
    };
    let all = report(&violations);
    assert!(
        has("fact/broken-no-sentence", "def/sourceSentence", "MinCount"),
        "{all}"
    );
    assert!(has("fact/broken-quantity", "", "SPARQL"), "{all}");
    assert!(
        has("fact/broken-quantity", "def/startTime", "ValueType"),
        "{all}"
    );
    assert!(
        has("fact/broken-quantity", "rdf-schema#label", "UniqueLang"),
        "{all}"
    );
    assert!(
        has("fact/broken-quantity", "rdf-schema#label", "MaxCount"),
        "{all}"
    );
    assert!(has("nameless", "prefLabel", "MinCount"), "{all}");
    let broken_quantity: BTreeSet<&str> = violations
        .iter()
        .filter(|v| v.focus.contains("broken-quantity") && v.component == "SPARQL")
        .map(|v| v.message.as_str())
        .collect();
    assert_eq!(broken_quantity.len(), 3, "{all}"); // numeric, unit, evidence
                                                   // The real data stays clean: every violation is about one of the inserted nodes.
    assert!(
        violations
            .iter()
            .all(|v| v.focus.contains("broken") || v.focus.contains("nameless")),
        "{all}"
    );
}

// ─── README.md, section "What the graph knows" ───────────────────────────────────────────────────────────

/// (query, expected lines) for every ```sparql block followed by a ```text block.
fn doc_examples(markdown: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut lines = markdown.lines();
    let mut pending: Option<String> = None;
    while let Some(line) = lines.next() {
        let fence = line.trim_start();
        if fence == "```sparql" || fence == "```text" {
            let mut block = Vec::new();
            for l in lines.by_ref() {
                if l.trim_start() == "```" {
                    break;
                }
                block.push(l.to_owned());
            }
            if fence == "```sparql" {
                pending = Some(block.join("\n"));
            } else if let Some(q) = pending.take() {
                out.push((q, block));
            }
        }
    }
    out
}

/// Rewrites every ```text block that follows a ```sparql block with the query's actual results.
fn bless_markdown(markdown: &str, store: &Store) -> String {
    let mut out = String::new();
    let mut lines = markdown.lines();
    let mut pending: Option<String> = None;
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let fence = line.trim_start();
        if fence == "```sparql" || fence == "```text" {
            let mut block = Vec::new();
            let mut closing = String::from("```");
            for l in lines.by_ref() {
                if l.trim_start() == "```" {
                    closing = l.to_owned();
                    break;
                }
                block.push(l.to_owned());
            }
            if fence == "```text" {
                if let Some(q) = pending.take() {
                    block = run_tsv(store, &q).unwrap_or_else(|e| vec![format!("ERROR {e}")]);
                }
            } else {
                pending = Some(block.join("\n"));
            }
            for l in block {
                out.push_str(&l);
                out.push('\n');
            }
            out.push_str(&closing);
            out.push('\n');
        }
    }
    out
}

/// The README's section "## What the graph knows": (text before, section, text after).
fn readme_graph_section(readme: &str) -> (&str, &str, &str) {
    let start = readme
        .find("\n## What the graph knows")
        .expect("README.md has a section '## What the graph knows'")
        + 1;
    let end = readme[start + 3..]
        .find("\n## ")
        .map_or(readme.len(), |i| start + 3 + i + 1);
    (&readme[..start], &readme[start..end], &readme[end..])
}

#[test]
fn readme_graph_examples() {
    let path: &Path = &root().join("README.md");
    let readme = fs::read_to_string(path).unwrap();
    let (before, markdown, after) = readme_graph_section(&readme);
    let examples = doc_examples(markdown);
    assert!(
        examples.len() >= 10,
        "README.md's graph section has {} examples",
        examples.len()
    );
    let store = load_graph();
    if std::env::var_os("FACTGRAPH_BLESS").is_some() {
        let blessed = bless_markdown(markdown, &store);
        fs::write(path, format!("{before}{blessed}{after}")).unwrap();
        return;
    }
    let mut failures = Vec::new();
    for (i, (query, expected)) in examples.iter().enumerate() {
        match run_tsv(&store, query) {
            Ok(actual) => {
                if let Some(diff) = compare(&actual, expected, has_order_by(query)) {
                    failures.push(format!("README.md example {}:\n{query}\n{diff}", i + 1));
                }
            }
            Err(e) => failures.push(format!("README.md example {}: {e}\n{query}", i + 1)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
