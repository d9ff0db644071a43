//! Writes on the embedded store: SPARQL Update and the Graph Store Protocol's graph writes,
//! each one Oxigraph transaction committed only on success.

use super::algebra::check_update;
use super::backend::{Backend, Store};
use super::federation::Federation;
use super::load::describe_parse_error;
use super::query::{evaluation_error, evaluator, set_dataset};
use crate::store::error::{Error, Result};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model;
use oxigraph::model::{BlankNode, GraphName, NamedNode, Quad, Term};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, UpdateEvaluationError, Variable};
use spargebra::GraphUpdateOperation;

/// The graph a Graph Store Protocol request names: `?default` or `?graph=IRI`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphTarget {
    Default,
    Named(NamedNode),
}

impl GraphTarget {
    pub(super) fn graph_name(&self) -> GraphName {
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

impl Store {
    /// Parses a SPARQL Update, with our prefixes predeclared and relative IRIs resolved against
    /// the base, as for queries.
    pub(super) fn parse_update(&self, update: &str) -> Result<spargebra::Update> {
        let parser = self.parser.as_ref().clone();
        let update = crate::store::nesting::parse_bounded(update, "update", |update| {
            parser
                .parse_update(update)
                .map_err(|e| Error::QuerySyntax(e.to_string()))
        })?;
        crate::store::depth::check_update(update)
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
            return Err(Error::Invalid(
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
    pub(super) fn parse_graph(
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
                    Error::Invalid(format!(
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

/// Maps Oxigraph's update errors onto ours. An operation that cannot apply (CREATE of an
/// existing graph, DROP of a missing one) is the client's mistake; the transaction around the
/// update makes sure nothing of it was kept.
pub(super) fn update_error(error: UpdateEvaluationError) -> Error {
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
