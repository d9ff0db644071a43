//! Who may write: the service's write token (`--write-token`, `--write-token-file`), held as a
//! SHA-256 digest and compared in constant time, and the [`WriteGrant`] that a write needs:
//! only [`WriteAccess::grant`] makes one, and `AppState::write` takes one, so no write can run
//! without the check. How the token arrives (a Bearer header) is the HTTP layer's business.

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
}

/// What a request presented as its write token.
#[derive(Debug, Clone, Copy)]
pub enum Credentials<'a> {
    /// No token at all (or another scheme than Bearer).
    Missing,
    /// Something that cannot be a token (not readable text).
    Unreadable,
    /// A Bearer token.
    Bearer(&'a str),
}

/// Why a write may not go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// No write token is configured: nobody writes.
    #[error("this service is read-only: writes need a persistent store and a write token")]
    ReadOnly,
    /// The request brought no token.
    #[error("writes need the service's write token")]
    MissingToken,
    /// The request brought a token, and it is not the configured one.
    #[error("the write token is not valid")]
    WrongToken,
    /// The token is right, but the store would not keep the write (not on disk).
    #[error("the graph is not a persistent store, so it cannot keep writes")]
    NotPersistent,
}

/// Permission for one write, from [`WriteAccess::grant`]; `AppState::write` consumes it.
#[derive(Debug)]
pub struct WriteGrant {
    /// Private, so no other module can make one.
    _checked: (),
}

/// Decides whether a write goes on. Without a configured token nobody writes; with one, the
/// request must carry it before anything else is said about the service; and only a
/// persistent store keeps what is written, so on any other a valid token is still refused.
pub fn grant(
    access: Option<&WriteAccess>,
    credentials: Credentials<'_>,
    persistent: bool,
) -> Result<WriteGrant, Denied> {
    let access = access.ok_or(Denied::ReadOnly)?;
    let offered = match credentials {
        Credentials::Missing => return Err(Denied::MissingToken),
        Credentials::Unreadable => return Err(Denied::WrongToken),
        Credentials::Bearer(token) => token.trim(),
    };
    if offered.is_empty() {
        return Err(Denied::MissingToken);
    }
    let digest: [u8; 32] = Sha256::digest(offered.as_bytes()).into();
    if !bool::from(digest.ct_eq(&access.digest)) {
        return Err(Denied::WrongToken);
    }
    if !persistent {
        return Err(Denied::NotPersistent);
    }
    Ok(WriteGrant { _checked: () })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123";

    #[test]
    fn only_the_configured_token_on_a_persistent_store_is_granted() {
        let access = WriteAccess::new(&TOKEN.parse().unwrap());
        let ask = |credentials, persistent| grant(Some(&access), credentials, persistent).err();
        assert_eq!(ask(Credentials::Bearer(TOKEN), true), None);
        let padded = format!(" {TOKEN} ");
        assert_eq!(ask(Credentials::Bearer(&padded), true), None);
        assert_eq!(
            ask(Credentials::Bearer(TOKEN), false),
            Some(Denied::NotPersistent)
        );
        assert_eq!(
            ask(Credentials::Bearer("0123456789abcdef012"), true),
            Some(Denied::WrongToken)
        );
        assert_eq!(
            ask(Credentials::Bearer(""), true),
            Some(Denied::MissingToken)
        );
        assert_eq!(ask(Credentials::Missing, true), Some(Denied::MissingToken));
        assert_eq!(ask(Credentials::Unreadable, true), Some(Denied::WrongToken));
        assert_eq!(
            grant(None, Credentials::Bearer(TOKEN), true).err(),
            Some(Denied::ReadOnly),
            "no token configured: read-only, whatever the request brings"
        );
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
