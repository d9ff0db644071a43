//! Conditional GET (RFC 9110 §13): `ETag` and `Last-Modified` on responses that depend only on
//! the data (dumps, the VoID and Service Description documents), and 304 Not Modified for a
//! request whose `If-None-Match` or `If-Modified-Since` shows the client has them already.

pub use crate::linked_data::validators::{etag, whole_seconds};
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use std::time::SystemTime;

/// Whether the client's copy is current (RFC 9110 §13.2.2): `If-None-Match` decides when
/// present (weak comparison, `*` matches anything); otherwise `If-Modified-Since` does.
pub fn is_fresh(request: &HeaderMap, etag: &str, last_modified: SystemTime) -> bool {
    if let Some(tags) = request.get(header::IF_NONE_MATCH) {
        let Ok(tags) = tags.to_str() else {
            return false;
        };
        let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
        let ours = opaque(etag);
        return tags
            .split(',')
            .any(|tag| tag.trim() == "*" || opaque(tag) == ours);
    }
    request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since| whole_seconds(last_modified) <= since)
}

/// Adds `ETag`, `Last-Modified` and `Cache-Control: no-cache` to `response`, or replaces it by
/// a 304 carrying them (and the headers a 304 keeps: `Vary`, `Content-Location`) when the
/// request's validators match.
pub fn respond(
    request: &HeaderMap,
    etag: &str,
    last_modified: SystemTime,
    mut response: Response,
) -> Response {
    let validators = [
        (header::ETAG, HeaderValue::from_str(etag).ok()),
        (
            header::LAST_MODIFIED,
            HeaderValue::from_str(&httpdate::fmt_http_date(last_modified)).ok(),
        ),
    ];
    if response.status() == StatusCode::OK && is_fresh(request, etag, last_modified) {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        for name in [
            header::VARY,
            header::CACHE_CONTROL,
            header::CONTENT_LOCATION,
        ] {
            for value in response.headers().get_all(&name) {
                not_modified
                    .headers_mut()
                    .append(name.clone(), value.clone());
            }
        }
        response = not_modified;
    }
    for (name, value) in validators {
        if let Some(value) = value {
            response.headers_mut().insert(name, value);
        }
    }
    // A write may change the data at any moment: caches ask again every time (a 304 is cheap)
    // rather than guess a freshness from Last-Modified.
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache"));
    response
}

/// [`respond`] for a response whose body is computed per request: the tag is that of its
/// bytes, read whole here (small documents only: descriptions, not dumps).
pub async fn respond_with_body(
    request: &HeaderMap,
    last_modified: SystemTime,
    response: Response,
) -> Response {
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => {
            return crate::http::error::Error::Internal(format!("reading a description: {e}"))
                .into_response()
        }
    };
    let tag = etag(&bytes);
    respond(
        request,
        &tag,
        last_modified,
        Response::from_parts(parts, Body::from(bytes)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn validators_decide_freshness() {
        let tag = etag(b"data");
        assert_eq!(tag, etag(b"data"));
        assert_ne!(tag, etag(b"other"));
        let modified = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let date = httpdate::fmt_http_date(modified);
        let earlier = httpdate::fmt_http_date(modified - Duration::from_secs(1));
        assert!(is_fresh(
            &headers(&[("if-none-match", &tag)]),
            &tag,
            modified
        ));
        let weak = format!("\"x\", W/{tag}");
        assert!(is_fresh(
            &headers(&[("if-none-match", &weak)]),
            &tag,
            modified
        ));
        assert!(is_fresh(
            &headers(&[("if-none-match", "*")]),
            &tag,
            modified
        ));
        assert!(!is_fresh(
            &headers(&[("if-none-match", "\"x\"")]),
            &tag,
            modified
        ));
        assert!(is_fresh(
            &headers(&[("if-modified-since", &date)]),
            &tag,
            modified
        ));
        assert!(!is_fresh(
            &headers(&[("if-modified-since", &earlier)]),
            &tag,
            modified
        ));
        assert!(!is_fresh(
            &headers(&[("if-modified-since", "yesterday")]),
            &tag,
            modified
        ));
        // If-None-Match wins over If-Modified-Since.
        let both = headers(&[("if-none-match", "\"x\""), ("if-modified-since", &date)]);
        assert!(!is_fresh(&both, &tag, modified));
        assert!(!is_fresh(&HeaderMap::new(), &tag, modified));
    }
}
