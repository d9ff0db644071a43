//! The external datasets we link to (only those `shared/links.md` allows), each with a linkset
//! of its own in the dumps and the VoID.

/// An external dataset we link to, recognised by the namespace of the link objects.
#[derive(Debug, PartialEq, Eq)]
pub struct LinkTarget {
    /// Names its linkset's dump (`/dumps/linkset-<slug>.ttl`) and its nodes in the VoID.
    pub slug: &'static str,
    pub title: &'static str,
    pub uri_space: &'static str,
    pub homepage: &'static str,
}

/// The external datasets whose identifiers `shared/links.md` allows.
pub const LINK_TARGETS: &[LinkTarget] = &[
    LinkTarget {
        slug: "wikidata",
        title: "Wikidata",
        uri_space: "http://www.wikidata.org/entity/",
        homepage: "https://www.wikidata.org/",
    },
    LinkTarget {
        slug: "dbpedia",
        title: "DBpedia",
        uri_space: "http://dbpedia.org/resource/",
        homepage: "https://www.dbpedia.org/",
    },
    LinkTarget {
        slug: "qudt",
        title: "QUDT units",
        uri_space: "http://qudt.org/vocab/unit/",
        homepage: "https://www.qudt.org/",
    },
];
