//! The reconciliation service at `/reconcile` (W3C Entity Reconciliation Community Group,
//! Reconciliation Service API 0.2), as OpenRefine and other clients use it: the service
//! manifest (GET without parameters), query batches (`queries=`, GET or a form POST), data
//! extension (`extend=`), entity, type and property suggest, HTML previews and property
//! proposals. JSONP (`callback=`) wraps any JSON answer; CORS comes from `cors.rs` as for
//! every route.
//!
//! `request.rs` reads requests as the 0.2 schemas define them; `service.rs` computes answers
//! from the question engine's label index (`qa::index`, through `matching`) and the store, on
//! a blocking thread.

use crate::http::error::{Error, Flatten};
use crate::http::layout::escape;
use crate::reconcile::extend;
use crate::reconcile::request;
use crate::reconcile::schema::Spaces;
use crate::reconcile::service::{self, Suggest};
use crate::service::state::AppState;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

/// The most suggestions a client may skip, and the largest property proposal limit (as the
/// OpenAPI document says).
const MAX_CURSOR: usize = 1_000_000;
const MAX_PROPOSED: usize = 1000;
/// The preview frame's size, as the manifest declares it.
const PREVIEW_WIDTH: u32 = 400;
const PREVIEW_HEIGHT: u32 = 200;

pub fn router() -> Router<AppState> {
    let not_allowed = |allowed: &'static str| {
        move |method: Method| async move {
            Error::MethodNotAllowed {
                method: method.to_string(),
                allowed,
            }
            .into_json_response()
        }
    };
    Router::new()
        .route(
            "/reconcile",
            get(get_reconcile)
                .post(post_reconcile)
                .fallback(not_allowed("GET, HEAD, POST, OPTIONS")),
        )
        .route(
            "/reconcile/suggest/entity",
            get(|s: State<AppState>, q: RawQuery| suggest(s, q, Suggest::Entity)),
        )
        .route(
            "/reconcile/suggest/type",
            get(|s: State<AppState>, q: RawQuery| suggest(s, q, Suggest::Type)),
        )
        .route(
            "/reconcile/suggest/property",
            get(|s: State<AppState>, q: RawQuery| suggest(s, q, Suggest::Property)),
        )
        .route("/reconcile/properties", get(propose_properties))
        .route("/reconcile/preview", get(preview))
}

/// The parameters of a request, each given at most once (a repeated one is ambiguous).
struct Params(Vec<(String, String)>);

impl Params {
    fn read(encoded: &[u8]) -> Result<Self, Error> {
        let mut seen: Vec<(String, String)> = Vec::new();
        for (key, value) in form_urlencoded::parse(encoded) {
            if seen.iter().any(|(k, _)| *k == key) {
                return Err(Error::BadRequest(format!(
                    "parameter {key:?} is given more than once; give it once"
                )));
            }
            seen.push((key.into_owned(), value.into_owned()));
        }
        Ok(Self(seen))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The JSONP callback, if one is asked for: a JavaScript name or dotted path, nothing
    /// that could run as code of its own.
    fn callback(&self) -> Result<Option<String>, Error> {
        let Some(name) = self.get("callback") else {
            return Ok(None);
        };
        let identifier = |part: &str| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        };
        if name.len() > 128 || !name.split('.').all(identifier) {
            return Err(Error::BadRequest(format!(
                "parameter \"callback\" must be a JavaScript function name such as \
                 jsonp_1234 or jQuery.cb (letters, digits, _ and $, dots between names), \
                 not {name:?}"
            )));
        }
        Ok(Some(name.to_owned()))
    }
}

/// JSON, or JSONP when a callback was named.
fn answer(value: &Value, callback: Option<&str>) -> Response {
    match callback {
        None => axum::Json(value).into_response(),
        Some(callback) => {
            let mut response = (
                [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                format!("/**/{callback}({value});"),
            )
                .into_response();
            response.headers_mut().insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            response
        }
    }
}

async fn get_reconcile(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = match Params::read(query.unwrap_or_default().as_bytes()) {
        Ok(params) => params,
        Err(e) => return e.into_json_response(),
    };
    reconcile(state, &headers, params).await
}

async fn post_reconcile(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            return Error::from_body_rejection(&rejection, state.config.max_body_bytes)
                .into_json_response()
        }
    };
    let (content_type, essence) = crate::http::negotiate::content_type(&headers);
    if essence != "application/x-www-form-urlencoded" {
        return Error::UnsupportedMediaType {
            got: content_type.to_owned(),
            expected: "application/x-www-form-urlencoded",
        }
        .into_json_response();
    }
    if let Err(e) = crate::http::negotiate::check_charset_utf8(content_type)
        .and_then(|()| crate::http::form::check_utf8(&body))
    {
        return e.into_json_response();
    }
    match Params::read(&body) {
        Ok(params) => reconcile(state, &headers, params).await,
        Err(e) => e.into_json_response(),
    }
}

/// The manifest, a query batch or a data extension, by the parameters given.
async fn reconcile(state: AppState, headers: &HeaderMap, params: Params) -> Response {
    let callback = match params.callback() {
        Ok(callback) => callback,
        Err(e) => return e.into_json_response(),
    };
    let outcome = match (params.get("queries"), params.get("extend")) {
        (Some(_), Some(_)) => Err(Error::BadRequest(
            "give either \"queries\" (reconciliation) or \"extend\" (data extension), not both"
                .to_owned(),
        )),
        (Some(queries), None) => match request::queries(queries) {
            Ok(batch) => state
                .blocking(move |state| {
                    let spaces = Spaces::of(state.store.base());
                    let schema = state.reconcile_schema()?;
                    service::reconcile(&state.store, &state.qa().index, &spaces, &schema, &batch)
                })
                .await
                .flat(),
            Err(e) => Err(e.into()),
        },
        (None, Some(extend)) => match request::extend(extend) {
            Ok(query) => state
                .blocking(move |state| {
                    let spaces = Spaces::of(state.store.base());
                    let schema = state.reconcile_schema()?;
                    extend::extend(&state.store, &state.qa().index, &spaces, &schema, &query)
                })
                .await
                .flat(),
            Err(e) => Err(e.into()),
        },
        (None, None) => Ok(manifest(&state, headers)),
    };
    match outcome {
        Ok(value) => answer(&value, callback.as_deref()),
        Err(e) => e.into_json_response(),
    }
}

/// The service manifest: what the service offers and where.
fn manifest(state: &AppState, headers: &HeaderMap) -> Value {
    let origin = state.public_origin(headers);
    let spaces = Spaces::of(state.store.base());
    let at = |path: &str| json!({ "service_url": origin, "service_path": path });
    json!({
        "versions": ["0.2"],
        "name": "factgraph: Audi Brussels (news article, December 2022)",
        "identifierSpace": spaces.entities,
        "schemaSpace": spaces.schema,
        "documentation": format!("{origin}/"),
        "serviceVersion": env!("CARGO_PKG_VERSION"),
        "batchSize": request::BATCH_SIZE,
        "defaultTypes": [
            { "id": "Entity", "name": "entity" }
        ],
        "view": { "url": format!("{origin}/id/{{{{id}}}}") },
        "preview": {
            "url": format!("{origin}/reconcile/preview?id={{{{id}}}}"),
            "width": PREVIEW_WIDTH,
            "height": PREVIEW_HEIGHT,
        },
        "suggest": {
            "entity": at("/reconcile/suggest/entity"),
            "type": at("/reconcile/suggest/type"),
            "property": at("/reconcile/suggest/property"),
        },
        "extend": {
            "propose_properties": at("/reconcile/properties"),
            "property_settings": [
                {
                    "name": "unit",
                    "label": "Units",
                    "type": "select",
                    "default": "separate",
                    "help_text": "Quantities as numbers, with the unit in the column name, or as text with the unit",
                    "choices": [
                        { "value": "separate", "name": "Number (unit in the column name)" },
                        { "value": "included", "name": "Text with the unit (107000 m²)" }
                    ]
                },
                {
                    "name": "limit",
                    "label": "Limit",
                    "type": "number",
                    "default": 0,
                    "help_text": "Most values per entity (0 for all)"
                }
            ]
        }
    })
}

async fn suggest(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    kind: Suggest,
) -> Response {
    let read = || -> Result<(String, usize, Option<String>), Error> {
        let params = Params::read(query.unwrap_or_default().as_bytes())?;
        let prefix = params
            .get("prefix")
            .ok_or_else(|| {
                Error::BadRequest(
                    "missing parameter \"prefix\": the text typed so far, e.g. ?prefix=Audi"
                        .to_owned(),
                )
            })?
            .to_owned();
        request::check_length("parameter \"prefix\"", &prefix)?;
        let cursor = match params.get("cursor") {
            None => 0,
            Some(c) => c.parse().ok().filter(|c| *c <= MAX_CURSOR).ok_or_else(|| {
                Error::BadRequest(format!(
                    "parameter \"cursor\" must be a whole number of suggestions to skip, \
                         0 to {MAX_CURSOR}, not {c:?}"
                ))
            })?,
        };
        Ok((prefix, cursor, params.callback()?))
    };
    let (prefix, cursor, callback) = match read() {
        Ok(read) => read,
        Err(e) => return e.into_json_response(),
    };
    match state
        .blocking(move |state| {
            let spaces = Spaces::of(state.store.base());
            let schema = state.reconcile_schema()?;
            service::suggest(
                &state.store,
                &state.qa().index,
                &spaces,
                &schema,
                kind,
                &prefix,
                cursor,
            )
        })
        .await
        .flat()
    {
        Ok(value) => answer(&value, callback.as_deref()),
        Err(e) => e.into_json_response(),
    }
}

async fn propose_properties(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let read = || -> Result<(String, Option<usize>, Option<String>), Error> {
        let params = Params::read(query.unwrap_or_default().as_bytes())?;
        let type_id = params
            .get("type")
            .ok_or_else(|| {
                Error::BadRequest(
                    "missing parameter \"type\": the type whose properties to propose, e.g. \
                     ?type=Plant"
                        .to_owned(),
                )
            })?
            .to_owned();
        let limit =
            match params.get("limit") {
                None => None,
                Some(l) => Some(l.parse().ok().filter(|l| *l <= MAX_PROPOSED).ok_or_else(
                    || {
                        Error::BadRequest(format!(
                    "parameter \"limit\" must be a whole number from 0 to {MAX_PROPOSED}, not {l:?}"
                ))
                    },
                )?),
            };
        Ok((type_id, limit, params.callback()?))
    };
    let (type_id, limit, callback) = match read() {
        Ok(read) => read,
        Err(e) => return e.into_json_response(),
    };
    match state
        .blocking(move |state| {
            let spaces = Spaces::of(state.store.base());
            let schema = state.reconcile_schema()?;
            service::propose_properties(&state.store, &spaces, &schema, &type_id, limit)
        })
        .await
        .flat()
    {
        Ok(value) => answer(&value, callback.as_deref()),
        Err(e) => e.into_json_response(),
    }
}

/// An entity's preview, a small HTML page for the client's frame: it stands alone (clients
/// show it in an iframe of their own page), loads nothing, and runs no script.
async fn preview(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let id = match Params::read(query.unwrap_or_default().as_bytes()).and_then(|p| {
        p.get("id").map(str::to_owned).ok_or_else(|| {
            Error::BadRequest(
                "missing parameter \"id\": the entity to preview, e.g. ?id=audi-brussels"
                    .to_owned(),
            )
        })
    }) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let wanted = id.clone();
    let found = state
        .blocking(move |state| {
            let spaces = Spaces::of(state.store.base());
            let schema = state.reconcile_schema()?;
            extend::preview(&state.store, &state.qa().index, &spaces, &schema, &wanted)
        })
        .await
        .flat();
    let preview = match found {
        Ok(Some(preview)) => preview,
        Ok(None) => {
            return Error::NotFound(format!("no entity has the identifier {id:?}")).into_response()
        }
        Err(e) => return e.into_response(),
    };
    let (nl, en) = &preview.names;
    let mut html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"margin:0;font:14px/1.35 system-ui,sans-serif\">\
         <h1 style=\"font-size:16px;margin:0 0 4px\">{}</h1>",
        escape(en),
        escape(en)
    );
    if nl != en {
        html.push_str(&format!(
            "<p style=\"margin:0\" lang=\"nl\">{}</p>",
            escape(nl)
        ));
    }
    if !preview.types.is_empty() {
        html.push_str(&format!(
            "<p style=\"margin:0;color:#555\">{}</p>",
            escape(&preview.types.join(", "))
        ));
    }
    if let Some(description) = &preview.description {
        html.push_str(&format!(
            "<p style=\"margin:4px 0\">{}</p>",
            escape(description)
        ));
    }
    if !preview.facts.is_empty() {
        html.push_str("<ul style=\"margin:4px 0;padding-left:18px\">");
        for fact in &preview.facts {
            html.push_str(&format!("<li>{}</li>", escape(fact)));
        }
        html.push_str("</ul>");
    }
    html.push_str(&format!(
        "<p style=\"margin:0;font-size:12px;color:#555\">{}</p></body></html>\n",
        escape(&preview.iri)
    ));
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    // Inline styles only; nothing is loaded and nothing runs. Framing is what a preview is for.
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    response
}
