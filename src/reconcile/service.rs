//! What the reconciliation routes compute, without HTTP: candidates for query batches, suggest
//! lists, previews and data extension, from the question engine's label index and the store.
//! Every function here blocks (it runs SPARQL): the routes call them on `spawn_blocking`.
//!
//! Identifiers are short: an entity's is its IRI after `<base>id/` ("audi-brussels"), a type's
//! or a property's its IRI after `<base>def/` ("Plant", "locatedIn"); a type or property from
//! another vocabulary is named by its full IRI. Only IRIs read from the graph ever enter a
//! query: identifiers from a request are looked up among them first.

use super::entities::{describe, properties_met, property_values, types_json};
use super::request::{PropertyValues, Query, TypeStrictness};
use super::schema::{
    iri, pick, text, values, Schema, Spaces, MATCH_MARGIN, MATCH_SIMILARITY, SUGGEST_PAGE,
};
use crate::link::matching::Similarity;
use crate::qa::index::Index;
use crate::qa::lang::Lang;
use crate::qa::normalise::normalise;
use crate::reconcile::error::Result;
use crate::store::Store;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// One candidate before it is written.
pub(super) struct Candidate<'a> {
    pub(super) iri: &'a str,
    pub(super) similarity: Similarity,
    pub(super) types_ok: bool,
    pub(super) met: usize,
    pub(super) score: f64,
}

/// Answers a query batch: `{key: {"result": [candidates]}}`, in the batch's order.
pub fn reconcile(
    store: &Store,
    index: &Index,
    spaces: &Spaces,
    schema: &Schema,
    batch: &[(String, Query)],
) -> Result<Value> {
    let mut out = Map::new();
    for (key, query) in batch {
        let result = reconcile_one(store, index, schema, spaces, query)?;
        out.insert(key.clone(), json!({ "result": result }));
    }
    Ok(Value::Object(out))
}

pub(super) fn reconcile_one(
    store: &Store,
    index: &Index,
    schema: &Schema,
    spaces: &Spaces,
    query: &Query,
) -> Result<Vec<Value>> {
    let text = query.text.as_deref().map(str::trim).unwrap_or("");
    let lang = crate::qa::lang::detect(text);
    // Name candidates from the label index; an identifier or IRI names its entity outright.
    let mut found: Vec<(&str, Similarity)> = index
        .entities_named(text)
        .into_iter()
        .filter(|(e, _)| spaces.entity_id(e).is_some())
        .collect();
    let named = spaces.entity_iri(text);
    if !text.is_empty() {
        if let Some(e) = known(index, &named).or_else(|| known(index, text)) {
            found.retain(|(f, _)| *f != e);
            found.insert(
                0,
                (
                    e,
                    Similarity {
                        score: 1.0,
                        labels: vec![text.to_owned()],
                        typos: 0,
                    },
                ),
            );
        }
    }
    // The properties asked about, among the graph's own.
    let constraints: Vec<(Option<String>, &PropertyValues)> = query
        .properties
        .iter()
        .map(|p| {
            let iri = spaces.schema_iri(&p.pid);
            (schema.properties.contains_key(&iri).then_some(iri), p)
        })
        .collect();
    // A query without a name: the entities holding the first known property.
    if text.is_empty() {
        if let Some((Some(p), _)) = constraints.iter().find(|(p, _)| p.is_some()) {
            let table = store.select(&format!(
                "SELECT DISTINCT ?e WHERE {{ {} ?e ?p ?v }} LIMIT 1000",
                values("p", &[p.as_str()])
            ))?;
            for r in 0..table.rows.len() {
                if let Some(e) = iri(table.get(r, "e")) {
                    if let Some(known) = known(index, e) {
                        found.push((
                            known,
                            Similarity {
                                score: 0.0,
                                labels: Vec::new(),
                                typos: 0,
                            },
                        ));
                    }
                }
            }
        }
    }
    let iris: Vec<&str> = found.iter().map(|(e, _)| *e).collect();
    let described = describe(store, index, &iris)?;
    let wanted_types: Vec<String> = query.types.iter().map(|t| spaces.schema_iri(t)).collect();
    let property_iris: Vec<&str> = constraints
        .iter()
        .filter_map(|(p, _)| p.as_deref())
        .collect();
    let rows = property_values(store, &iris, &property_iris)?;
    let mut candidates: Vec<Candidate> = found
        .into_iter()
        .filter_map(|(iri, similarity)| {
            let classes = described.classes.get(iri);
            let has = |t: &String| classes.is_some_and(|c| c.contains(t));
            let types_ok = match query.strictness {
                _ if wanted_types.is_empty() => true,
                TypeStrictness::All => wanted_types.iter().all(has),
                TypeStrictness::Any | TypeStrictness::Should => wanted_types.iter().any(has),
            };
            if !types_ok && query.strictness != TypeStrictness::Should {
                return None;
            }
            let met = properties_met(index, spaces, iri, &constraints, &rows);
            let name = if text.is_empty() {
                1.0
            } else {
                similarity.score
            };
            let mut score = name;
            if !constraints.is_empty() {
                score *= 0.5 + 0.5 * met as f64 / constraints.len() as f64;
            }
            if !types_ok {
                score *= 0.5;
            }
            if text.is_empty() && met == 0 {
                return None;
            }
            Some(Candidate {
                iri,
                similarity,
                types_ok,
                met,
                score,
            })
        })
        .collect();
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let runner_up = candidates.get(1).map_or(0.0, |c| c.score);
    candidates.truncate(query.limit);
    Ok(candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let all_met = c.met == constraints.len();
            let named_well = text.is_empty() || c.similarity.score >= MATCH_SIMILARITY;
            let is_match = i == 0
                && named_well
                && c.types_ok
                && all_met
                && c.score - runner_up >= MATCH_MARGIN;
            let id = spaces.entity_id(c.iri).unwrap_or(c.iri);
            let name = index.name(c.iri, lang).unwrap_or(id);
            let mut candidate = json!({
                "id": id,
                "name": name,
                "score": (c.score * 1000.0).round() / 10.0,
                "match": is_match,
                "type": types_json(&described, schema, spaces, c.iri, lang),
                "features": [
                    { "id": "name_similarity", "value": (c.similarity.score * 1000.0).round() / 1000.0 },
                    { "id": "typos", "value": c.similarity.typos },
                    { "id": "type_match", "value": c.types_ok },
                    { "id": "properties_met", "value": c.met },
                ],
            });
            if let Some((nl, en)) = described.descriptions.get(c.iri) {
                let d = pick(nl, en, lang);
                if !d.is_empty() {
                    candidate["description"] = json!(d);
                }
            }
            candidate
        })
        .collect())
}

/// The graph's own copy of an entity IRI, when the question index knows the entity: request
/// identifiers become IRIs in queries only through this lookup (one hash lookup; every entity
/// the index knows by name has a preferred label).
pub(super) fn known<'a>(index: &'a Index, iri: &str) -> Option<&'a str> {
    index.names.get_key_value(iri).map(|(k, _)| k.as_str())
}

/// The three kinds of suggest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suggest {
    Entity,
    Type,
    Property,
}

/// Suggestions for a prefix: labels that start with it (or a word of which does), the
/// shortest first; for entities, typo matches when no label starts with it.
pub fn suggest(
    store: &Store,
    index: &Index,
    spaces: &Spaces,
    schema: &Schema,
    kind: Suggest,
    prefix: &str,
    cursor: usize,
) -> Result<Value> {
    let lang = crate::qa::lang::detect(prefix);
    let wanted = normalise(prefix, lang).text;
    // (rank, label length, id IRI): rank 0 for a label that starts with the prefix, 1 for a
    // later word that does, 2 for a typo match.
    let mut hits: BTreeMap<String, (u8, usize)> = BTreeMap::new();
    let mut consider = |iri: &str, key: &str| {
        let rank = if key.starts_with(&wanted) {
            0
        } else if key.split(' ').any(|w| w.starts_with(&wanted)) {
            1
        } else {
            return;
        };
        let entry = hits.entry(iri.to_owned()).or_insert((u8::MAX, usize::MAX));
        *entry = (*entry).min((rank, key.len()));
    };
    match kind {
        Suggest::Entity => {
            for (key, _, targets) in index.lexicon.labels() {
                for target in targets {
                    if let crate::qa::index::Target::Entity(e) = target {
                        if let Some(iri) = index.entities.get(*e) {
                            if spaces.entity_id(iri).is_some() {
                                consider(iri, key);
                            }
                        }
                    }
                }
            }
            if hits.is_empty() && !wanted.is_empty() {
                for (iri, s) in index.entities_named(prefix) {
                    if spaces.entity_id(iri).is_some() {
                        hits.insert(iri.to_owned(), (2, (100.0 * (1.0 - s.score)) as usize));
                    }
                }
            }
        }
        Suggest::Type => {
            for (iri, (nl, en)) in &schema.classes {
                for label in [nl, en] {
                    consider(iri, &normalise(label, lang).text);
                }
            }
        }
        Suggest::Property => {
            for (iri, (nl, en, _)) in &schema.properties {
                for label in [nl, en] {
                    consider(iri, &normalise(label, lang).text);
                }
            }
        }
    }
    if wanted.is_empty() {
        hits.clear();
    }
    let mut ranked: Vec<(&String, &(u8, usize))> = hits.iter().collect();
    ranked.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)));
    let page: Vec<&String> = ranked
        .into_iter()
        .skip(cursor)
        .take(SUGGEST_PAGE)
        .map(|(iri, _)| iri)
        .collect();
    let described = match kind {
        Suggest::Entity => {
            let iris: Vec<&str> = page.iter().map(|i| i.as_str()).collect();
            describe(store, index, &iris)?
        }
        Suggest::Type | Suggest::Property => describe(store, index, &[])?,
    };
    let result: Vec<Value> = page
        .into_iter()
        .map(|iri| match kind {
            Suggest::Entity => {
                let id = spaces.entity_id(iri).unwrap_or(iri);
                let mut item = json!({
                    "id": id,
                    "name": index.name(iri, lang).unwrap_or(id),
                    "notable": types_json(&described, schema, spaces, iri, lang),
                });
                let other = index.name(iri, lang.other());
                if other.is_some() && other != index.name(iri, lang) {
                    item["description"] = json!(other);
                }
                item
            }
            Suggest::Type => json!({
                "id": spaces.schema_id(iri),
                "name": schema.class_name(iri, lang),
            }),
            Suggest::Property => json!({
                "id": spaces.schema_id(iri),
                "name": schema.property_name(iri, lang),
            }),
        })
        .collect();
    Ok(json!({ "result": result }))
}

/// The properties worth fetching for entities of a type: those its instances hold, the most
/// used first (data extension property proposal).
pub fn propose_properties(
    store: &Store,
    spaces: &Spaces,
    schema: &Schema,
    type_id: &str,
    limit: Option<usize>,
) -> Result<Value> {
    let class = spaces.schema_iri(type_id);
    let mut counts: Vec<(String, usize)> = Vec::new();
    if schema.classes.contains_key(&class) {
        let table = store.select(&format!(
            "SELECT ?p (COUNT(DISTINCT ?e) AS ?n) WHERE {{
               {} ?e a/rdfs:subClassOf* ?c ; ?p ?v .
             }} GROUP BY ?p ORDER BY DESC(?n) ?p",
            values("c", &[class.as_str()])
        ))?;
        for r in 0..table.rows.len() {
            if let Some(p) = iri(table.get(r, "p")) {
                if schema.properties.contains_key(p) {
                    let n = text(table.get(r, "n"))
                        .and_then(|(n, _)| n.parse().ok())
                        .unwrap_or(0);
                    counts.push((p.to_owned(), n));
                }
            }
        }
    }
    let properties: Vec<Value> = counts
        .iter()
        .take(limit.unwrap_or(usize::MAX))
        .map(|(p, _)| {
            let mut item = json!({
                "id": spaces.schema_id(p),
                "name": schema.property_name(p, Lang::En),
            });
            let nl = schema.property_name(p, Lang::Nl);
            if nl != item["name"] {
                item["description"] = json!(nl);
            }
            item
        })
        .collect();
    let mut out = json!({ "type": type_id, "properties": properties });
    if let Some(limit) = limit {
        out["limit"] = json!(limit);
    }
    Ok(out)
}
