//! What reconciliation says of one entity: its names, types and property values, read by
//! SPARQL over IRIs from the graph, and whether it meets a query's property constraints.

use super::request::{PropertyValue, PropertyValues};
use super::schema::{iri, set_label, text, values, Schema, Spaces, MATCH_SIMILARITY};
use crate::qa::index::Index;
use crate::qa::lang::Lang;
use crate::qa::normalise::normalise;
use crate::reconcile::error::Result;
use crate::store::model::Term;
use crate::store::Store;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// What the service knows about a few entities: every class (superclasses included), the
/// most specific ones, and a description.
pub(super) struct Described {
    pub(super) classes: HashMap<String, HashSet<String>>,
    /// The most specific classes: those no other class of the entity is a subclass of.
    pub(super) kinds: HashMap<String, Vec<String>>,
    pub(super) descriptions: HashMap<String, (String, String)>,
}

pub(super) fn describe(store: &Store, index: &Index, entities: &[&str]) -> Result<Described> {
    let mut described = Described {
        classes: HashMap::new(),
        kinds: HashMap::new(),
        descriptions: HashMap::new(),
    };
    if entities.is_empty() {
        return Ok(described);
    }
    let table = store.select(&format!(
        "SELECT ?e ?c WHERE {{ {} ?e a/rdfs:subClassOf* ?c FILTER(isIRI(?c)) }}",
        values("e", entities)
    ))?;
    for r in 0..table.rows.len() {
        if let (Some(e), Some(c)) = (iri(table.get(r, "e")), iri(table.get(r, "c"))) {
            described
                .classes
                .entry(e.to_owned())
                .or_default()
                .insert(c.to_owned());
        }
    }
    // Plain queries and the "no subclass of it among the entity's classes" test here, as
    // qa::index does (Virtuoso 7 evaluates FILTER NOT EXISTS over a path wrongly).
    let table = store.select(&format!(
        "SELECT ?e ?c ?broader WHERE {{
           {} ?e a ?c FILTER(isIRI(?c))
           OPTIONAL {{ ?c rdfs:subClassOf+ ?broader FILTER(?broader != ?c) }}
         }}",
        values("e", entities)
    ))?;
    let mut direct: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut broader: HashSet<(&str, &str)> = HashSet::new();
    for r in 0..table.rows.len() {
        if let (Some(e), Some(c)) = (iri(table.get(r, "e")), iri(table.get(r, "c"))) {
            let classes = direct.entry(e).or_default();
            if !classes.contains(&c) {
                classes.push(c);
            }
            if let Some(b) = iri(table.get(r, "broader")) {
                broader.insert((e, b));
            }
        }
    }
    for (e, classes) in direct {
        let mut kinds: Vec<String> = classes
            .into_iter()
            .filter(|c| !broader.contains(&(e, *c)))
            .map(str::to_owned)
            .collect();
        kinds.sort();
        described.kinds.insert(e.to_owned(), kinds);
    }
    let table = store.select(&format!(
        "SELECT ?e ?d WHERE {{ {} ?e skos:scopeNote|skos:definition ?d }}",
        values("e", entities)
    ))?;
    for r in 0..table.rows.len() {
        if let (Some(e), Some((d, lang))) = (iri(table.get(r, "e")), text(table.get(r, "d"))) {
            let (nl, en) = described.descriptions.entry(e.to_owned()).or_default();
            set_label(nl, en, d, lang);
        }
    }
    // Entities without a note are described by their name in the other language: the Dutch
    // slot holds the English name and the other way round.
    for e in entities {
        if !described.descriptions.contains_key(*e) {
            let nl = index.name(e, Lang::Nl).unwrap_or_default().to_owned();
            let en = index.name(e, Lang::En).unwrap_or_default().to_owned();
            if nl != en {
                described
                    .descriptions
                    .insert((*e).to_owned(), (en.clone(), nl.clone()));
            }
        }
    }
    Ok(described)
}

/// The types of an entity as a response lists them: its most specific classes.
pub(super) fn types_json(
    described: &Described,
    schema: &Schema,
    spaces: &Spaces,
    iri: &str,
    lang: Lang,
) -> Value {
    let kinds = described.kinds.get(iri).cloned().unwrap_or_default();
    Value::Array(
        kinds
            .iter()
            .map(|k| json!({ "id": spaces.schema_id(k), "name": schema.class_name(k, lang) }))
            .collect(),
    )
}

/// The property values of entities: for each entity and property, its values with the unit of
/// each (a fact's `qudt:hasUnit`, else the property's).
pub(super) type Rows = HashMap<(String, String), Vec<(Term, Option<String>)>>;

pub(super) fn property_values(
    store: &Store,
    entities: &[&str],
    properties: &[&str],
) -> Result<Rows> {
    let mut rows: Rows = HashMap::new();
    if entities.is_empty() || properties.is_empty() {
        return Ok(rows);
    }
    let table = store.select(&format!(
        "SELECT DISTINCT ?e ?p ?v ?symbol WHERE {{
           {} {}
           ?e ?p ?v .
           OPTIONAL {{ ?f rdf:subject ?e ; rdf:predicate ?p ; rdf:object ?v ; qudt:hasUnit/qudt:symbol ?own }}
           OPTIONAL {{ ?p qudt:hasUnit/qudt:symbol ?general }}
           BIND(COALESCE(?own, ?general) AS ?symbol)
         }} ORDER BY ?e ?p ?v",
        values("e", entities),
        values("p", properties)
    ))?;
    for r in 0..table.rows.len() {
        if let (Some(e), Some(p), Some(v)) = (
            iri(table.get(r, "e")),
            iri(table.get(r, "p")),
            table.get(r, "v"),
        ) {
            let symbol = text(table.get(r, "symbol")).map(|(s, _)| s.to_owned());
            rows.entry((e.to_owned(), p.to_owned()))
                .or_default()
                .push((v.clone(), symbol));
        }
    }
    Ok(rows)
}

/// How many of a query's property constraints a candidate meets, of how many.
pub(super) fn properties_met(
    index: &Index,
    spaces: &Spaces,
    entity: &str,
    constraints: &[(Option<String>, &PropertyValues)],
    rows: &Rows,
) -> usize {
    constraints
        .iter()
        .filter(|(property, constraint)| {
            let Some(property) = property else {
                return false;
            };
            let Some(held) = rows.get(&(entity.to_owned(), property.clone())) else {
                return false;
            };
            constraint
                .values
                .iter()
                .any(|wanted| held.iter().any(|(v, _)| meets(index, spaces, v, wanted)))
        })
        .count()
}

pub(super) fn meets(index: &Index, spaces: &Spaces, held: &Term, wanted: &PropertyValue) -> bool {
    match (held, wanted) {
        (Term::NamedNode(n), PropertyValue::Entity(id)) => n.as_str() == spaces.entity_iri(id),
        (Term::NamedNode(n), PropertyValue::Text(name)) => {
            n.as_str() == spaces.entity_iri(name)
                || index
                    .entities_named(name)
                    .iter()
                    .any(|(e, s)| *e == n.as_str() && s.score >= MATCH_SIMILARITY)
        }
        (Term::Literal(l), PropertyValue::Text(t)) => {
            normalise(l.value(), Lang::Nl).text == normalise(t, Lang::Nl).text
        }
        (Term::Literal(l), PropertyValue::Number(x)) => l
            .value()
            .parse::<f64>()
            .is_ok_and(|v| (v - x).abs() <= 1e-9 * x.abs().max(1.0)),
        (Term::Literal(l), PropertyValue::Boolean(b)) => l.value() == b.to_string(),
        _ => false,
    }
}
