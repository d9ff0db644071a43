//! Who may write: the service's write token (`--write-token`, `--write-token-file`), sent as
//! `Authorization: Bearer <token>` and compared in constant time; and the rule that decides
//! whether a write request goes on at all (read-only service → 403, no or wrong token → 401).

use crate::http::error::{Error, Result};
use crate::AppState;
use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};
use std::path::Path;
use subtle::ConstantTimeEq;

/// Fewer characters than this cannot be a token worth the name; the start-up refuses it.
pub const MIN_TOKEN_CHARS: usize = 16;

/// The configured write token. Its `Debug` never shows the value, so logging the parsed
/// command line cannot leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct WriteToken(String);

impl std::fmt::Debug for WriteToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriteToken(<redacted>)")
    }
}

impl std::str::FromStr for WriteToken {
    type Err = String;

    /// Accepts an RFC 6750 `b64token` (letters, digits, `-._~+/`, trailing `=`) of at least
    /// [`MIN_TOKEN_CHARS`] characters: anything else could not be sent in a Bearer header, or
    /// would be easy to guess.
    fn from_str(token: &str) -> Result<Self, String> {
        let body = token.trim_end_matches('=');
        let valid = !body.is_empty()
            && body
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~+/".contains(c));
        if !valid {
            return Err(
                "the write token may only hold letters, digits and -._~+/ (e.g. the output of \
                 `openssl rand -hex 32`)"
                    .to_owned(),
            );
        }
        if token.chars().count() < MIN_TOKEN_CHARS {
            return Err(format!(
                "the write token is too short: use at least {MIN_TOKEN_CHARS} characters \
                 (e.g. the output of `openssl rand -hex 32`)"
            ));
        }
        Ok(Self(token.to_owned()))
    }
}

impl WriteToken {
    /// Reads the token from a file (`--write-token-file`), so it never appears in `ps` or in
    /// the environment. Surrounding whitespace (the final newline of `echo`) is not part of it.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read --write-token-file {}: {e}", path.display()))?;
        text.trim()
            .parse()
            .map_err(|e| format!("--write-token-file {}: {e}", path.display()))
    }
}

/// What a request's token is checked against: the SHA-256 digest of the configured token.
///
/// Both sides are hashed first and the two 32-byte digests are compared with `subtle`'s
/// `ConstantTimeEq`, so the time taken depends neither on how many leading characters of a
/// guess are right nor on the guess's length (comparing the raw strings would end early at a
/// length mismatch and reveal the token's length).
#[derive(Clone)]
pub struct WriteAccess {
    digest: [u8; 32],
}

impl std::fmt::Debug for WriteAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriteAccess(<redacted>)")
    }
}

impl WriteAccess {
    pub fn new(token: &WriteToken) -> Self {
        Self {
            digest: Sha256::digest(token.0.as_bytes()).into(),
        }
    }

    /// Accepts the request when its `Authorization: Bearer` token is the configured one.
    pub fn check(&self, headers: &HeaderMap) -> Result<()> {
        let missing = Error::Unauthorized {
            message: "writes need the service's write token: send it as \
                      'Authorization: Bearer <token>'",
            invalid_token: false,
        };
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Err(missing);
        };
        let value = value.to_str().map_err(|_| Error::Unauthorized {
            message: "the Authorization header is not readable text",
            invalid_token: true,
        })?;
        let Some((scheme, token)) = value.trim().split_once(' ') else {
            return Err(missing);
        };
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(missing);
        }
        let offered: [u8; 32] = Sha256::digest(token.trim().as_bytes()).into();
        if bool::from(offered.ct_eq(&self.digest)) {
            Ok(())
        } else {
            Err(Error::Unauthorized {
                message: "the write token is not valid",
                invalid_token: true,
            })
        }
    }
}

/// Lets a write request go on, or says why not.
///
/// Without a configured token nobody can write: 403, the service is read-only. With one, the
/// request must carry it (401 otherwise) before anything else is said about the service; and
/// only a persistent store keeps what is written, so on any other a valid token still gets 403.
pub fn authorize_write(state: &AppState, headers: &HeaderMap) -> Result<()> {
    let Some(access) = &state.write_access else {
        return Err(Error::Forbidden(
            "this service is read-only: writes need a persistent store (--store DIR) and a \
             write token (--write-token)"
                .to_owned(),
        ));
    };
    access.check(headers)?;
    if !state.store.is_persistent() {
        return Err(Error::Forbidden(
            "this service is read-only: its graph is not a persistent store (--store DIR), so \
             it cannot keep writes"
                .to_owned(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const TOKEN: &str = "0123456789abcdef0123";

    fn headers(authorization: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(value) = authorization {
            headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn check(authorization: Option<&str>) -> Option<bool> {
        let access = WriteAccess::new(&TOKEN.parse().unwrap());
        match access.check(&headers(authorization)) {
            Ok(()) => None,
            Err(Error::Unauthorized { invalid_token, .. }) => Some(invalid_token),
            Err(other) => panic!("unexpected error {other}"),
        }
    }

    #[test]
    fn bearer_token_must_match() {
        assert_eq!(check(Some(&format!("Bearer {TOKEN}"))), None);
        assert_eq!(check(Some(&format!("bearer  {TOKEN} "))), None);
        assert_eq!(check(None), Some(false), "missing");
        assert_eq!(check(Some(&format!("Basic {TOKEN}"))), Some(false));
        assert_eq!(check(Some("Bearer")), Some(false));
        assert_eq!(check(Some("Bearer 0123456789abcdef012")), Some(true));
        assert_eq!(check(Some(&format!("Bearer {TOKEN}4"))), Some(true));
        assert_eq!(
            check(Some("Bearer ")),
            Some(false),
            "no token after the scheme"
        );
        assert_eq!(check(Some("Bearer x y")), Some(true));
    }

    #[test]
    fn tokens_are_checked_at_start_up() {
        assert!("short".parse::<WriteToken>().is_err());
        assert!("has spaces in the middle".parse::<WriteToken>().is_err());
        assert!("".parse::<WriteToken>().is_err());
        assert!("================".parse::<WriteToken>().is_err());
        assert!("abcdefghijklmnop==".parse::<WriteToken>().is_ok());
        let token: WriteToken = TOKEN.parse().unwrap();
        assert!(!format!("{token:?}").contains(TOKEN));
    }

    #[test]
    fn token_file_drops_the_final_newline() {
        let path = std::env::temp_dir().join(format!("factgraph-token-{}", std::process::id()));
        std::fs::write(&path, format!("{TOKEN}\n")).unwrap();
        let token = WriteToken::from_file(&path);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(token.unwrap(), TOKEN.parse().unwrap());
        let missing = WriteToken::from_file(Path::new("/nonexistent/token"));
        assert!(missing.unwrap_err().contains("/nonexistent/token"));
    }
}
