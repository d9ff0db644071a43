//! What the question builder reads from the graph, once per request: the facts with their ends,
//! property and time; the names of what they name; each thing's kind.

use crate::qa::lang::Lang;
use crate::store::error::Result;
use crate::store::model::Term;
use crate::store::{Store, Table};
use std::collections::{BTreeMap, HashMap};

/// The facts with their ends, property and time, and the names of everything they name.
pub(crate) const FACTS: &str = "SELECT ?fact ?s ?p ?o ?time WHERE {
  ?fact a fg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?fact fg:startTime|fg:pointInTime ?time }
} ORDER BY ?fact";

pub(crate) const NAMES: &str = "SELECT DISTINCT ?e ?pref ?alt WHERE {
  { ?f a fg:Fact ; rdf:subject|rdf:object|rdf:predicate ?e }
  { ?e skos:prefLabel|rdfs:label ?pref } UNION { ?e skos:altLabel ?alt }
  FILTER(isIRI(?e))
}";

/// Each thing's kind: the label of a class it belongs to.
pub(crate) const KINDS: &str = "SELECT DISTINCT ?e ?label WHERE {
  ?f a fg:Fact ; rdf:subject|rdf:object ?e .
  ?e a ?class . ?class rdfs:label ?label .
  FILTER(isIRI(?e))
}";

/// The classes and superclasses of each thing, to tell places and organisations (which make
/// the question word "where" or "who"). The shape of the engine's own class query, which every
/// backend (Virtuoso included) reads.
pub(crate) const SUPERCLASSES: &str = "SELECT DISTINCT ?e ?c WHERE {
  ?f a fg:Fact ; rdf:subject|rdf:object ?e .
  ?e a/rdfs:subClassOf* ?c .
}";

#[derive(Debug, Default, Clone)]
pub(crate) struct Names {
    pub(crate) nl: Option<String>,
    pub(crate) en: Option<String>,
    pub(crate) other: Vec<String>,
}

impl Names {
    pub(crate) fn get(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Nl => self.nl.as_deref().or(self.en.as_deref()),
            Lang::En => self.en.as_deref().or(self.nl.as_deref()),
        }
    }
}

pub(crate) struct FactRow {
    pub(crate) iri: String,
    pub(crate) subject: String,
    pub(crate) predicate: String,
    pub(crate) object: Term,
    pub(crate) time: Option<String>,
}

pub(crate) struct Graph {
    pub(crate) facts: Vec<FactRow>,
    pub(crate) names: HashMap<String, Names>,
    pub(crate) kinds: HashMap<String, (Names, bool, bool)>,
}

pub(crate) fn text(table: &Table, row: usize, variable: &str) -> Option<String> {
    match table.get(row, variable)? {
        Term::NamedNode(n) => Some(n.as_str().to_owned()),
        Term::Literal(l) => Some(l.value().to_owned()),
        _ => None,
    }
}

pub(crate) fn lang_of(
    table: &Table,
    row: usize,
    variable: &str,
) -> Option<(String, Option<String>)> {
    match table.get(row, variable)? {
        Term::Literal(l) => Some((l.value().to_owned(), l.language().map(str::to_owned))),
        _ => None,
    }
}

impl Graph {
    pub fn read(store: &Store) -> Result<Graph> {
        let table = store.select(FACTS)?;
        let mut facts = Vec::new();
        for row in 0..table.rows.len() {
            let (Some(iri), Some(subject), Some(predicate), Some(object)) = (
                text(&table, row, "fact"),
                text(&table, row, "s"),
                text(&table, row, "p"),
                table.get(row, "o").cloned(),
            ) else {
                continue;
            };
            // A fact with two times is read once, with its first.
            if facts.iter().any(|f: &FactRow| f.iri == iri) {
                continue;
            }
            facts.push(FactRow {
                iri,
                subject,
                predicate,
                object,
                time: text(&table, row, "time"),
            });
        }
        let mut names: HashMap<String, Names> = HashMap::new();
        let table = store.select(NAMES)?;
        for row in 0..table.rows.len() {
            let Some(e) = text(&table, row, "e") else {
                continue;
            };
            let entry = names.entry(e).or_default();
            if let Some((value, lang)) = lang_of(&table, row, "pref") {
                match lang.as_deref() {
                    Some("nl") if entry.nl.is_none() => entry.nl = Some(value),
                    Some("en") if entry.en.is_none() => entry.en = Some(value),
                    _ => entry.other.push(value),
                }
            }
            if let Some((value, _)) = lang_of(&table, row, "alt") {
                entry.other.push(value);
            }
        }
        let mut kinds: HashMap<String, (Names, bool, bool)> = HashMap::new();
        let table = store.select(KINDS)?;
        for row in 0..table.rows.len() {
            let Some(e) = text(&table, row, "e") else {
                continue;
            };
            let entry = kinds.entry(e).or_default();
            if let Some((value, lang)) = lang_of(&table, row, "label") {
                match lang.as_deref() {
                    Some("nl") if entry.0.nl.is_none() => entry.0.nl = Some(value),
                    Some("en") if entry.0.en.is_none() => entry.0.en = Some(value),
                    _ => {}
                }
            }
        }
        let place = format!("{}def/Place", store.base());
        let organisation = format!("{}def/Organisation", store.base());
        let table = store.select(SUPERCLASSES)?;
        for row in 0..table.rows.len() {
            let (Some(e), Some(c)) = (text(&table, row, "e"), text(&table, row, "c")) else {
                continue;
            };
            let entry = kinds.entry(e).or_default();
            entry.1 |= c == place;
            entry.2 |= c == organisation;
        }
        Ok(Graph {
            facts,
            names,
            kinds,
        })
    }

    pub(crate) fn name(&self, iri: &str, lang: Lang) -> Option<&str> {
        self.names.get(iri).and_then(|n| n.get(lang))
    }

    pub(crate) fn is_place(&self, iri: &str) -> bool {
        self.kinds.get(iri).is_some_and(|k| k.1)
    }

    pub(crate) fn is_agent(&self, iri: &str) -> bool {
        self.kinds.get(iri).is_some_and(|k| k.2)
    }

    /// Things that a fact has at one of its ends, with how many facts name them.
    pub(crate) fn things(&self) -> Vec<(&str, usize)> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for fact in &self.facts {
            *counts.entry(fact.subject.as_str()).or_default() += 1;
            if let Term::NamedNode(o) = &fact.object {
                *counts.entry(o.as_str()).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .filter(|(iri, _)| self.names.contains_key(*iri))
            .collect()
    }
}
