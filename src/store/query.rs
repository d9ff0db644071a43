//! Queries: parsing with our prefixes and base, running on either backend with the protocol
//! dataset, federation and cancellation, and results streamed in a format or copied out.

use super::algebra::{
    bind_values, check_services, pattern_variables, query_dataset, query_pattern, remote_text,
};
use super::backend::{Backend, Store};
use super::federation::Federation;
use super::options::{ParsedQuery, QueryKind, QueryOptions, ResultFormat};
use crate::store::error::{Error, Result};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model;
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{
    CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator, Variable,
};
use spargebra::algebra::GraphPattern;
use std::io::Write;

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

impl Store {
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
        let query = crate::store::depth::check_query(query)?;
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
    pub(super) fn run<T>(
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
    pub(super) fn select_in_pages(&self, query: &ParsedQuery, cap: usize) -> Result<Table> {
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
    pub(super) fn serializer(&self, format: RdfFormat) -> RdfSerializer {
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
}

/// The evaluator for one query or update. SERVICE calls are enabled only when every SERVICE
/// names an allowed endpoint (checked before), with no redirects, so that a listed endpoint
/// cannot send us on to an unlisted host.
pub(super) fn evaluator(
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
pub(super) fn set_dataset(
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

/// Maps Oxigraph's evaluation errors onto ours: cancellation and unsupported features are the
/// client's business, storage failures are ours.
pub(super) fn evaluation_error(error: QueryEvaluationError) -> Error {
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
