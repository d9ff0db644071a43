//! Content negotiation: an `Accept` header (q-values, wildcards) or a `format` parameter picks one
//! of the representations a route offers. Every route that has more than one representation uses
//! [`negotiate`], so SPARQL results, RDF and HTML follow the same rules.

use crate::http::error::{Error, Result};
use crate::store::formats::Offer;
use axum::http::{header, HeaderMap};

/// One entry of an `Accept` header.
#[derive(Debug)]
struct MediaRange<'a> {
    kind: &'a str,
    subtype: &'a str,
    q: f32,
}

impl MediaRange<'_> {
    /// How specific this range is for the media type, or `None` when it does not match.
    /// `type/subtype` beats `type/*`, which beats `*/*`.
    fn specificity(&self, media_type: &str) -> Option<u8> {
        let (kind, subtype) = media_type.split_once('/')?;
        match (self.kind, self.subtype) {
            ("*", "*") => Some(0),
            (k, "*") if k.eq_ignore_ascii_case(kind) => Some(1),
            (k, s) if k.eq_ignore_ascii_case(kind) && s.eq_ignore_ascii_case(subtype) => Some(2),
            _ => None,
        }
    }
}

fn parse_accept(accept: &str) -> Vec<MediaRange<'_>> {
    accept
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let range = parts.next()?.trim();
            let (kind, subtype) = range.split_once('/')?;
            let mut q = 1.0;
            for param in parts {
                if let Some((name, value)) = param.split_once('=') {
                    if name.trim().eq_ignore_ascii_case("q") {
                        // A malformed q-value makes the range unusable rather than preferred.
                        q = value.trim().parse::<f32>().unwrap_or(0.0).clamp(0.0, 1.0);
                    }
                }
            }
            Some(MediaRange {
                kind: kind.trim(),
                subtype: subtype.trim(),
                q,
            })
        })
        .collect()
}

/// The q-value the header gives a media type: that of the most specific matching range.
fn quality(ranges: &[MediaRange<'_>], media_type: &str) -> f32 {
    ranges
        .iter()
        .filter_map(|range| Some((range.specificity(media_type)?, range.q)))
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map_or(0.0, |(_, q)| q)
}

/// Picks a representation.
///
/// A `format` parameter wins over the header (links people click cannot set headers); it may be
/// a short name (`json`, `turtle`, `n3`, …) or a media type, or several of them separated by
/// commas (SPARQLWrapper sends `format=application/ld+json,application/x-json+ld`, and a
/// repeated `format`, `output` or `results` arrives joined the same way): the first one this
/// route produces is used. Values that name nothing the route produces (a typo, an empty value,
/// `csv` for a graph, a client's default sent to every route) are hints, not commands: the
/// `Accept` header decides then, as Jena Fuseki does, so a client's habit never turns an
/// acceptable request into an error. Without either, the first offer is the default. Among
/// offers the header accepts equally, the earlier offer wins, so each route lists its offers in
/// its own order of preference.
pub fn negotiate<T: Copy>(
    headers: &HeaderMap,
    format: Option<&str>,
    offers: &[Offer<T>],
) -> Result<Offer<T>> {
    let named = format.into_iter().flat_map(|f| f.split(',')).map(str::trim);
    for value in named.filter(|v| !v.is_empty()) {
        let found = offers.iter().find(|offer| {
            offer.media_type.eq_ignore_ascii_case(value)
                || offer.names.iter().any(|n| n.eq_ignore_ascii_case(value))
        });
        if let Some(offer) = found {
            return Ok(*offer);
        }
    }
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let first = offers
        .first()
        .copied()
        .ok_or_else(|| Error::Internal("a route offers no representation".to_owned()))?;
    if accept.trim().is_empty() {
        return Ok(first);
    }
    let ranges = parse_accept(&accept);
    let mut best: Option<(f32, Offer<T>)> = None;
    for offer in offers {
        let q = quality(&ranges, offer.media_type);
        if q > 0.0 && best.as_ref().is_none_or(|(best_q, _)| q > *best_q) {
            best = Some((q, *offer));
        }
    }
    best.map(|(_, offer)| offer)
        .ok_or_else(|| Error::NotAcceptable {
            offered: offers.iter().map(|o| o.media_type).collect(),
        })
}

/// The request's `Content-Type` as sent (for messages) and its media type alone, lower-cased
/// and without parameters (for matching): `("application/sparql-query; charset=UTF-8",
/// "application/sparql-query")`.
pub fn content_type(headers: &HeaderMap) -> (&str, String) {
    let sent = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = sent
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    (sent, essence)
}

/// Refuses a `Content-Type` whose `charset` parameter names anything but UTF-8: SPARQL text and
/// the RDF formats the service reads are UTF-8 (SPARQL 1.1 Protocol 2.1.2, 2.2.2), and a body
/// in another encoding would otherwise be read as garbled UTF-8. No charset means UTF-8.
pub fn check_charset_utf8(content_type: &str) -> Result<()> {
    let charset = content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"'))
    });
    match charset {
        Some(charset) if !charset.eq_ignore_ascii_case("utf-8") => {
            Err(Error::UnsupportedMediaType {
                got: content_type.to_owned(),
                expected: "the same media type in UTF-8 (charset=utf-8, or no charset)",
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_utf8_bodies_are_read() {
        for fine in [
            "application/sparql-query",
            "application/sparql-query; charset=UTF-8",
            "text/turtle;charset=\"utf-8\"",
            "multipart/form-data; boundary=x",
        ] {
            assert!(check_charset_utf8(fine).is_ok(), "{fine}");
        }
        for refused in [
            "application/sparql-query; charset=UTF-16",
            "text/turtle; charset=latin1",
        ] {
            let error = check_charset_utf8(refused).unwrap_err();
            assert_eq!(
                error.status(),
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE
            );
            assert!(error.to_string().contains("UTF-8"), "{error}");
        }
    }

    const OFFERS: &[Offer<u8>] = &[
        Offer::new("application/sparql-results+json", &["json", "srj"], 1),
        Offer::new("application/json", &[], 1),
        Offer::new("application/sparql-results+xml", &["xml", "srx"], 2),
        Offer::new("text/csv", &["csv"], 3),
        Offer::new("text/tab-separated-values", &["tsv"], 4),
    ];

    fn pick(accept: Option<&str>, format: Option<&str>) -> Result<u8> {
        let mut headers = HeaderMap::new();
        if let Some(accept) = accept {
            headers.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
        }
        negotiate(&headers, format, OFFERS).map(|o| o.value)
    }

    #[test]
    fn table() {
        let cases: &[(Option<&str>, Option<&str>, Option<u8>)] = &[
            (None, None, Some(1)),
            (Some("*/*"), None, Some(1)),
            (Some("text/csv"), None, Some(3)),
            (Some("text/*"), None, Some(3)),
            (
                Some("application/sparql-results+json,application/json;q=0.9,*/*;q=0.1"),
                None,
                Some(1),
            ),
            (Some("application/sparql-results+xml"), None, Some(2)),
            (
                Some("text/csv;q=0.5, application/sparql-results+xml;q=0.9"),
                None,
                Some(2),
            ),
            (Some("text/csv, */*;q=0"), None, Some(3)),
            (Some("TEXT/CSV"), None, Some(3)),
            (Some("image/png"), None, None),
            (Some("text/csv;q=0"), None, None),
            (Some("text/csv"), Some("tsv"), Some(4)),
            (None, Some("text/tab-separated-values"), Some(4)),
            (
                Some("text/*;q=0.2, text/tab-separated-values"),
                None,
                Some(4),
            ),
        ];
        for (accept, format, expected) in cases {
            assert_eq!(
                pick(*accept, *format).ok(),
                *expected,
                "Accept: {accept:?}, format: {format:?}"
            );
        }
    }

    #[test]
    fn an_unknown_or_empty_format_falls_back_to_accept() {
        assert_eq!(pick(None, Some("yaml")).ok(), Some(1));
        assert_eq!(pick(Some("text/csv"), Some("yaml")).ok(), Some(3));
        assert_eq!(pick(Some("text/csv"), Some(" ")).ok(), Some(3));
        assert!(matches!(
            pick(Some("image/png"), Some("yaml")),
            Err(Error::NotAcceptable { .. })
        ));
    }

    #[test]
    fn a_list_of_formats_takes_the_first_one_offered() {
        assert_eq!(pick(None, Some("yaml, tsv, csv")).ok(), Some(4));
        assert_eq!(pick(None, Some("csv,csv,csv")).ok(), Some(3));
        assert_eq!(
            pick(Some("text/csv"), Some("text/x-unknown,xml")).ok(),
            Some(2)
        );
    }

    #[test]
    fn not_acceptable_lists_offers() {
        let err = pick(Some("image/png"), None).unwrap_err().to_string();
        assert!(err.contains("text/csv"), "{err}");
    }
}
