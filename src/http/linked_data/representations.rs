//! What a Linked Data resource can be served as (RDF formats, JSON-LD, HTML) and the fixed
//! paths of the dataset documents.

use crate::store::formats::{self, Offer, PlainJson};
use oxigraph::io::RdfFormat;
use std::sync::LazyLock;

/// One representation of a description.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Representation {
    Html,
    Rdf(RdfFormat),
    /// JSON-LD compacted with our context (see [`jsonld`]).
    JsonLd,
}

/// The RDF formats a description is served in, in the order the pages link to them.
pub const FORMATS: [RdfFormat; 4] = [
    RdfFormat::Turtle,
    RdfFormat::NTriples,
    formats::JSON_LD,
    RdfFormat::RdfXml,
];

/// What a description can be served as. Turtle comes first: clients that accept anything
/// (`*/*`, curl's default) get RDF; browsers name `text/html` explicitly and get the page.
/// JSON-LD, plain JSON included, is always compacted with our context.
pub static OFFERS: LazyLock<Vec<Offer<Representation>>> = LazyLock::new(|| {
    let mut offers: Vec<Offer<Representation>> = formats::rdf_offers(&FORMATS, PlainJson::Offered)
        .into_iter()
        .map(|offer| {
            offer.map(|format| match format {
                RdfFormat::JsonLd { .. } => Representation::JsonLd,
                other => Representation::Rdf(other),
            })
        })
        .collect();
    // HTML second: after Turtle, before every other RDF format.
    let html = Offer::new("text/html", &["html"], Representation::Html);
    offers.insert(offers.len().min(1), html);
    offers
});

/// Where the dataset description is served.
pub const VOID_PATH: &str = "/.well-known/void";
/// Where the JSON-LD context is served.
pub const CONTEXT_PATH: &str = "/context.jsonld";
