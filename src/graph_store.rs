//! The SPARQL 1.1 Graph Store HTTP Protocol at `/store` (indirect graph identification:
//! `?graph=IRI` or `?default`). GET and HEAD read a graph on every backend; PUT, POST and
//! DELETE write, and only pass `auth::authorize_write` on a persistent store with the token.

use crate::auth::authorize_write;
use crate::error::{Error, Result};
use crate::negotiate::{negotiate, Offer};
use crate::store::model::NamedNode;
use crate::store::GraphTarget;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use oxigraph::io::{JsonLdProfileSet, RdfFormat};

pub const PATH: &str = "/store";

pub fn router() -> Router<AppState> {
    Router::new().route(
        PATH,
        get(get_graph)
            .put(put_graph)
            .post(post_graph)
            .delete(delete_graph)
            .fallback(|method: Method| async move {
                Error::MethodNotAllowed {
                    method: method.to_string(),
                    allowed: "GET, HEAD, PUT, POST, DELETE, OPTIONS",
                }
            }),
    )
}

/// What a graph can be read as. Only triple formats: a graph has no graph names to carry, so
/// N-Quads and TriG would add nothing but confusion.
const READ_OFFERS: &[Offer<RdfFormat>] = &[
    Offer::new("text/turtle", &["turtle", "ttl", "n3"], RdfFormat::Turtle),
    Offer::new(
        "application/n-triples",
        &["ntriples", "nt"],
        RdfFormat::NTriples,
    ),
    Offer::new(
        "application/ld+json",
        &["jsonld", "json-ld", "json"],
        RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        },
    ),
    Offer::new(
        "application/rdf+xml",
        &["rdfxml", "rdf", "xml"],
        RdfFormat::RdfXml,
    ),
    Offer::new("application/x-turtle", &[], RdfFormat::Turtle),
    Offer::new("text/n3", &[], RdfFormat::Turtle),
    Offer::new(
        "application/x-json+ld",
        &[],
        RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        },
    ),
    Offer::new("text/plain", &[], RdfFormat::NTriples),
];

const WRITE_TYPES: &str =
    "text/turtle, application/n-triples, application/rdf+xml, application/ld+json";

const QUAD_TYPES: &str = "text/turtle, application/n-triples, application/rdf+xml, \
     application/ld+json (N-Quads and TriG carry graph names of their own; /store takes one \
     graph at a time, named by ?graph= or ?default)";

/// The request's graph and `format=`, from the query string.
struct Target {
    graph: GraphTarget,
    format: Option<String>,
}

fn target(raw: Option<&str>) -> Result<Target> {
    let mut graph = None;
    let mut default = false;
    let mut format = None;
    for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "graph" if graph.is_some() => {
                return Err(Error::BadRequest(
                    "the parameter graph was given more than once".to_owned(),
                ))
            }
            "graph" => graph = Some(value.into_owned()),
            "default" => default = true,
            "format" => crate::sparql::push_format(&mut format, value.into_owned()),
            _ => {}
        }
    }
    let graph = match (graph, default) {
        (Some(_), true) => {
            return Err(Error::BadRequest(
                "give either ?graph=IRI or ?default, not both".to_owned(),
            ))
        }
        (None, false) => {
            return Err(Error::BadRequest(
                "name the graph: /store?graph=IRI for a named graph, /store?default for the \
                 default graph"
                    .to_owned(),
            ))
        }
        (None, true) => GraphTarget::Default,
        (Some(iri), false) => GraphTarget::Named(NamedNode::new(iri.as_str()).map_err(|e| {
            Error::BadRequest(format!(
                "graph {iri:?} is not an absolute IRI: {e}; percent-encode it in the URL"
            ))
        })?),
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
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response> {
    let target = target(raw.as_deref())?;
    let offer = negotiate(&headers, target.format.as_deref(), READ_OFFERS)?;
    let slot = state.query_slots.acquire()?;
    let store = state.store.clone();
    let limit = state.config.max_result_bytes;
    let graph = target.graph.clone();
    let body = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let Some(triples) = store.graph_triples(&graph)? else {
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
            describe(&target.graph)
        )));
    };
    let mut response = ([(header::CONTENT_TYPE, offer.media_type)], body).into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

/// The RDF format of a request body, by its `Content-Type`.
fn body_format(headers: &HeaderMap) -> Result<RdfFormat> {
    let (content_type, essence) = crate::negotiate::content_type(headers);
    match essence.as_str() {
        "text/turtle" | "application/x-turtle" => Ok(RdfFormat::Turtle),
        "application/n-triples" => Ok(RdfFormat::NTriples),
        "application/rdf+xml" => Ok(RdfFormat::RdfXml),
        "application/ld+json" => Ok(RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        }),
        "application/n-quads" | "application/trig" => Err(Error::UnsupportedMediaType {
            got: content_type.to_owned(),
            expected: QUAD_TYPES,
        }),
        _ => Err(Error::UnsupportedMediaType {
            got: content_type.to_owned(),
            expected: WRITE_TYPES,
        }),
    }
}

/// Everything a write needs before it touches the store, checked in the order that tells a
/// client the most useful thing first: may it write at all, which graph, which format, and
/// only then whether the body arrived whole.
fn prepare_write(
    state: &AppState,
    raw: Option<&str>,
    headers: &HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<(GraphTarget, RdfFormat, Bytes)> {
    authorize_write(state, headers)?;
    let target = target(raw)?;
    let format = body_format(headers)?;
    let body = body
        .map_err(|rejection| Error::from_body_rejection(&rejection, state.config.max_body_bytes))?;
    Ok((target.graph, format, body))
}

/// 201 when the write made a new graph, 204 when it changed one that was there.
fn written(created: bool) -> Response {
    if created {
        StatusCode::CREATED.into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    }
}

async fn put_graph(
    state: State<AppState>,
    raw: RawQuery,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    write_document(state, raw, headers, body, true).await
}

async fn post_graph(
    state: State<AppState>,
    raw: RawQuery,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    write_document(state, raw, headers, body, false).await
}

/// PUT (`replace`) or POST: a document into a graph.
async fn write_document(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
    replace: bool,
) -> Result<Response> {
    let (target, format, body) = prepare_write(&state, raw.as_deref(), &headers, body)?;
    let created = state
        .write(move |store| {
            if replace {
                store.replace_graph(&target, format, &body)
            } else {
                store.add_to_graph(&target, format, &body)
            }
        })
        .await?;
    Ok(written(created))
}

async fn delete_graph(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response> {
    authorize_write(&state, &headers)?;
    let target = target(raw.as_deref())?.graph;
    let missing = Error::NotFound(format!("{} is not in the store", describe(&target)));
    let deleted = state
        .write(move |store| store.delete_graph(&target))
        .await?;
    if deleted {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(missing)
    }
}
