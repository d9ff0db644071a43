//! `factgraph link` on the extracts of `tests/fixtures/link/`: each `NAME.ttl` comes with a
//! `NAME.expected` naming the classes to link, the links that must be found (confirmed or
//! proposed) and the things nothing may be linked to (decoys). The binary runs on the file and
//! on the same data behind a SPARQL endpoint (another factgraph on loopback); the linkset it
//! writes is parsed as Turtle and read as Alignment API cells.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedOrBlankNode, Term, Triple};
use std::collections::{HashMap, HashSet};

use std::path::{Path, PathBuf};
use std::process::{Child, Command};

const ALIGN: &str = "http://knowledgeweb.semanticweb.org/heterogeneity/alignment#";
const THRESHOLD: f64 = 0.8;

struct Expected {
    types: Vec<String>,
    /// (ours, theirs, "confirmed" or "proposed"), prefixed names expanded.
    links: Vec<(String, String, String)>,
    none: Vec<String>,
    /// (ours, theirs, text the evidence must contain).
    evidence: Vec<(String, String, String)>,
}

fn expand(name: &str) -> String {
    let prefixes = [
        ("id:", "https://w3id.org/factgraph/id/"),
        ("wd:", "http://www.wikidata.org/entity/"),
        ("unit:", "http://qudt.org/vocab/unit/"),
    ];
    for (prefix, namespace) in prefixes {
        if let Some(local) = name.strip_prefix(prefix) {
            return format!("{namespace}{local}");
        }
    }
    panic!("unknown prefix in {name}")
}

fn expected(path: &Path) -> Expected {
    let mut expected = Expected {
        types: Vec::new(),
        links: Vec::new(),
        none: Vec::new(),
        evidence: Vec::new(),
    };
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            [first, ..] if first.starts_with('#') => {}
            ["types", classes @ ..] => {
                expected.types = classes.iter().map(|c| c.to_string()).collect()
            }
            ["link", ours, theirs, status] => {
                expected
                    .links
                    .push((expand(ours), expand(theirs), status.to_string()))
            }
            ["none", theirs] => expected.none.push(expand(theirs)),
            ["evidence", ours, theirs, text @ ..] => {
                expected
                    .evidence
                    .push((expand(ours), expand(theirs), text.join(" ")))
            }
            _ => panic!("{}: cannot read {line:?}", path.display()),
        }
    }
    expected
}

/// A cell of the linkset: ours, theirs, score, and whether it is confirmed or proposed.
#[derive(Debug)]
struct Cell {
    ours: String,
    theirs: String,
    measure: f64,
    note: String,
    evidence: String,
}

fn cells(turtle: &str) -> (Vec<Cell>, Vec<Triple>) {
    let triples: Vec<Triple> = RdfParser::from_format(RdfFormat::Turtle)
        .for_reader(turtle.as_bytes())
        .map(|q| {
            Triple::from(q.unwrap_or_else(|e| panic!("the linkset does not parse: {e}\n{turtle}")))
        })
        .collect();
    let mut by_node: HashMap<NamedOrBlankNode, HashMap<String, Term>> = HashMap::new();
    for t in &triples {
        by_node
            .entry(t.subject.clone())
            .or_default()
            .insert(t.predicate.as_str().to_owned(), t.object.clone());
    }
    let text = |term: &Term| match term {
        Term::NamedNode(n) => n.as_str().to_owned(),
        Term::Literal(l) => l.value().to_owned(),
        other => other.to_string(),
    };
    let cells = by_node
        .values()
        .filter(|p| p.contains_key(&format!("{ALIGN}measure")))
        .map(|p| Cell {
            ours: text(&p[&format!("{ALIGN}entity1")]),
            theirs: text(&p[&format!("{ALIGN}entity2")]),
            measure: text(&p[&format!("{ALIGN}measure")]).parse().unwrap(),
            note: text(&p["http://www.w3.org/2004/02/skos/core#note"]),
            evidence: text(&p["http://www.w3.org/2000/01/rdf-schema#comment"]),
        })
        .collect();
    (cells, triples)
}

fn link(target: &str, types: &[String]) -> (String, String) {
    let out = std::env::temp_dir().join(format!(
        "factgraph-link-{}-{}.ttl",
        std::process::id(),
        target.len()
    ));
    let mut args = vec![
        "link".to_owned(),
        "--target".to_owned(),
        target.to_owned(),
        "--type".to_owned(),
    ];
    args.extend(types.iter().cloned());
    args.extend(["--out".to_owned(), out.display().to_string()]);
    let output = Command::new(env!("CARGO_BIN_EXE_factgraph"))
        .args(&args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{args:?}: {stderr}");
    let turtle = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    (turtle, stderr)
}

/// Checks one linkset against the expectations; returns (precision, recall) of the proposals
/// and confirmations at or above the threshold against the expected links.
fn check(name: &str, turtle: &str, expected: &Expected, statuses: bool) -> (f64, f64) {
    let (cells, triples) = cells(turtle);
    let above: Vec<&Cell> = cells.iter().filter(|c| c.measure >= THRESHOLD).collect();
    for (ours, theirs, status) in &expected.links {
        let cell = above
            .iter()
            .find(|c| c.ours == *ours && c.theirs == *theirs)
            .unwrap_or_else(|| {
                panic!("{name}: {ours} ~ {theirs} not found at or above {THRESHOLD}:\n{turtle}")
            });
        assert!(cell.evidence.contains("label"), "{name}: {cell:?}");
        assert!(cell.evidence.contains("types"), "{name}: {cell:?}");
        if statuses {
            assert_eq!(&cell.note, status, "{name}: {ours} ~ {theirs}");
        }
        // A confirmed link is also written as the triple data/ states; a proposal is not.
        let stated = triples.iter().any(|t| {
            t.subject.to_string() == format!("<{ours}>")
                && t.object.to_string() == format!("<{theirs}>")
        });
        assert_eq!(
            stated,
            cell.note == "confirmed",
            "{name}: {ours} ~ {theirs}"
        );
    }
    for (ours, theirs, text) in &expected.evidence {
        let cell = cells
            .iter()
            .find(|c| c.ours == *ours && c.theirs == *theirs)
            .unwrap_or_else(|| panic!("{name}: no cell for {ours} ~ {theirs}"));
        assert!(
            cell.evidence.contains(text.as_str()),
            "{name}: {text:?} not in {cell:?}"
        );
    }
    for theirs in &expected.none {
        let wrong: Vec<&&Cell> = above.iter().filter(|c| c.theirs == *theirs).collect();
        assert!(wrong.is_empty(), "{name}: {theirs} is a decoy: {wrong:#?}");
    }
    let wanted: HashSet<(&str, &str)> = expected
        .links
        .iter()
        .map(|(o, t, _)| (o.as_str(), t.as_str()))
        .collect();
    let right = above
        .iter()
        .filter(|c| wanted.contains(&(c.ours.as_str(), c.theirs.as_str())))
        .count();
    let precision = right as f64 / above.len().max(1) as f64;
    let recall = right as f64 / wanted.len().max(1) as f64;
    (precision, recall)
}

fn extracts() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/link")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ttl"))
        .collect();
    found.sort();
    assert!(!found.is_empty());
    found
}

#[test]
fn every_expected_link_is_found_in_each_file_and_no_decoy_passes_the_threshold() {
    for extract in extracts() {
        let name = extract.display().to_string();
        let expected = expected(&extract.with_extension("expected"));
        let (turtle, summary) = link(&name, &expected.types);
        let (precision, recall) = check(&name, &turtle, &expected, true);
        println!("{name}: precision {precision:.2}, recall {recall:.2}; {summary}");
        assert_eq!((precision, recall), (1.0, 1.0), "{name}\n{turtle}");
        assert!(summary.contains("confirmed links found again"), "{summary}");
    }
}

/// A factgraph serving `data` on a free loopback port; stopped when dropped.
struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(data: &Path) -> Server {
    let (child, line) = common::start_binary(&["--data", &data.display().to_string()]);
    let url = line
        .split("SPARQL endpoint: ")
        .nth(1)
        .and_then(|rest| rest.strip_suffix(")\n"))
        .unwrap_or_else(|| panic!("no endpoint in {line:?}"))
        .to_owned();
    Server(child, url)
}

#[test]
fn a_sparql_endpoint_gives_the_same_links_as_its_file() {
    for extract in extracts() {
        let expected = expected(&extract.with_extension("expected"));
        let server = serve(&extract);
        let (turtle, _) = link(&server.1, &expected.types);
        let name = format!("{} behind {}", extract.display(), server.1);
        let (precision, recall) = check(&name, &turtle, &expected, true);
        assert_eq!((precision, recall), (1.0, 1.0), "{name}\n{turtle}");
        let (file_turtle, _) = link(&extract.display().to_string(), &expected.types);
        let strong = |t: &str| {
            let mut pairs: Vec<(String, String)> = cells(t)
                .0
                .into_iter()
                .filter(|c| c.measure >= THRESHOLD)
                .map(|c| (c.ours, c.theirs))
                .collect();
            pairs.sort();
            pairs
        };
        assert_eq!(strong(&turtle), strong(&file_turtle), "{name}");
    }
}

#[test]
fn the_threshold_and_the_classes_are_checked() {
    let target = "tests/fixtures/link/wikidata-extract.ttl";
    for args in [
        vec!["link", "--target", target, "--type", "nope:Thing"],
        vec![
            "link",
            "--target",
            target,
            "--type",
            "fg:Place",
            "--threshold",
            "1.5",
        ],
        vec!["link", "--target", target],
        vec![
            "link",
            "--target",
            "tests/fixtures/link/missing.ttl",
            "--type",
            "fg:Place",
        ],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_factgraph"))
            .args(&args)
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.is_empty(), "{args:?}");
    }
    // A lower threshold proposes the near misses too: the Audi Q8 (without e-tron) is one.
    let (turtle, _) = link(
        target,
        &[
            "fg:VehicleModel".to_owned(),
            "--threshold".to_owned(),
            "0.5".to_owned(),
        ],
    );
    let (cells, _) = cells(&turtle);
    assert!(
        cells
            .iter()
            .any(|c| c.theirs.ends_with("Q90000003") && c.note == "proposed"),
        "{turtle}"
    );
}
