//! Linked Data: every IRI the graph mints under the base (`id/…`, `def/…`, `shape/…`) resolves
//! on this service, as HTML for people and as RDF for machines; plus the dataset description
//! (`/.well-known/void`), the dumps it names (`/dumps/…`) and the JSON-LD context
//! (`/context.jsonld`).
//!
//! A request path is mapped onto the configured base whatever address the service runs at:
//! `/id/x` is `<base>id/x`. When the base has a path (`/factgraph/` in
//! `https://w3id.org/factgraph/`), paths that include it (`/factgraph/id/x`) work too, so a
//! proxy may forward the public path unchanged.

pub mod html;

use crate::http::error::{Error, Result};
use crate::http::layout::{self, Section};
use crate::http::negotiate::negotiate;
use crate::linked_data::{dump, jsonld, void};
use crate::service::state::AppState;
use crate::store::formats::Offer;
use crate::store::formats::{self, PlainJson};
use crate::store::model::{NamedNode, Term, Triple};
use crate::store::Store;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;
use oxigraph::io::RdfFormat;
use oxigraph::sparql::Variable;
use std::sync::LazyLock;
use void::DatasetStats;

/// One representation of a description.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Representation {
    Html,
    Rdf(RdfFormat),
    /// JSON-LD compacted with our context (see [`jsonld`]).
    JsonLd,
}

/// The RDF formats a description is served in, in the order the pages link to them.
pub const FORMATS: [RdfFormat; 4] = [
    RdfFormat::Turtle,
    RdfFormat::NTriples,
    formats::JSON_LD,
    RdfFormat::RdfXml,
];

/// What a description can be served as. Turtle comes first: clients that accept anything
/// (`*/*`, curl's default) get RDF; browsers name `text/html` explicitly and get the page.
/// JSON-LD, plain JSON included, is always compacted with our context.
pub static OFFERS: LazyLock<Vec<Offer<Representation>>> = LazyLock::new(|| {
    let mut offers: Vec<Offer<Representation>> = formats::rdf_offers(&FORMATS, PlainJson::Offered)
        .into_iter()
        .map(|offer| {
            offer.map(|format| match format {
                RdfFormat::JsonLd { .. } => Representation::JsonLd,
                other => Representation::Rdf(other),
            })
        })
        .collect();
    // HTML second: after Turtle, before every other RDF format.
    let html = Offer::new("text/html", &["html"], Representation::Html);
    offers.insert(offers.len().min(1), html);
    offers
});

/// Where the dataset description is served.
pub const VOID_PATH: &str = "/.well-known/void";
/// Where the JSON-LD context is served.
pub const CONTEXT_PATH: &str = "/context.jsonld";

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

/// The path of the base IRI without its trailing slash (`/factgraph`), when it has one that
/// can be a route. Bases ending in `#` or with characters routes treat specially get none.
pub(crate) fn base_path(base: &str) -> Option<String> {
    let after_scheme = base.split_once("://")?.1;
    let path = &after_scheme[after_scheme.find('/')?..];
    let path = path.trim_end_matches('/');
    let routable = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~/".contains(c));
    (!path.is_empty() && routable && !path.contains("//")).then(|| path.to_owned())
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

/// The IRI a request path stands for: the base plus the path after the optional base path.
/// Percent-encoded non-ASCII characters are decoded (an IRI carries them as they are); encoded
/// ASCII stays encoded, as in the IRI.
pub fn iri_for_path(base: &str, path: &str) -> Result<NamedNode> {
    let local = base_path(base)
        .and_then(|prefix| {
            path.strip_prefix(&prefix)
                .filter(|rest| rest.starts_with('/'))
        })
        .unwrap_or(path);
    let local = local.strip_prefix('/').unwrap_or(local);
    if !well_encoded(local) {
        return Err(Error::BadRequest(format!(
            "the path {path:?} has a % that does not start a %XX escape"
        )));
    }
    let iri = format!("{base}{}", decode_non_ascii(local));
    // Well-formed, but with characters no IRI may hold (controls, say): nothing can be there.
    NamedNode::new(iri.as_str()).map_err(|e| {
        Error::NotFound(format!(
            "there is no resource at {path:?}: it does not make an IRI ({e})"
        ))
    })
}

/// Whether every `%` in `path` starts a `%XX` escape (RFC 3986, section 2.1).
fn well_encoded(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.iter().enumerate().all(|(at, &b)| {
        b != b'%'
            || bytes
                .get(at + 1..at + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    })
}

/// Decodes `%XX` runs that form non-ASCII UTF-8 (the URI-to-IRI mapping of RFC 3987, 3.2).
fn decode_non_ascii(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            // Collect the whole run of escapes, then decode the non-ASCII sequences in it.
            let start = i;
            let mut decoded = Vec::new();
            while i + 2 < bytes.len() && bytes[i] == b'%' {
                let hex = path
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => decoded.push(byte),
                    None => break,
                }
                i += 3;
            }
            if decoded.is_empty() {
                out.push('%');
                i = start + 1;
                continue;
            }
            out.push_str(&reencode_ascii(&decoded, &path[start..i]));
        } else {
            let len = path[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&path[i..i + len]);
            i += len;
        }
    }
    out
}

/// Turns decoded bytes back into text: valid non-ASCII characters as themselves, everything else
/// (ASCII, invalid UTF-8) as the original escapes.
fn reencode_ascii(decoded: &[u8], original: &str) -> String {
    match std::str::from_utf8(decoded) {
        Ok(text) => text
            .chars()
            .map(|c| {
                if c.is_ascii() {
                    format!("%{:02X}", c as u8)
                } else {
                    c.to_string()
                }
            })
            .collect(),
        Err(_) => original.to_owned(),
    }
}

/// The description of one resource: its own triples (with blank nodes they hold, two levels
/// deep), the triples pointing at it, the labels of the things and properties on both sides
/// (and the evidence of facts pointing at it, which a sentence's page marks),
/// the text and position of sentences it links to, and — for an entity — the facts about it with their
/// qualifiers. The store puts the IRI in place of each `VALUES ?this { UNDEF }` on the algebra,
/// so it is never written into the text; one in each branch lets each branch start from it.
const DESCRIBE: &str = r#"
CONSTRUCT {
  ?this ?p ?o . ?o ?p1 ?o1 . ?o1 ?p2 ?o2 .
  ?o ?ol ?olabel . ?p ?pl ?plabel .
  ?s ?q ?this . ?s ?sl ?slabel . ?q ?ql ?qlabel .
  ?fact ?fp ?fo . ?fo ?fol ?folabel . ?fp ?fpl ?fplabel .
}
WHERE {
  {
    VALUES ?this { UNDEF }
    ?this ?p ?o .
    OPTIONAL { ?o ?p1 ?o1 FILTER(isBlank(?o))
      OPTIONAL { ?o1 ?p2 ?o2 FILTER(isBlank(?o1)) } }
    OPTIONAL { VALUES ?ol { skos:prefLabel rdfs:label nif:anchorOf fg:position } ?o ?ol ?olabel }
    OPTIONAL { VALUES ?pl { skos:prefLabel rdfs:label } ?p ?pl ?plabel }
  } UNION {
    # At most INCOMING links in: a class of a large graph has millions of instances. (No ORDER
    # BY: sorting them all would cost what the limit saves.)
    { SELECT ?this ?s ?q WHERE { VALUES ?this { UNDEF } ?s ?q ?this } LIMIT 1000 }
    # A fact's ends and relation too, so the page can tell the direct triple it states; a
    # sentence's position, so it is named "sentence 3".
    OPTIONAL { VALUES ?sl { skos:prefLabel rdfs:label fg:evidence rdf:subject rdf:predicate fg:position } ?s ?sl ?slabel }
    OPTIONAL { VALUES ?ql { skos:prefLabel rdfs:label } ?q ?ql ?qlabel }
  } UNION {
    { SELECT ?this ?fact WHERE { VALUES ?this { UNDEF } ?fact rdf:subject ?this } LIMIT 1000 }
    ?fact ?fp ?fo .
    OPTIONAL { VALUES ?fol { skos:prefLabel rdfs:label nif:anchorOf fg:position } ?fo ?fol ?folabel }
    OPTIONAL { VALUES ?fpl { skos:prefLabel rdfs:label } ?fp ?fpl ?fplabel }
  }
}
"#;

/// A namespace document (the ontology at `def/`, the shapes at `shape/`): every triple of the
/// namespace's subjects (its header, the namespace IRI itself, included; they come in a VALUES
/// block from [`DatasetStats::namespace_subjects`]), with the blank nodes they hold three levels
/// deep (restrictions, property shapes, lists).
const NAMESPACE_DOCUMENT: &str = r#"
CONSTRUCT {
  ?s ?p ?o . ?o ?p1 ?o1 . ?o1 ?p2 ?o2 . ?o2 ?p3 ?o3 .
}
WHERE {
  SUBJECTS
  ?s ?p ?o .
  OPTIONAL { ?o ?p1 ?o1 FILTER(isBlank(?o))
    OPTIONAL { ?o1 ?p2 ?o2 FILTER(isBlank(?o1))
      OPTIONAL { ?o2 ?p3 ?o3 FILTER(isBlank(?o2)) } } }
}
"#;

/// How many links in (and facts about) a resource its description holds at most: the limit in
/// [`DESCRIBE`]'s subqueries.
pub const INCOMING: usize = 1000;

/// Counts the links into a resource, to tell a page that shows only [`INCOMING`] of them. A
/// link held in two named graphs counts twice: counting distinct links costs four times more.
const COUNT_INCOMING: &str = "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?this { UNDEF } ?s ?q ?this }";

/// The number of triples whose object is `iri`. Blocking.
pub fn count_incoming(store: &Store, iri: &NamedNode) -> Result<usize> {
    let this = Variable::new_unchecked("this");
    let table = store.select_bound(COUNT_INCOMING, vec![(this, Term::from(iri.clone()))])?;
    Ok(match table.get(0, "n") {
        Some(Term::Literal(l)) => l.value().parse().unwrap_or(0),
        _ => 0,
    })
}

/// Runs [`DESCRIBE`] for `iri`. Blocking.
pub fn describe(store: &Store, iri: &NamedNode) -> Result<Vec<Triple>> {
    let this = Variable::new_unchecked("this");
    let triples = store.construct_bound(DESCRIBE, vec![(this, Term::from(iri.clone()))])?;
    Ok(sorted(triples))
}

/// Runs [`NAMESPACE_DOCUMENT`] for a namespace IRI: the triples of the known namespace
/// subjects that start with it (none: no query at all). Blocking.
pub fn namespace_document(
    store: &Store,
    stats: &DatasetStats,
    namespace: &NamedNode,
) -> Result<Vec<Triple>> {
    let start = stats
        .namespace_subjects
        .partition_point(|s| s.as_str() < namespace.as_str());
    let subjects: Vec<&NamedNode> = stats.namespace_subjects[start..]
        .iter()
        .take_while(|s| s.as_str().starts_with(namespace.as_str()))
        .collect();
    if subjects.is_empty() {
        return Ok(Vec::new());
    }
    // The IRIs come from the store itself, written with their `Display` (`<…>`), so they
    // cannot carry anything but an IRI into the query.
    let values: String = subjects.iter().map(|s| format!("{s} ")).collect();
    let query = NAMESPACE_DOCUMENT.replace("SUBJECTS", &format!("VALUES ?s {{ {values}}}"));
    Ok(sorted(store.construct(&query)?))
}

/// Sorted without duplicates (CONSTRUCT repeats a triple once per solution), so responses are
/// stable and small.
fn sorted(mut triples: Vec<Triple>) -> Vec<Triple> {
    triples.sort_by_cached_key(|t| t.to_string());
    triples.dedup();
    triples
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
    let page = html::Context {
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
    let page = html::Context {
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
    let page = html::Context {
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
