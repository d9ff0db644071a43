//! The words of the pages in both languages, and literals written the page language's way.

use crate::store::model::Literal;

pub(super) const SKOS_PREF_LABEL: &str = "http://www.w3.org/2004/02/skos/core#prefLabel";
pub(super) const NIF_ANCHOR_OF: &str =
    "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf";
pub(super) const DCTERMS_TITLE: &str = "http://purl.org/dc/terms/title";
pub(super) const QUDT_HAS_UNIT: &str = "http://qudt.org/schema/qudt/hasUnit";

/// The words of the page chrome: `(key, English, Dutch)`.
pub(super) const WORDS: &[(&str, &str, &str)] = &[
    ("type", "Type", "Type"),
    ("properties", "Properties", "Eigenschappen"),
    ("statement", "Statement", "Bewering"),
    ("facts", "Facts", "Feiten"),
    ("incoming", "Incoming links", "Inkomende links"),
    ("shown", "Showing the first", "De eerste"),
    ("of", "of", "van de"),
    (
        "all",
        "all of them in the query editor",
        "allemaal in de query-editor",
    ),
    ("formats", "Other formats", "Andere formaten"),
    (
        "dataset",
        "Dataset description",
        "Beschrijving van de dataset",
    ),
    ("sparql", "SPARQL endpoint", "SPARQL-endpoint"),
    ("language", "Language", "Taal"),
    ("property", "Property", "Eigenschap"),
    ("subject", "Subject", "Onderwerp"),
    ("value", "Value", "Waarde"),
    ("unit", "Unit", "Eenheid"),
    ("time", "Time", "Tijd"),
    ("hedged", "Hedged", "Voorbehoud"),
    ("approximate", "approximate", "bij benadering"),
    ("planned", "Planned", "Gepland"),
    ("yes", "yes", "ja"),
    ("source", "Source", "Bron"),
    ("from", "From", "Van"),
    ("startTime", "since", "sinds"),
    ("pointInTime", "in", "in"),
    ("validAt", "as of", "geldig op"),
    ("period", "per period", "per periode"),
    ("terms", "Described resources", "Beschreven bronnen"),
    ("sentence", "sentence", "zin"),
    ("fact", "Fact", "Feit"),
    ("valueOf", "Facts that name it", "Feiten die het noemen"),
    (
        "sourceSentence",
        "The sentence it comes from",
        "De zin waar het vandaan komt",
    ),
    ("values", "values", "waarden"),
    (
        "fromSentence",
        "Facts from this sentence",
        "Feiten uit deze zin",
    ),
];

/// Whether a literal is a number of XSD (its lexical form is then shown grouped the page
/// language's way: "43,866" in English, "43.866" in Dutch, as the answer cards write it).
pub(super) fn is_number(literal: &Literal) -> bool {
    const NUMERIC: &[&str] = &[
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    ];
    literal
        .datatype()
        .as_str()
        .strip_prefix("http://www.w3.org/2001/XMLSchema#")
        .is_some_and(|local| NUMERIC.contains(&local))
}

/// A literal's text for a reader: numbers grouped the page language's way, the rest as is.
pub(super) fn literal_text(literal: &Literal, lang: &str) -> String {
    if is_number(literal) {
        if let Ok(value) = literal.value().parse::<f64>() {
            let lang = if lang == "nl" {
                crate::qa::lang::Lang::Nl
            } else {
                crate::qa::lang::Lang::En
            };
            return crate::qa::numbers::format_decimal(value, 9, lang);
        }
    }
    literal.value().to_owned()
}

/// A word of the page chrome in the page language.
pub(super) fn text(lang: &str, key: &str) -> &'static str {
    WORDS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("", |(_, en, nl)| if lang == "nl" { nl } else { en })
}
