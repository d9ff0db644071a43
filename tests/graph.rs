//! Checks of the knowledge graph files (`ontology/*.ttl`, `data/*.ttl`).
//!
//! - `sparql_cases`: every `tests/cases/graph/NAME.rq` is run and its results are compared with
//!   `tests/cases/graph/NAME.tsv` (SPARQL 1.1 TSV results; for ASK the single line `true` or
//!   `false`). Rows are compared as a sorted list unless the query has `ORDER BY`.
//!   `FACTGRAPH_BLESS=1 cargo test --test graph` rewrites the expected files (review the diff!).
//! - The SHACL shapes (`ontology/shapes.ttl`) are checked by a real SHACL engine, pyshacl, in
//!   `tests/shacl/run.sh` (run by `.ci/run`), not here.
//! - `readme_graph_examples`: every ```sparql block of the README's section "What the graph
//!   knows" is run and compared with the ```text block that follows it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Term;
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

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

// ─── helpers ─────────────────────────────────────────────────────────────────

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

fn lexical(term: &Term) -> String {
    match term {
        Term::Literal(l) => l.value().to_owned(),
        other => other.to_string(),
    }
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
