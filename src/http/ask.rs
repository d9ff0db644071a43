//! The question-answering routes: `/ask` (GET `?q=…&lang=…`, POST JSON) and `/questions` (the
//! templates with their example questions). The language work happens in `qa`; this module
//! only reads requests, runs the engine on a blocking thread and writes JSON.

use crate::http::error::{Error, Flatten};
use crate::qa::engine::MAX_QUESTION_CHARS;
use crate::qa::lang::Lang;
use crate::qa::model::{Answer, Engine, Value};
use crate::service::state::AppState;
use crate::store::Store;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/ask",
            get(get_ask)
                .post(post_ask)
                .fallback(|method: Method| async move {
                    Error::MethodNotAllowed {
                        method: method.to_string(),
                        allowed: "GET, HEAD, POST, OPTIONS",
                    }
                    .into_json_response()
                }),
        )
        .route("/questions", get(questions))
}

/// What a request asks: the question as sent and the language, if one was named.
struct Asked {
    question: String,
    lang: Option<Lang>,
}

/// Reads `?q=…&lang=…`. Each may appear once (a repeated one is ambiguous, so it is refused as
/// `/sparql` refuses a repeated `query`); other parameters are ignored, as HTML forms add their
/// own.
fn asked_in_query(query: &str) -> Result<Asked, Error> {
    let mut question = None;
    let mut lang = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match key.as_ref() {
            "q" => &mut question,
            "lang" => &mut lang,
            _ => continue,
        };
        if slot.replace(value.into_owned()).is_some() {
            return Err(Error::BadRequest(format!(
                "parameter {key:?} is given more than once; give it once"
            )));
        }
    }
    let question = question.ok_or_else(|| {
        Error::BadRequest(
            "missing parameter \"q\": use GET /ask?q=… or POST /ask with {\"question\": \"…\"}"
                .to_owned(),
        )
    })?;
    Ok(Asked {
        question,
        lang: lang.as_deref().map(language).transpose()?,
    })
}

/// Reads the JSON object `{"question": "…", "lang": "nl"}`; anything else is refused with a
/// message in the API's own terms (serde's would name Rust types, and would read an array as
/// the object's fields in order).
fn asked_in_json(body: &[u8]) -> Result<Asked, Error> {
    const SHAPE: &str = "a JSON object like {\"question\": \"…\", \"lang\": \"nl\"}";
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| Error::BadRequest(format!("the body is not JSON ({e}); send {SHAPE}")))?;
    let serde_json::Value::Object(fields) = value else {
        return Err(Error::BadRequest(format!(
            "the body is {}, not an object; send {SHAPE}",
            json_kind(&value)
        )));
    };
    let mut question = None;
    let mut lang = None;
    for (name, value) in fields {
        let text = match value {
            serde_json::Value::String(text) => text,
            other => {
                return Err(Error::BadRequest(format!(
                    "field {name:?} is {}, not a string; send {SHAPE}",
                    json_kind(&other)
                )))
            }
        };
        match name.as_str() {
            "question" => question = Some(text),
            "lang" => lang = Some(language(&text)?),
            _ => {
                return Err(Error::BadRequest(format!(
                    "unknown field {name:?}: the body has \"question\" and, optionally, \"lang\""
                )))
            }
        }
    }
    let question = question
        .ok_or_else(|| Error::BadRequest(format!("missing field \"question\"; send {SHAPE}")))?;
    Ok(Asked { question, lang })
}

/// `nl` or `en`, exactly as the API document lists them.
pub(crate) fn language(tag: &str) -> Result<Lang, Error> {
    match tag {
        "nl" => Ok(Lang::Nl),
        "en" => Ok(Lang::En),
        _ => Err(Error::BadRequest(format!(
            "lang {tag:?} is not supported; use \"nl\" or \"en\", or leave it out to have the \
             language detected"
        ))),
    }
}

/// A JSON value's kind, as the message to a client names it.
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

async fn get_ask(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    match asked_in_query(&query.unwrap_or_default()) {
        Ok(asked) => ask(state, asked).await,
        Err(e) => e.into_json_response(),
    }
}

async fn post_ask(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            return Error::from_body_rejection(&rejection, state.config.max_body_bytes)
                .into_json_response();
        }
    };
    let (content_type, essence) = crate::http::negotiate::content_type(&headers);
    if essence != "application/json" {
        return Error::UnsupportedMediaType {
            got: content_type.to_owned(),
            expected: "application/json",
        }
        .into_json_response();
    }
    match asked_in_json(&body) {
        Ok(asked) => ask(state, asked).await,
        Err(e) => e.into_json_response(),
    }
}

/// Checks the question and language, then answers on a blocking thread (the engine runs the
/// template's SPARQL on the store).
async fn ask(state: AppState, Asked { question, lang }: Asked) -> Response {
    // The length is the question's as sent, as the API document's maxLength counts it.
    if question.chars().count() > MAX_QUESTION_CHARS {
        return Error::BadRequest(format!(
            "the question is longer than {MAX_QUESTION_CHARS} characters; ask something shorter"
        ))
        .into_json_response();
    }
    let question = question.trim().to_owned();
    if question.is_empty() {
        return Error::BadRequest(
            "the question is empty: use GET /ask?q=… or POST /ask with {\"question\": \"…\"}"
                .to_owned(),
        )
        .into_json_response();
    }
    // The graph does not change under the embedded store, so the same question gets the same
    // answer: keep the JSON (the cache is off for remote engines).
    let key = format!("ask\0{}\0{question}", lang.map_or("", Lang::tag));
    cached_json(state, key, move |state| {
        let engine = state.qa();
        let answer = engine.answer(&state.store, &question, lang)?;
        let body = for_readers(&engine, &state.store, &answer)?;
        serde_json::to_vec(&body)
            .map_err(|e| Error::Internal(format!("the answer does not serialize: {e}")))
    })
    .await
}

/// `/ask`'s JSON: the engine's `Answer` as the wire carries it, with what a reader's card needs
/// on top: the template's `kind` (a computed answer shows its steps) and, per fact, its `steps`
/// entry (the statement in both languages, the value with unit and hedge, time, evidence,
/// sentence). The engine's types are not serialized themselves, so the engine can change without
/// changing the API. Fields in alphabetical order, as the JSON has always listed them.
#[derive(Debug, Serialize)]
struct AnswerBody<'a> {
    answer: &'a str,
    answered: bool,
    confidence: f64,
    evidence: &'a [String],
    facts: &'a [String],
    kind: Option<String>,
    lang: &'static str,
    question: &'a str,
    sources: Vec<SourceBody<'a>>,
    sparql: Option<&'a str>,
    steps: Vec<serde_json::Value>,
    suggestions: &'a [String],
    template: Option<&'a str>,
    values: Vec<ValueBody<'a>>,
}

/// One value of an answer.
#[derive(Debug, Serialize)]
struct ValueBody<'a> {
    approximate: bool,
    datatype: Option<&'a str>,
    iri: Option<&'a str>,
    label: Option<&'a str>,
    unit: Option<&'a str>,
    value: &'a str,
}

/// One source sentence of an answer.
#[derive(Debug, Serialize)]
struct SourceBody<'a> {
    document: &'a str,
    iri: &'a str,
    position: Option<i64>,
    sentence: &'a str,
}

impl<'a> ValueBody<'a> {
    /// A yes/no value is never "approximate": the hedge belongs to the facts compared, whose
    /// steps carry it.
    fn of(value: &'a Value) -> Self {
        let boolean = value.datatype.as_deref() == Some("http://www.w3.org/2001/XMLSchema#boolean");
        ValueBody {
            approximate: value.approximate && !boolean,
            datatype: value.datatype.as_deref(),
            iri: value.iri.as_deref(),
            label: value.label.as_deref(),
            unit: value.unit.as_deref(),
            value: &value.value,
        }
    }
}

/// The body of `/ask` for `answer`: the kind of its template and a step per fact read from the
/// graph.
fn for_readers<'a>(
    engine: &Engine,
    store: &Store,
    answer: &'a Answer,
) -> Result<AnswerBody<'a>, Error> {
    let kind = answer.template.as_deref().and_then(|id| {
        engine
            .templates()
            .iter()
            .find(|t| t.id == id)
            .map(|t| format!("{:?}", t.kind).to_lowercase())
    });
    let mut steps = Vec::new();
    for fact in &answer.facts {
        if let Some(step) = step(store, fact)? {
            steps.push(step);
        }
    }
    Ok(AnswerBody {
        answer: &answer.answer,
        answered: answer.answered,
        confidence: answer.confidence,
        evidence: &answer.evidence,
        facts: &answer.facts,
        kind,
        lang: answer.lang,
        question: &answer.question,
        sources: answer
            .sources
            .iter()
            .map(|s| SourceBody {
                document: &s.document,
                iri: &s.iri,
                position: s.position,
                sentence: &s.sentence,
            })
            .collect(),
        sparql: answer.sparql.as_deref(),
        steps,
        suggestions: &answer.suggestions,
        template: answer.template.as_deref(),
        values: answer.values.iter().map(ValueBody::of).collect(),
    })
}

/// The JSON `/ask` answers `answer` with, for callers outside HTTP (`factgraph ask --json`).
pub fn answer_json(
    engine: &Engine,
    store: &Store,
    answer: &Answer,
) -> std::result::Result<serde_json::Value, String> {
    let body = for_readers(engine, store, answer).map_err(|e| e.to_string())?;
    serde_json::to_value(&body).map_err(|e| e.to_string())
}

/// What the graph says about one fact, for the answer card. Two small queries rather than one
/// with nested OPTIONALs: Virtuoso's planner priced the single query past its time limit.
const STEP: &str = "SELECT ?value ?unit ?approximate ?time ?nl ?en ?pnl ?pen ?vnl ?ven WHERE {
  VALUES ?fact { UNDEF }
  ?fact rdf:predicate ?p ; rdf:object ?value .
  OPTIONAL { ?fact rdfs:label ?nl FILTER(LANG(?nl) = \"nl\") }
  OPTIONAL { ?fact rdfs:label ?en FILTER(LANG(?en) = \"en\") }
  OPTIONAL { ?p rdfs:label ?pnl FILTER(LANG(?pnl) = \"nl\") }
  OPTIONAL { ?p rdfs:label ?pen FILTER(LANG(?pen) = \"en\") }
  OPTIONAL { ?value skos:prefLabel ?vnl FILTER(LANG(?vnl) = \"nl\") }
  OPTIONAL { ?value skos:prefLabel ?ven FILTER(LANG(?ven) = \"en\") }
  OPTIONAL { ?fact qudt:hasUnit ?unit }
  OPTIONAL { ?fact fg:approximate ?approximate }
  OPTIONAL { ?fact fg:startTime|fg:pointInTime|fg:validAt ?time }
} LIMIT 1";

/// The sentences of one fact with their text, and the fact's evidence strings.
const STEP_SENTENCES: &str = "SELECT ?evidence ?sentence ?text ?position ?document WHERE {
  VALUES ?fact { UNDEF }
  ?fact fg:sourceSentence ?sentence .
  OPTIONAL { ?fact fg:evidence ?evidence }
  OPTIONAL { ?sentence nif:anchorOf ?text }
  OPTIONAL { ?sentence fg:position ?position }
  OPTIONAL { ?sentence dcterms:isPartOf ?document }
} ORDER BY ?position LIMIT 100";

fn step(store: &crate::store::Store, fact: &str) -> Result<Option<serde_json::Value>, Error> {
    use crate::store::model::{NamedNode, Term};
    use crate::store::Table;
    let Ok(node) = NamedNode::new(fact) else {
        return Ok(None);
    };
    let bound = || {
        vec![(
            oxigraph::sparql::Variable::new_unchecked("fact"),
            Term::from(node.clone()),
        )]
    };
    let table = store.select_bound(STEP, bound())?;
    if table.rows.is_empty() {
        return Ok(None);
    }
    let sentences = store.select_bound(STEP_SENTENCES, bound())?;
    let text = |table: &Table, row: usize, variable: &str| -> serde_json::Value {
        match table.get(row, variable) {
            Some(Term::NamedNode(n)) => n.as_str().into(),
            Some(Term::Literal(l)) => l.value().into(),
            _ => serde_json::Value::Null,
        }
    };
    // A fact resting on several sentences (with evidence words in each) is quoted from a
    // sentence together with the evidence found in it.
    let literal = |row: usize, variable: &str| match sentences.get(row, variable) {
        Some(Term::Literal(l)) => Some(l.value().to_owned()),
        _ => None,
    };
    let row = (0..sentences.rows.len())
        .find(
            |&row| match (literal(row, "text"), literal(row, "evidence")) {
                (Some(text), Some(evidence)) => !evidence.is_empty() && text.contains(&evidence),
                _ => false,
            },
        )
        .unwrap_or(0);
    let (iri, datatype) = match table.get(0, "value") {
        Some(Term::NamedNode(n)) => (serde_json::Value::from(n.as_str()), serde_json::Value::Null),
        Some(Term::Literal(l)) => (serde_json::Value::Null, l.datatype().as_str().into()),
        _ => (serde_json::Value::Null, serde_json::Value::Null),
    };
    let main = |variable: &str| text(&table, 0, variable);
    let source = |variable: &str| text(&sentences, row, variable);
    Ok(Some(serde_json::json!({
        "fact": fact,
        "statement": { "nl": main("nl"), "en": main("en") },
        "relation": { "nl": main("pnl"), "en": main("pen") },
        "value": {
            "value": main("value"),
            "datatype": datatype,
            "iri": iri,
            "name": { "nl": main("vnl"), "en": main("ven") },
        },
        "unit": main("unit"),
        "approximate": main("approximate") == "true",
        "time": main("time"),
        "evidence": source("evidence"),
        "sentence": source("sentence"),
        "quote": {
            "text": source("text"),
            "position": source("position"),
            "document": source("document"),
        },
    })))
}

fn json(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Runs `work` on a blocking thread with a query slot and answers with the JSON it writes,
/// kept under `key` (the cache is cleared whenever the graph changes, and is off for remote
/// engines): `/ask` and the question builder's lists.
pub(crate) async fn cached_json(
    state: AppState,
    key: String,
    work: impl FnOnce(&AppState) -> Result<Vec<u8>, Error> + Send + 'static,
) -> Response {
    if let Some(hit) = state.cache.get(&key) {
        return json(hit.body);
    }
    match state.blocking(work).await.flat() {
        Ok(body) => {
            let body = Bytes::from(body);
            state.cache.insert(
                key,
                crate::service::cache::Cached {
                    media_type: "application/json",
                    body: body.clone(),
                },
            );
            json(body)
        }
        Err(e) => e.into_json_response(),
    }
}

/// Every template with its descriptions and example questions.
async fn questions(State(state): State<AppState>) -> Json<serde_json::Value> {
    let templates: Vec<serde_json::Value> = state
        .qa()
        .templates()
        .iter()
        .map(|t| {
            serde_json::json!({
                "id": t.id,
                "kind": format!("{:?}", t.kind).to_lowercase(),
                "description": { "nl": t.description.nl, "en": t.description.en },
                "examples": { "nl": t.examples.nl, "en": t.examples.en },
            })
        })
        .collect();
    Json(serde_json::json!({ "templates": templates }))
}
