//! What the reconciliation routes compute, without HTTP: candidates for query batches, suggest
//! lists, previews and data extension, from the question engine's label index and the store.
//! Every function here blocks (it runs SPARQL): the routes call them on `spawn_blocking`.
//!
//! Identifiers are short: an entity's is its IRI after `<base>id/` ("audi-brussels"), a type's
//! or a property's its IRI after `<base>def/` ("Plant", "locatedIn"); a type or property from
//! another vocabulary is named by its full IRI. Only IRIs read from the graph ever enter a
//! query: identifiers from a request are looked up among them first.

use super::request::{Extend, PropertyValue, PropertyValues, Query, TypeStrictness};
use crate::link::matching::Similarity;
use crate::qa::index::Index;
use crate::qa::lang::Lang;
use crate::qa::normalise::normalise;
use crate::reconcile::error::Result;
use crate::store::model::Term;
use crate::store::Store;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A candidate's name similarity from which it may be a match.
const MATCH_SIMILARITY: f64 = 0.9;
/// How far a match must lead the next candidate (in similarity).
const MATCH_MARGIN: f64 = 0.1;
/// Suggestions per page.
const SUGGEST_PAGE: usize = 10;

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

    fn entity_id<'a>(&self, iri: &'a str) -> Option<&'a str> {
        iri.strip_prefix(&self.entities).filter(|id| !id.is_empty())
    }

    fn schema_id<'a>(&self, iri: &'a str) -> &'a str {
        iri.strip_prefix(&self.schema)
            .filter(|id| !id.is_empty())
            .unwrap_or(iri)
    }

    /// A type or property identifier as an IRI: a local name under `def/` ("Plant"), a name
    /// with our own prefix ("fg:Plant"), or a full IRI.
    fn schema_iri(&self, id: &str) -> String {
        match id.strip_prefix("fg:") {
            Some(local) => format!("{}{local}", self.schema),
            None if id.contains(':') => id.to_owned(),
            None => format!("{}{id}", self.schema),
        }
    }

    fn entity_iri(&self, id: &str) -> String {
        match id.strip_prefix(&self.entities) {
            Some(_) => id.to_owned(),
            None => format!("{}{id}", self.entities),
        }
    }
}

/// The classes and properties of the graph with their labels, read per request (there are a
/// few dozen; reading them is cheaper than keeping them in step with writes).
struct Schema {
    /// Class IRI → (label nl, label en).
    classes: HashMap<String, (String, String)>,
    /// Property IRI → (label nl, label en, unit symbol of a quantity property).
    properties: HashMap<String, (String, String, Option<String>)>,
}

fn text(term: Option<&Term>) -> Option<(&str, Option<&str>)> {
    match term? {
        Term::Literal(l) => Some((l.value(), l.language())),
        _ => None,
    }
}

fn iri(term: Option<&Term>) -> Option<&str> {
    match term? {
        Term::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

/// Fills the label of one language (or both for an untagged one), preferring the first seen.
fn set_label(nl: &mut String, en: &mut String, label: &str, lang: Option<&str>) {
    let lang = lang.map(|l| l.to_ascii_lowercase());
    if matches!(lang.as_deref(), Some("nl") | None) && nl.is_empty() {
        label.clone_into(nl);
    }
    if matches!(lang.as_deref(), Some("en") | None) && en.is_empty() {
        label.clone_into(en);
    }
}

fn pick<'a>(nl: &'a str, en: &'a str, lang: Lang) -> &'a str {
    match (lang, nl.is_empty(), en.is_empty()) {
        (Lang::Nl, false, _) | (Lang::En, _, true) => nl,
        _ => en,
    }
}

impl Schema {
    fn read(store: &Store) -> Result<Self> {
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

    fn class_name(&self, iri: &str, lang: Lang) -> String {
        self.classes
            .get(iri)
            .map(|(nl, en)| pick(nl, en, lang).to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| local_name(iri).to_owned())
    }

    fn property_name(&self, iri: &str, lang: Lang) -> String {
        self.properties
            .get(iri)
            .map(|(nl, en, _)| pick(nl, en, lang).to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| local_name(iri).to_owned())
    }
}

fn local_name(iri: &str) -> &str {
    iri.rsplit(['/', '#']).next().unwrap_or(iri)
}

/// `VALUES ?var { <iri> … }` over IRIs read from the graph (never from a request).
fn values(var: &str, iris: &[&str]) -> String {
    let terms: String = iris.iter().map(|i| format!("<{i}> ")).collect();
    format!("VALUES ?{var} {{ {terms}}}")
}

/// What the service knows about a few entities: every class (superclasses included), the
/// most specific ones, and a description.
struct Described {
    classes: HashMap<String, HashSet<String>>,
    /// The most specific classes: those no other class of the entity is a subclass of.
    kinds: HashMap<String, Vec<String>>,
    descriptions: HashMap<String, (String, String)>,
}

fn describe(store: &Store, index: &Index, entities: &[&str]) -> Result<Described> {
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
fn types_json(
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
type Rows = HashMap<(String, String), Vec<(Term, Option<String>)>>;

fn property_values(store: &Store, entities: &[&str], properties: &[&str]) -> Result<Rows> {
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
fn properties_met(
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

fn meets(index: &Index, spaces: &Spaces, held: &Term, wanted: &PropertyValue) -> bool {
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

/// One candidate before it is written.
struct Candidate<'a> {
    iri: &'a str,
    similarity: Similarity,
    types_ok: bool,
    met: usize,
    score: f64,
}

/// Answers a query batch: `{key: {"result": [candidates]}}`, in the batch's order.
pub fn reconcile(
    store: &Store,
    index: &Index,
    spaces: &Spaces,
    batch: &[(String, Query)],
) -> Result<Value> {
    let schema = Schema::read(store)?;
    let mut out = Map::new();
    for (key, query) in batch {
        let result = reconcile_one(store, index, &schema, spaces, query)?;
        out.insert(key.clone(), json!({ "result": result }));
    }
    Ok(Value::Object(out))
}

fn reconcile_one(
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
fn known<'a>(index: &'a Index, iri: &str) -> Option<&'a str> {
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
    kind: Suggest,
    prefix: &str,
    cursor: usize,
) -> Result<Value> {
    let lang = crate::qa::lang::detect(prefix);
    let wanted = normalise(prefix, lang).text;
    let schema = Schema::read(store)?;
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
                    "notable": types_json(&described, &schema, spaces, iri, lang),
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
    type_id: &str,
    limit: Option<usize>,
) -> Result<Value> {
    let schema = Schema::read(store)?;
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

/// Data extension: the values of the asked properties for each asked entity. Quantities come
/// as numbers with the unit in the column's name, or with the setting `"unit": "included"`
/// as text with the unit ("107000 m²"); entities as `{id, name}`.
pub fn extend(store: &Store, index: &Index, spaces: &Spaces, query: &Extend) -> Result<Value> {
    let schema = Schema::read(store)?;
    let entities: Vec<&str> = query
        .ids
        .iter()
        .filter_map(|id| known(index, &spaces.entity_iri(id)))
        .collect();
    let properties: Vec<(String, Option<&String>)> = query
        .properties
        .iter()
        .map(|p| {
            let iri = spaces.schema_iri(&p.id);
            let known = schema.properties.get_key_value(&iri).map(|(k, _)| k);
            (iri, known)
        })
        .collect();
    let known: Vec<&str> = properties
        .iter()
        .filter_map(|(_, k)| k.map(String::as_str))
        .collect();
    let rows = property_values(store, &entities, &known)?;
    let meta: Vec<Value> = query
        .properties
        .iter()
        .zip(&properties)
        .map(|(p, (iri, _))| {
            let mut name = schema.property_name(iri, Lang::En);
            if let Some((_, _, Some(symbol))) = schema.properties.get(iri) {
                name = format!("{name} ({symbol})");
            }
            json!({ "id": p.id, "name": name })
        })
        .collect();
    let mut out_rows = Map::new();
    for id in &query.ids {
        let iri = spaces.entity_iri(id);
        let mut row = Map::new();
        for (p, (property, _)) in query.properties.iter().zip(&properties) {
            let included = p.settings.get("unit").and_then(Value::as_str) == Some("included");
            let limit = p
                .settings
                .get("limit")
                .and_then(|l| l.as_f64().or_else(|| l.as_str()?.parse().ok()))
                .filter(|l| *l >= 1.0)
                .map_or(usize::MAX, |l| l as usize);
            let cells: Vec<Value> = rows
                .get(&(iri.clone(), property.clone()))
                .map(|held| {
                    held.iter()
                        .take(limit)
                        .map(|(v, symbol)| cell(index, spaces, v, symbol.as_deref(), included))
                        .collect()
                })
                .unwrap_or_default();
            row.insert(p.id.clone(), Value::Array(cells));
        }
        out_rows.insert(id.clone(), Value::Object(row));
    }
    Ok(json!({ "meta": meta, "rows": out_rows }))
}

/// One property value as the data extension response writes it.
fn cell(index: &Index, spaces: &Spaces, value: &Term, unit: Option<&str>, included: bool) -> Value {
    match value {
        Term::NamedNode(n) => match spaces.entity_id(n.as_str()) {
            Some(id) => json!({ "id": id, "name": index.name(n.as_str(), Lang::En).unwrap_or(id) }),
            None => json!({ "str": n.as_str() }),
        },
        Term::Literal(l) => {
            let datatype = l.datatype().as_str();
            let lexical = l.value();
            let number = datatype
                .strip_prefix("http://www.w3.org/2001/XMLSchema#")
                .is_some_and(|d| {
                    matches!(
                        d,
                        "integer"
                            | "decimal"
                            | "double"
                            | "float"
                            | "int"
                            | "long"
                            | "nonNegativeInteger"
                            | "positiveInteger"
                    )
                });
            if number && included {
                return match unit {
                    Some(u) => json!({ "str": format!("{lexical} {u}") }),
                    None => json!({ "str": lexical }),
                };
            }
            if number {
                if let Ok(i) = lexical.parse::<i64>() {
                    return json!({ "int": i });
                }
                if let Ok(f) = lexical.parse::<f64>() {
                    if f.is_finite() {
                        return json!({ "float": f });
                    }
                }
            }
            if datatype.ends_with("#dateTime") && lexical.contains('T') {
                return json!({ "date": lexical });
            }
            json!({ "str": lexical })
        }
        other => json!({ "str": other.to_string() }),
    }
}

/// The preview of an entity: its names, types, description and the facts about it, as an
/// HTML fragment's parts (the route writes the page). `None` for an unknown identifier.
pub struct Preview {
    pub names: (String, String),
    pub types: Vec<String>,
    pub description: Option<String>,
    pub facts: Vec<String>,
    pub iri: String,
}

pub fn preview(store: &Store, index: &Index, spaces: &Spaces, id: &str) -> Result<Option<Preview>> {
    let iri = spaces.entity_iri(id);
    let Some(entity) = known(index, &iri) else {
        return Ok(None);
    };
    let schema = Schema::read(store)?;
    let described = describe(store, index, &[entity])?;
    let table = store.select(&format!(
        "SELECT DISTINCT ?label WHERE {{
           {} ?f a fg:Fact ; rdf:subject|rdf:object ?e ; rdfs:label ?label FILTER(LANG(?label) = \"en\")
         }} ORDER BY ?label LIMIT 6",
        values("e", &[entity])
    ))?;
    let facts = (0..table.rows.len())
        .filter_map(|r| text(table.get(r, "label")).map(|(t, _)| t.to_owned()))
        .collect();
    let types = described
        .kinds
        .get(entity)
        .map(|kinds| {
            kinds
                .iter()
                .map(|k| schema.class_name(k, Lang::En))
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(Preview {
        names: (
            index.name(entity, Lang::Nl).unwrap_or(id).to_owned(),
            index.name(entity, Lang::En).unwrap_or(id).to_owned(),
        ),
        types,
        description: described
            .descriptions
            .get(entity)
            .map(|(_, en)| en.clone())
            // The fallback description is a name, which the preview shows already.
            .filter(|d| {
                !d.is_empty()
                    && Some(d.as_str()) != index.name(entity, Lang::Nl)
                    && Some(d.as_str()) != index.name(entity, Lang::En)
            }),
        facts,
        iri: entity.to_owned(),
    }))
}
