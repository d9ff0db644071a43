//! Linked Data: every IRI the graph mints under the base (`id/…`, `def/…`, `shape/…`) resolves
//! on this service, as HTML for people and as RDF for machines; plus the dataset description
//! (`/.well-known/void`), the dumps it names (`/dumps/…`) and the JSON-LD context
//! (`/context.jsonld`).
//!
//! A request path is mapped onto the configured base whatever address the service runs at:
//! `/id/x` is `<base>id/x`. When the base has a path (`/factgraph/` in
//! `https://w3id.org/factgraph/`), paths that include it (`/factgraph/id/x`) work too, so a
//! proxy may forward the public path unchanged.

pub mod context;
pub mod html;
pub mod paths;
pub mod representations;
pub mod words;

pub use representations::{Representation, CONTEXT_PATH, OFFERS, VOID_PATH};

use crate::linked_data::describe::{count_incoming, describe, namespace_document, INCOMING};
use paths::{base_path, iri_for_path};

use crate::http::error::{Error, Result};
use crate::http::layout::{self, Section};
use crate::http::negotiate::negotiate;
use crate::linked_data::{dump, jsonld, void};
use crate::service::state::AppState;
use crate::store::formats::{self};
use crate::store::model::{NamedNode, Term, Triple};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;

/// The routes of this module. `base` is the configured base IRI; its path, if any, is accepted
/// as a prefix of request paths.
pub fn router(base: &str) -> Router<AppState> {
    let mut prefixes = vec![String::new()];
    if let Some(path) = base_path(base) {
        prefixes.push(path);
    }
    let mut router = Router::new();
    for prefix in &prefixes {
        router = router
            .route(&format!("{prefix}/id/{{*rest}}"), only_get(get(resource)))
            // Not a resource, but worth a 404 that says so rather than an empty one.
            .route(&format!("{prefix}/id/"), only_get(get(resource)))
            .route(
                &format!("{prefix}/shape/{{*rest}}"),
                only_get(get(resource)),
            )
            .route(&format!("{prefix}/def/{{*rest}}"), only_get(get(resource)))
            .route(&format!("{prefix}/def"), only_get(get(ontology)))
            .route(&format!("{prefix}/def/"), only_get(get(ontology)))
            .route(&format!("{prefix}/shape"), only_get(get(shapes)))
            .route(&format!("{prefix}/shape/"), only_get(get(shapes)));
    }
    router = router
        .route(VOID_PATH, only_get(get(dataset)))
        .layer(axum::middleware::map_response(vary));
    router.route(CONTEXT_PATH, only_get(get(context))).route(
        &format!("{}/{{name}}", dump::DUMPS_PATH),
        only_get(get(download)),
    )
}

fn only_get(route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.fallback(|method: Method| async move {
        Error::MethodNotAllowed {
            method: method.to_string(),
            allowed: "GET, HEAD, OPTIONS",
        }
    })
}

/// Every negotiated response, errors included, depends on these headers; caches must know.
async fn vary(mut response: Response) -> Response {
    response.headers_mut().append(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Language"),
    );
    response
}

/// The query parameters of the Linked Data routes.
#[derive(Debug, Default)]
struct Params {
    format: Option<String>,
    lang: Option<String>,
}

impl Params {
    fn parse(raw: Option<&str>) -> Self {
        let mut params = Self::default();
        for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            match name.as_ref() {
                "format" => crate::http::form::push_format(&mut params.format, value.into_owned()),
                "lang" => params.lang = Some(value.into_owned()),
                _ => {}
            }
        }
        params
    }
}

/// The languages pages are written in.
pub const PAGE_LANGUAGES: &[&str] = &["en", "nl"];

/// The page language: `?lang=` if given (another value is an error), else the first of ours in
/// `Accept-Language` by q-value, else English.
fn page_language(param: Option<&str>, headers: &HeaderMap) -> Result<&'static str> {
    if let Some(lang) = param.map(str::trim).filter(|l| !l.is_empty()) {
        return PAGE_LANGUAGES
            .iter()
            .find(|l| l.eq_ignore_ascii_case(lang))
            .copied()
            .ok_or_else(|| {
                Error::BadRequest(format!(
                    "unknown page language {lang:?}; available: {}",
                    PAGE_LANGUAGES.join(", ")
                ))
            });
    }
    let mut best: Option<(f32, &'static str)> = None;
    for value in headers.get_all(header::ACCEPT_LANGUAGE) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let q = parts
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
                .map_or(1.0, |(_, v)| v.trim().parse::<f32>().unwrap_or(0.0));
            let primary = tag.split('-').next().unwrap_or("");
            let Some(lang) = PAGE_LANGUAGES
                .iter()
                .find(|l| l.eq_ignore_ascii_case(primary))
            else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(best_q, _)| q > best_q) {
                best = Some((q, lang));
            }
        }
    }
    Ok(best.map_or("en", |(_, lang)| lang))
}

async fn resource(
    State(state): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response> {
    let params = Params::parse(raw.as_deref());
    let offer = negotiate(&headers, params.format.as_deref(), &OFFERS)?;
    let lang = page_language(params.lang.as_deref(), &headers)?;
    let iri = iri_for_path(state.store.base(), uri.path())?;
    let store = state.store.clone();
    let stats = state.dataset();
    let this = iri.clone();
    let (triples, hash_document, incoming) = tokio::task::spawn_blocking(move || {
        let triples = describe(&store, &this)?;
        if !triples.is_empty() {
            // Counted only when the description may have been cut.
            let target = Term::from(this.clone());
            let links_in = triples.iter().filter(|t| t.object == target).count();
            let incoming = if links_in >= INCOMING {
                count_incoming(&store, &this)?
            } else {
                links_in
            };
            return Ok::<_, Error>((triples, false, incoming));
        }
        // A hash namespace (`…/def/qa#Template`): the browser asks for the part before the
        // `#`, so that IRI serves every resource whose IRI continues with `#`.
        let hash = NamedNode::new(format!("{}#", this.as_str()))
            .map_err(|e| Error::Internal(format!("bad namespace IRI: {e}")))?;
        Ok((namespace_document(&store, &stats, &hash)?, true, 0))
    })
    .await??;
    if triples.is_empty() {
        return Err(Error::NotFound(format!(
            "{iri} is not in this graph: no triple mentions it. The dataset description at \
             {VOID_PATH} lists example resources."
        )));
    }
    let page = context::Context {
        lang,
        base: state.store.base(),
        prefixes: &state.store.prefixes(),
        section: Section::Other,
    };
    represent(&state, offer.value, offer.media_type, &triples, || {
        if hash_document {
            html::document_page(&iri, &triples, &page)
        } else {
            html::resource_page(&iri, &triples, incoming, &page)
        }
    })
}

async fn ontology(state: State<AppState>, raw: RawQuery, headers: HeaderMap) -> Result<Response> {
    namespace(state, raw, headers, "def/").await
}

async fn shapes(state: State<AppState>, raw: RawQuery, headers: HeaderMap) -> Result<Response> {
    namespace(state, raw, headers, "shape/").await
}

/// The whole document of one of our namespaces, served at the namespace IRI.
async fn namespace(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    local: &'static str,
) -> Result<Response> {
    let params = Params::parse(raw.as_deref());
    let offer = negotiate(&headers, params.format.as_deref(), &OFFERS)?;
    let lang = page_language(params.lang.as_deref(), &headers)?;
    let header_iri = NamedNode::new(format!("{}{local}", state.store.base()))
        .map_err(|e| Error::Internal(format!("the namespace IRI is invalid: {e}")))?;
    let store = state.store.clone();
    let stats = state.dataset();
    let namespace = header_iri.clone();
    let triples =
        tokio::task::spawn_blocking(move || namespace_document(&store, &stats, &namespace))
            .await??;
    if triples.is_empty() {
        return Err(Error::NotFound(format!(
            "nothing is loaded in the namespace {header_iri}: no triple has a subject in it"
        )));
    }
    let page = context::Context {
        lang,
        base: state.store.base(),
        prefixes: &state.store.prefixes(),
        section: Section::Other,
    };
    represent(&state, offer.value, offer.media_type, &triples, || {
        html::document_page(&header_iri, &triples, &page)
    })
}

async fn dataset(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response> {
    let params = Params::parse(raw.as_deref());
    let offer = negotiate(&headers, params.format.as_deref(), &OFFERS)?;
    let lang = page_language(params.lang.as_deref(), &headers)?;
    let stats = state.dataset();
    let origin = state.public_origin(&headers);
    let generation = state.dumps();
    let dumps = made_dumps(&state, &generation).await?;
    let (subject, triples) = void::description(&state.store, &stats, &origin, &dumps)?;
    let page = context::Context {
        lang,
        base: state.store.base(),
        prefixes: &state.store.prefixes(),
        section: Section::Dataset,
    };
    let response = represent(&state, offer.value, offer.media_type, &triples, || {
        html::document_page(&subject, &triples, &page)
    })?;
    Ok(crate::http::conditional::respond_with_body(&headers, generation.since, response).await)
}

/// The dumps of the data as it is now, made on a blocking thread the first time.
async fn made_dumps(
    state: &AppState,
    generation: &std::sync::Arc<dump::Generation>,
) -> Result<std::sync::Arc<dump::Dumps>> {
    let store = state.store.clone();
    let generation = std::sync::Arc::clone(generation);
    Ok(tokio::task::spawn_blocking(move || generation.dumps(&store)).await??)
}

/// `/dumps/{name}`: one dump, with its `ETag` and `Last-Modified` (304 when the client's copy
/// is current) and a file name to save it under.
async fn download(
    State(state): State<AppState>,
    axum::extract::Path(name): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let generation = state.dumps();
    let dumps = made_dumps(&state, &generation).await?;
    let Some(file) = dumps.get(&name) else {
        let names: Vec<&str> = dumps.files.iter().map(|d| d.name.as_str()).collect();
        return Err(Error::NotFound(format!(
            "no dump named {name:?}; the dumps are {} (see {VOID_PATH})",
            names.join(", ")
        )));
    };
    let disposition = format!("attachment; filename=\"{}\"", file.name);
    let response = (
        [
            (header::CONTENT_TYPE, file.content_type()),
            (header::CONTENT_DISPOSITION, disposition.as_str()),
        ],
        file.body.clone(),
    )
        .into_response();
    Ok(crate::http::conditional::respond(
        &headers,
        &file.etag,
        generation.since,
        response,
    ))
}

async fn context(State(state): State<AppState>) -> Response {
    let context = serde_json::json!({ "@context": jsonld::context(&state.store.prefixes()) });
    (
        [(
            header::CONTENT_TYPE,
            formats::rdf_media_type(formats::JSON_LD),
        )],
        context.to_string(),
    )
        .into_response()
}

/// Writes triples in the chosen representation; `page` renders the HTML only when asked for
/// (in the site's frame, which also sends its Content-Security-Policy).
fn represent(
    state: &AppState,
    representation: Representation,
    media_type: &'static str,
    triples: &[Triple],
    page: impl FnOnce() -> layout::Page,
) -> Result<Response> {
    let (content_type, body) = match representation {
        Representation::Html => return Ok(page().into_response()),
        Representation::Rdf(format) => (
            media_type,
            state.store.write_triples(triples, format, Vec::new())?,
        ),
        Representation::JsonLd => {
            let document = jsonld::compact(triples, &state.store.prefixes());
            (media_type, document.to_string().into_bytes())
        }
    };
    Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(
            base_path("https://w3id.org/factgraph/").as_deref(),
            Some("/factgraph")
        );
        assert_eq!(base_path("http://127.0.0.1:7979/"), None);
        assert_eq!(base_path("http://example.org/kg#"), None);
        assert_eq!(
            base_path("http://example.org/a/b/").as_deref(),
            Some("/a/b")
        );
    }

    #[test]
    fn paths_map_onto_the_base() {
        let base = "https://w3id.org/factgraph/";
        let iri = |p: &str| iri_for_path(base, p).map(|n| n.into_string());
        assert_eq!(
            iri("/id/audi-brussels").unwrap(),
            "https://w3id.org/factgraph/id/audi-brussels"
        );
        assert_eq!(
            iri("/factgraph/id/audi-brussels").unwrap(),
            "https://w3id.org/factgraph/id/audi-brussels"
        );
        assert_eq!(
            iri("/def/Plant").unwrap(),
            "https://w3id.org/factgraph/def/Plant"
        );
        assert_eq!(
            iri("/id/caf%C3%A9").unwrap(),
            "https://w3id.org/factgraph/id/café"
        );
        assert_eq!(
            iri("/id/a%20b").unwrap(),
            "https://w3id.org/factgraph/id/a%20b"
        );
        assert_eq!(iri("/id/%ZZ").ok(), None);
        assert_eq!(
            iri_for_path("http://127.0.0.1:7979/", "/id/x")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:7979/id/x"
        );
    }

    #[test]
    fn page_languages() {
        let mut headers = HeaderMap::new();
        assert_eq!(page_language(None, &headers).unwrap(), "en");
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("fr-BE, nl-BE;q=0.8, en;q=0.5"),
        );
        assert_eq!(page_language(None, &headers).unwrap(), "nl");
        assert_eq!(page_language(Some("en"), &headers).unwrap(), "en");
        assert!(page_language(Some("fr"), &headers).is_err());
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("nl;q=0"));
        assert_eq!(page_language(None, &headers).unwrap(), "en");
    }
}
