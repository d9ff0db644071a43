//! The write token as HTTP carries it: `Authorization: Bearer <token>` read from the request
//! (RFC 6750), the decision left to `service::access`, and its refusals worded as statuses
//! (read-only service → 403, no or wrong token → 401, not persistent → 403).

use crate::http::error::{Error, Result};
use crate::service::access::{self, Credentials, Denied, WriteGrant};
use crate::service::state::AppState;
use axum::http::{header, HeaderMap};

/// The credentials a request brings: the token of a Bearer `Authorization` header.
fn credentials(headers: &HeaderMap) -> Credentials<'_> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Credentials::Missing;
    };
    let Ok(value) = value.to_str() else {
        return Credentials::Unreadable;
    };
    match value.trim().split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            Credentials::Bearer(token)
        }
        _ => Credentials::Missing,
    }
}

/// Lets a write request go on with a [`WriteGrant`], or says why not.
pub fn authorize_write(state: &AppState, headers: &HeaderMap) -> Result<WriteGrant> {
    let credentials = credentials(headers);
    access::grant(
        state.write_access.as_ref(),
        credentials,
        state.store.is_persistent(),
    )
    .map_err(|denied| refusal(denied, credentials))
}

/// A refusal as the client reads it.
fn refusal(denied: Denied, credentials: Credentials<'_>) -> Error {
    match denied {
        Denied::ReadOnly => Error::Forbidden(
            "this service is read-only: writes need a persistent store (--store DIR) and a \
             write token (--write-token)"
                .to_owned(),
        ),
        Denied::MissingToken => Error::Unauthorized {
            message: "writes need the service's write token: send it as \
                      'Authorization: Bearer <token>'",
            invalid_token: false,
        },
        Denied::WrongToken if matches!(credentials, Credentials::Unreadable) => {
            Error::Unauthorized {
                message: "the Authorization header is not readable text",
                invalid_token: true,
            }
        }
        Denied::WrongToken => Error::Unauthorized {
            message: "the write token is not valid",
            invalid_token: true,
        },
        Denied::NotPersistent => Error::Forbidden(
            "this service is read-only: its graph is not a persistent store (--store DIR), so \
             it cannot keep writes"
                .to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::access::{WriteAccess, WriteToken};
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
        let token: WriteToken = TOKEN.parse().unwrap();
        let access = WriteAccess::new(&token);
        let headers = headers(authorization);
        let credentials = credentials(&headers);
        match access::grant(Some(&access), credentials, true) {
            Ok(_) => None,
            Err(denied) => match refusal(denied, credentials) {
                Error::Unauthorized { invalid_token, .. } => Some(invalid_token),
                other => panic!("unexpected error {other}"),
            },
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
}
