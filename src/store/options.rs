//! What a query is before it runs and how it runs: its kind, the result format asked for, the
//! parsed query, and the options of one run (protocol dataset, cancellation, federation).

use super::federation::Federation;
use oxigraph::io::RdfFormat;
use oxigraph::model::NamedNode;
use oxigraph::sparql::results::QueryResultsFormat;
use oxigraph::sparql::CancellationToken;

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
    pub(super) query: spargebra::Query,
    pub(super) kind: QueryKind,
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
