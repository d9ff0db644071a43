//! Strict `application/x-www-form-urlencoded`: what a URL's query string or a form body decodes
//! to must be UTF-8.
//!
//! The usual decoders replace bytes that are not UTF-8 with U+FFFD, so a request would run
//! something other than what was sent (a `%FF` inside a SPARQL literal becomes another
//! string). Checked once, by `limits::Guard` for query strings and by the routes that read form
//! bodies, after which the lossy decoders are exact.

use crate::http::error::{Error, Result};

/// `Ok` when every name and value of `encoded` decodes to UTF-8; otherwise a 400 that names
/// the first parameter that does not.
pub fn check_utf8(encoded: &[u8]) -> Result<()> {
    if encoded.is_ascii() && !encoded.contains(&b'%') {
        return Ok(());
    }
    for pair in encoded.split(|&b| b == b'&') {
        let (name, value) = match pair.iter().position(|&b| b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &pair[..0]),
        };
        let name_ok = decodes(name);
        if !(name_ok && decodes(value)) {
            let shown = if name_ok {
                percent_encoding::percent_decode(name)
                    .decode_utf8_lossy()
                    .replace('+', " ")
            } else {
                String::from_utf8_lossy(name).into_owned()
            };
            return Err(Error::BadRequest(format!(
                "parameter {shown:?}: its percent-encoded bytes are not UTF-8 (encode text as \
                 UTF-8 before percent-encoding it)"
            )));
        }
    }
    Ok(())
}

fn decodes(part: &[u8]) -> bool {
    let decoded: Vec<u8> = percent_encoding::percent_decode(part).collect();
    std::str::from_utf8(&decoded).is_ok()
}

/// Adds one `format`-like value to the list the request carries (comma-joined, in order).
pub fn push_format(list: &mut Option<String>, value: String) {
    match list {
        Some(list) => {
            list.push(',');
            list.push_str(&value);
        }
        None => *list = Some(value),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn accepts_utf8_and_names_the_parameter_that_is_not() {
        check_utf8(b"q=caf%C3%A9&lang=nl").unwrap();
        check_utf8("q=café".as_bytes()).unwrap();
        check_utf8(b"").unwrap();
        let error = check_utf8(b"lang=nl&q=%FF%FE").unwrap_err().to_string();
        assert!(error.contains("\"q\""), "{error}");
        let error = check_utf8(b"query=ASK%7B%7D&%FF=1")
            .unwrap_err()
            .to_string();
        assert!(error.contains("not UTF-8"), "{error}");
        assert!(check_utf8(b"q=\xff").is_err());
    }
}
