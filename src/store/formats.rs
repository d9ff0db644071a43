//! The one table of formats: every RDF and SPARQL results media type the service serves or
//! reads, the aliases clients send, the `format=` names, the file extensions, and the Oxigraph
//! format each stands for. Routes, dumps, the remote backend and the command line take their
//! formats from here; [`crate::http::negotiate::negotiate`] picks among the offers built from it.
//!
//! Oxigraph already knows most of this (`RdfFormat::from_media_type`, `from_extension`,
//! `QueryResultsFormat::from_media_type`), so the tables hold the media types, the names and
//! only what Oxigraph reads otherwise than the service does. The unit tests below run the tables
//! both ways; `tests/formats_in_one_place.rs` keeps these media types and names out of the other
//! source files.

use oxigraph::io::{JsonLdProfileSet, RdfFormat};
use oxigraph::sparql::results::QueryResultsFormat;

/// One representation a route can produce: its media type, the short names a `format=`
/// parameter may use for it, and the value the route wants back when it is chosen.
#[derive(Debug, Clone, Copy)]
pub struct Offer<T> {
    pub media_type: &'static str,
    pub names: &'static [&'static str],
    pub value: T,
}

impl<T> Offer<T> {
    pub const fn new(media_type: &'static str, names: &'static [&'static str], value: T) -> Self {
        Self {
            media_type,
            names,
            value,
        }
    }

    /// The same media type and names for another value (a route's own type for a format).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Offer<U> {
        Offer::new(self.media_type, self.names, f(self.value))
    }
}

/// JSON-LD as the service writes and reads it: no profile.
pub const JSON_LD: RdfFormat = RdfFormat::JsonLd {
    profile: JsonLdProfileSet::empty(),
};

/// What a graph is written as when nothing else is asked for (the first RDF offer).
pub const PREFERRED_RDF: RdfFormat = RdfFormat::Turtle;
/// What SELECT and ASK results are written as when nothing else is asked for.
pub const PREFERRED_RESULTS: QueryResultsFormat = QueryResultsFormat::Json;

/// What one RDF media type is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Served when asked for, and read from request bodies that carry it.
    ServedAndRead,
    /// An alias clients ask for, served but never read: a body so labelled is not necessarily
    /// the format (N3 is more than Turtle, `text/plain` is anything), and `application/x-json+ld`
    /// bodies have never been accepted.
    Served,
    /// JSON-LD as plain `application/json`: served only where a route offers it (the Linked
    /// Data pages, see [`PlainJson`]), and there the name `json` chooses it.
    PlainJson,
}

/// One RDF media type.
#[derive(Debug, Clone, Copy)]
struct RdfType {
    media_type: &'static str,
    /// The `format=` names that choose it.
    names: &'static [&'static str],
    /// The format, where `RdfFormat::from_media_type` reads the media type otherwise or not at
    /// all; `None` takes Oxigraph's reading.
    reads_as: Option<RdfFormat>,
    role: Role,
}

impl RdfType {
    const fn new(media_type: &'static str, names: &'static [&'static str], role: Role) -> Self {
        Self {
            media_type,
            names,
            reads_as: None,
            role,
        }
    }

    fn format(&self) -> Option<RdfFormat> {
        self.reads_as
            .or_else(|| RdfFormat::from_media_type(self.media_type))
    }
}

/// The names of plain JSON where a route offers it; elsewhere they name `application/ld+json`.
const PLAIN_JSON_NAMES: &[&str] = &["json"];

/// Every RDF media type, in the service's order of preference (a route's offers keep it, and
/// among media types a client accepts equally the earlier wins): the preferred media type of
/// each format first, then the aliases.
const RDF: &[RdfType] = &[
    RdfType::new("text/turtle", &["turtle", "ttl", "n3"], Role::ServedAndRead),
    RdfType::new(
        "application/n-triples",
        &["ntriples", "nt"],
        Role::ServedAndRead,
    ),
    // `json` last: where plain JSON is offered it is taken off here (see `rdf_offers`).
    RdfType::new(
        "application/ld+json",
        &["jsonld", "json-ld", "json"],
        Role::ServedAndRead,
    ),
    RdfType::new("application/json", PLAIN_JSON_NAMES, Role::PlainJson),
    RdfType::new(
        "application/rdf+xml",
        &["rdfxml", "rdf", "xml"],
        Role::ServedAndRead,
    ),
    RdfType::new(
        "application/n-quads",
        &["nquads", "nq"],
        Role::ServedAndRead,
    ),
    RdfType::new("application/trig", &["trig"], Role::ServedAndRead),
    RdfType::new("application/x-turtle", &[], Role::ServedAndRead),
    // Turtle is N3 without N3's extensions: what asks for N3 reads it. Oxigraph reads text/n3
    // as N3, which the service never writes.
    RdfType {
        reads_as: Some(RdfFormat::Turtle),
        ..RdfType::new("text/n3", &[], Role::Served)
    },
    // Oxigraph drops `x-` and does not know `json+ld`.
    RdfType {
        reads_as: Some(JSON_LD),
        ..RdfType::new("application/x-json+ld", &[], Role::Served)
    },
    RdfType::new("text/plain", &[], Role::Served),
];

/// The extensions of RDF files the loader reads beyond each loaded format's own
/// (`RdfFormat::file_extension`: ttl, trig, nt, nq, rdf).
const EXTRA_LOAD_EXTENSIONS: &[(&str, RdfFormat)] = &[("owl", RdfFormat::RdfXml)];

/// The formats the loader reads, by their own extensions.
const LOADED: &[RdfFormat] = &[
    RdfFormat::Turtle,
    RdfFormat::TriG,
    RdfFormat::NTriples,
    RdfFormat::NQuads,
    RdfFormat::RdfXml,
];

/// One SPARQL results media type; `QueryResultsFormat::from_media_type` reads each as the
/// service does.
#[derive(Debug, Clone, Copy)]
struct ResultsType {
    media_type: &'static str,
    /// The `format=` names that choose it.
    names: &'static [&'static str],
}

/// Every results media type, in the service's order of preference. The plain `application/…`
/// aliases sit right after their format's own, so a client that accepts both equally gets the
/// one it names first in this order (and the media type it asked for).
const RESULTS: &[ResultsType] = &[
    ResultsType {
        media_type: "application/sparql-results+json",
        names: &["json", "srj"],
    },
    ResultsType {
        media_type: "application/json",
        names: &[],
    },
    ResultsType {
        media_type: "application/sparql-results+xml",
        names: &["xml", "srx"],
    },
    ResultsType {
        media_type: "application/xml",
        names: &[],
    },
    ResultsType {
        media_type: "text/csv",
        names: &["csv"],
    },
    ResultsType {
        media_type: "text/tab-separated-values",
        names: &["tsv"],
    },
];

/// Whether a route also offers JSON-LD as plain `application/json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlainJson {
    Offered,
    NotOffered,
}

/// The offers of a route that serves `formats` (a set; the table decides the order): every
/// media type of those formats with its names. With plain JSON offered, `json` names it rather
/// than `application/ld+json`, so a name still picks one offer.
pub fn rdf_offers(formats: &[RdfFormat], plain_json: PlainJson) -> Vec<Offer<RdfFormat>> {
    RDF.iter()
        .filter(|row| row.role != Role::PlainJson || plain_json == PlainJson::Offered)
        .filter_map(|row| {
            let format = row.format().filter(|f| formats.contains(f))?;
            let names = match plain_json {
                PlainJson::Offered if row.role != Role::PlainJson => row
                    .names
                    .strip_suffix(PLAIN_JSON_NAMES)
                    .unwrap_or(row.names),
                _ => row.names,
            };
            Some(Offer::new(row.media_type, names, format))
        })
        .collect()
}

/// The offers of SELECT and ASK results: every results media type with its names.
pub fn results_offers() -> Vec<Offer<QueryResultsFormat>> {
    RESULTS
        .iter()
        .filter_map(|row| {
            let format = QueryResultsFormat::from_media_type(row.media_type)?;
            Some(Offer::new(row.media_type, row.names, format))
        })
        .collect()
}

/// The media type a format is served as: the table's first for it, or Oxigraph's for a format
/// the table lacks (N3, which the service never writes).
pub fn rdf_media_type(format: RdfFormat) -> &'static str {
    RDF.iter()
        .find(|row| row.format() == Some(format))
        .map_or(format.media_type(), |row| row.media_type)
}

/// The media type results in `format` are served as (Oxigraph's own adds a charset to CSV and
/// TSV, which the service has never sent).
pub fn results_media_type(format: QueryResultsFormat) -> &'static str {
    RESULTS
        .iter()
        .find(|row| QueryResultsFormat::from_media_type(row.media_type) == Some(format))
        .map_or(format.media_type(), |row| row.media_type)
}

/// The format `format=<name>` chooses among all RDF media types (the command line's
/// `--format`), if any.
pub fn rdf_named(name: &str) -> Option<RdfFormat> {
    RDF.iter()
        .find(|row| row.names.contains(&name))
        .and_then(RdfType::format)
}

/// The results format `format=<name>` chooses, if any.
pub fn results_named(name: &str) -> Option<QueryResultsFormat> {
    RESULTS
        .iter()
        .find(|row| row.names.contains(&name))
        .and_then(|row| QueryResultsFormat::from_media_type(row.media_type))
}

/// The name a page's links use for a format (its first).
pub fn rdf_name(format: RdfFormat) -> Option<&'static str> {
    RDF.iter()
        .find(|row| row.format() == Some(format))
        .and_then(|row| row.names.first().copied())
}

/// The format of a request body by its media type (the essence, lower case), if the service
/// reads bodies of that type at all. Quad formats are included; whether a route takes them is
/// the route's choice.
pub fn rdf_of_body(essence: &str) -> Option<RdfFormat> {
    RDF.iter()
        .find(|row| row.role == Role::ServedAndRead && row.media_type == essence)
        .and_then(RdfType::format)
}

/// The format a file name's extension names, with every alias Oxigraph knows (`json`, `txt`,
/// `xml`, …): for uploaded files, which say what they are.
pub fn rdf_of_extension(extension: &str) -> Option<RdfFormat> {
    RdfFormat::from_extension(extension)
}

/// The format of a file the loader reads (`data/`, `ontology/`, `factgraph link`'s files), by
/// its extension; other files are not RDF to it. Narrower than [`rdf_of_extension`]: a
/// directory may hold JSON or XML files that are not RDF.
pub fn rdf_of_loaded_file(extension: &str) -> Option<RdfFormat> {
    LOADED
        .iter()
        .copied()
        .find(|format| format.file_extension().eq_ignore_ascii_case(extension))
        .or_else(|| {
            EXTRA_LOAD_EXTENSIONS
                .iter()
                .find(|(known, _)| known.eq_ignore_ascii_case(extension))
                .map(|(_, format)| *format)
        })
}

/// The IRI that names a format in the Service Description: Oxigraph's, except JSON-LD, whose
/// IRI Oxigraph takes from the newer `https://www.w3.org/ns/formats/data/` list; the service
/// has always published the W3C formats namespace's.
pub fn rdf_iri(format: RdfFormat) -> &'static str {
    match format {
        RdfFormat::JsonLd { .. } => "http://www.w3.org/ns/formats/JSON-LD",
        other => other.iri(),
    }
}

/// An `Accept` header asking for `formats` in order, each with its q-value (1 is left out).
pub fn rdf_accept(formats: &[(RdfFormat, f32)]) -> String {
    accept(formats.iter().map(|(f, q)| (rdf_media_type(*f), *q)))
}

/// An `Accept` header asking for results `formats` in order, each with its q-value.
pub fn results_accept(formats: &[(QueryResultsFormat, f32)]) -> String {
    accept(formats.iter().map(|(f, q)| (results_media_type(*f), *q)))
}

fn accept(media_types: impl Iterator<Item = (&'static str, f32)>) -> String {
    media_types
        .map(|(media_type, q)| {
            if q < 1.0 {
                format!("{media_type};q={q}")
            } else {
                media_type.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every media type of the tables, RDF and results (for the test that keeps them here).
pub fn media_types() -> impl Iterator<Item = &'static str> {
    RDF.iter()
        .map(|row| row.media_type)
        .chain(RESULTS.iter().map(|row| row.media_type))
}

/// Every `format=` name of the tables, RDF and results.
pub fn names() -> impl Iterator<Item = &'static str> {
    RDF.iter()
        .flat_map(|row| row.names.iter().copied())
        .chain(RESULTS.iter().flat_map(|row| row.names.iter().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVED: [RdfFormat; 6] = [
        RdfFormat::Turtle,
        RdfFormat::NTriples,
        JSON_LD,
        RdfFormat::RdfXml,
        RdfFormat::NQuads,
        RdfFormat::TriG,
    ];

    #[test]
    fn every_media_type_resolves() {
        for row in RDF {
            assert!(
                row.format().is_some(),
                "{} reads as no format",
                row.media_type
            );
        }
        for row in RESULTS {
            assert!(
                QueryResultsFormat::from_media_type(row.media_type).is_some(),
                "{} reads as no results format",
                row.media_type
            );
        }
        let all = rdf_offers(&SERVED, PlainJson::Offered);
        assert_eq!(all.len(), RDF.len());
        assert_eq!(results_offers().len(), RESULTS.len());
    }

    #[test]
    fn overrides_are_only_where_oxigraph_differs() {
        for row in RDF.iter().filter(|row| row.reads_as.is_some()) {
            assert_ne!(
                RdfFormat::from_media_type(row.media_type),
                row.reads_as,
                "{} needs no override",
                row.media_type
            );
        }
    }

    #[test]
    fn every_name_resolves_to_its_media_types_format() {
        for row in RDF {
            for name in row.names {
                let named = rdf_named(name);
                assert_eq!(named, row.format(), "{name}");
                // Through the offers too, where negotiate looks it up.
                let offers = rdf_offers(&SERVED, PlainJson::NotOffered);
                let offer = offers.iter().find(|o| o.names.contains(name));
                assert_eq!(offer.map(|o| o.value), named, "{name}");
            }
        }
        for row in RESULTS {
            for name in row.names {
                assert_eq!(
                    results_named(name),
                    QueryResultsFormat::from_media_type(row.media_type),
                    "{name}"
                );
            }
        }
        assert_eq!(rdf_named("yaml"), None);
        assert_eq!(results_named("turtle"), None);
    }

    #[test]
    fn preferred_media_types_round_trip() {
        for format in SERVED {
            let media_type = rdf_media_type(format);
            assert_eq!(RdfFormat::from_media_type(media_type), Some(format));
            // The service's preferred media type is Oxigraph's own for every format it serves.
            assert_eq!(media_type, format.media_type());
            let name = rdf_name(format).unwrap_or_default();
            assert_eq!(rdf_named(name), Some(format), "{name}");
        }
        for format in [
            QueryResultsFormat::Json,
            QueryResultsFormat::Xml,
            QueryResultsFormat::Csv,
            QueryResultsFormat::Tsv,
        ] {
            let media_type = results_media_type(format);
            assert_eq!(
                QueryResultsFormat::from_media_type(media_type),
                Some(format)
            );
            assert!(format.media_type().starts_with(media_type), "{media_type}");
        }
        assert_eq!(
            rdf_offers(&SERVED, PlainJson::NotOffered)[0].value,
            PREFERRED_RDF
        );
        assert_eq!(results_offers()[0].value, PREFERRED_RESULTS);
    }

    #[test]
    fn a_name_picks_one_offer() {
        for plain_json in [PlainJson::Offered, PlainJson::NotOffered] {
            let offers = rdf_offers(&SERVED, plain_json);
            let mut names: Vec<&str> = offers
                .iter()
                .flat_map(|o| o.names.iter().copied())
                .collect();
            let all = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), all, "{plain_json:?}");
        }
        let json = |plain_json| {
            rdf_offers(&SERVED, plain_json)
                .into_iter()
                .find(|o| o.names.contains(&"json"))
                .map(|o| o.media_type)
        };
        assert_eq!(json(PlainJson::Offered), Some("application/json"));
        assert_eq!(json(PlainJson::NotOffered), Some("application/ld+json"));
    }

    #[test]
    fn bodies_and_files() {
        assert_eq!(rdf_of_body("application/x-turtle"), Some(RdfFormat::Turtle));
        assert_eq!(rdf_of_body("application/n-quads"), Some(RdfFormat::NQuads));
        for served_only in [
            "text/n3",
            "text/plain",
            "application/json",
            "application/x-json+ld",
        ] {
            assert_eq!(rdf_of_body(served_only), None, "{served_only}");
        }
        for (extension, format) in [
            ("ttl", Some(RdfFormat::Turtle)),
            ("TTL", Some(RdfFormat::Turtle)),
            ("trig", Some(RdfFormat::TriG)),
            ("nt", Some(RdfFormat::NTriples)),
            ("nq", Some(RdfFormat::NQuads)),
            ("rdf", Some(RdfFormat::RdfXml)),
            ("owl", Some(RdfFormat::RdfXml)),
            ("json", None),
            ("xml", None),
            ("txt", None),
            ("n3", None),
        ] {
            assert_eq!(rdf_of_loaded_file(extension), format, "{extension}");
        }
        assert_eq!(rdf_of_extension("jsonld"), Some(JSON_LD));
    }

    #[test]
    fn accept_headers() {
        assert_eq!(
            rdf_accept(&[
                (RdfFormat::NTriples, 1.0),
                (RdfFormat::Turtle, 0.9),
                (RdfFormat::RdfXml, 0.5)
            ]),
            "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
        );
        assert_eq!(
            results_accept(&[
                (QueryResultsFormat::Json, 1.0),
                (QueryResultsFormat::Xml, 0.9)
            ]),
            "application/sparql-results+json, application/sparql-results+xml;q=0.9"
        );
    }
}
