//! JSON-LD with readable names: the context published at `/context.jsonld` (our prefixes and
//! short terms for the common properties) and a compaction of triples with it.
//!
//! Oxigraph's JSON-LD writer keeps full IRIs as keys, so descriptions are compacted here. The
//! rules are few and safe because we write the context ourselves: a term is used only for its
//! exact IRI, values that the term would coerce wrongly get an explicit value object, and the
//! round trip (parse the output as JSON-LD, compare with the Turtle) is tested.

use crate::store::model::{vocab, Literal, NamedOrBlankNode, Term, Triple};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A short name for a property: `(term, prefix, local name, values are IRIs)`.
type TermDefinition = (&'static str, &'static str, &'static str, bool);

/// The short names. Properties whose values are always IRIs are declared `"@type": "@id"`, so
/// their values are plain strings.
const TERMS: &[TermDefinition] = &[
    ("label", "rdfs", "label", false),
    ("comment", "rdfs", "comment", false),
    ("seeAlso", "rdfs", "seeAlso", true),
    ("subClassOf", "rdfs", "subClassOf", true),
    ("subPropertyOf", "rdfs", "subPropertyOf", true),
    ("domain", "rdfs", "domain", true),
    ("range", "rdfs", "range", true),
    ("prefLabel", "skos", "prefLabel", false),
    ("altLabel", "skos", "altLabel", false),
    ("hiddenLabel", "skos", "hiddenLabel", false),
    ("exactMatch", "skos", "exactMatch", true),
    ("closeMatch", "skos", "closeMatch", true),
    ("sameAs", "owl", "sameAs", true),
    ("subject", "rdf", "subject", true),
    ("predicate", "rdf", "predicate", true),
    ("object", "rdf", "object", false),
    ("sourceSentence", "fg", "sourceSentence", true),
    ("evidence", "fg", "evidence", false),
    ("approximate", "fg", "approximate", false),
    ("hedge", "fg", "hedge", false),
    ("planned", "fg", "planned", false),
    ("startTime", "fg", "startTime", false),
    ("pointInTime", "fg", "pointInTime", false),
    ("validAt", "fg", "validAt", false),
    ("period", "fg", "period", false),
    ("timeResolution", "fg", "timeResolution", false),
    ("position", "fg", "position", false),
    ("hasUnit", "qudt", "hasUnit", true),
    ("isPartOf", "dcterms", "isPartOf", true),
    ("title", "dcterms", "title", false),
    ("description", "dcterms", "description", false),
    ("text", "schema", "text", false),
    ("datePublished", "schema", "datePublished", false),
    ("inLanguage", "schema", "inLanguage", false),
    ("anchorOf", "nif", "anchorOf", false),
    ("beginIndex", "nif", "beginIndex", false),
    ("endIndex", "nif", "endIndex", false),
];

/// A term resolved against the prefixes in use.
struct Resolved {
    name: &'static str,
    iri: String,
    compact: String,
    iri_values: bool,
}

fn resolve(prefixes: &[(String, String)]) -> Vec<Resolved> {
    TERMS
        .iter()
        // A term named like a prefix would replace the prefix in the context.
        .filter(|(name, ..)| prefixes.iter().all(|(p, _)| p != name))
        .filter_map(|(name, prefix, local, iri_values)| {
            let namespace = &prefixes.iter().find(|(p, _)| p == prefix)?.1;
            Some(Resolved {
                name,
                iri: format!("{namespace}{local}"),
                compact: format!("{prefix}:{local}"),
                iri_values: *iri_values,
            })
        })
        .collect()
}

/// The `@context` object: every prefix, then the short terms.
pub fn context(prefixes: &[(String, String)]) -> Value {
    let mut context = Map::new();
    for (prefix, namespace) in prefixes {
        context.insert(prefix.clone(), Value::String(namespace.clone()));
    }
    for term in resolve(prefixes) {
        let definition = if term.iri_values {
            serde_json::json!({ "@id": term.compact, "@type": "@id" })
        } else {
            Value::String(term.compact)
        };
        context.insert(term.name.to_owned(), definition);
    }
    Value::Object(context)
}

/// `prefix:local` for an IRI under one of the prefixes (the longest namespace wins), else the
/// IRI itself. A local part starting with `//` would read as an absolute IRI, so it is kept.
fn compact_iri(iri: &str, prefixes: &[(String, String)]) -> String {
    prefixes
        .iter()
        .filter(|(_, namespace)| iri.starts_with(namespace.as_str()))
        .max_by_key(|(_, namespace)| namespace.len())
        .map(|(prefix, namespace)| (prefix, &iri[namespace.len()..]))
        .filter(|(_, local)| !local.starts_with("//"))
        .map_or_else(
            || iri.to_owned(),
            |(prefix, local)| format!("{prefix}:{local}"),
        )
}

fn node_id(node: &NamedOrBlankNode, prefixes: &[(String, String)]) -> String {
    match node {
        NamedOrBlankNode::NamedNode(n) => compact_iri(n.as_str(), prefixes),
        NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
    }
}

fn literal_value(literal: &Literal, iri_values: bool, prefixes: &[(String, String)]) -> Value {
    if let Some(language) = literal.language() {
        return serde_json::json!({ "@value": literal.value(), "@language": language });
    }
    let datatype = literal.datatype();
    if datatype == vocab::xsd::STRING {
        // A plain string under a term that coerces to IRIs would be read as an IRI.
        return if iri_values {
            serde_json::json!({ "@value": literal.value() })
        } else {
            Value::String(literal.value().to_owned())
        };
    }
    // Native JSON values only where JSON-LD turns them back into the same literal.
    if datatype == vocab::xsd::BOOLEAN && matches!(literal.value(), "true" | "false") {
        return Value::Bool(literal.value() == "true");
    }
    if datatype == vocab::xsd::INTEGER {
        if let Ok(number) = literal.value().parse::<i64>() {
            if number.to_string() == literal.value() && number.unsigned_abs() < 1 << 53 {
                return Value::from(number);
            }
        }
    }
    serde_json::json!({
        "@value": literal.value(),
        "@type": compact_iri(datatype.as_str(), prefixes),
    })
}

fn value(term: &Term, iri_values: bool, prefixes: &[(String, String)]) -> Value {
    match term {
        Term::NamedNode(n) if iri_values => Value::String(compact_iri(n.as_str(), prefixes)),
        Term::NamedNode(n) => serde_json::json!({ "@id": compact_iri(n.as_str(), prefixes) }),
        Term::BlankNode(b) if iri_values => Value::String(format!("_:{}", b.as_str())),
        Term::BlankNode(b) => serde_json::json!({ "@id": format!("_:{}", b.as_str()) }),
        Term::Literal(l) => literal_value(l, iri_values, prefixes),
    }
}

/// The triples as one JSON-LD document with the context embedded: a `@graph` of node objects,
/// one per subject, keys by short term or prefixed name, one value or an array.
pub fn compact(triples: &[Triple], prefixes: &[(String, String)]) -> Value {
    let terms = resolve(prefixes);
    let mut nodes: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for triple in triples {
        let id = node_id(&triple.subject, prefixes);
        let node = nodes.entry(id.clone()).or_insert_with(|| {
            let mut node = Map::new();
            node.insert("@id".to_owned(), Value::String(id));
            node
        });
        let type_value = match &triple.object {
            Term::NamedNode(n) => Some(compact_iri(n.as_str(), prefixes)),
            Term::BlankNode(b) => Some(format!("_:{}", b.as_str())),
            _ => None,
        };
        let (key, value) = match type_value {
            Some(class) if triple.predicate == vocab::rdf::TYPE => {
                ("@type".to_owned(), Value::String(class))
            }
            _ => {
                let term = terms.iter().find(|t| t.iri == triple.predicate.as_str());
                let key = term.map_or_else(
                    || compact_iri(triple.predicate.as_str(), prefixes),
                    |t| t.name.to_owned(),
                );
                let iri_values = term.is_some_and(|t| t.iri_values);
                (key, value(&triple.object, iri_values, prefixes))
            }
        };
        match node.get_mut(&key) {
            None => {
                node.insert(key, value);
            }
            Some(Value::Array(values)) => values.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
        }
    }
    serde_json::json!({
        "@context": context(prefixes),
        "@graph": nodes.into_values().map(Value::Object).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefixes() -> Vec<(String, String)> {
        vec![
            ("fg".into(), "https://w3id.org/factgraph/def/".into()),
            ("id".into(), "https://w3id.org/factgraph/id/".into()),
            (
                "rdfs".into(),
                "http://www.w3.org/2000/01/rdf-schema#".into(),
            ),
            ("owl".into(), "http://www.w3.org/2002/07/owl#".into()),
        ]
    }

    #[test]
    fn compacts_iris_with_the_longest_namespace() {
        let p = prefixes();
        assert_eq!(
            compact_iri("https://w3id.org/factgraph/id/article/s1", &p),
            "id:article/s1"
        );
        assert_eq!(
            compact_iri("http://example.org/x", &p),
            "http://example.org/x"
        );
        assert_eq!(
            compact_iri("https://w3id.org/factgraph/id///x", &p),
            "https://w3id.org/factgraph/id///x"
        );
    }

    #[test]
    fn no_term_shadows_a_prefix() {
        let mut names: Vec<&str> = crate::store::WELL_KNOWN_PREFIXES
            .iter()
            .map(|(p, _)| *p)
            .collect();
        names.extend(["fg", "id"]);
        for (term, ..) in TERMS {
            assert!(!names.contains(term), "the term {term} shadows a prefix");
        }
    }

    #[test]
    fn context_has_prefixes_and_terms() {
        let context = context(&prefixes());
        assert_eq!(context["fg"], "https://w3id.org/factgraph/def/");
        assert_eq!(context["label"], "rdfs:label");
        assert_eq!(context["sameAs"]["@type"], "@id");
        // Terms whose prefix is not declared are left out rather than left dangling.
        assert!(context.get("prefLabel").is_none());
    }
}
