//! The SPARQL 1.1 Graph Store HTTP Protocol at `/store`: indirect graph identification
//! (`/store?graph=IRI`, `/store?default`) and direct identification (`/store/…`: the request URL
//! on the base, `<base>store/…`, is the graph's IRI). GET and HEAD read a graph on every
//! backend; PUT, POST and DELETE write, and only pass `auth::authorize_write` on a persistent
//! store with the token. A POST to `/store` itself makes a new graph (201 and `Location`); a
//! `multipart/form-data` POST adds every part.

use crate::http::auth::authorize_write;
use crate::http::error::{Error, Result};
use crate::http::linked_data::paths::{base_path, iri_for_path};
use crate::http::negotiate::negotiate;
use crate::service::access::WriteGrant;
use crate::service::state::AppState;
use crate::store::formats::Offer;
use crate::store::formats::{self, PlainJson};
use crate::store::model::NamedNode;
use crate::store::GraphTarget;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;
use oxigraph::io::RdfFormat;
use std::sync::LazyLock;

pub const PATH: &str = "/store";

/// The Graph Store's routes: `/store` and `/store/{*path}`, the latter also under the base's
/// own path (as the Linked Data routes are), since a graph's IRI `<base>store/x` may reach the
/// service with that path.
pub fn router(base: &str) -> Router<AppState> {
    let mut router = Router::new()
        .route(PATH, methods())
        .route(&format!("{PATH}/{{*path}}"), methods());
    if let Some(prefix) = base_path(base) {
        router = router.route(&format!("{prefix}{PATH}/{{*path}}"), methods());
    }
    router
}

fn methods() -> MethodRouter<AppState> {
    get(get_graph)
        .put(put_graph)
        .post(post_graph)
        .delete(delete_graph)
        .fallback(|method: Method| async move {
            Error::MethodNotAllowed {
                method: method.to_string(),
                allowed: "GET, HEAD, PUT, POST, DELETE, OPTIONS",
            }
        })
}

/// What a graph is written as and read from: the triple formats. N-Quads and TriG carry graph
/// names, which a single graph has none of: they would add nothing but confusion.
const WRITES: [RdfFormat; 4] = [
    RdfFormat::Turtle,
    RdfFormat::NTriples,
    RdfFormat::RdfXml,
    formats::JSON_LD,
];

/// What a graph can be read as: every media type of the triple formats.
static READ_OFFERS: LazyLock<Vec<Offer<RdfFormat>>> =
    LazyLock::new(|| formats::rdf_offers(&WRITES, PlainJson::NotOffered));

/// The media types a write takes, for the messages that refuse others.
static WRITE_TYPES: LazyLock<String> = LazyLock::new(|| {
    WRITES
        .iter()
        .map(|format| formats::rdf_media_type(*format))
        .collect::<Vec<_>>()
        .join(", ")
});

/// What a PUT reads: one document (a multipart body is for POST, which adds each part).
static PUT_TYPES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} (multipart/form-data only with POST, which adds each part)",
        *WRITE_TYPES
    )
});

static QUAD_TYPES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} (N-Quads and TriG carry graph names of their own; /store takes one graph at a \
         time, named by ?graph=, ?default or its /store/… path)",
        *WRITE_TYPES
    )
});

/// The request's graph and `format=`. `graph` is `None` for `/store` without `?graph=` or
/// `?default`: the service itself, which only a POST (making a new graph) may address.
struct Target {
    graph: Option<GraphTarget>,
    format: Option<String>,
}

/// The graph, for the methods that need one.
fn required(graph: Option<GraphTarget>) -> Result<GraphTarget> {
    graph.ok_or_else(|| {
        Error::BadRequest(
            "name the graph: /store?graph=IRI for a named graph, /store?default for the \
             default graph, or /store/… for the graph <base>store/… (a POST to /store \
             alone makes a new graph)"
                .to_owned(),
        )
    })
}

/// Reads the graph from the URL: the path under `/store/` (direct identification, mapped onto
/// the base like the Linked Data paths) or the query string's `graph=`/`default` (indirect).
fn target(state: &AppState, uri: &Uri) -> Result<Target> {
    let mut graph = None;
    let mut default = false;
    let mut format = None;
    let raw = uri.query().unwrap_or_default();
    crate::http::form::check_utf8(raw.as_bytes())?;
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        match name.as_ref() {
            "graph" if graph.is_some() => {
                return Err(Error::BadRequest(
                    "the parameter graph was given more than once".to_owned(),
                ))
            }
            "graph" => graph = Some(value.into_owned()),
            "default" => default = true,
            "format" => crate::http::form::push_format(&mut format, value.into_owned()),
            _ => {}
        }
    }
    if uri.path() != PATH {
        if graph.is_some() || default {
            return Err(Error::BadRequest(format!(
                "{} names its graph by its path; leave out ?graph= and ?default, or send them \
                 to {PATH}",
                uri.path()
            )));
        }
        let iri = iri_for_path(state.store.base(), uri.path())?;
        return Ok(Target {
            graph: Some(GraphTarget::Named(iri)),
            format,
        });
    }
    let graph = match (graph, default) {
        (Some(_), true) => {
            return Err(Error::BadRequest(
                "give either ?graph=IRI or ?default, not both".to_owned(),
            ))
        }
        (None, false) => None,
        (None, true) => Some(GraphTarget::Default),
        (Some(iri), false) => Some(GraphTarget::Named(NamedNode::new(iri.as_str()).map_err(
            |e| {
                Error::BadRequest(format!(
                    "graph {iri:?} is not an absolute IRI: {e}; percent-encode it in the URL"
                ))
            },
        )?)),
    };
    Ok(Target { graph, format })
}

fn describe(target: &GraphTarget) -> String {
    match target {
        GraphTarget::Default => "the default graph".to_owned(),
        GraphTarget::Named(iri) => format!("the graph {iri}"),
    }
}

async fn get_graph(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response> {
    let Target { graph, format } = target(&state, &uri)?;
    let graph = required(graph)?;
    let offer = negotiate(&headers, format.as_deref(), &READ_OFFERS)?;
    let slot = state.query_slots.acquire()?;
    let store = state.store.clone();
    let limit = state.config.max_result_bytes;
    let read = graph.clone();
    let body = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let Some(triples) = store.graph_triples(&read)? else {
            return Ok(None);
        };
        let body = store.write_triples(&triples, offer.value, Vec::new())?;
        if body.len() > limit {
            return Err(Error::QueryRejected(format!(
                "the graph is larger than the response limit of {limit} bytes; read it in \
                 parts with a SPARQL query and LIMIT"
            )));
        }
        Ok(Some(body))
    })
    .await??;
    let Some(body) = body else {
        return Err(Error::NotFound(format!(
            "{} is not in the store",
            describe(&graph)
        )));
    };
    // HEAD runs this handler too (axum drops the body), so it carries the same Content-Type.
    let mut response = ([(header::CONTENT_TYPE, offer.media_type)], body).into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

/// What a write's body holds: one RDF document, or (POST only) a `multipart/form-data` body
/// whose parts are documents.
enum BodyKind {
    Document(RdfFormat),
    Multipart { boundary: String },
}

/// The RDF format of a media type (its essence, lower case), or why it is refused.
fn rdf_format(content_type: &str, essence: &str) -> Result<RdfFormat> {
    match formats::rdf_of_body(essence) {
        Some(format) if WRITES.contains(&format) => Ok(format),
        Some(RdfFormat::NQuads | RdfFormat::TriG) => Err(Error::UnsupportedMediaType {
            got: content_type.to_owned(),
            expected: QUAD_TYPES.as_str(),
        }),
        _ => Err(Error::UnsupportedMediaType {
            got: content_type.to_owned(),
            expected: WRITE_TYPES.as_str(),
        }),
    }
}

/// The kind of a request body, by its `Content-Type`. Multipart bodies are for POST only: the
/// protocol defines them as "add each part", which a PUT's "replace" does not fit.
fn body_kind(headers: &HeaderMap, multipart: bool) -> Result<BodyKind> {
    let (content_type, essence) = crate::http::negotiate::content_type(headers);
    if essence == "multipart/form-data" {
        if !multipart {
            return Err(Error::UnsupportedMediaType {
                got: content_type.to_owned(),
                expected: PUT_TYPES.as_str(),
            });
        }
        let boundary = multer::parse_boundary(content_type).map_err(|e| {
            Error::BadRequest(format!(
                "the multipart/form-data Content-Type has no usable boundary: {e}"
            ))
        })?;
        return Ok(BodyKind::Multipart { boundary });
    }
    let format = rdf_format(content_type, &essence)?;
    crate::http::negotiate::check_charset_utf8(content_type)?;
    Ok(BodyKind::Document(format))
}

/// The documents of a multipart body, each with the format its part's `Content-Type` names
/// (or, without one, its file name's extension). Every part is read before anything is
/// written.
async fn multipart_documents(body: Bytes, boundary: String) -> Result<Vec<(RdfFormat, Bytes)>> {
    let malformed = |e: multer::Error| {
        Error::BadRequest(format!("the multipart/form-data body is malformed: {e}"))
    };
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut documents = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let name = field
            .file_name()
            .or_else(|| field.name())
            .unwrap_or("")
            .to_owned();
        let format = match field.content_type() {
            Some(media_type) => {
                let format = rdf_format(media_type.as_ref(), media_type.essence_str())?;
                crate::http::negotiate::check_charset_utf8(media_type.as_ref())?;
                format
            }
            None => name
                .rsplit_once('.')
                .and_then(|(_, extension)| formats::rdf_of_extension(extension))
                .filter(|format| WRITES.contains(format))
                .ok_or_else(|| {
                    Error::BadRequest(format!(
                        "the part {name:?} of the multipart body has no Content-Type and no \
                         file name extension of an RDF format ({})",
                        *WRITE_TYPES
                    ))
                })?,
        };
        documents.push((format, field.bytes().await.map_err(malformed)?));
    }
    if documents.is_empty() {
        return Err(Error::BadRequest(
            "the multipart/form-data body has no parts".to_owned(),
        ));
    }
    Ok(documents)
}

/// Everything a write needs before it touches the store, checked in the order that tells a
/// client the most useful thing first: may it write at all, which graph, which format, and
/// only then whether the body arrived whole (and, for multipart, whether its parts are sound).
async fn prepare_write(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
    post: bool,
) -> Result<(WriteGrant, Target, Vec<(RdfFormat, Bytes)>)> {
    let grant = authorize_write(state, headers)?;
    let target = target(state, uri)?;
    if !post && target.graph.is_none() {
        // Only a POST may leave the graph unnamed (it then makes one).
        required(None)?;
    }
    let kind = body_kind(headers, post)?;
    let body = body
        .map_err(|rejection| Error::from_body_rejection(&rejection, state.config.max_body_bytes))?;
    let documents = match kind {
        BodyKind::Document(format) => vec![(format, body)],
        BodyKind::Multipart { boundary } => multipart_documents(body, boundary).await?,
    };
    Ok((grant, target, documents))
}

/// 201 when the write made a new graph, 204 when it changed one that was there.
fn written(created: bool) -> Response {
    if created {
        StatusCode::CREATED.into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    }
}

fn as_slices(documents: &[(RdfFormat, Bytes)]) -> Vec<(RdfFormat, &[u8])> {
    documents
        .iter()
        .map(|(format, body)| (*format, body.as_ref()))
        .collect()
}

/// PUT: the document replaces the graph.
async fn put_graph(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let (grant, target, documents) = prepare_write(&state, &uri, &headers, body, false).await?;
    let graph = required(target.graph)?;
    write_documents(&state, grant, graph, documents, true).await
}

/// Writes the documents into the graph (replacing it, or adding to it): 201 when it made the
/// graph, 204 when the graph was there.
async fn write_documents(
    state: &AppState,
    grant: WriteGrant,
    graph: GraphTarget,
    documents: Vec<(RdfFormat, Bytes)>,
    replace: bool,
) -> Result<Response> {
    let created = state
        .write(grant, move |store| {
            store.write_documents(&graph, &as_slices(&documents), replace)
        })
        .await??;
    Ok(written(created))
}

/// POST: the document (or every part) is added to the graph; to `/store` alone it makes a new
/// graph `<base>store/<random>` and answers 201 with its IRI in `Location`.
async fn post_graph(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let (grant, target, documents) = prepare_write(&state, &uri, &headers, body, true).await?;
    match target.graph {
        Some(graph) => write_documents(&state, grant, graph, documents, false).await,
        None => {
            let prefix = format!("{}{}/", state.store.base(), PATH.trim_start_matches('/'));
            let iri = state
                .write(grant, move |store| {
                    store.create_graph(&prefix, &as_slices(&documents))
                })
                .await??;
            let location = HeaderValue::from_str(iri.as_str()).map_err(|e| {
                Error::Internal(format!("the new graph's IRI {iri} is no header value: {e}"))
            })?;
            Ok((StatusCode::CREATED, [(header::LOCATION, location)]).into_response())
        }
    }
}

async fn delete_graph(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response> {
    let grant = authorize_write(&state, &headers)?;
    let target = required(target(&state, &uri)?.graph)?;
    let missing = Error::NotFound(format!("{} is not in the store", describe(&target)));
    let deleted = state
        .write(grant, move |store| store.delete_graph(&target))
        .await??;
    if deleted {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(missing)
    }
}
