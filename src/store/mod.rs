//! The store: loads the RDF files at start-up (or opens the on-disk store), answers SPARQL and,
//! on an embedded store, applies writes (SPARQL Update, Graph Store Protocol) as atomic
//! transactions. It is the only module that talks to Oxigraph's store; everything else sends it
//! SPARQL text or RDF bytes and reads solutions or bytes back.

use crate::http::error::{Error, Result};
use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::{BlankNode, GraphName, NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{
    CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator, UpdateEvaluationError,
    Variable,
};
use spargebra::algebra::{AggregateExpression, Expression, GraphPattern, OrderExpression};
use spargebra::term::{GroundTerm, NamedNodePattern, TermPattern};
use spargebra::{GraphUpdateOperation, SparqlParser};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub mod federation;
pub mod formats;
pub mod nesting;
pub mod remote;
pub mod tls;

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
    #[error("cannot compute the dataset description: {0}")]
    Dataset(String),
    #[error("remote SPARQL endpoint: {0}")]
    Remote(String),
    #[error("storage error while loading: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    #[error("the question templates or the graph's labels cannot be read: {0}")]
    Questions(String),
    #[error("{path}: {message}")]
    StoreDirectory { path: PathBuf, message: String },
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

/// The dataset, federation and cancellation of one query.
#[derive(Default, Clone)]
pub struct QueryOptions {
    /// `default-graph-uri` values; empty means the union of all graphs.
    pub default_graphs: Vec<NamedNode>,
    /// `named-graph-uri` values; empty means every named graph.
    pub named_graphs: Vec<NamedNode>,
    /// Cancelled by a timer or by a client that went away.
    pub cancel: Option<CancellationToken>,
    /// The remote endpoints SERVICE may call; empty refuses every SERVICE.
    pub federation: Federation,
}

/// The SPARQL endpoints a query may call with `SERVICE`, by exact IRI. Anything else (another
/// IRI, a variable) is refused before evaluation starts, so a query cannot make the service
/// connect to hosts of its choosing.
#[derive(Debug, Clone, Default)]
pub struct Federation {
    pub endpoints: Vec<NamedNode>,
    /// The client of the calls (HTTP or HTTPS, with the configured trust); `None` while no
    /// endpoint is allowed.
    client: Option<crate::store::federation::ServiceClient>,
}

impl Federation {
    /// Allows SERVICE calls to `endpoints`, each exchange limited to `timeout`
    /// ([`DEFAULT_SERVICE_TIMEOUT`] when `None`), HTTPS endpoints verified against `trust`.
    pub fn new(
        endpoints: Vec<NamedNode>,
        timeout: Option<Duration>,
        trust: &crate::store::tls::Trust,
    ) -> Self {
        let client = (!endpoints.is_empty()).then(|| {
            crate::store::federation::ServiceClient::new(
                trust,
                timeout.unwrap_or(DEFAULT_SERVICE_TIMEOUT),
            )
        });
        Self { endpoints, client }
    }
}

/// The largest answer read from a remote engine when none is configured (the default of
/// `--max-result-bytes`).
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 256 << 20;

/// How long one SERVICE call may take when no limit is configured.
pub const DEFAULT_SERVICE_TIMEOUT: Duration = Duration::from_secs(10);

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

/// Where the graph lives: in this process, or in a SPARQL engine elsewhere.
#[derive(Clone)]
enum Backend {
    Embedded(oxigraph::store::Store),
    /// Shared, so that cloning a `Store` (every request clones the state) copies no URL.
    Remote(Arc<crate::store::remote::Endpoint>),
}

/// The graph the service answers from: the embedded Oxigraph store (in memory with the shipped
/// files, or on disk with `--store`), or a remote SPARQL 1.1 endpoint. Everything else only sees
/// SPARQL in and results out, so they are interchangeable for reading. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// Shared rather than owned: every request clones the `AppState` and with it the `Store`,
    /// and copying the base and the parser's prefix table was a fifth of a cached lookup's time.
    base: Arc<str>,
    /// A parser with our prefixes declared, built once (declaring them per query was a
    /// measurable part of a cheap query's cost).
    parser: Arc<SparqlParser>,
    /// Whether the embedded store is on disk, so that writes outlive the process.
    persistent: bool,
    /// Whether a query or update that names no dataset reads the union of all graphs (the
    /// service: each loaded file is a named graph) or the default graph alone, as SPARQL 1.1
    /// defines it (`with_separate_default_graph`, for the W3C test suites).
    union_default_graph: bool,
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

/// The graph a Graph Store Protocol request names: `?default` or `?graph=IRI`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphTarget {
    Default,
    Named(NamedNode),
}

impl GraphTarget {
    fn graph_name(&self) -> GraphName {
        match self {
            Self::Default => GraphName::DefaultGraph,
            Self::Named(iri) => GraphName::NamedNode(iri.clone()),
        }
    }
}

/// The protocol dataset, federation and cancellation of one update.
#[derive(Default, Clone)]
pub struct UpdateOptions {
    /// `using-graph-uri` values: the default graph of every WHERE clause.
    pub using_graphs: Vec<NamedNode>,
    /// `using-named-graph-uri` values: the named graphs of every WHERE clause.
    pub using_named_graphs: Vec<NamedNode>,
    pub cancel: Option<CancellationToken>,
    pub federation: Federation,
}

/// The file in a `--store` directory that says the first load finished. Without it, an empty
/// store gets the files again (a first start that died half-way); with it, the store is served
/// as it is, even when writes have emptied it.
#[cfg(feature = "rocksdb")]
const LOADED_MARKER: &str = "FACTGRAPH-LOADED";

impl Store {
    /// Loads every RDF file found under `paths` (files or directories, searched recursively, in
    /// name order) into a new in-memory store. Each file goes into a named graph
    /// `<base>graph/<file stem>` (TriG and N-Quads keep their own graphs); queries see the union.
    pub fn load(paths: &[PathBuf], base: &str) -> Result<(Self, LoadReport), LoadError> {
        check_base(base)?;
        let inner = oxigraph::store::Store::new()?;
        let store = Self {
            backend: Backend::Embedded(inner.clone()),
            base: Arc::from(base),
            parser: Arc::new(prefixed_parser(base)),
            persistent: false,
            union_default_graph: true,
        };
        let mut report = LoadReport::default();
        let mut files = Vec::new();
        for path in paths {
            collect_rdf_files(path, &mut files)?;
        }
        for file in files {
            let quads = store.read_file(&file)?;
            report.quads += quads.len();
            let mut loader = inner.bulk_loader();
            loader.load_quads(quads)?;
            loader.commit()?;
            report.files.push(file);
        }
        Ok((store, report))
    }

    /// Opens the on-disk store in `dir` (RocksDB), creating it when missing. A new store gets the
    /// RDF files under `paths` in one transaction, so a first start that dies half-way leaves an
    /// empty store and the next start loads again; a store that finished its first load is
    /// served as it is (the report is then `None`). A directory that holds other files is
    /// refused rather than filled with RocksDB's.
    #[cfg(feature = "rocksdb")]
    pub fn open(
        dir: &Path,
        paths: &[PathBuf],
        base: &str,
    ) -> Result<(Self, Option<LoadReport>), LoadError> {
        check_base(base)?;
        let io_error = |source| LoadError::Io {
            path: dir.to_owned(),
            source,
        };
        if dir.exists() {
            let mut entries = std::fs::read_dir(dir).map_err(io_error)?;
            let has_entries = entries.next().is_some();
            // RocksDB keeps the name of its current manifest in CURRENT; every store has it.
            if has_entries && !dir.join("CURRENT").is_file() {
                return Err(LoadError::StoreDirectory {
                    path: dir.to_owned(),
                    message: "the directory is neither empty nor an Oxigraph store; give \
                              --store an empty or new directory"
                        .to_owned(),
                });
            }
        }
        // RocksDB creates the directory itself but not its parents.
        std::fs::create_dir_all(dir).map_err(io_error)?;
        let inner = oxigraph::store::Store::open(dir)?;
        let store = Self {
            backend: Backend::Embedded(inner.clone()),
            base: Arc::from(base),
            parser: Arc::new(prefixed_parser(base)),
            persistent: true,
            union_default_graph: true,
        };
        let marker = dir.join(LOADED_MARKER);
        if marker.exists() || !inner.is_empty()? {
            std::fs::write(&marker, b"").map_err(io_error)?;
            return Ok((store, None));
        }
        let mut report = LoadReport::default();
        let mut files = Vec::new();
        for path in paths {
            collect_rdf_files(path, &mut files)?;
        }
        let mut all = Vec::new();
        for file in files {
            let quads = store.read_file(&file)?;
            report.quads += quads.len();
            all.extend(quads);
            report.files.push(file);
        }
        let mut transaction = inner.start_transaction()?;
        transaction.extend(&all);
        transaction.commit()?;
        // The marker only after the commit: a crash in between leaves a full store without it,
        // which the check above treats as loaded.
        std::fs::write(&marker, b"").map_err(io_error)?;
        Ok((store, Some(report)))
    }

    /// A new in-memory store holding `triples` in its default graph, with this store's base
    /// and prefixes, so that the same query text reads it as it reads this store. The question
    /// engine keeps such a copy of what answers read when the graph is in a remote engine.
    pub fn in_memory_copy(&self, triples: Vec<model::Triple>) -> Result<Store> {
        let inner = oxigraph::store::Store::new().map_err(|e| Error::Internal(e.to_string()))?;
        let mut loader = inner.bulk_loader();
        loader
            .load_quads(
                triples
                    .into_iter()
                    .map(|t| t.in_graph(GraphName::DefaultGraph)),
            )
            .map_err(|e| Error::Internal(e.to_string()))?;
        loader
            .commit()
            .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(Store {
            backend: Backend::Embedded(inner),
            base: self.base.clone(),
            parser: self.parser.clone(),
            persistent: false,
            union_default_graph: true,
        })
    }

    /// Whether the store keeps its content on disk (`--store`); only such a store is written
    /// to over HTTP.
    pub fn is_persistent(&self) -> bool {
        self.persistent
    }

    /// Serves the graph held by a remote SPARQL 1.1 endpoint instead of loading files. Its IRIs
    /// must already live under `base`. The endpoint is asked a trivial query first, so a wrong
    /// URL stops the start-up instead of failing every request.
    pub fn remote(
        url: &str,
        base: &str,
        timeout: Option<std::time::Duration>,
    ) -> Result<Self, LoadError> {
        Self::remote_graphs(url, base, timeout, Vec::new(), DEFAULT_MAX_ANSWER_BYTES)
    }

    /// [`Store::remote`] serving only `graphs`, or, when empty, every graph the engine lists
    /// but the engine's own (`--graph`), reading answers of at most `max_answer_bytes`.
    pub fn remote_graphs(
        url: &str,
        base: &str,
        timeout: Option<std::time::Duration>,
        graphs: Vec<NamedNode>,
        max_answer_bytes: u64,
    ) -> Result<Self, LoadError> {
        let trust = crate::store::tls::Trust::default();
        Self::remote_trusting(url, base, timeout, graphs, max_answer_bytes, &trust)
    }

    /// [`Store::remote_graphs`] verifying an `https://` endpoint against `trust` (the system's
    /// certificates plus `--ca-file`) rather than the system's store alone.
    pub fn remote_trusting(
        url: &str,
        base: &str,
        timeout: Option<std::time::Duration>,
        graphs: Vec<NamedNode>,
        max_answer_bytes: u64,
        trust: &crate::store::tls::Trust,
    ) -> Result<Self, LoadError> {
        check_base(base)?;
        let endpoint =
            crate::store::remote::Endpoint::new(url, timeout, graphs, max_answer_bytes, trust)
                .map_err(|e| LoadError::Remote(e.to_string()))?;
        endpoint
            .refresh_graphs()
            .map_err(|e| LoadError::Remote(e.to_string()))?;
        let store = Self {
            backend: Backend::Remote(Arc::new(endpoint)),
            base: Arc::from(base),
            parser: Arc::new(prefixed_parser(base)),
            persistent: false,
            union_default_graph: true,
        };
        store
            .ask("ASK {}")
            .map_err(|e| LoadError::Remote(format!("{url}: {e}")))?;
        if let Backend::Remote(endpoint) = &store.backend {
            endpoint.learn_row_cap();
        }
        Ok(store)
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
    fn writable(&self) -> Result<&oxigraph::store::Store> {
        match &self.backend {
            Backend::Embedded(store) => Ok(store),
            Backend::Remote(_) => Err(Error::Forbidden(
                "this service is read-only: its graph is a remote SPARQL endpoint".to_owned(),
            )),
        }
    }

    /// The quads of one RDF file, each in the file's graph, with IRIs moved onto the base.
    fn read_file(&self, path: &Path) -> Result<Vec<Quad>, LoadError> {
        let Some(format) = rdf_format_of(path) else {
            return Ok(Vec::new());
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
        Ok(quads)
    }

    /// Moves an IRI from the default base to the configured one.
    fn rebase(&self, node: NamedNode) -> NamedNode {
        if &*self.base == DEFAULT_BASE {
            return node;
        }
        match node.as_str().strip_prefix(DEFAULT_BASE) {
            Some(rest) => NamedNode::new_unchecked(format!("{}{rest}", self.base)),
            None => node,
        }
    }

    fn rebase_quad(&self, quad: Quad) -> Quad {
        if &*self.base == DEFAULT_BASE {
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

    /// Parses a query, with our prefixes predeclared so short queries work as people write them,
    /// and relative IRIs resolved against the base (`--base-iri`; a `BASE` in the query wins),
    /// as the SPARQL 1.1 Protocol lets a service choose its base.
    /// Nesting past the limits of `nesting.rs` is refused before anything recurses over it.
    pub fn parse(&self, query: &str) -> Result<ParsedQuery> {
        let query = crate::store::nesting::parse_bounded(query, "query", |query| {
            self.parser
                .as_ref()
                .clone()
                .parse_query(query)
                .map_err(|e| Error::QuerySyntax(e.to_string()))
        })?;
        let query = crate::store::nesting::check_query(query)?;
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
        let calls_services = check_services(&query.query, &options.federation.endpoints)?;
        let store = match &self.backend {
            Backend::Embedded(store) => store,
            Backend::Remote(endpoint) => {
                // Only served graphs are read: any other graph named by the protocol or by
                // FROM / FROM NAMED reads as empty, as a missing graph does when embedded.
                let served = endpoint.served_graphs();
                let keep = |graphs: &mut Vec<NamedNode>| {
                    for g in graphs.iter_mut() {
                        *g = endpoint.served_or_empty(&served, g);
                    }
                };
                let mut text_query = query.query.clone();
                let has_dataset = match query_dataset(&mut text_query) {
                    Some(dataset) => {
                        keep(&mut dataset.default);
                        if let Some(named) = &mut dataset.named {
                            keep(named);
                        }
                        true
                    }
                    None => false,
                };
                let mut options = options.clone();
                keep(&mut options.default_graphs);
                keep(&mut options.named_graphs);
                let own_limit = match query_pattern(&mut text_query) {
                    GraphPattern::Slice {
                        length: Some(n), ..
                    } => Some(*n),
                    _ => None,
                };
                let results = endpoint.query(
                    &remote_text(&text_query),
                    query.kind,
                    &options,
                    has_dataset,
                    own_limit,
                )?;
                return consume(results);
            }
        };
        let mut prepared = evaluator(&options.federation, calls_services, options.cancel.as_ref())
            .for_query(query.query.clone());
        let from_protocol = !options.default_graphs.is_empty() || !options.named_graphs.is_empty();
        set_dataset(
            prepared.dataset_mut(),
            self.union_default_graph,
            from_protocol,
            &options.default_graphs,
            &options.named_graphs,
        );
        let results = prepared
            .on_store(store)
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
            // CSV and TSV have no boolean form in the W3C notes; a bare "true" is unreadable
            // to table readers (rdflib). Jena Fuseki's one-row table `_askResult` is what
            // clients parse.
            (QueryResults::Boolean(value), ResultFormat::Results(QueryResultsFormat::Csv)) => {
                let mut writer = writer;
                writer.write_all(format!("_askResult\r\n{value}\r\n").as_bytes())?;
                Ok(writer)
            }
            (QueryResults::Boolean(value), ResultFormat::Results(QueryResultsFormat::Tsv)) => {
                let mut writer = writer;
                writer.write_all(format!("?_askResult\n{value}\n").as_bytes())?;
                Ok(writer)
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
        let started = std::time::Instant::now();
        let parsed = self.parse(query)?;
        let table = match self.select_parsed(&parsed, &QueryOptions::default()) {
            Err(Error::Truncated { cap, .. }) if cap > 0 => self.select_in_pages(&parsed, cap),
            other => other,
        };
        // The service's own queries (question engine, dataset description) at debug level:
        // what start-up spends its time on, on a large graph.
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            rows = table.as_ref().map_or(0, |t| t.rows.len()),
            query = query
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(100)
                .collect::<String>(),
            "internal query"
        );
        table
    }

    /// The service's own SELECT, when the engine cut it at its row cap: again, in pages of
    /// `cap` rows, ordered by every projected variable so that the pages neither overlap nor
    /// leave gaps (equal rows are interchangeable). An engine may limit sorted pages too
    /// (Virtuoso's MaxSortedTopRows, error SR353); its refusal is then the error. Blocking.
    fn select_in_pages(&self, query: &ParsedQuery, cap: usize) -> Result<Table> {
        let spargebra::Query::Select {
            pattern, dataset, ..
        } = &query.query
        else {
            return Err(Error::Internal("only SELECT queries are paged".to_owned()));
        };
        // A sub-select has no BASE of its own: the parser resolved every IRI against the base
        // already, so the query is written without it.
        let inner = spargebra::Query::Select {
            dataset: dataset.clone(),
            pattern: pattern.clone(),
            base_iri: None,
        }
        .to_string();
        let order: String = pattern_variables(pattern)
            .iter()
            .map(|v| format!(" {v}"))
            .collect();
        let mut table = Table::default();
        for page in 0.. {
            let paged = format!(
                "SELECT * WHERE {{ {inner} }} ORDER BY{order} LIMIT {cap} OFFSET {}",
                page * cap
            );
            let part = self.select_parsed(&self.parse(&paged)?, &QueryOptions::default())?;
            let rows = part.rows.len();
            if page == 0 {
                table.variables = part.variables;
            }
            table.rows.extend(part.rows);
            if rows < cap {
                break;
            }
        }
        tracing::info!(
            rows = table.rows.len(),
            cap,
            "an answer past the engine's row cap was read in pages"
        );
        Ok(table)
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

    /// Runs a CONSTRUCT query with variables bound to terms (each needs a `VALUES ?x { UNDEF }`
    /// in the query), and collects its triples. Blocking.
    pub fn construct_bound(
        &self,
        query: &str,
        bindings: Vec<(Variable, Term)>,
    ) -> Result<Vec<model::Triple>> {
        // Bound before it runs, so every backend sees the same complete query.
        let mut parsed = self.parse(query)?;
        bind_values(&mut parsed.query, &bindings)?;
        self.run(&parsed, &QueryOptions::default(), |results| match results {
            QueryResults::Graph(triples) => triples
                .map(|t| t.map_err(evaluation_error))
                .collect::<Result<Vec<_>>>(),
            _ => Err(Error::Internal("expected a graph query".to_owned())),
        })
    }

    /// Runs a SELECT query with variables bound to terms, as [`Store::construct_bound`] does.
    /// Blocking.
    pub fn select_bound(&self, query: &str, bindings: Vec<(Variable, Term)>) -> Result<Table> {
        let mut parsed = self.parse(query)?;
        bind_values(&mut parsed.query, &bindings)?;
        self.select_parsed(&parsed, &QueryOptions::default())
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
        let mut serializer = self.serializer(format).for_writer(writer);
        for triple in triples {
            serializer.serialize_triple(triple)?;
        }
        Ok(serializer.finish()?)
    }

    /// Every quad the service serves: on the embedded store all of them (the default graph's
    /// included), on a remote engine those of the served graphs. Blocking; the whole dataset
    /// is copied, for dumps.
    pub fn quads(&self) -> Result<Vec<Quad>> {
        match &self.backend {
            Backend::Embedded(store) => {
                store.iter().map(|quad| quad.map_err(Error::from)).collect()
            }
            Backend::Remote(_) => {
                let table = self.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")?;
                let mut quads = Vec::with_capacity(table.rows.len());
                for row in 0..table.rows.len() {
                    // By name: an answer read in pages may order its columns otherwise.
                    let value = |v: &str| table.get(row, v);
                    let (Some(Term::NamedNode(g)), Some(s), Some(Term::NamedNode(p)), Some(o)) =
                        (value("g"), value("s"), value("p"), value("o"))
                    else {
                        return Err(Error::Internal(format!(
                            "a quad of the engine: {:?}",
                            table.rows[row]
                        )));
                    };
                    let s = match s {
                        Term::NamedNode(n) => NamedOrBlankNode::from(n.clone()),
                        Term::BlankNode(b) => NamedOrBlankNode::from(b.clone()),
                        other => return Err(Error::Internal(format!("a quad's subject: {other}"))),
                    };
                    quads.push(Quad::new(s, p.clone(), o.clone(), g.clone()));
                }
                Ok(quads)
            }
        }
    }

    /// A serializer for `format` with our prefixes declared (where the format has prefixes).
    fn serializer(&self, format: RdfFormat) -> RdfSerializer {
        let mut serializer = RdfSerializer::from_format(format);
        for (prefix, iri) in self.prefixes() {
            serializer = match serializer.clone().with_prefix(&prefix, &iri) {
                Ok(s) => s,
                Err(_) => serializer,
            };
        }
        serializer
    }

    /// Writes quads in a dataset format (N-Quads, TriG) with our prefixes where it has them.
    pub fn write_quads<W: Write>(&self, quads: &[Quad], format: RdfFormat, writer: W) -> Result<W> {
        let mut serializer = self.serializer(format).for_writer(writer);
        for quad in quads {
            serializer.serialize_quad(quad)?;
        }
        Ok(serializer.finish()?)
    }

    /// Parses a SPARQL Update, with our prefixes predeclared and relative IRIs resolved against
    /// the base, as for queries.
    fn parse_update(&self, update: &str) -> Result<spargebra::Update> {
        let parser = self.parser.as_ref().clone();
        let update = crate::store::nesting::parse_bounded(update, "update", |update| {
            parser
                .parse_update(update)
                .map_err(|e| Error::QuerySyntax(e.to_string()))
        })?;
        crate::store::nesting::check_update(update)
    }

    /// Runs a SPARQL Update as one transaction: all of it lands, or, on any error (a failing
    /// operation, a refused one, a cancellation), nothing does. `LOAD` is refused before
    /// anything runs, and SERVICE follows the same allow-list as in queries. A WHERE clause
    /// without USING or WITH sees the union of all graphs, as queries do. Blocking.
    pub fn update(&self, text: &str, options: &UpdateOptions) -> Result<()> {
        let store = self.writable()?;
        let mut update = self.parse_update(text)?;
        // LOAD never fetches (SECURITY.md). LOAD SILENT succeeds whatever happens (SPARQL 1.1
        // Update 3.1.4), so it is kept as the no-op a failed load is; a plain LOAD is refused
        // by check_update before anything runs.
        update.operations.retain(|operation| {
            !matches!(operation, GraphUpdateOperation::Load { silent: true, .. })
        });
        let calls_services = check_update(&update, &options.federation.endpoints)?;
        let names_dataset = update.operations.iter().any(|operation| {
            matches!(
                operation,
                GraphUpdateOperation::DeleteInsert { using: Some(_), .. }
            )
        });
        let protocol_dataset =
            !options.using_graphs.is_empty() || !options.using_named_graphs.is_empty();
        if names_dataset && protocol_dataset {
            // SPARQL 1.1 Protocol 2.2.3: the two ways of naming the dataset must not be mixed.
            return Err(Error::BadRequest(
                "the update names its dataset with USING or WITH and the request with \
                 using-graph-uri or using-named-graph-uri; give only one of them"
                    .to_owned(),
            ));
        }
        let mut prepared = evaluator(&options.federation, calls_services, options.cancel.as_ref())
            .for_update(update);
        for dataset in prepared.using_datasets_mut() {
            set_dataset(
                dataset,
                self.union_default_graph,
                protocol_dataset,
                &options.using_graphs,
                &options.using_named_graphs,
            );
        }
        let mut transaction = store.start_transaction()?;
        prepared
            .on_transaction(&mut transaction)
            .execute()
            .map_err(update_error)?;
        // Dropping an uncommitted transaction discards it: only this line makes the update real.
        transaction.commit()?;
        Ok(())
    }

    /// The triples of one graph, or `None` when the store has no such graph. A remote endpoint
    /// cannot tell an empty named graph from a missing one; both count as missing. Blocking.
    pub fn graph_triples(&self, target: &GraphTarget) -> Result<Option<Vec<model::Triple>>> {
        match &self.backend {
            Backend::Embedded(store) => {
                if let GraphTarget::Named(iri) = target {
                    if !store.contains_named_graph(iri.as_ref())? {
                        return Ok(None);
                    }
                }
                let graph = target.graph_name();
                store
                    .quads_for_pattern(None, None, None, Some(graph.as_ref()))
                    .map(|quad| Ok(model::Triple::from(quad?)))
                    .collect::<Result<Vec<_>>>()
                    .map(Some)
            }
            Backend::Remote(_) => match target {
                GraphTarget::Default => self.construct("CONSTRUCT WHERE { ?s ?p ?o }").map(Some),
                GraphTarget::Named(iri) => {
                    let triples = self.construct_bound(
                        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?g { UNDEF } GRAPH ?g { ?s ?p ?o } }",
                        vec![(Variable::new_unchecked("g"), Term::from(iri.clone()))],
                    )?;
                    Ok((!triples.is_empty()).then_some(triples))
                }
            },
        }
    }

    /// Parses an RDF document meant for one graph, before anything is written: a body that
    /// fails half-way changes nothing. Relative IRIs resolve against the graph's IRI (the base
    /// for the default graph); blank nodes get fresh names, so they never merge with existing
    /// ones. The error names the line and column.
    fn parse_graph(
        &self,
        target: &GraphTarget,
        format: RdfFormat,
        body: &[u8],
    ) -> Result<Vec<Quad>> {
        let base = match target {
            GraphTarget::Named(iri) => iri.as_str(),
            GraphTarget::Default => &self.base,
        };
        if matches!(format, RdfFormat::JsonLd { .. }) {
            crate::store::nesting::check_json_ld(body)?;
        }
        let parser = RdfParser::from_format(format)
            .with_base_iri(base)
            .map_err(|e| Error::Internal(format!("the base IRI {base} does not parse: {e}")))?
            .without_named_graphs()
            .with_default_graph(target.graph_name())
            .rename_blank_nodes();
        parser
            .for_slice(body)
            .map(|quad| {
                quad.map_err(|e| {
                    Error::BadRequest(format!(
                        "the request body is not valid {}: {}; nothing was changed",
                        format.name(),
                        describe_parse_error(&e)
                    ))
                })
            })
            .collect()
    }

    /// Replaces a graph with the triples of an RDF document, in one transaction. Returns
    /// whether the graph is new. Blocking.
    pub fn replace_graph(
        &self,
        target: &GraphTarget,
        format: RdfFormat,
        body: &[u8],
    ) -> Result<bool> {
        self.write_documents(target, &[(format, body)], true)
    }

    /// Adds the triples of an RDF document to a graph, in one transaction. Returns whether the
    /// graph is new. Blocking.
    pub fn add_to_graph(
        &self,
        target: &GraphTarget,
        format: RdfFormat,
        body: &[u8],
    ) -> Result<bool> {
        self.write_documents(target, &[(format, body)], false)
    }

    /// Makes a new named graph `<prefix><random name>` from the triples of RDF documents, in
    /// one transaction, and returns its IRI (Graph Store Protocol 5.5, POST to the service).
    /// The name is 128 random bits (those of a fresh blank node), drawn again in the unlikely
    /// case that a graph already has it. Blocking.
    pub fn create_graph(
        &self,
        prefix: &str,
        documents: &[(RdfFormat, &[u8])],
    ) -> Result<NamedNode> {
        let store = self.writable()?;
        let fresh = || {
            NamedNode::new(format!("{prefix}{}", BlankNode::default().as_str())).map_err(|e| {
                Error::Internal(format!("the graph prefix {prefix} makes no IRI: {e}"))
            })
        };
        let mut iri = fresh()?;
        while store.contains_named_graph(iri.as_ref())? {
            iri = fresh()?;
        }
        let target = GraphTarget::Named(iri.clone());
        // Writes run one at a time (`AppState::write`), so the name is still free here.
        self.write_documents(&target, documents, false)?;
        Ok(iri)
    }

    /// PUT (`replace`) or POST of documents to a graph (several for the parts of a
    /// multipart/form-data POST): every document is parsed before the store is touched, so one
    /// bad part changes nothing, then one transaction. The documents' blank nodes stay apart,
    /// as in an RDF merge. Returns whether the graph is new. Blocking.
    pub fn write_documents(
        &self,
        target: &GraphTarget,
        documents: &[(RdfFormat, &[u8])],
        replace: bool,
    ) -> Result<bool> {
        let store = self.writable()?;
        let mut quads = Vec::new();
        for (format, body) in documents {
            quads.extend(self.parse_graph(target, *format, body)?);
        }
        let mut transaction = store.start_transaction()?;
        let created = match target {
            GraphTarget::Default => false,
            GraphTarget::Named(iri) => !transaction.contains_named_graph(iri.as_ref())?,
        };
        if replace {
            transaction.clear_graph(target.graph_name().as_ref())?;
        }
        if let GraphTarget::Named(iri) = target {
            // An empty document still makes the graph exist, as PUT promises.
            transaction.insert_named_graph(iri.as_ref());
        }
        transaction.extend(&quads);
        transaction.commit()?;
        Ok(created)
    }

    /// Deletes a named graph, or empties the default graph (which always exists). Returns
    /// whether there was a graph to delete. Blocking.
    pub fn delete_graph(&self, target: &GraphTarget) -> Result<bool> {
        let store = self.writable()?;
        let mut transaction = store.start_transaction()?;
        match target {
            GraphTarget::Default => transaction.clear_graph(GraphName::DefaultGraph.as_ref())?,
            GraphTarget::Named(iri) => {
                if !transaction.contains_named_graph(iri.as_ref())? {
                    return Ok(false);
                }
                transaction.remove_named_graph(iri.as_ref())?;
            }
        }
        transaction.commit()?;
        Ok(true)
    }
}

fn prefixes_for(base: &str) -> Vec<(String, String)> {
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
fn prefixed_parser(base: &str) -> SparqlParser {
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

/// The evaluator for one query or update. SERVICE calls are enabled only when every SERVICE
/// names an allowed endpoint (checked before), with no redirects, so that a listed endpoint
/// cannot send us on to an unlisted host.
fn evaluator(
    federation: &Federation,
    calls_services: bool,
    cancel: Option<&CancellationToken>,
) -> SparqlEvaluator {
    let mut evaluator = SparqlEvaluator::new();
    if let (true, Some(client)) = (calls_services, &federation.client) {
        evaluator = evaluator.with_default_service_handler(client.clone());
    }
    if let Some(token) = cancel {
        evaluator = evaluator.with_cancellation_token(token.clone());
    }
    evaluator
}

/// Sets the dataset of a query or of an update's WHERE. The protocol's graph parameters, when
/// given, replace FROM/FROM NAMED (USING/USING NAMED); otherwise a query without its own dataset
/// sees the union of all graphs (when `union`), since each loaded file is its own named graph.
fn set_dataset(
    dataset: &mut oxigraph::sparql::QueryDatasetSpecification,
    union: bool,
    from_protocol: bool,
    default_graphs: &[NamedNode],
    named_graphs: &[NamedNode],
) {
    if from_protocol {
        dataset.set_default_graph(
            default_graphs
                .iter()
                .cloned()
                .map(GraphName::from)
                .collect(),
        );
        dataset.set_available_named_graphs(
            named_graphs
                .iter()
                .cloned()
                .map(NamedOrBlankNode::from)
                .collect(),
        );
    } else if union && dataset.is_default_dataset() {
        dataset.set_default_graph_as_union();
    }
}

fn check_base(base: &str) -> Result<(), LoadError> {
    if !(base.ends_with('/') || base.ends_with('#')) || NamedNode::new(base).is_err() {
        return Err(LoadError::BadBase(base.to_owned()));
    }
    Ok(())
}

/// Maps Oxigraph's evaluation errors onto ours: cancellation and unsupported features are the
/// client's business, storage failures are ours.
fn evaluation_error(error: QueryEvaluationError) -> Error {
    match error {
        QueryEvaluationError::Cancelled => Error::QueryTimeout(std::time::Duration::ZERO),
        // Only allowed endpoints get this far, so a failure is theirs, not the client's.
        QueryEvaluationError::Service(e) => {
            Error::ServiceFailed(format!("the federated SERVICE call failed: {e}"))
        }
        QueryEvaluationError::UnsupportedService(_)
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

/// Maps Oxigraph's update errors onto ours. An operation that cannot apply (CREATE of an
/// existing graph, DROP of a missing one) is the client's mistake; the transaction around the
/// update makes sure nothing of it was kept.
fn update_error(error: UpdateEvaluationError) -> Error {
    match error {
        UpdateEvaluationError::Storage(e) => Error::Storage(e),
        UpdateEvaluationError::Service(e) => {
            Error::ServiceFailed(format!("the federated SERVICE call failed: {e}"))
        }
        UpdateEvaluationError::GraphAlreadyExists(_)
        | UpdateEvaluationError::GraphDoesNotExist(_)
        | UpdateEvaluationError::UnboundService
        | UpdateEvaluationError::InvalidServiceName(_)
        | UpdateEvaluationError::UnsupportedService(_) => {
            Error::QueryRejected(format!("{error}; nothing of the update was applied"))
        }
        UpdateEvaluationError::Unexpected(inner) => {
            // Query evaluation errors (a cancellation among them) arrive boxed.
            match inner.downcast::<QueryEvaluationError>() {
                Ok(e) => evaluation_error(*e),
                Err(other) => Error::Internal(other.to_string()),
            }
        }
        other => Error::Internal(other.to_string()),
    }
}

/// Refuses what an update must not do before any of it runs: `LOAD` (it would make the server
/// fetch any URL a request names) and SERVICE calls off the allow-list. Returns whether the
/// update calls any service.
fn check_update(update: &spargebra::Update, allowed: &[NamedNode]) -> Result<bool> {
    let mut calls_services = false;
    for operation in &update.operations {
        match operation {
            GraphUpdateOperation::Load { source, .. } => {
                return Err(Error::QueryRejected(format!(
                    "LOAD {source} is refused: this service does not fetch documents from URLs \
                     that requests name; send the data with PUT or POST on /store"
                )))
            }
            GraphUpdateOperation::DeleteInsert { pattern, .. } => {
                calls_services |= check_pattern_services(pattern, allowed)?;
            }
            _ => {}
        }
    }
    Ok(calls_services)
}

/// Refuses a query whose SERVICE calls are not all on the allow-list, naming the first one that
/// is not; returns whether the query calls any service.
fn check_services(query: &spargebra::Query, allowed: &[NamedNode]) -> Result<bool> {
    // The walker is shared with bind_values and takes patterns mutably; a copy keeps this
    // read-only. Queries are small next to their evaluation.
    let mut copy = query.clone();
    check_pattern_services(query_pattern(&mut copy), allowed)
}

/// The SERVICE check of one graph pattern. It walks the whole algebra, including `EXISTS`
/// inside filters, binds, orderings and aggregates, so no SERVICE can hide.
fn check_pattern_services(pattern: &GraphPattern, allowed: &[NamedNode]) -> Result<bool> {
    let mut names = Vec::new();
    let mut copy = pattern.clone();
    visit_patterns(&mut copy, &mut |pattern| {
        if let GraphPattern::Service { name, .. } = pattern {
            names.push(name.clone());
        }
    });
    for name in &names {
        let listed = match name {
            NamedNodePattern::NamedNode(iri) => allowed.contains(iri),
            NamedNodePattern::Variable(_) => false,
        };
        if listed {
            continue;
        }
        let allowed_list = allowed
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::QueryRejected(match (name, allowed.is_empty()) {
            (_, true) => format!(
                "SERVICE {name} is refused: SERVICE (federation) is not enabled on this endpoint; \
                 its operator can allow named endpoints with --federate URL"
            ),
            (NamedNodePattern::Variable(_), false) => format!(
                "SERVICE {name} is refused: a federated query must name its endpoint with an IRI; \
                 allowed endpoints: {allowed_list}"
            ),
            (NamedNodePattern::NamedNode(_), false) => format!(
                "SERVICE {name} is not an allowed endpoint; allowed endpoints: {allowed_list}"
            ),
        }));
    }
    Ok(!names.is_empty())
}

/// Calls `visit` on every graph pattern of `pattern`, parents before children, including the
/// patterns inside `EXISTS` in filters, binds, orderings, aggregates and left-join conditions.
fn visit_patterns(pattern: &mut GraphPattern, visit: &mut dyn FnMut(&mut GraphPattern)) {
    visit(pattern);
    match pattern {
        GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => {}
        GraphPattern::Join { left, right }
        | GraphPattern::Lateral { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => {
            visit_patterns(left, visit);
            visit_patterns(right, visit);
        }
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => {
            visit_patterns(left, visit);
            visit_patterns(right, visit);
            if let Some(expression) = expression {
                visit_expression(expression, visit);
            }
        }
        GraphPattern::Filter { expr, inner } => {
            visit_expression(expr, visit);
            visit_patterns(inner, visit);
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => {
            visit_patterns(inner, visit);
            visit_expression(expression, visit);
        }
        GraphPattern::OrderBy { inner, expression } => {
            visit_patterns(inner, visit);
            for order in expression {
                match order {
                    OrderExpression::Asc(e) | OrderExpression::Desc(e) => {
                        visit_expression(e, visit)
                    }
                }
            }
        }
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            visit_patterns(inner, visit);
            for (_, aggregate) in aggregates {
                if let AggregateExpression::FunctionCall { expr, .. } = aggregate {
                    visit_expression(expr, visit);
                }
            }
        }
        GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Service { inner, .. } => visit_patterns(inner, visit),
    }
}

fn visit_expression(expression: &mut Expression, visit: &mut dyn FnMut(&mut GraphPattern)) {
    match expression {
        Expression::NamedNode(_)
        | Expression::Literal(_)
        | Expression::Variable(_)
        | Expression::Bound(_) => {}
        Expression::Exists(pattern) => visit_patterns(pattern, visit),
        Expression::Or(a, b)
        | Expression::And(a, b)
        | Expression::Equal(a, b)
        | Expression::SameTerm(a, b)
        | Expression::Greater(a, b)
        | Expression::GreaterOrEqual(a, b)
        | Expression::Less(a, b)
        | Expression::LessOrEqual(a, b)
        | Expression::Add(a, b)
        | Expression::Subtract(a, b)
        | Expression::Multiply(a, b)
        | Expression::Divide(a, b) => {
            visit_expression(a, visit);
            visit_expression(b, visit);
        }
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
            visit_expression(a, visit)
        }
        Expression::In(a, list) => {
            visit_expression(a, visit);
            for e in list {
                visit_expression(e, visit);
            }
        }
        Expression::If(a, b, c) => {
            visit_expression(a, visit);
            visit_expression(b, visit);
            visit_expression(c, visit);
        }
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
            for e in list {
                visit_expression(e, visit);
            }
        }
    }
}

/// The text sent to a remote engine: the parsed query written out (prefixes expanded), with
/// every blank node of its patterns turned into a variable of its own. Our parser turns a
/// sequence path (`?e a/rdfs:subClassOf* ?c`) into triples joined by a blank node, and Virtuoso
/// refuses a blank node as the subject of a transitive path (SP031); in a pattern a blank node
/// means exactly what an unprojected variable means, so every engine reads the same query.
/// Blank nodes of a CONSTRUCT template stay blank nodes: there they mean fresh nodes.
fn remote_text(query: &spargebra::Query) -> String {
    let mut query = query.clone();
    inline_fixed_values(query_pattern(&mut query));
    let text = query.to_string();
    if !text.contains("_:") {
        return text;
    }
    // A prefix no variable of the query starts with, so the new names cannot capture one.
    let mut prefix = String::from("fgb");
    while text.contains(&format!("?{prefix}")) || text.contains(&format!("${prefix}")) {
        prefix.push('_');
    }
    let variable = |pattern: &mut TermPattern| {
        if let TermPattern::BlankNode(node) = pattern {
            let name = format!("{prefix}_{}", node.as_str());
            // A blank node label is a valid variable name but for '-' and '.', which
            // variables do not allow.
            let name: String = name
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            *pattern = TermPattern::Variable(Variable::new_unchecked(name));
        }
    };
    visit_patterns(query_pattern(&mut query), &mut |pattern| match pattern {
        GraphPattern::Bgp { patterns } => {
            for triple in patterns {
                variable(&mut triple.subject);
                variable(&mut triple.object);
            }
        }
        GraphPattern::Path {
            subject, object, ..
        } => {
            variable(subject);
            variable(object);
        }
        _ => {}
    });
    query.to_string()
}

/// Where the query's own group fixes a variable for every solution with a one-row `VALUES`
/// (`VALUES ?fact { <…> }`, as the answer queries bind the fact), writes the term into the
/// group's triple patterns as well, keeping the VALUES (so the variable is still bound). The
/// same solutions; Virtuoso 7 plans the patterns with the IRI in place several times faster
/// (the answer query: 4 ms instead of 21). Sub-selects, MINUS, EXISTS and SERVICE are left as
/// they are: their variables are scoped differently.
fn inline_fixed_values(pattern: &mut GraphPattern) {
    // The query's group, under its modifiers (LIMIT, DISTINCT, SELECT, ORDER BY, BIND,
    // aggregates, HAVING).
    let mut group = pattern;
    loop {
        group = match group {
            GraphPattern::Slice { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Project { inner, .. }
            | GraphPattern::OrderBy { inner, .. }
            | GraphPattern::Extend { inner, .. }
            | GraphPattern::Group { inner, .. }
            | GraphPattern::Filter { inner, .. } => inner,
            _ => break,
        };
    }
    let mut fixed = Vec::new();
    fixed_values(group, &mut fixed);
    if !fixed.is_empty() {
        write_fixed_values(group, &fixed);
    }
}

/// The variables every solution of `pattern` binds to one term: those of a one-row VALUES in
/// its mandatory part (joins, the left of OPTIONAL, filtered and extended patterns).
fn fixed_values(pattern: &GraphPattern, out: &mut Vec<(Variable, GroundTerm)>) {
    match pattern {
        GraphPattern::Values {
            variables,
            bindings,
        } if bindings.len() == 1 => {
            for (variable, term) in variables.iter().zip(&bindings[0]) {
                if let Some(term @ (GroundTerm::NamedNode(_) | GroundTerm::Literal(_))) = term {
                    out.push((variable.clone(), term.clone()));
                }
            }
        }
        GraphPattern::Join { left, right } => {
            fixed_values(left, out);
            fixed_values(right, out);
        }
        GraphPattern::LeftJoin { left: inner, .. }
        | GraphPattern::Minus { left: inner, .. }
        | GraphPattern::Filter { inner, .. }
        | GraphPattern::Extend { inner, .. } => fixed_values(inner, out),
        _ => {}
    }
}

/// Writes the fixed terms into the triple patterns of the group (through joins, OPTIONALs,
/// UNIONs, filters and GRAPH; not into sub-selects, MINUS, SERVICE or aggregates).
fn write_fixed_values(pattern: &mut GraphPattern, fixed: &[(Variable, GroundTerm)]) {
    let term = |pattern: &mut TermPattern| {
        if let TermPattern::Variable(v) = pattern {
            match fixed.iter().find(|(f, _)| f == v).map(|(_, t)| t) {
                Some(GroundTerm::NamedNode(n)) => *pattern = TermPattern::NamedNode(n.clone()),
                Some(GroundTerm::Literal(l)) => *pattern = TermPattern::Literal(l.clone()),
                _ => {}
            }
        }
    };
    match pattern {
        GraphPattern::Bgp { patterns } => {
            for triple in patterns {
                term(&mut triple.subject);
                term(&mut triple.object);
                if let NamedNodePattern::Variable(v) = &triple.predicate {
                    if let Some((_, GroundTerm::NamedNode(n))) = fixed.iter().find(|(f, _)| f == v)
                    {
                        triple.predicate = NamedNodePattern::NamedNode(n.clone());
                    }
                }
            }
        }
        GraphPattern::Path {
            subject, object, ..
        } => {
            term(subject);
            term(object);
        }
        GraphPattern::Join { left, right }
        | GraphPattern::LeftJoin { left, right, .. }
        | GraphPattern::Union { left, right } => {
            write_fixed_values(left, fixed);
            write_fixed_values(right, fixed);
        }
        GraphPattern::Minus { left: inner, .. }
        | GraphPattern::Filter { inner, .. }
        | GraphPattern::Extend { inner, .. }
        | GraphPattern::Graph { inner, .. } => write_fixed_values(inner, fixed),
        _ => {}
    }
}

/// The variables a SELECT projects (the outermost projection of its pattern).
fn pattern_variables(pattern: &GraphPattern) -> Vec<Variable> {
    let mut pattern = pattern;
    loop {
        pattern = match pattern {
            GraphPattern::Project { variables, .. } => return variables.clone(),
            GraphPattern::Slice { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner } => inner,
            _ => return Vec::new(),
        };
    }
}

fn query_dataset(query: &mut spargebra::Query) -> Option<&mut spargebra::algebra::QueryDataset> {
    match query {
        spargebra::Query::Select { dataset, .. }
        | spargebra::Query::Ask { dataset, .. }
        | spargebra::Query::Construct { dataset, .. }
        | spargebra::Query::Describe { dataset, .. } => dataset.as_mut(),
    }
}

fn query_pattern(query: &mut spargebra::Query) -> &mut GraphPattern {
    match query {
        spargebra::Query::Select { pattern, .. }
        | spargebra::Query::Ask { pattern, .. }
        | spargebra::Query::Construct { pattern, .. }
        | spargebra::Query::Describe { pattern, .. } => pattern,
    }
}

/// Gives variables their values where the query asks for it with `VALUES ?x { UNDEF }`: the
/// UNDEF becomes the term. Done on the algebra, so the value never passes through query text
/// and the bound query reads the same to any SPARQL engine. A binding with no such `VALUES` is
/// a programming error, reported rather than silently leaving the variable free.
fn bind_values(query: &mut spargebra::Query, bindings: &[(Variable, Term)]) -> Result<()> {
    for (variable, term) in bindings {
        let value = match term {
            Term::NamedNode(n) => GroundTerm::NamedNode(n.clone()),
            Term::Literal(l) => GroundTerm::Literal(l.clone()),
            other => {
                return Err(Error::Internal(format!(
                    "cannot bind ?{variable} to {other}: only IRIs and literals can be bound"
                )))
            }
        };
        let mut bound = 0;
        visit_patterns(query_pattern(query), &mut |pattern| {
            if let GraphPattern::Values {
                variables,
                bindings: rows,
            } = pattern
            {
                if let Some(column) = variables.iter().position(|v| v == variable) {
                    for row in rows.iter_mut() {
                        if let Some(cell @ None) = row.get_mut(column) {
                            *cell = Some(value.clone());
                            bound += 1;
                        }
                    }
                }
            }
        });
        if bound == 0 {
            return Err(Error::Internal(format!(
                "the query has no VALUES ?{variable} {{ UNDEF }} to bind"
            )));
        }
    }
    Ok(())
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
    crate::store::formats::rdf_of_loaded_file(path.extension()?.to_str()?)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> spargebra::Query {
        SparqlParser::new().parse_query(query).unwrap()
    }

    #[test]
    fn binds_undef_values_on_the_algebra() {
        let mut query = parse(
            "SELECT * WHERE { { VALUES ?x { UNDEF } ?x ?p ?o } UNION { VALUES ?x { UNDEF } ?s ?p ?x } }",
        );
        let x = Variable::new_unchecked("x");
        let term = Term::from(NamedNode::new_unchecked("http://example.org/a"));
        bind_values(&mut query, &[(x.clone(), term)]).unwrap();
        let text = query.to_string();
        assert_eq!(
            text.matches("VALUES ( ?x ) { ( <http://example.org/a> )")
                .count(),
            2,
            "{text}"
        );
        assert!(!text.contains("UNDEF"), "{text}");
        let mut free = parse("SELECT * WHERE { ?x ?p ?o }");
        let term = Term::from(NamedNode::new_unchecked("http://example.org/a"));
        assert!(bind_values(&mut free, &[(x, term)]).is_err());
    }

    #[test]
    fn remote_text_has_no_blank_nodes_in_patterns() {
        let cases = [
            "SELECT * WHERE { ?e a/<http://ex/sub>* ?c }",
            "SELECT ?c WHERE { ?e a/<http://ex/sub>+ ?c FILTER EXISTS { [] <http://ex/p> ?c } }",
            "ASK { _:x <http://ex/p>/<http://ex/q> [ <http://ex/r> ?fgb ] }",
            "CONSTRUCT { _:n <http://ex/p> ?c } WHERE { ?e a/<http://ex/sub>* ?c }",
        ];
        for case in cases {
            let text = remote_text(&parse(case));
            let pattern = text.split_once("WHERE").map_or(text.as_str(), |(_, w)| w);
            assert!(!pattern.contains("_:"), "{case} -> {text}");
            // It still parses, and `SELECT *` still projects only the query's own variables.
            let reparsed = parse(&text);
            if case.starts_with("SELECT *") {
                let projection = text.split_once("WHERE").map_or("", |(p, _)| p);
                assert_eq!(projection.matches('?').count(), 2, "{text}");
            }
            if case.starts_with("CONSTRUCT") {
                assert!(
                    text.contains("_:"),
                    "the template keeps its blank node: {text}"
                );
            }
            if case.contains("?fgb") {
                assert!(text.contains("?fgb_") && !text.contains("?fgb_x"), "{text}");
            }
            assert_eq!(remote_text(&reparsed), reparsed.to_string());
        }
    }

    #[test]
    fn fixed_values_are_written_into_the_group_only() {
        let query = parse(
            "SELECT ?f ?o ?x WHERE { VALUES ?f { <http://ex/a> } ?f <http://ex/p> ?o \
             OPTIONAL { ?f <http://ex/q> ?x } MINUS { ?f <http://ex/r> ?y } \
             { SELECT ?f WHERE { ?f <http://ex/s> ?z } } } ORDER BY ?o",
        );
        let text = remote_text(&query);
        assert!(text.contains("<http://ex/a> <http://ex/p> ?o"), "{text}");
        assert!(text.contains("<http://ex/a> <http://ex/q> ?x"), "{text}");
        assert!(
            text.contains("?f <http://ex/r> ?y"),
            "MINUS keeps it: {text}"
        );
        assert!(
            text.contains("?f <http://ex/s> ?z"),
            "a sub-select keeps it: {text}"
        );
        assert!(text.contains("VALUES"), "the variable stays bound: {text}");
        let several =
            parse("SELECT * WHERE { VALUES ?f { <http://ex/a> <http://ex/b> } ?f ?p ?o }");
        assert!(remote_text(&several).contains("?f ?p ?o"));
        // The same solutions on a store: the rewritten text against the original.
        let store = memory_store();
        let data = "<http://ex/a> <http://ex/p> 1 . <http://ex/a> <http://ex/p> 2 . \
                    <http://ex/a> <http://ex/q> 3 . <http://ex/a> <http://ex/r> 4 . \
                    <http://ex/b> <http://ex/p> 5 . <http://ex/a> <http://ex/s> 6 .";
        store
            .update(
                &format!("INSERT DATA {{ GRAPH <http://ex/g> {{ {data} }} }}"),
                &UpdateOptions::default(),
            )
            .unwrap();
        let original = query.to_string();
        let sorted = |q: &str| {
            let mut rows = store.select(q).unwrap().rows;
            rows.sort_by_key(|r| format!("{r:?}"));
            rows
        };
        assert_eq!(sorted(&original), sorted(&text));
        assert_eq!(sorted(&original).len(), 0, "MINUS removes the fact's rows");
        let kept = "SELECT ?f ?o ?x WHERE { VALUES ?f { <http://ex/a> } ?f <http://ex/p> ?o \
                    OPTIONAL { ?f <http://ex/q> ?x } }";
        assert_eq!(sorted(kept), sorted(&remote_text(&parse(kept))));
        assert_eq!(sorted(kept).len(), 2);
    }

    const EX: &str = "http://example.org/";

    fn memory_store() -> Store {
        Store::load(&[], DEFAULT_BASE).unwrap().0
    }

    fn named(local: &str) -> GraphTarget {
        GraphTarget::Named(NamedNode::new(format!("{EX}{local}")).unwrap())
    }

    fn count(store: &Store, query: &str) -> usize {
        store.select(query).unwrap().rows.len()
    }

    #[test]
    fn an_update_that_fails_half_way_changes_nothing() {
        let store = memory_store();
        let options = UpdateOptions::default();
        store
            .update(
                "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> <http://example.org/p> 1 } }",
                &options,
            )
            .unwrap();
        // The INSERT DATA runs, then CREATE fails on the existing graph: the transaction is
        // dropped and the first operation is gone with it.
        let err = store
            .update(
                "INSERT DATA { <http://example.org/b> <http://example.org/p> 2 } ;                  CREATE GRAPH <http://example.org/g>",
                &options,
            )
            .unwrap_err();
        assert_eq!(err.status(), 400, "{err}");
        assert!(err.to_string().contains("nothing"), "{err}");
        assert_eq!(count(&store, "SELECT * WHERE { ?s ?p ?o }"), 1);
        let err = store
            .update(
                "INSERT DATA { <http://example.org/b> <http://example.org/p> 2 } ;                  LOAD <http://127.0.0.1:1/data.ttl>",
                &options,
            )
            .unwrap_err();
        assert!(err.to_string().contains("LOAD"), "{err}");
        assert_eq!(count(&store, "SELECT * WHERE { ?s ?p ?o }"), 1);
        let err = store
            .update(
                "INSERT { ?s ?p ?o } WHERE { SERVICE <http://evil.example/> { ?s ?p ?o } }",
                &options,
            )
            .unwrap_err();
        assert!(err.to_string().contains("SERVICE"), "{err}");
        assert!(store.update("INSERT DATA {", &options).is_err());
    }

    #[test]
    fn load_silent_fetches_nothing_and_succeeds() {
        let store = memory_store();
        let options = UpdateOptions::default();
        // A listener the LOAD names: SILENT would hide a failed fetch, so the test watches for
        // the connection itself.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        store
            .update(
                &format!(
                    "INSERT DATA {{ <http://example.org/b> <http://example.org/p> 2 }} ; \
                     LOAD SILENT <http://127.0.0.1:{port}/data.ttl> INTO GRAPH <http://example.org/g>"
                ),
                &options,
            )
            .unwrap();
        assert_eq!(
            listener.accept().map_err(|e| e.kind()).err(),
            Some(std::io::ErrorKind::WouldBlock),
            "LOAD SILENT connected to the URL it names"
        );
        assert_eq!(count(&store, "SELECT * WHERE { ?s ?p ?o }"), 1);
        assert_eq!(count(&store, "SELECT ?g WHERE { GRAPH ?g { } }"), 0);
    }

    #[test]
    fn update_where_sees_all_graphs_unless_told_otherwise() {
        let store = memory_store();
        let options = UpdateOptions::default();
        store
            .update(
                "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> a <http://example.org/C> } }",
                &options,
            )
            .unwrap();
        store
            .update(
                "INSERT { ?s <http://example.org/seen> true } WHERE { ?s a <http://example.org/C> }",
                &options,
            )
            .unwrap();
        assert_eq!(
            count(
                &store,
                "SELECT * WHERE { ?s <http://example.org/seen> true }"
            ),
            1
        );
        let elsewhere = UpdateOptions {
            using_graphs: vec![NamedNode::new_unchecked("http://example.org/empty")],
            ..UpdateOptions::default()
        };
        store
            .update(
                "INSERT { ?s <http://example.org/again> true } WHERE { ?s a <http://example.org/C> }",
                &elsewhere,
            )
            .unwrap();
        assert_eq!(
            count(
                &store,
                "SELECT * WHERE { ?s <http://example.org/again> true }"
            ),
            0
        );
        let err = store
            .update(
                "WITH <http://example.org/g> INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                &elsewhere,
            )
            .unwrap_err();
        assert!(err.to_string().contains("only one"), "{err}");
    }

    #[test]
    fn graph_writes_are_whole_or_nothing() {
        let store = memory_store();
        let turtle = RdfFormat::Turtle;
        let g = named("g");
        assert!(store.graph_triples(&g).unwrap().is_none());
        assert!(store
            .replace_graph(&g, turtle, b"<a> <p> <b> , <c> .")
            .unwrap());
        assert_eq!(store.graph_triples(&g).unwrap().unwrap().len(), 2);
        // Relative IRIs resolve against the graph's IRI.
        assert_eq!(
            count(
                &store,
                "SELECT * WHERE { GRAPH <http://example.org/g> { <http://example.org/a> ?p ?o } }"
            ),
            2
        );
        let broken = b"<a> <p> <d> .\n<a> <p> <e> .\n<a> <p> \"open .\n<a> <p> <f> .";
        let err = store.replace_graph(&g, turtle, broken).unwrap_err();
        assert_eq!(err.status(), 400);
        assert!(err.to_string().contains("line 3"), "{err}");
        assert!(store.add_to_graph(&g, turtle, broken).is_err());
        assert_eq!(store.graph_triples(&g).unwrap().unwrap().len(), 2);
        assert!(!store.add_to_graph(&g, turtle, b"<a> <p> <d> .").unwrap());
        assert_eq!(store.graph_triples(&g).unwrap().unwrap().len(), 3);
        assert!(!store.replace_graph(&g, turtle, b"").unwrap());
        assert_eq!(store.graph_triples(&g).unwrap().unwrap().len(), 0);
        assert!(store.delete_graph(&g).unwrap());
        assert!(!store.delete_graph(&g).unwrap());
        assert!(store.graph_triples(&g).unwrap().is_none());
        assert!(store.delete_graph(&GraphTarget::Default).unwrap());
        // A JSON-LD document with a named graph of its own is refused, not spread over graphs.
        let jsonld = RdfFormat::JsonLd {
            profile: oxigraph::io::JsonLdProfileSet::empty(),
        };
        let with_graph = br#"{"@id": "http://example.org/h", "@graph": [{"@id": "http://example.org/x", "http://example.org/p": "v"}]}"#;
        assert!(store.add_to_graph(&named("j"), jsonld, with_graph).is_err());
        assert!(store.graph_triples(&named("j")).unwrap().is_none());
        let plain = br#"{"@id": "http://example.org/x", "http://example.org/p": "v"}"#;
        assert!(store.add_to_graph(&named("j"), jsonld, plain).unwrap());
        assert_eq!(store.graph_triples(&named("j")).unwrap().unwrap().len(), 1);
        let xml = br#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/"><rdf:Description rdf:about="x"><ex:p>v</ex:p></rdf:Description></rdf:RDF>"#;
        assert!(store
            .replace_graph(&named("x"), RdfFormat::RdfXml, xml)
            .unwrap());
        assert_eq!(
            count(
                &store,
                "SELECT * WHERE { GRAPH <http://example.org/x> { <http://example.org/x> ?p ?o } }"
            ),
            1
        );
    }

    #[test]
    fn several_documents_land_together_or_not_at_all() {
        let store = memory_store();
        let turtle = RdfFormat::Turtle;
        let g = named("parts");
        // Blank nodes of different documents stay apart, as in an RDF merge.
        let parts: [(RdfFormat, &[u8]); 2] = [
            (turtle, b"_:x <http://example.org/p> 1 ."),
            (RdfFormat::NTriples, b"_:x <http://example.org/p> \"2\" ."),
        ];
        assert!(store.write_documents(&g, &parts, false).unwrap());
        assert_eq!(
            count(
                &store,
                "SELECT DISTINCT ?s WHERE { GRAPH <http://example.org/parts> { ?s ?p ?o } }"
            ),
            2
        );
        // One broken part: nothing of the others lands.
        let broken: [(RdfFormat, &[u8]); 2] =
            [(turtle, b"<a> <p> <new> ."), (turtle, b"<a> <p> \"open .")];
        assert_eq!(
            store
                .write_documents(&g, &broken, false)
                .unwrap_err()
                .status(),
            400
        );
        assert_eq!(store.graph_triples(&g).unwrap().unwrap().len(), 2);
    }

    #[test]
    fn a_created_graph_gets_a_new_name_under_the_prefix() {
        let store = memory_store();
        let doc: [(RdfFormat, &[u8]); 1] = [(RdfFormat::Turtle, b"<a> <p> <b> .")];
        let first = store
            .create_graph("http://example.org/store/", &doc)
            .unwrap();
        let second = store
            .create_graph("http://example.org/store/", &doc)
            .unwrap();
        assert_ne!(first, second);
        for iri in [&first, &second] {
            let rest = iri
                .as_str()
                .strip_prefix("http://example.org/store/")
                .unwrap();
            assert!(
                !rest.is_empty() && rest.chars().all(|c| c.is_ascii_hexdigit()),
                "{iri}"
            );
            let triples = store
                .graph_triples(&GraphTarget::Named(iri.clone()))
                .unwrap()
                .unwrap();
            // Relative IRIs resolve against the new graph's own IRI.
            assert_eq!(
                triples[0].subject.to_string(),
                "<http://example.org/store/a>"
            );
        }
    }

    #[test]
    fn relative_iris_resolve_against_the_base() {
        let store = memory_store();
        let triples = store.construct("CONSTRUCT { <s> <p> 1 } WHERE {}").unwrap();
        assert_eq!(triples[0].subject.to_string(), format!("<{DEFAULT_BASE}s>"));
        // A BASE in the query wins.
        let triples = store
            .construct("BASE <http://example.org/> CONSTRUCT { <s> <p> 1 } WHERE {}")
            .unwrap();
        assert_eq!(triples[0].subject.to_string(), "<http://example.org/s>");
        // Updates resolve the same way.
        store
            .update(
                "INSERT DATA { GRAPH <http://example.org/rel> { <x> <p> <y> } }",
                &UpdateOptions::default(),
            )
            .unwrap();
        let query =
            format!("SELECT * WHERE {{ <{DEFAULT_BASE}x> <{DEFAULT_BASE}p> <{DEFAULT_BASE}y> }}");
        assert_eq!(count(&store, &query), 1);
    }

    #[test]
    fn finds_services_everywhere() {
        let allowed = [NamedNode::new_unchecked("http://ok.example/sparql")];
        for query in [
            "SELECT * WHERE { SERVICE <http://evil.example/> { ?s ?p ?o } }",
            "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }",
            "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://evil.example/> { ?s ?p ?o } } }",
            "SELECT * WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?r FILTER NOT EXISTS { SERVICE <http://evil.example/> {} } } }",
            "SELECT (COUNT(*) AS ?n) WHERE { { SELECT * WHERE { SERVICE <http://evil.example/> { ?s ?p ?o } } } }",
            "SELECT * WHERE { BIND(EXISTS { SERVICE <http://evil.example/> { ?s ?p ?o } } AS ?b) }",
            "SELECT * WHERE { ?s ?p ?o } ORDER BY (EXISTS { SERVICE <http://evil.example/> {} })",
            "SELECT * WHERE { SERVICE <http://ok.example/sparql> { SERVICE <http://evil.example/> {} } }",
            "ASK { GRAPH ?g { SERVICE SILENT <http://evil.example/> {} } }",
        ] {
            let err = check_services(&parse(query), &allowed).unwrap_err().to_string();
            assert!(err.contains("SERVICE"), "{query}: {err}");
            assert!(!err.is_empty());
        }
        assert!(check_services(
            &parse("SELECT * WHERE { SERVICE <http://ok.example/sparql> { ?s ?p ?o } }"),
            &allowed
        )
        .unwrap());
        assert!(!check_services(&parse("SELECT * WHERE { ?s ?p ?o }"), &[]).unwrap());
    }

    /// Request bodies of `/store` nest as deep as a client likes; every parser must refuse or
    /// accept them without recursing, on the smallest stack a request runs on.
    #[test]
    fn deeply_nested_bodies_parse_without_overflowing_the_stack() {
        let depth = 100_000;
        let bodies = [
            (
                RdfFormat::Turtle,
                format!(
                    "<http://example.org/s> <http://example.org/p> {}1{} .",
                    "[ <http://example.org/p> ".repeat(depth),
                    " ]".repeat(depth)
                ),
            ),
            (
                RdfFormat::Turtle,
                format!(
                    "<http://example.org/s> <http://example.org/p> {}1{} .",
                    "(".repeat(depth),
                    ")".repeat(depth)
                ),
            ),
            (
                RdfFormat::RdfXml,
                format!(
                    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" \
                     xmlns:ex=\"http://example.org/\">{}{}</rdf:RDF>",
                    "<rdf:Description><ex:p>".repeat(depth),
                    "</ex:p></rdf:Description>".repeat(depth)
                ),
            ),
            (
                RdfFormat::JsonLd {
                    profile: oxigraph::io::JsonLdProfileSet::empty(),
                },
                format!(
                    "{}1{}",
                    "{\"http://example.org/p\": ".repeat(depth),
                    "}".repeat(depth)
                ),
            ),
            (
                RdfFormat::JsonLd {
                    profile: oxigraph::io::JsonLdProfileSet::empty(),
                },
                format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
            ),
            (
                RdfFormat::JsonLd {
                    profile: oxigraph::io::JsonLdProfileSet::empty(),
                },
                mixed_json_ld(depth),
            ),
        ];
        for (format, body) in bodies {
            let outcome = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || {
                    let store = memory_store();
                    store
                        .add_to_graph(&named("deep"), format, body.as_bytes())
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                })
                .unwrap()
                .join();
            assert!(
                outcome.is_ok(),
                "{} body {depth} deep crashed",
                format.name()
            );
        }
    }

    /// Objects, arrays and lists in turn: the JSON-LD parser expands such values by recursion.
    fn mixed_json_ld(depth: usize) -> String {
        let mut json = String::from("1");
        for level in 0..depth {
            json = match level % 3 {
                0 => format!("{{\"http://example.org/p\": {json}}}"),
                1 => format!("[{json}]"),
                _ => format!("{{\"@list\": [{json}]}}"),
            };
        }
        format!("{{\"http://example.org/p\": {json}}}")
    }

    /// JSON-LD deeper than the limit is refused before parsing; at the limit it parses on the
    /// stack writes run on.
    #[test]
    fn json_ld_nesting_is_bounded_and_the_bound_fits_the_write_stack() {
        let jsonld = RdfFormat::JsonLd {
            profile: oxigraph::io::JsonLdProfileSet::empty(),
        };
        let refused = memory_store()
            .add_to_graph(&named("deep"), jsonld, mixed_json_ld(1_000).as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("JSON-LD body nests more than"),
            "{refused}"
        );
        // The wrapper adds one object and every third level two brackets: stay within the limit.
        let levels = (crate::store::nesting::MAX_JSON_LD_NESTING - 1) * 3 / 4;
        let body = mixed_json_ld(levels);
        assert!(crate::store::nesting::check_json_ld(body.as_bytes()).is_ok());
        let parsed = std::thread::Builder::new()
            .stack_size(crate::store::nesting::EVALUATION_STACK)
            .spawn(move || {
                memory_store()
                    .add_to_graph(&named("deep"), jsonld, body.as_bytes())
                    .map_err(|e| e.to_string())
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(parsed.is_ok(), "{parsed:?}");
    }
}
