//! The store: loads the RDF files at start-up and answers SPARQL. It is the only module that talks
//! to Oxigraph's store; everything else sends it SPARQL text and reads solutions or bytes back.

use crate::error::{Error, Result};
use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator};
use spargebra::SparqlParser;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use oxigraph::model;

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

/// Why the start-up load failed. It names the file and, for syntax errors, the position.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid base IRI {0:?}: it must be an absolute IRI ending with '/' or '#'")]
    BadBase(String),
    #[error("storage error while loading: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    #[error("the question templates or the graph's labels cannot be read: {0}")]
    Questions(String),
}

/// What a query asks for; it decides which result formats apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    Select,
    Ask,
    Construct,
    Describe,
}

impl QueryKind {
    /// Whether the query returns a graph (CONSTRUCT, DESCRIBE) rather than solutions or a boolean.
    pub fn returns_graph(self) -> bool {
        matches!(self, Self::Construct | Self::Describe)
    }
}

/// A serialization for query results: a results format or, for graphs, an RDF format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultFormat {
    Results(QueryResultsFormat),
    Graph(RdfFormat),
}

/// A parsed query, ready to run. Parsing first lets callers choose a format by query kind and
/// report syntax errors before any work starts.
#[derive(Debug, Clone)]
pub struct ParsedQuery {
    query: spargebra::Query,
    kind: QueryKind,
}

impl ParsedQuery {
    pub fn kind(&self) -> QueryKind {
        self.kind
    }
}

/// The dataset and cancellation of one query.
#[derive(Default, Clone)]
pub struct QueryOptions {
    /// `default-graph-uri` values; empty means the union of all graphs.
    pub default_graphs: Vec<NamedNode>,
    /// `named-graph-uri` values; empty means every named graph.
    pub named_graphs: Vec<NamedNode>,
    /// Cancelled by a timer or by a client that went away.
    pub cancel: Option<CancellationToken>,
}

/// Solutions copied out of the store, for code that wants values rather than a stream.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub variables: Vec<String>,
    pub rows: Vec<Vec<Option<Term>>>,
}

impl Table {
    /// The value of `variable` in `row`.
    pub fn get(&self, row: usize, variable: &str) -> Option<&Term> {
        let column = self.variables.iter().position(|v| v == variable)?;
        self.rows.get(row)?.get(column)?.as_ref()
    }
}

/// Counts of what was loaded, for the start-up log and the dataset description.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub files: Vec<PathBuf>,
    pub quads: usize,
}

/// The embedded Oxigraph store with the shipped graph. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: oxigraph::store::Store,
    base: String,
}

impl Store {
    /// Loads every RDF file found under `paths` (files or directories, searched recursively, in
    /// name order) into a new in-memory store. Each file goes into a named graph
    /// `<base>graph/<file stem>` (TriG and N-Quads keep their own graphs); queries see the union.
    pub fn load(paths: &[PathBuf], base: &str) -> Result<(Self, LoadReport), LoadError> {
        if !(base.ends_with('/') || base.ends_with('#')) || NamedNode::new(base).is_err() {
            return Err(LoadError::BadBase(base.to_owned()));
        }
        let inner = oxigraph::store::Store::new()?;
        let store = Self {
            inner,
            base: base.to_owned(),
        };
        let mut report = LoadReport::default();
        let mut files = Vec::new();
        for path in paths {
            collect_rdf_files(path, &mut files)?;
        }
        for file in files {
            report.quads += store.load_file(&file)?;
            report.files.push(file);
        }
        Ok((store, report))
    }

    fn load_file(&self, path: &Path) -> Result<usize, LoadError> {
        let Some(format) = rdf_format_of(path) else {
            return Ok(0);
        };
        let io_error = |source| LoadError::Io {
            path: path.to_owned(),
            source,
        };
        let bytes = std::fs::read(path).map_err(io_error)?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("data")
            .to_owned();
        let graph = NamedNode::new(format!("{}graph/{stem}", self.base)).map_err(|e| {
            LoadError::Syntax {
                path: path.to_owned(),
                message: format!("the file name does not make a graph IRI: {e}"),
            }
        })?;
        let parser = RdfParser::from_format(format)
            .with_default_graph(graph)
            .rename_blank_nodes();
        let mut quads = Vec::new();
        for quad in parser.for_slice(&bytes) {
            let quad = quad.map_err(|e| LoadError::Syntax {
                path: path.to_owned(),
                message: describe_parse_error(&e),
            })?;
            quads.push(self.rebase_quad(quad));
        }
        let count = quads.len();
        let mut loader = self.inner.bulk_loader();
        loader.load_quads(quads)?;
        loader.commit()?;
        Ok(count)
    }

    /// Moves an IRI from the default base to the configured one.
    fn rebase(&self, node: NamedNode) -> NamedNode {
        if self.base == DEFAULT_BASE {
            return node;
        }
        match node.as_str().strip_prefix(DEFAULT_BASE) {
            Some(rest) => NamedNode::new_unchecked(format!("{}{rest}", self.base)),
            None => node,
        }
    }

    fn rebase_quad(&self, quad: Quad) -> Quad {
        if self.base == DEFAULT_BASE {
            return quad;
        }
        let subject = match quad.subject {
            NamedOrBlankNode::NamedNode(n) => NamedOrBlankNode::NamedNode(self.rebase(n)),
            other => other,
        };
        let object = match quad.object {
            Term::NamedNode(n) => Term::NamedNode(self.rebase(n)),
            other => other,
        };
        let graph_name = match quad.graph_name {
            GraphName::NamedNode(n) => GraphName::NamedNode(self.rebase(n)),
            other => other,
        };
        Quad::new(subject, self.rebase(quad.predicate), object, graph_name)
    }

    /// The base IRI our own IRIs live under.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Number of quads in the store.
    pub fn len(&self) -> Result<usize> {
        Ok(self.inner.len()?)
    }

    /// Whether the store holds nothing.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.inner.is_empty()?)
    }

    /// The prefixes for serializations and generated queries, with our own under the base.
    pub fn prefixes(&self) -> Vec<(String, String)> {
        let mut prefixes = vec![
            ("fg".to_owned(), format!("{}def/", self.base)),
            ("id".to_owned(), format!("{}id/", self.base)),
        ];
        prefixes.extend(
            WELL_KNOWN_PREFIXES
                .iter()
                .map(|(p, iri)| ((*p).to_owned(), (*iri).to_owned())),
        );
        prefixes
    }

    /// Parses a query, with our prefixes predeclared so short queries work as people write them.
    pub fn parse(&self, query: &str) -> Result<ParsedQuery> {
        let mut parser = SparqlParser::new();
        for (prefix, iri) in self.prefixes() {
            // A prefix that does not parse is a programming error in the table above; skipping it
            // keeps the service answering.
            parser = match parser.clone().with_prefix(prefix, iri) {
                Ok(p) => p,
                Err(_) => parser,
            };
        }
        let query = parser
            .parse_query(query)
            .map_err(|e| Error::QuerySyntax(e.to_string()))?;
        let kind = match &query {
            spargebra::Query::Select { .. } => QueryKind::Select,
            spargebra::Query::Ask { .. } => QueryKind::Ask,
            spargebra::Query::Construct { .. } => QueryKind::Construct,
            spargebra::Query::Describe { .. } => QueryKind::Describe,
        };
        Ok(ParsedQuery { query, kind })
    }

    /// Runs a parsed query and hands its results to `consume` on the calling thread. Blocking:
    /// call it from `spawn_blocking` on request paths.
    fn run<T>(
        &self,
        query: &ParsedQuery,
        options: &QueryOptions,
        consume: impl FnOnce(QueryResults<'static>) -> Result<T>,
    ) -> Result<T> {
        let mut evaluator = SparqlEvaluator::new();
        if let Some(token) = &options.cancel {
            evaluator = evaluator.with_cancellation_token(token.clone());
        }
        let mut prepared = evaluator.for_query(query.query.clone());
        let dataset = prepared.dataset_mut();
        if !options.default_graphs.is_empty() || !options.named_graphs.is_empty() {
            // The protocol's default-graph-uri and named-graph-uri replace FROM and FROM NAMED.
            dataset.set_default_graph(
                options
                    .default_graphs
                    .iter()
                    .cloned()
                    .map(GraphName::from)
                    .collect(),
            );
            dataset.set_available_named_graphs(
                options
                    .named_graphs
                    .iter()
                    .cloned()
                    .map(NamedOrBlankNode::from)
                    .collect(),
            );
        } else if dataset.is_default_dataset() {
            // Each file is its own named graph; without FROM the query sees them all.
            dataset.set_default_graph_as_union();
        }
        let results = prepared
            .on_store(&self.inner)
            .execute()
            .map_err(evaluation_error)?;
        consume(results)
    }

    /// Runs a query and writes its results in `format` to `writer`, streaming.
    pub fn query_to_writer<W: Write>(
        &self,
        query: &ParsedQuery,
        options: &QueryOptions,
        format: ResultFormat,
        writer: W,
    ) -> Result<W> {
        let prefixes = self.prefixes();
        self.run(query, options, |results| match (results, format) {
            (QueryResults::Solutions(solutions), ResultFormat::Results(format)) => {
                let mut serializer = QueryResultsSerializer::from_format(format)
                    .serialize_solutions_to_writer(writer, solutions.variables().to_vec())?;
                for solution in solutions {
                    serializer.serialize(&solution.map_err(evaluation_error)?)?;
                }
                Ok(serializer.finish()?)
            }
            (QueryResults::Boolean(value), ResultFormat::Results(format)) => {
                Ok(QueryResultsSerializer::from_format(format)
                    .serialize_boolean_to_writer(writer, value)?)
            }
            (QueryResults::Graph(triples), ResultFormat::Graph(format)) => {
                let mut serializer = RdfSerializer::from_format(format);
                for (prefix, iri) in &prefixes {
                    serializer = match serializer.clone().with_prefix(prefix, iri) {
                        Ok(s) => s,
                        Err(_) => serializer,
                    };
                }
                let mut serializer = serializer.for_writer(writer);
                for triple in triples {
                    serializer.serialize_triple(&triple.map_err(evaluation_error)?)?;
                }
                Ok(serializer.finish()?)
            }
            _ => Err(Error::Internal(
                "the result format does not fit the query kind".to_owned(),
            )),
        })
    }

    /// Runs a SELECT query and copies its solutions out. Blocking.
    pub fn select(&self, query: &str) -> Result<Table> {
        self.select_parsed(&self.parse(query)?, &QueryOptions::default())
    }

    /// Runs a parsed SELECT query and copies its solutions out. Blocking.
    pub fn select_parsed(&self, query: &ParsedQuery, options: &QueryOptions) -> Result<Table> {
        self.run(query, options, |results| match results {
            QueryResults::Solutions(solutions) => {
                let variables: Vec<_> = solutions.variables().to_vec();
                let mut table = Table {
                    variables: variables.iter().map(|v| v.as_str().to_owned()).collect(),
                    rows: Vec::new(),
                };
                for solution in solutions {
                    let solution = solution.map_err(evaluation_error)?;
                    table
                        .rows
                        .push(variables.iter().map(|v| solution.get(v).cloned()).collect());
                }
                Ok(table)
            }
            _ => Err(Error::Internal("expected a SELECT query".to_owned())),
        })
    }

    /// Runs an ASK query. Blocking.
    pub fn ask(&self, query: &str) -> Result<bool> {
        self.run(
            &self.parse(query)?,
            &QueryOptions::default(),
            |results| match results {
                QueryResults::Boolean(value) => Ok(value),
                _ => Err(Error::Internal("expected an ASK query".to_owned())),
            },
        )
    }

    /// Runs a CONSTRUCT or DESCRIBE query and collects its triples. Blocking.
    pub fn construct(&self, query: &str) -> Result<Vec<model::Triple>> {
        self.run(
            &self.parse(query)?,
            &QueryOptions::default(),
            |results| match results {
                QueryResults::Graph(triples) => triples
                    .map(|t| t.map_err(evaluation_error))
                    .collect::<Result<Vec<_>>>(),
                _ => Err(Error::Internal("expected a graph query".to_owned())),
            },
        )
    }

    /// Serializes triples in an RDF format with our prefixes.
    pub fn write_triples<W: Write>(
        &self,
        triples: &[model::Triple],
        format: RdfFormat,
        writer: W,
    ) -> Result<W> {
        let mut serializer = RdfSerializer::from_format(format);
        for (prefix, iri) in self.prefixes() {
            serializer = match serializer.clone().with_prefix(&prefix, &iri) {
                Ok(s) => s,
                Err(_) => serializer,
            };
        }
        let mut serializer = serializer.for_writer(writer);
        for triple in triples {
            serializer.serialize_triple(triple)?;
        }
        Ok(serializer.finish()?)
    }
}

/// Maps Oxigraph's evaluation errors onto ours: cancellation and unsupported features are the
/// client's business, storage failures are ours.
fn evaluation_error(error: QueryEvaluationError) -> Error {
    match error {
        QueryEvaluationError::Cancelled => Error::QueryTimeout(std::time::Duration::ZERO),
        QueryEvaluationError::UnsupportedService(_)
        | QueryEvaluationError::Service(_)
        | QueryEvaluationError::UnboundService
        | QueryEvaluationError::InvalidServiceName(_) => Error::QueryRejected(format!(
            "{error}; SERVICE (federation) is not enabled on this endpoint"
        )),
        QueryEvaluationError::UnsupportedCustomFunction(_)
        | QueryEvaluationError::UnsupportedCustomFunctionArity { .. } => {
            Error::QueryRejected(error.to_string())
        }
        other => Error::Internal(other.to_string()),
    }
}

fn describe_parse_error(error: &oxigraph::io::RdfSyntaxError) -> String {
    // Oxigraph's message already names the line and columns.
    match error.location() {
        Some(_) => error.to_string(),
        None => format!("{error} (position unknown)"),
    }
}

/// The RDF format of a file, by its extension; other files are skipped.
pub fn rdf_format_of(path: &Path) -> Option<RdfFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "ttl" => Some(RdfFormat::Turtle),
        "trig" => Some(RdfFormat::TriG),
        "nt" => Some(RdfFormat::NTriples),
        "nq" => Some(RdfFormat::NQuads),
        "rdf" | "owl" => Some(RdfFormat::RdfXml),
        _ => None,
    }
}

fn collect_rdf_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io_error = |source| LoadError::Io {
        path: path.to_owned(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(io_error)?;
    if metadata.is_file() {
        out.push(path.to_owned());
        return Ok(());
    }
    let mut entries = std::fs::read_dir(path)
        .map_err(io_error)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(io_error)?;
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_rdf_files(&entry, out)?;
        } else if rdf_format_of(&entry).is_some() {
            out.push(entry);
        }
    }
    Ok(())
}
