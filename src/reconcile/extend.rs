//! Data extension (the values of properties for entities, with units) and previews.

use super::entities::{describe, property_values};
use super::request::Extend;
use super::schema::{text, values, Schema, Spaces};
use super::service::known;
use crate::qa::index::Index;
use crate::qa::lang::Lang;
use crate::reconcile::error::Result;
use crate::store::model::Term;
use crate::store::Store;
use serde_json::{json, Map, Value};

/// Data extension: the values of the asked properties for each asked entity. Quantities come
/// as numbers with the unit in the column's name, or with the setting `"unit": "included"`
/// as text with the unit ("107000 m²"); entities as `{id, name}`.
pub fn extend(
    store: &Store,
    index: &Index,
    spaces: &Spaces,
    schema: &Schema,
    query: &Extend,
) -> Result<Value> {
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
pub(super) fn cell(
    index: &Index,
    spaces: &Spaces,
    value: &Term,
    unit: Option<&str>,
    included: bool,
) -> Value {
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

pub fn preview(
    store: &Store,
    index: &Index,
    spaces: &Spaces,
    schema: &Schema,
    id: &str,
) -> Result<Option<Preview>> {
    let iri = spaces.entity_iri(id);
    let Some(entity) = known(index, &iri) else {
        return Ok(None);
    };
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
