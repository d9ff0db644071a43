//! The question builder's data: `/questions/things` (every thing a fact names, by its names in
//! both languages) and `/questions/about` (the questions the templates answer about one thing).
//!
//! Nothing here is a list of questions written by hand. For each fact that names the thing, a
//! few sentence frames (the question words of the templates' cues, the property's label, the
//! names of the fact's ends) give candidate questions; each candidate is asked to the engine,
//! and only the first one it answers *with that fact and that end* is offered. So the builder
//! offers exactly the combinations the graph holds and the engine answers, and a change to the
//! templates or the data changes what it offers.

use crate::builder::questions::questions_about;
use crate::http::ask::language;
use crate::http::error::Error;
use crate::qa::lang::Lang;
use crate::service::state::AppState;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/questions/things", get(things))
        .route("/questions/about", get(about))
}

/// Reads `name=value` parameters, each at most once.
fn parameters(raw: Option<String>, names: &[&str]) -> Result<HashMap<String, String>, Error> {
    let mut out = HashMap::new();
    for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        if !names.contains(&key.as_ref()) {
            continue;
        }
        if out.insert(key.to_string(), value.into_owned()).is_some() {
            return Err(Error::BadRequest(format!(
                "parameter {key:?} is given more than once; give it once"
            )));
        }
    }
    Ok(out)
}

/// Runs `work` on a blocking thread with a query slot, caching its JSON under `key` (the cache
/// is cleared whenever the graph changes).
async fn cached(
    state: AppState,
    key: String,
    work: impl FnOnce(&AppState) -> Result<serde_json::Value, Error> + Send + 'static,
) -> Response {
    crate::http::ask::cached_json(state, key, move |state| {
        let value = work(state)?;
        serde_json::to_vec(&value).map_err(|e| Error::Internal(format!("JSON: {e}")))
    })
    .await
}

/// `GET /questions/things`: every thing a fact names, with its names in both languages (for
/// searching), its kind and how many facts name it.
async fn things(State(state): State<AppState>) -> Response {
    cached(state, "builder\0things".to_owned(), |state| {
        let graph = state.builder_graph()?;
        let mut things: Vec<serde_json::Value> = Vec::new();
        let mut listed = graph.things();
        listed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (iri, facts) in listed {
            let Some(names) = graph.names.get(iri) else {
                continue;
            };
            let mut all: Vec<&str> = names.nl.iter().chain(&names.en).chain(&names.other).map(String::as_str).collect();
            all.dedup();
            let kind = graph.kinds.get(iri).map(|k| &k.0);
            things.push(serde_json::json!({
                "iri": iri,
                "name": { "nl": names.get(Lang::Nl), "en": names.get(Lang::En) },
                "names": all,
                "kind": { "nl": kind.and_then(|k| k.get(Lang::Nl)), "en": kind.and_then(|k| k.get(Lang::En)) },
                "facts": facts,
            }));
        }
        Ok(serde_json::json!({ "things": things }))
    })
    .await
}

/// `GET /questions/about?thing=…&lang=…`: the questions the engine answers about the thing.
async fn about(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let params = match parameters(raw, &["thing", "lang"]) {
        Ok(params) => params,
        Err(e) => return e.into_json_response(),
    };
    let Some(thing) = params.get("thing").cloned() else {
        return Error::BadRequest(
            "missing parameter \"thing\": the IRI of a thing from /questions/things".to_owned(),
        )
        .into_json_response();
    };
    let lang = match params.get("lang").map(|l| language(l)).transpose() {
        Ok(lang) => lang.unwrap_or(Lang::En),
        Err(e) => return e.into_json_response(),
    };
    let key = format!("builder\0about\0{}\0{thing}", lang.tag());
    cached(state, key, move |state| {
        let graph = state.builder_graph()?;
        if !graph.things().iter().any(|(iri, _)| *iri == thing) {
            return Err(Error::NotFound(format!(
                "no fact names {thing:?}; /questions/things lists the things facts name"
            )));
        }
        let engine = state.qa();
        let questions = questions_about(&engine, &state.store, &graph, &thing, lang);
        Ok(serde_json::json!({
            "thing": thing,
            "name": graph.name(&thing, lang),
            "lang": lang.tag(),
            "questions": questions,
        }))
    })
    .await
}
