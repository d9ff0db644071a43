//! `Store`, the handle every layer above holds: which backend answers (embedded Oxigraph or a
//! remote engine), the base IRI and our prefixes, and the allow-list of SERVICE endpoints.

use crate::store::error::{Error, Result};
use oxigraph::model::{NamedNode, Term};
use spargebra::SparqlParser;
use std::sync::Arc;

/// The base IRI the shipped files are written with. A service started with another base rewrites
/// every IRI under this one while loading, so the files never need editing.
pub const DEFAULT_BASE: &str = "https://w3id.org/factgraph/";

/// Prefixes used when the service writes Turtle, and offered to question templates.
pub const WELL_KNOWN_PREFIXES: &[(&str, &str)] = &[
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("schema", "http://schema.org/"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("qudt", "http://qudt.org/schema/qudt/"),
    ("unit", "http://qudt.org/vocab/unit/"),
    (
        "nif",
        "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    ),
    ("sh", "http://www.w3.org/ns/shacl#"),
    ("void", "http://rdfs.org/ns/void#"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("sd", "http://www.w3.org/ns/sparql-service-description#"),
    ("wd", "http://www.wikidata.org/entity/"),
    ("dbr", "http://dbpedia.org/resource/"),
];

/// The largest answer read from a remote engine when none is configured (the default of
/// `--max-result-bytes`).
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 256 << 20;

/// Where the graph lives: in this process, or in a SPARQL engine elsewhere.
#[derive(Clone)]
pub(super) enum Backend {
    Embedded(oxigraph::store::Store),
    /// Shared, so that cloning a `Store` (every request clones the state) copies no URL.
    Remote(Arc<crate::store::remote::Endpoint>),
}

/// The graph the service answers from: the embedded Oxigraph store (in memory with the shipped
/// files, or on disk with `--store`), or a remote SPARQL 1.1 endpoint. Everything else only sees
/// SPARQL in and results out, so they are interchangeable for reading. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(super) backend: Backend,
    /// Shared rather than owned: every request clones the `AppState` and with it the `Store`,
    /// and copying the base and the parser's prefix table was a fifth of a cached lookup's time.
    pub(super) base: Arc<str>,
    /// A parser with our prefixes declared, built once (declaring them per query was a
    /// measurable part of a cheap query's cost).
    pub(super) parser: Arc<SparqlParser>,
    /// Whether the embedded store is on disk, so that writes outlive the process.
    pub(super) persistent: bool,
    /// Whether a query or update that names no dataset reads the union of all graphs (the
    /// service: each loaded file is a named graph) or the default graph alone, as SPARQL 1.1
    /// defines it (`with_separate_default_graph`, for the W3C test suites).
    pub(super) union_default_graph: bool,
}

impl std::fmt::Debug for Store {
    /// Where the graph is and its base: what a log line or a test failure needs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("remote", &self.remote_url())
            .field("base", &self.base)
            .field("persistent", &self.persistent)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Whether the store keeps its content on disk (`--store`); only such a store is written
    /// to over HTTP.
    pub fn is_persistent(&self) -> bool {
        self.persistent
    }

    /// The graphs a remote engine serves (`--graph`, or as last listed); none when embedded.
    pub fn served_graphs(&self) -> Vec<NamedNode> {
        match &self.backend {
            Backend::Embedded(_) => Vec::new(),
            Backend::Remote(endpoint) => endpoint.served_graphs().to_vec(),
        }
    }

    /// Lists a remote engine's graphs again (a graph added there is served from the next
    /// re-index on); nothing to do when embedded or with `--graph`. Blocking.
    pub fn refresh_graphs(&self) -> Result<()> {
        match &self.backend {
            Backend::Embedded(_) => Ok(()),
            Backend::Remote(endpoint) => endpoint.refresh_graphs(),
        }
    }

    /// The remote endpoint's URL, when the graph is not embedded.
    pub fn remote_url(&self) -> Option<&str> {
        match &self.backend {
            Backend::Embedded(_) => None,
            Backend::Remote(endpoint) => Some(endpoint.url()),
        }
    }

    /// Makes a query or update that names no dataset read the store's default graph alone (and
    /// `GRAPH` the named graphs), as SPARQL 1.1 defines the dataset, instead of the union of all
    /// graphs the service reads. `tests/w3c_sparql.rs` runs the W3C test suites this way, since
    /// their data sets a default graph apart from named ones.
    pub fn with_separate_default_graph(mut self) -> Self {
        self.union_default_graph = false;
        self
    }

    /// The embedded store, for writes; a remote endpoint is never written to.
    pub(super) fn writable(&self) -> Result<&oxigraph::store::Store> {
        match &self.backend {
            Backend::Embedded(store) => Ok(store),
            Backend::Remote(_) => Err(Error::ReadOnly(
                "this service is read-only: its graph is a remote SPARQL endpoint".to_owned(),
            )),
        }
    }

    /// The base IRI our own IRIs live under.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Number of quads in the store (for a remote endpoint: triples in its default graph).
    pub fn len(&self) -> Result<usize> {
        match &self.backend {
            Backend::Embedded(store) => Ok(store.len()?),
            Backend::Remote(_) => {
                let table = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")?;
                Ok(match table.get(0, "n") {
                    Some(Term::Literal(n)) => n.value().parse().unwrap_or(0),
                    _ => 0,
                })
            }
        }
    }

    /// Whether the store holds nothing.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// The prefixes for serializations and generated queries, with our own under the base.
    pub fn prefixes(&self) -> Vec<(String, String)> {
        prefixes_for(&self.base)
    }

    /// The prefixes a store under `base` predeclares (for clients that must declare them).
    pub fn prefixes_for(base: &str) -> Vec<(String, String)> {
        prefixes_for(base)
    }
}

pub(super) fn prefixes_for(base: &str) -> Vec<(String, String)> {
    let mut prefixes = vec![
        ("fg".to_owned(), format!("{base}def/")),
        ("id".to_owned(), format!("{base}id/")),
    ];
    prefixes.extend(
        WELL_KNOWN_PREFIXES
            .iter()
            .map(|(p, iri)| ((*p).to_owned(), (*iri).to_owned())),
    );
    prefixes
}

/// The parser of every query and update: our prefixes declared, and the base IRI against which
/// relative IRIs (`<s>`) resolve, so `<id/x>` names our own resource `<base>id/x`.
pub(super) fn prefixed_parser(base: &str) -> SparqlParser {
    // The base passed `check_base` before any store is built; should it still not parse, the
    // parser keeps no base and relative IRIs are refused as before.
    let mut parser = match SparqlParser::new().with_base_iri(base) {
        Ok(parser) => parser,
        Err(_) => SparqlParser::new(),
    };
    for (prefix, iri) in prefixes_for(base) {
        // A prefix that does not parse is a programming error in the table above; skipping it
        // keeps the service answering.
        parser = match parser.clone().with_prefix(prefix, iri) {
            Ok(p) => p,
            Err(_) => parser,
        };
    }
    parser
}
