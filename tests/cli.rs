//! The `factgraph` command line: one-shot queries, the base IRI, and start-up errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn factgraph(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_factgraph"))
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn query_prints_results_in_the_asked_format() {
    let (ok, out, err) = factgraph(&[
        "query",
        "SELECT ?year WHERE { ?f rdf:subject id:audi ; rdf:predicate fg:owns ; fg:startTime ?year }",
        "--format",
        "csv",
    ]);
    assert!(ok, "{err}");
    assert_eq!(out.trim_end(), "year\r\n2007");
}

#[test]
fn graph_queries_default_to_turtle() {
    let (ok, out, err) = factgraph(&["query", "DESCRIBE id:audi"]);
    assert!(ok, "{err}");
    assert!(out.contains("id:audi "), "{out}");
}

#[test]
fn base_iri_moves_our_iris() {
    let (ok, out, err) = factgraph(&[
        "--base-iri",
        "http://127.0.0.1:7979/",
        "query",
        "SELECT ?plant WHERE { ?audi fg:owns ?plant }",
        "--format",
        "tsv",
    ]);
    assert!(ok, "{err}");
    assert_eq!(
        out.trim_end(),
        "?plant\n<http://127.0.0.1:7979/id/audi-brussels>"
    );
}

#[test]
fn format_must_fit_the_query() {
    let (ok, _, err) = factgraph(&["query", "ASK {}", "--format", "turtle"]);
    assert!(!ok);
    assert!(err.contains("does not fit"), "{err}");
}

#[test]
fn malformed_query_is_reported() {
    let (ok, _, err) = factgraph(&["query", "SELECT WHERE"]);
    assert!(!ok);
    assert!(err.contains("SPARQL syntax error"), "{err}");
}

#[test]
fn a_broken_file_stops_start_up_with_its_name_line_and_column() {
    let dir = std::env::temp_dir().join(format!("factgraph-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("broken.ttl");
    std::fs::write(
        &file,
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e \"open\n",
    )
    .unwrap();
    let (ok, _, err) = factgraph(&["--data", file.to_str().unwrap(), "query", "ASK {}"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!ok);
    assert!(err.contains("broken.ttl"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("column"), "{err}");
}

#[test]
fn ask_prints_the_answer_and_its_source() {
    let (ok, out, err) = factgraph(&["ask", "Sinds wanneer is Audi eigenaar van de fabriek?"]);
    assert!(ok, "{err}");
    assert!(out.starts_with("2007"), "{out}");
    assert!(
        out.contains("source: Audi is sinds 2007 eigenaar van de fabriek in Brussel."),
        "{out}"
    );
}

#[test]
fn ask_explain_prints_every_stage_before_the_answer() {
    let (ok, out, err) = factgraph(&[
        "ask",
        "Hoeveel ton CO2 spaart de goederentrein uit Hongarije jaarlijks uit?",
        "--explain",
    ]);
    assert!(ok, "{err}");
    for stage in [
        "reading:",
        "cue scores:",
        "composition:",
        "ranking:",
        "decision:",
    ] {
        assert!(out.contains(stage), "no {stage} in {out}");
    }
    assert!(
        out.contains("decision: answer with quantity from rail-line-co2-saving"),
        "{out}"
    );
    // The answer follows the stages.
    let decision = out.find("decision:").unwrap();
    assert!(out[decision..].contains("2.600 ton"), "{out}");
}

#[test]
fn ask_json_prints_the_answer_object() {
    let (ok, out, err) = factgraph(&["ask", "Who owns the plant?", "--lang", "en", "--json"]);
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["answered"], true);
    assert_eq!(json["lang"], "en");
    assert_eq!(
        json["values"][0]["iri"],
        "https://w3id.org/factgraph/id/audi"
    );
}

#[test]
fn ask_under_another_base_still_answers() {
    let (ok, out, err) = factgraph(&[
        "ask",
        "Hoe lang is de groene vrachtlijn?",
        "--json",
        "--base-iri",
        "http://example.org/fg/",
    ]);
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["values"][0]["value"], "1300");
    assert!(json["facts"][0]
        .as_str()
        .unwrap()
        .starts_with("http://example.org/fg/id/fact/"));
}

#[test]
fn a_write_token_without_a_persistent_store_stops_start_up() {
    let (ok, _, err) = factgraph(&[
        "--write-token",
        "0123456789abcdef0123456789abcdef",
        "--bind",
        "127.0.0.1:0",
    ]);
    assert!(!ok);
    assert!(err.contains("--store"), "{err}");
}

#[test]
fn weak_write_tokens_are_refused() {
    let (ok, _, err) = factgraph(&["--write-token", "secret", "--bind", "127.0.0.1:0"]);
    assert!(!ok);
    assert!(err.contains("too short"), "{err}");
    let (ok, _, err) = factgraph(&[
        "--write-token",
        "0123456789abcdef0123456789abcdef",
        "--write-token-file",
        "/nonexistent",
    ]);
    assert!(!ok);
    assert!(err.contains("cannot be used with"), "{err}");
}

#[cfg(not(feature = "rocksdb"))]
#[test]
fn store_needs_the_rocksdb_build() {
    let (ok, _, err) = factgraph(&["--store", "/nonexistent/store", "query", "ASK {}"]);
    assert!(!ok);
    assert!(err.contains("features rocksdb"), "{err}");
}

#[test]
fn a_reindex_interval_must_be_a_positive_number_of_seconds() {
    for bad in ["0", "-5", "soon"] {
        let flag = format!("--reindex-interval={bad}");
        let (ok, _, err) = factgraph(&[&flag, "--bind", "127.0.0.1:0"]);
        assert!(!ok, "--reindex-interval {bad} was accepted");
        assert!(err.contains("--reindex-interval"), "{bad}: {err}");
    }
}

#[test]
fn a_ca_file_that_is_not_a_certificate_bundle_stops_start_up() {
    let dir = std::env::temp_dir().join(format!("factgraph-cli-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let not_pem = dir.join("not.pem");
    std::fs::write(&not_pem, "hello\n").unwrap();
    let missing = dir.join("missing.pem");
    for (file, says) in [
        (&not_pem, "holds no certificate"),
        (&missing, "cannot be read"),
    ] {
        let flag = format!("--ca-file={}", file.display());
        let (ok, _, err) = factgraph(&[&flag, "--bind", "127.0.0.1:0"]);
        assert!(!ok, "{flag} was accepted");
        assert!(err.contains(&file.display().to_string()), "{err}");
        assert!(err.contains(says), "{err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_ftp_federation_endpoint_stops_start_up() {
    let (ok, _, err) = factgraph(&[
        "--federate",
        "ftp://example.org/sparql",
        "--bind",
        "127.0.0.1:0",
    ]);
    assert!(!ok);
    assert!(err.contains("only http:// and https://"), "{err}");
}
