//! The SPARQL 1.1 Protocol endpoint `/sparql`: query by GET, by form POST or by direct POST,
//! results negotiated and streamed, and the Service Description when no query is given; SPARQL
//! Update by POST where `auth::authorize_write` lets writes through.

use crate::http::auth::authorize_write;
use crate::http::error::{Error, Result};
use crate::http::negotiate::negotiate;
use crate::http::service_description::service_description;
use crate::http::sparql_stream::{
    complete, stream_query, Cancellation, GRAPH_OFFERS, RESULT_OFFERS,
};
use crate::service::access::WriteGrant;
use crate::service::state::AppState;
use crate::store::error as store;
use crate::store::model::NamedNode;
use crate::store::{QueryOptions, ResultFormat, UpdateOptions};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/sparql",
        get(get_sparql)
            .post(post_sparql)
            .fallback(|method: Method| async move {
                Error::MethodNotAllowed {
                    method: method.to_string(),
                    allowed: "GET, HEAD, POST, OPTIONS",
                }
            }),
    )
}

/// The protocol parameters of one request.
#[derive(Debug, Default)]
struct Params {
    query: Option<String>,
    update: Option<String>,
    default_graphs: Vec<String>,
    named_graphs: Vec<String>,
    using_graphs: Vec<String>,
    using_named_graphs: Vec<String>,
    format: Option<String>,
}

impl Params {
    /// Reads `application/x-www-form-urlencoded` pairs (a URL query string or a form body).
    fn parse(encoded: &[u8]) -> Result<Self> {
        crate::http::form::check_utf8(encoded)?;
        let mut params = Self::default();
        for (name, value) in form_urlencoded::parse(encoded) {
            let value = value.into_owned();
            match name.as_ref() {
                "query" => set_once(&mut params.query, "query", value)?,
                "update" => set_once(&mut params.update, "update", value)?,
                "default-graph-uri" => params.default_graphs.push(value),
                "named-graph-uri" => params.named_graphs.push(value),
                "using-graph-uri" => params.using_graphs.push(value),
                "using-named-graph-uri" => params.using_named_graphs.push(value),
                // SPARQLWrapper sends all three; repeated ones are a list, first offered wins.
                "format" | "output" | "results" => {
                    crate::http::form::push_format(&mut params.format, value)
                }
                _ => {}
            }
        }
        Ok(params)
    }

    /// Checks that every dataset parameter is an IRI.
    fn check_dataset_iris(&self) -> Result<()> {
        to_iris(&self.default_graphs, "default-graph-uri")?;
        to_iris(&self.named_graphs, "named-graph-uri")?;
        to_iris(&self.using_graphs, "using-graph-uri")?;
        to_iris(&self.using_named_graphs, "using-named-graph-uri")?;
        Ok(())
    }

    fn options(&self) -> Result<QueryOptions> {
        if !self.using_graphs.is_empty() || !self.using_named_graphs.is_empty() {
            return Err(Error::BadRequest(
                "using-graph-uri and using-named-graph-uri go with an update; a query names \
                 its dataset with default-graph-uri and named-graph-uri"
                    .to_owned(),
            ));
        }
        Ok(QueryOptions {
            default_graphs: to_iris(&self.default_graphs, "default-graph-uri")?,
            named_graphs: to_iris(&self.named_graphs, "named-graph-uri")?,
            ..QueryOptions::default()
        })
    }

    fn update_options(&self) -> Result<UpdateOptions> {
        if !self.default_graphs.is_empty() || !self.named_graphs.is_empty() {
            return Err(Error::BadRequest(
                "default-graph-uri and named-graph-uri go with a query; an update names its \
                 dataset with using-graph-uri and using-named-graph-uri"
                    .to_owned(),
            ));
        }
        Ok(UpdateOptions {
            using_graphs: to_iris(&self.using_graphs, "using-graph-uri")?,
            using_named_graphs: to_iris(&self.using_named_graphs, "using-named-graph-uri")?,
            ..UpdateOptions::default()
        })
    }
}

fn to_iris(values: &[String], name: &str) -> Result<Vec<NamedNode>> {
    values
        .iter()
        .map(|v| {
            NamedNode::new(v.as_str())
                .map_err(|e| Error::BadRequest(format!("{name} {v:?} is not a valid IRI: {e}")))
        })
        .collect()
}

fn set_once(slot: &mut Option<String>, name: &str, value: String) -> Result<()> {
    if slot.is_some() {
        return Err(Error::BadRequest(format!(
            "the parameter {name} was given more than once; the protocol allows exactly one"
        )));
    }
    *slot = Some(value);
    Ok(())
}

// The handlers take the whole request rather than the `HeaderMap` and `RawQuery` extractors,
// which copy the headers and the query string on every request.
async fn get_sparql(State(state): State<AppState>, request: Request) -> Result<Response> {
    let (parts, _) = request.into_parts();
    let mut params = Params::parse(parts.uri.query().unwrap_or_default().as_bytes())?;
    if params.update.is_some() {
        return Err(Error::BadRequest(
            "SPARQL Update must be sent with POST, not GET".to_owned(),
        ));
    }
    match params.query.take() {
        Some(query) => execute(state, query, params, &parts.headers).await,
        None => {
            // The description is of the whole service, whatever dataset is named; the names
            // are still checked, so a malformed one is never silently accepted.
            params.check_dataset_iris()?;
            service_description(&state, &parts.headers, params.format.as_deref())
        }
    }
}

async fn post_sparql(State(state): State<AppState>, request: Request) -> Result<Response> {
    let (mut parts, body) = request.into_parts();
    let headers = std::mem::take(&mut parts.headers);
    let url_params = Params::parse(parts.uri.query().unwrap_or_default().as_bytes())?;
    // A write is authorized before its body is read; a query's body is read at once. The body
    // extractor applies the `DefaultBodyLimit`, which travels in the request's extensions.
    let limit = state.config.max_body_bytes;
    let body = Bytes::from_request(Request::from_parts(parts, body), &state);
    let read_body = |body: std::result::Result<Bytes, BytesRejection>| {
        body.map_err(|rejection| Error::from_body_rejection(&rejection, limit))
    };
    const EXPECTED: &str =
        "application/x-www-form-urlencoded, application/sparql-query, application/sparql-update";
    let (content_type, essence) = crate::http::negotiate::content_type(&headers);
    let mut params = match essence.as_str() {
        "application/x-www-form-urlencoded" => {
            crate::http::negotiate::check_charset_utf8(content_type)?;
            let mut params = Params::parse(&read_body(body.await)?)?;
            // Links may still carry `format=` and dataset parameters in the URL while the
            // form carries the query: they count as if the form held them, never ignored.
            if params.format.is_none() {
                params.format = url_params.format;
            }
            params.default_graphs.extend(url_params.default_graphs);
            params.named_graphs.extend(url_params.named_graphs);
            params.using_graphs.extend(url_params.using_graphs);
            params
                .using_named_graphs
                .extend(url_params.using_named_graphs);
            params
        }
        "application/sparql-query" => {
            crate::http::negotiate::check_charset_utf8(content_type)?;
            let query = String::from_utf8(read_body(body.await)?.into()).map_err(|_| {
                Error::BadRequest("the query in the request body is not valid UTF-8".to_owned())
            })?;
            Params {
                query: Some(query),
                ..url_params
            }
        }
        "application/sparql-update" => {
            // Refused before the body is read; the grant is taken again below.
            authorize_write(&state, &headers)?;
            crate::http::negotiate::check_charset_utf8(content_type)?;
            let update = String::from_utf8(read_body(body.await)?.into()).map_err(|_| {
                Error::BadRequest("the update in the request body is not valid UTF-8".to_owned())
            })?;
            Params {
                update: Some(update),
                ..url_params
            }
        }
        _ => {
            return Err(Error::UnsupportedMediaType {
                got: content_type.to_owned(),
                expected: EXPECTED,
            })
        }
    };
    if let Some(update) = params.update.take() {
        if params.query.is_some() {
            return Err(Error::BadRequest(
                "a request carries either query or update, not both".to_owned(),
            ));
        }
        let grant = authorize_write(&state, &headers)?;
        return execute_update(state, grant, update, params).await;
    }
    match params.query.take() {
        Some(query) => execute(state, query, params, &headers).await,
        None => Err(Error::BadRequest(
            "the request has no query parameter".to_owned(),
        )),
    }
}

/// Runs a SPARQL Update as one transaction, under the query time limit. A client that goes
/// away, or the limit passing, cancels it, and a cancelled update leaves nothing behind.
async fn execute_update(
    state: AppState,
    grant: WriteGrant,
    update: String,
    params: Params,
) -> Result<Response> {
    let mut options = params.update_options()?;
    options.federation = state.federation.clone();
    let limit = state.config.query_timeout;
    let cancel = Cancellation::start(limit);
    options.cancel = Some(cancel.token.clone());
    // A committed update is not affected by the cancellation when the request ends.
    let _cancel = cancel;
    state
        .write(grant, move |store| store.update(&update, &options))
        .await?
        .map_err(|e| match e {
            store::Error::QueryTimeout(_) => Error::QueryTimeout(limit.unwrap_or_default()),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

impl Drop for Cancellation {
    fn drop(&mut self) {
        self.token.cancel();
        if let Some(timer) = &self.timer {
            timer.abort();
        }
    }
}

async fn execute(
    state: AppState,
    query: String,
    params: Params,
    headers: &HeaderMap,
) -> Result<Response> {
    // Parameters that do not belong to a query are refused before the cache is asked.
    let mut options = params.options()?;
    // The key holds everything that decides the answer as it arrived (query, negotiation
    // inputs, dataset), so a hit skips parsing and negotiation too.
    let cache_key = cacheable(&state, &query).then(|| cache_key(&query, &params, headers));
    if let Some(cached) = cache_key.as_deref().and_then(|key| state.cache.get(key)) {
        return Ok(complete(cached.media_type, cached.body));
    }
    let parsed = state.store.parse(&query)?;
    options.federation = state.federation.clone();
    let format = params.format.as_deref();
    let (media_type, format) = if parsed.kind().returns_graph() {
        let offer = negotiate(headers, format, &GRAPH_OFFERS)?;
        (offer.media_type, ResultFormat::Graph(offer.value))
    } else {
        let offer = negotiate(headers, format, &RESULT_OFFERS)?;
        (offer.media_type, ResultFormat::Results(offer.value))
    };
    stream_query(&state, parsed, options, format, media_type, cache_key).await
}

/// The cache key of a query request: every input that decides the answer, each variable field
/// after its length so that no two requests share a key. Built by hand: formatting the Accept
/// values with `{:?}` escaped them character by character on every request.
fn cache_key(query: &str, params: &Params, headers: &HeaderMap) -> String {
    use std::fmt::Write as _;
    let mut key = String::with_capacity(query.len() + 160);
    let field = |key: &mut String, value: &str| {
        let _ = write!(key, "{}:", value.len());
        key.push_str(value);
    };
    key.push_str("sparql ");
    field(&mut key, query);
    // Negotiation reads exactly the Accept values that are text, joined with commas.
    let accept = || {
        headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
    };
    let length = accept()
        .map(|v| v.len() + 1)
        .sum::<usize>()
        .saturating_sub(1);
    let _ = write!(key, "{length}:");
    for (i, value) in accept().enumerate() {
        if i > 0 {
            key.push(',');
        }
        key.push_str(value);
    }
    match &params.format {
        Some(format) => field(&mut key, format),
        None => key.push('-'),
    }
    for graphs in [&params.default_graphs, &params.named_graphs] {
        let _ = write!(key, "{}:", graphs.len());
        for graph in graphs {
            field(&mut key, graph);
        }
    }
    key
}

/// Whether the answer to `query` may be reused: the data cannot change under it (embedded store,
/// no federation) and it calls no function whose value differs between runs. The function check
/// is textual, so it errs towards not caching: a name counts wherever it starts a word (not
/// after a prefix's `:`) and is followed by `(`, in any case.
fn cacheable(state: &AppState, query: &str) -> bool {
    const VOLATILE: &[&str] = &["NOW", "RAND", "UUID", "STRUUID", "BNODE"];
    if state.store.remote_url().is_some() || !state.federation.endpoints.is_empty() {
        return false;
    }
    // One pass over the words, without an upper-cased copy of the query.
    let bytes = query.as_bytes();
    let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut at = 0;
    while at < bytes.len() {
        if !word_byte(bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && word_byte(bytes[at]) {
            at += 1;
        }
        let after_prefix = start > 0 && bytes[start - 1] == b':';
        let word = &query[start..at];
        if !after_prefix
            && VOLATILE.iter().any(|name| name.eq_ignore_ascii_case(word))
            && query[at..].trim_start().starts_with('(')
        {
            return false;
        }
    }
    true
}
