//! The question-answering routes: `/ask` (GET `?q=…&lang=…`, POST JSON) and `/questions` (the
//! templates with their example questions). The language work happens in `qa`; this module
//! only reads requests, runs the engine on a blocking thread and writes JSON.

use crate::error::Error;
use crate::qa::engine::MAX_QUESTION_CHARS;
use crate::qa::Lang;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

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

/// The JSON body of `POST /ask`.
#[derive(Debug, Deserialize)]
struct AskBody {
    question: Option<String>,
    lang: Option<String>,
}

async fn get_ask(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let mut question = None;
    let mut lang = None;
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "q" | "question" if question.is_none() => question = Some(value.into_owned()),
            "lang" if lang.is_none() => lang = Some(value.into_owned()),
            _ => {}
        }
    }
    ask(state, question, lang).await
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
    let (content_type, essence) = crate::negotiate::content_type(&headers);
    if essence != "application/json" {
        return Error::UnsupportedMediaType {
            got: content_type.to_owned(),
            expected: "application/json",
        }
        .into_json_response();
    }
    match serde_json::from_slice::<AskBody>(&body) {
        Ok(body) => ask(state, body.question, body.lang).await,
        Err(e) => Error::BadRequest(format!(
            "the body is not a JSON object like {{\"question\": \"…\", \"lang\": \"nl\"}}: {e}"
        ))
        .into_json_response(),
    }
}

/// Checks the question and language, then answers on a blocking thread (the engine runs the
/// template's SPARQL on the store).
async fn ask(state: AppState, question: Option<String>, lang: Option<String>) -> Response {
    let question = question.map(|q| q.trim().to_owned()).unwrap_or_default();
    if question.is_empty() {
        return Error::BadRequest(
            "missing or empty question: use GET /ask?q=… or POST /ask with {\"question\": \"…\"}"
                .to_owned(),
        )
        .into_json_response();
    }
    if question.chars().count() > MAX_QUESTION_CHARS {
        return Error::BadRequest(format!(
            "the question is longer than {MAX_QUESTION_CHARS} characters; ask something shorter"
        ))
        .into_json_response();
    }
    let lang = match lang.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => None,
        Some(tag) => match Lang::from_tag(tag) {
            Some(l) => Some(l),
            None => {
                return Error::BadRequest(format!("lang {tag:?} is not supported; use nl or en"))
                    .into_json_response()
            }
        },
    };
    // The graph does not change under the embedded store, so the same question gets the same
    // answer: keep the JSON (the cache is off for remote engines).
    let key = format!("ask\0{}\0{question}", lang.map_or("", Lang::tag));
    if let Some(cached) = state.cache.get(&key) {
        return cached_json(cached.body);
    }
    let permit = match state.query_slots.acquire() {
        Ok(permit) => permit,
        Err(e) => return e.into_json_response(),
    };
    let engine = state.qa();
    let store = state.store.clone();
    let answered = tokio::task::spawn_blocking(move || {
        let answer = engine.answer(&store, &question, lang)?;
        serde_json::to_vec(&answer)
            .map_err(|e| Error::Internal(format!("the answer does not serialize: {e}")))
    })
    .await;
    drop(permit);
    match answered {
        Ok(Ok(body)) => {
            let body = Bytes::from(body);
            state.cache.insert(
                key,
                crate::cache::Cached {
                    media_type: "application/json",
                    body: body.clone(),
                },
            );
            cached_json(body)
        }
        Ok(Err(e)) => e.into_json_response(),
        Err(e) => Error::from(e).into_json_response(),
    }
}

fn cached_json(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
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
