//! Reading a SPARQL engine's answers (a remote backend's or a SERVICE endpoint's): parsed
//! into Oxigraph's `QueryResults` and read by value, whatever spelling the engine chose.

use crate::store::formats;
use oxigraph::model::vocab::xsd;
use oxigraph::model::{BlankNode, Literal, Term, Triple};
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput,
};
use oxigraph::sparql::Variable;
use std::sync::{Arc, LazyLock};

/// The `Accept` of a SELECT or ASK sent to an engine (the remote backend and SERVICE calls,
/// `federation.rs`), in order of preference.
pub static RESULTS_ACCEPT: LazyLock<String> = LazyLock::new(|| {
    formats::results_accept(&[
        (QueryResultsFormat::Json, 1.0),
        (QueryResultsFormat::Xml, 0.9),
    ])
});

/// A results document as read from an engine: a boolean, or the variables and rows.
pub(crate) enum Results {
    Boolean(bool),
    Table(Arc<[Variable]>, Vec<Vec<Option<Term>>>),
}

/// Reads a results document by value, whichever engine wrote it: Virtuoso's `nodeID://`
/// blank-node labels relabelled, booleans and durations in canonical form. Used for answers to
/// `--sparql-endpoint` queries and to SERVICE calls alike.
pub(crate) fn read_results(
    format: QueryResultsFormat,
    bytes: Vec<u8>,
) -> std::result::Result<Results, String> {
    let bytes = if format == QueryResultsFormat::Json {
        relabel_json_blank_nodes(bytes)
    } else {
        bytes
    };
    let parsed = QueryResultsParser::from_format(format)
        .for_slice(&bytes)
        .map_err(|e| format!("the results do not parse: {e}"))?;
    let solutions = match parsed {
        SliceQueryResultsParserOutput::Boolean(value) => return Ok(Results::Boolean(value)),
        SliceQueryResultsParserOutput::Solutions(solutions) => solutions,
    };
    let variables: Arc<[Variable]> = solutions.variables().into();
    let rows = solutions
        .map(|solution| {
            solution
                .map(|s| {
                    s.values()
                        .iter()
                        .map(|v| v.clone().map(canonical_term))
                        .collect::<Vec<_>>()
                })
                .map_err(|e| format!("the results do not parse: {e}"))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(Results::Table(variables, rows))
}

/// Results read by value, not by spelling: Virtuoso writes a stored `xsd:boolean` as "1"/"0"
/// and a year-month `xsd:duration` as its number of months ("P1Y" comes back as "12"); both are
/// turned back into the canonical form every reader of the results compares with.
pub(super) fn canonical_term(term: Term) -> Term {
    let Term::Literal(literal) = term else {
        return term;
    };
    let datatype = literal.datatype();
    if datatype == xsd::BOOLEAN {
        let value = match literal.value().trim() {
            "1" | "true" => "true",
            "0" | "false" => "false",
            _ => return Term::Literal(literal),
        };
        return Term::Literal(Literal::new_typed_literal(value, xsd::BOOLEAN));
    }
    if datatype == xsd::DURATION || datatype == xsd::YEAR_MONTH_DURATION {
        if let Ok(months) = literal.value().trim().parse::<i64>() {
            let sign = if months < 0 { "-" } else { "" };
            let (years, months) = (months.unsigned_abs() / 12, months.unsigned_abs() % 12);
            let value = match (years, months) {
                (0, m) => format!("{sign}P{m}M"),
                (y, 0) => format!("{sign}P{y}Y"),
                (y, m) => format!("{sign}P{y}Y{m}M"),
            };
            return Term::Literal(Literal::new_typed_literal(value, datatype));
        }
    }
    Term::Literal(literal)
}

pub(super) fn canonical_triple(triple: Triple) -> Triple {
    let object = canonical_term(triple.object);
    Triple::new(triple.subject, triple.predicate, object)
}

/// Blank-node labels any engine writes, made labels RDF allows: Virtuoso writes
/// `nodeID://b10082`, which the results parser rejects. A label that is not valid is replaced
/// by a valid one derived from it one-to-one (hex), so equal labels stay equal. Anything that
/// is not JSON is left to the parser to report.
fn relabel_json_blank_nodes(bytes: Vec<u8>) -> Vec<u8> {
    if !bytes.windows(7).any(|w| w == b"\"bnode\"") {
        return bytes;
    }
    let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return bytes;
    };
    let Some(rows) = json
        .pointer_mut("/results/bindings")
        .and_then(|b| b.as_array_mut())
    else {
        return bytes;
    };
    let mut changed = false;
    for row in rows.iter_mut().filter_map(|r| r.as_object_mut()) {
        for value in row.values_mut() {
            if value.get("type").and_then(|t| t.as_str()) != Some("bnode") {
                continue;
            }
            if let Some(label) = value.get("value").and_then(|l| l.as_str()) {
                if BlankNode::new(label).is_err() {
                    let hex: String = label.bytes().map(|b| format!("{b:02x}")).collect();
                    value["value"] = serde_json::Value::String(format!("x{hex}"));
                    changed = true;
                }
            }
        }
    }
    if !changed {
        return bytes;
    }
    // Written back with only the head and the bindings: the parser reads them in this order
    // and refuses members after the bindings ("distinct", "ordered" sort after them).
    let bindings = json
        .pointer_mut("/results/bindings")
        .map(serde_json::Value::take)
        .unwrap_or_default();
    let head = json.get_mut("head").map(serde_json::Value::take);
    serde_json::to_vec(&serde_json::json!({ "head": head, "results": { "bindings": bindings } }))
        .unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(value: &str, datatype: oxigraph::model::NamedNodeRef<'_>) -> Term {
        Term::Literal(Literal::new_typed_literal(value, datatype))
    }

    #[test]
    fn reads_values_not_spellings() {
        let cases = [
            (typed("1", xsd::BOOLEAN), typed("true", xsd::BOOLEAN)),
            (typed("0", xsd::BOOLEAN), typed("false", xsd::BOOLEAN)),
            (typed("true", xsd::BOOLEAN), typed("true", xsd::BOOLEAN)),
            (typed("12", xsd::DURATION), typed("P1Y", xsd::DURATION)),
            (typed("14", xsd::DURATION), typed("P1Y2M", xsd::DURATION)),
            (typed("2", xsd::DURATION), typed("P2M", xsd::DURATION)),
            (typed("PT1H", xsd::DURATION), typed("PT1H", xsd::DURATION)),
            (typed("1", xsd::INTEGER), typed("1", xsd::INTEGER)),
        ];
        for (engine, expected) in cases {
            assert_eq!(canonical_term(engine.clone()), expected, "{engine}");
        }
    }

    #[test]
    fn blank_node_labels_of_any_form_parse() {
        let body =
            br#"{"head":{"link":[],"vars":["b","c"]},"results":{"distinct":false,"bindings":[
            {"b":{"type":"bnode","value":"nodeID://b10082"},"c":{"type":"bnode","value":"ok1"}},
            {"b":{"type":"bnode","value":"nodeID://b10082"}}]}}"#;
        let fixed = relabel_json_blank_nodes(body.to_vec());
        let parsed = QueryResultsParser::from_format(QueryResultsFormat::Json)
            .for_slice(&fixed)
            .unwrap();
        let SliceQueryResultsParserOutput::Solutions(solutions) = parsed else {
            panic!("solutions expected");
        };
        let rows: Vec<_> = solutions.map(|s| s.unwrap()).collect();
        assert_eq!(
            rows[0].get("b"),
            rows[1].get("b"),
            "equal labels stay equal"
        );
        assert_eq!(
            rows[0].get("c"),
            Some(&Term::BlankNode(BlankNode::new_unchecked("ok1")))
        );
        assert!(QueryResultsParser::from_format(QueryResultsFormat::Json)
            .for_slice(body)
            .and_then(|p| match p {
                SliceQueryResultsParserOutput::Solutions(mut s) => s.next().unwrap().map(|_| ()),
                SliceQueryResultsParserOutput::Boolean(_) => Ok(()),
            })
            .is_err());
    }
}
