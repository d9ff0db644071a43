//! Identifier spaces and the schema of the graph as reconciliation names it: short ids for
//! entities, types and properties, and their labels, read from the graph.

use crate::qa::lang::Lang;
use crate::reconcile::error::Result;
use crate::store::model::Term;
use crate::store::Store;
use std::collections::HashMap;

/// A candidate's name similarity from which it may be a match.
pub(super) const MATCH_SIMILARITY: f64 = 0.9;
/// How far a match must lead the next candidate (in similarity).
pub(super) const MATCH_MARGIN: f64 = 0.1;
/// Suggestions per page.
pub(super) const SUGGEST_PAGE: usize = 10;

/// The graph's namespaces for identifiers.
pub struct Spaces {
    pub entities: String,
    pub schema: String,
}

impl Spaces {
    pub fn of(base: &str) -> Self {
        Self {
            entities: format!("{base}id/"),
            schema: format!("{base}def/"),
        }
    }

    pub(super) fn entity_id<'a>(&self, iri: &'a str) -> Option<&'a str> {
        iri.strip_prefix(&self.entities).filter(|id| !id.is_empty())
    }

    pub(super) fn schema_id<'a>(&self, iri: &'a str) -> &'a str {
        iri.strip_prefix(&self.schema)
            .filter(|id| !id.is_empty())
            .unwrap_or(iri)
    }

    /// A type or property identifier as an IRI: a local name under `def/` ("Plant"), a name
    /// with our own prefix ("fg:Plant"), or a full IRI.
    pub(super) fn schema_iri(&self, id: &str) -> String {
        match id.strip_prefix("fg:") {
            Some(local) => format!("{}{local}", self.schema),
            None if id.contains(':') => id.to_owned(),
            None => format!("{}{id}", self.schema),
        }
    }

    pub(super) fn entity_iri(&self, id: &str) -> String {
        match id.strip_prefix(&self.entities) {
            Some(_) => id.to_owned(),
            None => format!("{}{id}", self.entities),
        }
    }
}

/// The classes and properties of the graph with their labels, read per request (there are a
/// few dozen; reading them is cheaper than keeping them in step with writes).
pub(crate) struct Schema {
    /// Class IRI → (label nl, label en).
    pub(super) classes: HashMap<String, (String, String)>,
    /// Property IRI → (label nl, label en, unit symbol of a quantity property).
    pub(super) properties: HashMap<String, (String, String, Option<String>)>,
}

pub(super) fn text(term: Option<&Term>) -> Option<(&str, Option<&str>)> {
    match term? {
        Term::Literal(l) => Some((l.value(), l.language())),
        _ => None,
    }
}

pub(super) fn iri(term: Option<&Term>) -> Option<&str> {
    match term? {
        Term::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

/// Fills the label of one language (or both for an untagged one), preferring the first seen.
pub(super) fn set_label(nl: &mut String, en: &mut String, label: &str, lang: Option<&str>) {
    let lang = lang.map(|l| l.to_ascii_lowercase());
    if matches!(lang.as_deref(), Some("nl") | None) && nl.is_empty() {
        label.clone_into(nl);
    }
    if matches!(lang.as_deref(), Some("en") | None) && en.is_empty() {
        label.clone_into(en);
    }
}

pub(super) fn pick<'a>(nl: &'a str, en: &'a str, lang: Lang) -> &'a str {
    match (lang, nl.is_empty(), en.is_empty()) {
        (Lang::Nl, false, _) | (Lang::En, _, true) => nl,
        _ => en,
    }
}

impl Schema {
    pub(crate) fn read(store: &Store) -> Result<Self> {
        let mut classes: HashMap<String, (String, String)> = HashMap::new();
        let table =
            store.select("SELECT ?c ?label WHERE { ?c a owl:Class ; rdfs:label ?label }")?;
        for r in 0..table.rows.len() {
            if let (Some(c), Some((label, lang))) =
                (iri(table.get(r, "c")), text(table.get(r, "label")))
            {
                let (nl, en) = classes.entry(c.to_owned()).or_default();
                set_label(nl, en, label, lang);
            }
        }
        let mut properties: HashMap<String, (String, String, Option<String>)> = HashMap::new();
        let table = store.select(
            "SELECT ?p ?label ?symbol WHERE {
               ?p a ?kind ; rdfs:label ?label .
               VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty fg:QuantityProperty }
               OPTIONAL { ?p qudt:hasUnit/qudt:symbol ?symbol }
             }",
        )?;
        for r in 0..table.rows.len() {
            if let (Some(p), Some((label, lang))) =
                (iri(table.get(r, "p")), text(table.get(r, "label")))
            {
                let entry = properties.entry(p.to_owned()).or_default();
                set_label(&mut entry.0, &mut entry.1, label, lang);
                if let Some((symbol, _)) = text(table.get(r, "symbol")) {
                    entry.2 = Some(symbol.to_owned());
                }
            }
        }
        Ok(Self {
            classes,
            properties,
        })
    }

    pub(super) fn class_name(&self, iri: &str, lang: Lang) -> String {
        self.classes
            .get(iri)
            .map(|(nl, en)| pick(nl, en, lang).to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| local_name(iri).to_owned())
    }

    pub(super) fn property_name(&self, iri: &str, lang: Lang) -> String {
        self.properties
            .get(iri)
            .map(|(nl, en, _)| pick(nl, en, lang).to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| local_name(iri).to_owned())
    }
}

pub(super) fn local_name(iri: &str) -> &str {
    iri.rsplit(['/', '#']).next().unwrap_or(iri)
}

/// `VALUES ?var { <iri> … }` over IRIs read from the graph (never from a request).
pub(super) fn values(var: &str, iris: &[&str]) -> String {
    let terms: String = iris.iter().map(|i| format!("<{i}> ")).collect();
    format!("VALUES ?{var} {{ {terms}}}")
}
