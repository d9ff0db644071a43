//! The static files of the web pages (`/assets/…`): our style sheet and scripts and the vendored
//! CodeMirror, compiled into the binary so the service needs no CDN and no files beside it.

use crate::http::error::{Error, Result};
use crate::service::state::AppState;
use axum::extract::{Path, RawQuery};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::OnceLock;

/// One file served under `/assets/`.
struct Asset {
    name: &'static str,
    media_type: &'static str,
    bytes: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

const ASSETS: &[Asset] = &[
    Asset {
        name: "site.css",
        media_type: CSS,
        bytes: include_bytes!("../../web/site.css"),
    },
    Asset {
        name: "ask.js",
        media_type: JS,
        bytes: include_bytes!("../../web/ask.js"),
    },
    Asset {
        name: "query.js",
        media_type: JS,
        bytes: include_bytes!("../../web/query.js"),
    },
    Asset {
        name: "vendor/codemirror/codemirror.js",
        media_type: JS,
        bytes: include_bytes!("../../web/vendor/codemirror/codemirror.js"),
    },
    Asset {
        name: "vendor/codemirror/codemirror.css",
        media_type: CSS,
        bytes: include_bytes!("../../web/vendor/codemirror/codemirror.css"),
    },
    Asset {
        name: "vendor/codemirror/sparql.js",
        media_type: JS,
        bytes: include_bytes!("../../web/vendor/codemirror/sparql.js"),
    },
    Asset {
        name: "vendor/codemirror/LICENSE",
        media_type: "text/plain; charset=utf-8",
        bytes: include_bytes!("../../web/vendor/codemirror/LICENSE"),
    },
];

/// A year: a URL that carries the file's current fingerprint never changes content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Without the fingerprint (or with an old one) the file may change with the next release.
const SHORT: &str = "public, max-age=300";

pub fn router() -> Router<AppState> {
    Router::new().route("/assets/{*path}", get(serve))
}

async fn serve(Path(path): Path<String>, RawQuery(raw): RawQuery) -> Result<Response> {
    let (index, asset) = ASSETS
        .iter()
        .enumerate()
        .find(|(_, asset)| asset.name == path)
        .ok_or_else(|| Error::NotFound(format!("there is no asset {path:?}")))?;
    let version = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(name, _)| name == "v")
        .map(|(_, value)| value.into_owned());
    let fingerprint = fingerprints().get(index).map(String::as_str);
    let cache = if version.is_some() && version.as_deref() == fingerprint {
        IMMUTABLE
    } else {
        SHORT
    };
    Ok((
        [
            (header::CONTENT_TYPE, asset.media_type),
            (header::CACHE_CONTROL, cache),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        asset.bytes,
    )
        .into_response())
}

/// The URL pages use for an asset: with a fingerprint of its content, so browsers may cache it
/// for good and still fetch the new file after an upgrade.
pub fn url(name: &str) -> String {
    match ASSETS.iter().position(|asset| asset.name == name) {
        Some(index) => match fingerprints().get(index) {
            Some(fingerprint) => format!("/assets/{name}?v={fingerprint}"),
            None => format!("/assets/{name}"),
        },
        // A page naming an asset that does not exist is a bug; the plain URL makes it a visible
        // 404 in the browser rather than a failed page.
        None => format!("/assets/{name}"),
    }
}

fn fingerprints() -> &'static [String] {
    static FINGERPRINTS: OnceLock<Vec<String>> = OnceLock::new();
    FINGERPRINTS.get_or_init(|| {
        ASSETS
            .iter()
            .map(|asset| format!("{:016x}", fnv1a(asset.bytes)))
            .collect()
    })
}

/// FNV-1a, 64 bits: stable across builds and platforms, unlike std's `DefaultHasher`, which is
/// all a cache key needs.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn urls_carry_the_fingerprint() {
        let url = url("site.css");
        assert!(url.starts_with("/assets/site.css?v="), "{url}");
        assert_eq!(url.len(), "/assets/site.css?v=".len() + 16);
    }
}
