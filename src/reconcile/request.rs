//! Reading reconciliation requests (Reconciliation Service API 0.2): query batches and data
//! extension queries, checked field by field as the 0.2 JSON Schemas define them, so that a
//! request the schema accepts is read and one it refuses gets a 400 naming the query and the
//! field (`tests/reconcile.rs` runs the specification's valid and invalid examples through
//! these functions and checks each verdict against the schema's). Beyond the schema, a batch
//! holds at most [`BATCH_SIZE`] queries (413) and a name at most [`MAX_TEXT_CHARS`] characters
//! (400), bounds the manifest and the error say.

use crate::reconcile::error::{Error, Result};
use serde_json::{Map, Value};

/// The most queries one batch may hold (the manifest's `batchSize`; 413 beyond).
pub const BATCH_SIZE: usize = 100;
/// Candidates returned when a query names no limit.
pub const DEFAULT_LIMIT: usize = 10;
/// The most candidates one query returns, whatever its limit.
pub const MAX_LIMIT: usize = 100;
/// The longest name or text value read, in characters, as `/ask` bounds questions: matching
/// costs grow with the text, and no name is longer.
pub const MAX_TEXT_CHARS: usize = 1000;

/// Refuses a text longer than [`MAX_TEXT_CHARS`].
pub fn check_length(what: &str, text: &str) -> Result<()> {
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(bad(format!(
            "{what} is longer than {MAX_TEXT_CHARS} characters; no name is that long"
        )));
    }
    Ok(())
}

/// One reconciliation query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The name to match; `None` when the query only gives properties.
    pub text: Option<String>,
    /// Type identifiers the candidates should have.
    pub types: Vec<String>,
    pub limit: usize,
    pub properties: Vec<PropertyValues>,
    pub strictness: TypeStrictness,
}

/// `type_strict`: how the listed types constrain the candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeStrictness {
    /// A candidate has at least one of the types (the default).
    Any,
    /// A candidate has every type.
    All,
    /// Types only raise the score; candidates of other types stay, scored lower.
    Should,
}

/// A property constraint: the values a candidate's property should have.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyValues {
    pub pid: String,
    pub values: Vec<PropertyValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PropertyValue {
    Text(String),
    Number(f64),
    Boolean(bool),
    /// Another entity, by identifier (as reconciled before).
    Entity(String),
}

/// A data extension query: the properties to fetch for some entities.
#[derive(Debug, Clone, PartialEq)]
pub struct Extend {
    pub ids: Vec<String>,
    pub properties: Vec<ExtendProperty>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExtendProperty {
    pub id: String,
    /// The `settings` object as sent; the service reads the settings it declares.
    pub settings: Map<String, Value>,
}

fn bad(message: String) -> Error {
    Error::Invalid(message)
}

fn parse_json(text: &str, parameter: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| bad(format!("parameter {parameter:?} is not JSON: {e}")))
}

/// A JSON value's kind, as messages name it.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a reconciliation query batch (the `queries` parameter), in the batch's order.
pub fn queries(text: &str) -> Result<Vec<(String, Query)>> {
    let Value::Object(batch) = parse_json(text, "queries")? else {
        return Err(bad(
            "parameter \"queries\" must be a JSON object of queries by key, e.g. \
             {\"q0\": {\"query\": \"Audi Brussel\"}}"
                .to_owned(),
        ));
    };
    if batch.len() > BATCH_SIZE {
        return Err(Error::BatchTooLarge {
            got: batch.len(),
            limit: BATCH_SIZE,
        });
    }
    batch
        .into_iter()
        .map(|(key, value)| {
            let query = query(&key, value)?;
            Ok((key, query))
        })
        .collect()
}

fn query(key: &str, value: Value) -> Result<Query> {
    let Value::Object(fields) = value else {
        return Err(bad(format!(
            "query {key:?} is {}, not an object with \"query\" and optionally \"type\", \
             \"limit\", \"properties\", \"type_strict\"",
            kind(&value)
        )));
    };
    let mut query = Query {
        text: None,
        types: Vec::new(),
        limit: DEFAULT_LIMIT,
        properties: Vec::new(),
        strictness: TypeStrictness::Any,
    };
    let mut has_properties = false;
    for (name, value) in fields {
        let field = |what: &str| bad(format!("query {key:?}: field {name:?} must be {what}"));
        match name.as_str() {
            "query" => match value {
                Value::String(text) => {
                    check_length(&format!("the name of query {key:?}"), &text)?;
                    query.text = Some(text);
                }
                _ => return Err(field("a string")),
            },
            "type" => match value {
                Value::String(t) => query.types = vec![t],
                Value::Array(items) => {
                    for item in items {
                        match item {
                            Value::String(t) => query.types.push(t),
                            _ => return Err(field("a type identifier or an array of them")),
                        }
                    }
                }
                _ => return Err(field("a type identifier or an array of them")),
            },
            "limit" => match value.as_f64() {
                // The schema allows any number; below one means no candidates.
                Some(n) => query.limit = n.clamp(0.0, MAX_LIMIT as f64) as usize,
                None => return Err(field("a number")),
            },
            "properties" => {
                let Value::Array(items) = value else {
                    return Err(field("an array of {\"pid\": …, \"v\": …} objects"));
                };
                has_properties = !items.is_empty();
                for (i, item) in items.into_iter().enumerate() {
                    query.properties.push(property(key, i, item)?);
                }
            }
            "type_strict" => {
                query.strictness = match value.as_str() {
                    Some("any") => TypeStrictness::Any,
                    Some("all") => TypeStrictness::All,
                    Some("should") => TypeStrictness::Should,
                    _ => return Err(field("one of \"any\", \"all\", \"should\"")),
                }
            }
            _ => {
                return Err(bad(format!(
                    "query {key:?}: unknown field {name:?}; a query has \"query\", \"type\", \
                     \"limit\", \"properties\" and \"type_strict\""
                )))
            }
        }
    }
    if query.text.is_none() && !has_properties {
        return Err(bad(format!(
            "query {key:?} has neither \"query\" nor \"properties\": give a name to match, \
             or at least one property value"
        )));
    }
    Ok(query)
}

fn property(key: &str, i: usize, item: Value) -> Result<PropertyValues> {
    let shape = || {
        bad(format!(
            "query {key:?}: property {i} must be an object {{\"pid\": \"…\", \"v\": …}} whose \
             value is a string, number, boolean, {{\"id\": \"…\"}} or an array of those"
        ))
    };
    let Value::Object(mut fields) = item else {
        return Err(shape());
    };
    let (Some(Value::String(pid)), Some(v)) = (fields.remove("pid"), fields.remove("v")) else {
        return Err(shape());
    };
    let values = match v {
        Value::Array(items) => items
            .into_iter()
            .map(|v| property_value(v).ok_or_else(shape))
            .collect::<Result<Vec<_>>>()?,
        single => vec![property_value(single).ok_or_else(shape)?],
    };
    for value in &values {
        if let PropertyValue::Text(text) = value {
            check_length(&format!("a value of property {i} of query {key:?}"), text)?;
        }
    }
    Ok(PropertyValues { pid, values })
}

fn property_value(value: Value) -> Option<PropertyValue> {
    match value {
        Value::String(s) => Some(PropertyValue::Text(s)),
        Value::Number(n) => n.as_f64().map(PropertyValue::Number),
        Value::Bool(b) => Some(PropertyValue::Boolean(b)),
        Value::Object(mut fields) => match fields.remove("id")? {
            Value::String(id) => {
                // `name` is optional; anything else in it must have the types the schema says.
                match fields.get("name") {
                    None | Some(Value::String(_)) => Some(PropertyValue::Entity(id)),
                    Some(_) => None,
                }
            }
            _ => None,
        },
        _ => None,
    }
}

/// Reads a data extension query (the `extend` parameter).
pub fn extend(text: &str) -> Result<Extend> {
    const SHAPE: &str = "{\"ids\": [\"audi-brussels\"], \"properties\": [{\"id\": \"locatedIn\"}]}";
    let Value::Object(mut fields) = parse_json(text, "extend")? else {
        return Err(bad(format!(
            "parameter \"extend\" must be a JSON object like {SHAPE}"
        )));
    };
    let (Some(Value::Array(ids)), Some(Value::Array(properties))) =
        (fields.remove("ids"), fields.remove("properties"))
    else {
        return Err(bad(format!(
            "the extend query needs \"ids\" and \"properties\" arrays, like {SHAPE}"
        )));
    };
    if ids.len() > BATCH_SIZE {
        return Err(Error::BatchTooLarge {
            got: ids.len(),
            limit: BATCH_SIZE,
        });
    }
    let ids = ids
        .into_iter()
        .map(|id| match id {
            Value::String(id) => Ok(id),
            other => Err(bad(format!(
                "\"ids\" holds {}, not an entity identifier (a string)",
                kind(&other)
            ))),
        })
        .collect::<Result<Vec<_>>>()?;
    let properties = properties
        .into_iter()
        .map(|p| {
            let Value::Object(mut p) = p else {
                return Err(bad(format!(
                    "each of \"properties\" must be an object like {{\"id\": \"locatedIn\"}}, \
                     not {}",
                    kind(&p)
                )));
            };
            let Some(Value::String(id)) = p.remove("id") else {
                return Err(bad(
                    "each of \"properties\" needs an \"id\" string, like {\"id\": \"locatedIn\"}"
                        .to_owned(),
                ));
            };
            let settings = match p.remove("settings") {
                None => Map::new(),
                Some(Value::Object(settings)) => settings,
                Some(other) => {
                    return Err(bad(format!(
                        "the settings of property {id:?} must be an object, not {}",
                        kind(&other)
                    )))
                }
            };
            Ok(ExtendProperty { id, settings })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Extend { ids, properties })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_a_full_query() {
        let batch = queries(
            r#"{"q0": {"query": "Audi Brussel", "type": ["Plant"], "limit": 3,
                "properties": [{"pid": "locatedIn", "v": [{"id": "brussels"}, "Brussel", 2, true]}],
                "type_strict": "should"}}"#,
        )
        .unwrap();
        let (key, q) = &batch[0];
        assert_eq!(key, "q0");
        assert_eq!(q.text.as_deref(), Some("Audi Brussel"));
        assert_eq!(q.types, vec!["Plant"]);
        assert_eq!(q.limit, 3);
        assert_eq!(q.strictness, TypeStrictness::Should);
        assert_eq!(
            q.properties[0].values,
            vec![
                PropertyValue::Entity("brussels".to_owned()),
                PropertyValue::Text("Brussel".to_owned()),
                PropertyValue::Number(2.0),
                PropertyValue::Boolean(true),
            ]
        );
    }

    #[test]
    fn refusals_name_the_query_and_field() {
        let e = queries(r#"{"q1": {"limit": 1}}"#).unwrap_err().to_string();
        assert!(e.contains("\"q1\"") && e.contains("neither"), "{e}");
        let e = queries(r#"{"q1": {"query": "x", "props": []}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"props\""), "{e}");
        let e = queries("[1]").unwrap_err().to_string();
        assert!(e.contains("JSON object"), "{e}");
        let e = queries("{").unwrap_err().to_string();
        assert!(e.contains("not JSON"), "{e}");
        let long = "a".repeat(MAX_TEXT_CHARS + 1);
        let e = queries(&serde_json::json!({"q": {"query": long}}).to_string()).unwrap_err();
        assert!(e.to_string().contains("longer than"), "{e}");
        let e = queries(
            &serde_json::json!({"q": {"query": "x", "properties": [{"pid": "p", "v": long}]}})
                .to_string(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("longer than"), "{e}");
        let many: Map<String, Value> = (0..=BATCH_SIZE)
            .map(|i| (format!("q{i}"), serde_json::json!({"query": "Audi"})))
            .collect();
        let e = queries(&Value::Object(many).to_string()).unwrap_err();
        assert!(matches!(e, Error::BatchTooLarge { .. }), "{e}");
    }

    #[test]
    fn reads_extend_queries() {
        let e = extend(
            r#"{"ids": ["audi"], "properties": [{"id": "owns", "settings": {"limit": 2}}]}"#,
        )
        .unwrap();
        assert_eq!(e.ids, vec!["audi"]);
        assert_eq!(e.properties[0].id, "owns");
        assert_eq!(e.properties[0].settings["limit"], 2);
        assert!(extend(r#"{"ids": ["audi"]}"#).is_err());
        assert!(extend(r#"{"ids": [1], "properties": []}"#).is_err());
    }
}
