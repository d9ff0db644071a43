//! Request paths and IRIs: the path of a request under the base IRI, and back, with the
//! percent-encoding an IRI allows (non-ASCII as is, reserved ASCII encoded).

use crate::http::error::{Error, Result};
use crate::store::model::NamedNode;

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
