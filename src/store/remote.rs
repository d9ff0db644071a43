//! A remote SPARQL 1.1 endpoint as the store: queries go out over the SPARQL Protocol and come
//! back as Oxigraph results, so every route (questions, pages, `/sparql`) works unchanged.

use crate::store::answers::RESULTS_ACCEPT;
use crate::store::answers::{canonical_triple, read_results, Results};
use crate::store::error::{Error, Result};
use crate::store::formats;
use crate::store::options::{QueryKind, QueryOptions};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::NamedNode;
use oxigraph::model::{Term, Triple};
use oxigraph::sparql::results::QueryResultsFormat;
use oxigraph::sparql::{QueryResults, QuerySolutionIter, QueryTripleIter};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, RwLock};
use std::time::Duration;

/// The `Accept` of a CONSTRUCT or DESCRIBE sent to the engine, in order of preference.
static GRAPH_ACCEPT: LazyLock<String> = LazyLock::new(|| {
    formats::rdf_accept(&[
        (RdfFormat::NTriples, 1.0),
        (RdfFormat::Turtle, 0.9),
        (RdfFormat::RdfXml, 0.5),
    ])
});

/// The graph that stands for one not served: nothing is ever loaded into it, so it reads as
/// empty on any engine.
pub const NO_GRAPH: &str = "urn:x-factgraph:no-graph";

/// The endpoint and the HTTP client that talks to it.
pub struct Endpoint {
    url: String,
    agent: ureq::Agent,
    timeout: Option<Duration>,
    /// The graphs served (`--graph`), fixed; empty: every graph the engine lists but its own.
    configured: Vec<NamedNode>,
    /// The graphs served now: `configured`, or the engine's graphs as last listed
    /// (`refresh_graphs`, at start-up and on every re-index).
    served: RwLock<Arc<[NamedNode]>>,
    /// The engine's row cap as it last announced it (`X-SPARQL-MaxRows`); 0 while unknown.
    row_cap: AtomicUsize,
    /// The engine's `Server` header as last seen ("Virtuoso/07.20.3229 (Linux) …").
    product: RwLock<String>,
    /// The largest answer read from the engine (`--max-result-bytes`): answers are read whole.
    max_answer_bytes: u64,
}

impl Endpoint {
    /// A client for `url`, verifying an `https://` endpoint against `trust`. Redirects are not
    /// followed: the operator named the endpoint, and a redirect elsewhere is not something to
    /// follow silently.
    pub fn new(
        url: &str,
        timeout: Option<Duration>,
        graphs: Vec<NamedNode>,
        max_answer_bytes: u64,
        trust: &crate::store::tls::Trust,
    ) -> Result<Self> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::Invalid(format!(
                "the SPARQL endpoint {url:?} is not an http(s) URL"
            )));
        }
        let agent = trust.agent(timeout);
        Ok(Self {
            url: url.to_owned(),
            agent,
            timeout,
            served: RwLock::new(graphs.clone().into()),
            row_cap: AtomicUsize::new(0),
            product: RwLock::new(String::new()),
            max_answer_bytes,
            configured: graphs,
        })
    }

    /// The graphs served now.
    pub fn served_graphs(&self) -> Arc<[NamedNode]> {
        self.served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Lists the engine's graphs again when none were configured: every named graph it holds,
    /// less the graphs an engine keeps for itself where the engine is recognised (Virtuoso's
    /// schemas, its endpoint description and DAV graphs), so that VoID, pages, questions and
    /// `/sparql` see the same triples over any engine. Blocking.
    pub fn refresh_graphs(&self) -> Result<()> {
        if !self.configured.is_empty() {
            return Ok(());
        }
        let (results, server) = self.send(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            QueryKind::Select,
            &[],
            None,
        )?;
        let QueryResults::Solutions(solutions) = results else {
            return Err(self.unreadable(&server, "the graph list is not a table".to_owned()));
        };
        let virtuoso = server.starts_with("Virtuoso");
        let mut graphs = Vec::new();
        for solution in solutions {
            let solution =
                solution.map_err(|e| self.unreadable(&server, format!("the graph list: {e}")))?;
            if let Some(Term::NamedNode(g)) = solution.get("g") {
                if !(virtuoso && is_virtuoso_system_graph(g.as_str())) {
                    graphs.push(g.clone());
                }
            }
        }
        graphs.sort();
        if graphs.is_empty() {
            return Err(self.unreadable(
                &server,
                "it lists no named graph to serve (load the data into named graphs, or name \
                 the graphs with --graph)"
                    .to_owned(),
            ));
        }
        *self.served.write().unwrap_or_else(|e| e.into_inner()) = graphs.into();
        Ok(())
    }

    /// Learns the engine's row cap, once, where the engine is recognised (Virtuoso; see
    /// [`Endpoint::probe_row_cap`]). Blocking.
    pub fn learn_row_cap(&self) {
        let product = self
            .product
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if product.starts_with("Virtuoso") && self.row_cap.load(Ordering::Relaxed) == 0 {
            self.probe_row_cap();
        }
    }

    /// Asks Virtuoso for a million rows (no data read: three VALUES of 100), so that it
    /// announces its ResultSetMaxRows; graph answers, which it cuts without saying so, are then
    /// checked against it. An engine with no cap below a million answers in full and learns
    /// nothing, which is right: it cuts nothing we would notice.
    fn probe_row_cap(&self) {
        let hundred: String = (0..100).map(|i| format!("{i} ")).collect();
        let probe = format!(
            "SELECT ?a WHERE {{ VALUES ?a {{ {hundred}}} VALUES ?b {{ {hundred}}} VALUES ?c {{ {hundred}}} }} LIMIT 1000000"
        );
        match self.send(&probe, QueryKind::Select, &[], None) {
            Ok(_) | Err(Error::Truncated { .. }) => {}
            Err(e) => tracing::warn!(error = %e, "could not learn the engine's row cap"),
        }
        let cap = self.row_cap.load(Ordering::Relaxed);
        if cap > 0 {
            tracing::info!(
                cap,
                "the engine cuts answers at this many rows (Virtuoso: ResultSetMaxRows); \
                 longer answers are refused, not passed on cut"
            );
        }
    }

    fn unreadable(&self, server: &str, detail: String) -> Error {
        Error::Upstream {
            engine: engine_name(server),
            detail: format!("{}: {detail}", self.url),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Sends a query (already checked and written out by our parser, so our predeclared
    /// prefixes are expanded) over the served graphs and returns its results. The dataset is
    /// always explicit: the protocol's graphs or the query's own FROM (the caller has replaced
    /// any graph not served by [`NO_GRAPH`]), or else the served graphs as default graph (their
    /// merge) and as named graphs.
    pub fn query(
        &self,
        query: &str,
        kind: QueryKind,
        options: &QueryOptions,
        query_has_dataset: bool,
        own_limit: Option<usize>,
    ) -> Result<QueryResults<'static>> {
        let served = self.served_graphs();
        let mut dataset = Vec::new();
        if !options.default_graphs.is_empty() || !options.named_graphs.is_empty() {
            dataset.extend(
                options
                    .default_graphs
                    .iter()
                    .map(|g| ("default-graph-uri", g)),
            );
            dataset.extend(options.named_graphs.iter().map(|g| ("named-graph-uri", g)));
        } else if !query_has_dataset {
            dataset.extend(served.iter().map(|g| ("default-graph-uri", g)));
            dataset.extend(served.iter().map(|g| ("named-graph-uri", g)));
        }
        self.send(query, kind, &dataset, own_limit)
            .map(|(results, _)| results)
    }

    /// `graph` when it is served, else [`NO_GRAPH`]: a graph a request names but the service
    /// does not serve reads as empty, as a missing graph does on the embedded store.
    pub fn served_or_empty(&self, served: &[NamedNode], graph: &NamedNode) -> NamedNode {
        if served.contains(graph) {
            graph.clone()
        } else {
            NamedNode::new_unchecked(NO_GRAPH)
        }
    }

    /// One exchange with the engine: the results, and the engine's `Server` header.
    fn send(
        &self,
        query: &str,
        kind: QueryKind,
        dataset: &[(&str, &NamedNode)],
        own_limit: Option<usize>,
    ) -> Result<(QueryResults<'static>, String)> {
        let accept = if kind.returns_graph() {
            GRAPH_ACCEPT.as_str()
        } else {
            RESULTS_ACCEPT.as_str()
        };
        let started = std::time::Instant::now();
        let result = self.exchange(query, kind, dataset, own_limit, accept);
        // Each exchange at debug level: where the time of a request over an engine goes.
        tracing::debug!(
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            ok = result.is_ok(),
            query = query.chars().take(120).collect::<String>(),
            "engine query"
        );
        result
    }

    fn exchange(
        &self,
        query: &str,
        kind: QueryKind,
        dataset: &[(&str, &NamedNode)],
        own_limit: Option<usize>,
        accept: &str,
    ) -> Result<(QueryResults<'static>, String)> {
        let mut form = vec![("query", query)];
        form.extend(dataset.iter().map(|(k, g)| (*k, g.as_str())));
        let response = self
            .agent
            .post(&self.url)
            .header("Accept", accept)
            .send_form(form)
            .map_err(|e| self.transport_error(e))?;
        let status = response.status();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        let server = header("server");
        let engine = engine_name(&server);
        // Written only when it changes: every query passes here.
        let known = *self.product.read().unwrap_or_else(|e| e.into_inner()) == server;
        if !server.is_empty() && !known {
            server.clone_into(&mut self.product.write().unwrap_or_else(|e| e.into_inner()));
        }
        let content_type = header("content-type")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        // Virtuoso sends this when it cut the results at its ResultSetMaxRows.
        let max_rows = header("x-sparql-maxrows").trim().parse::<usize>().ok();
        if let Some(cap) = max_rows {
            self.row_cap.store(cap, Ordering::Relaxed);
        }
        // A query whose own LIMIT is within the cap is complete even when as long as the cap
        // (Virtuoso announces its cap then too).
        let max_rows = max_rows.filter(|&cap| own_limit.is_none_or(|limit| limit > cap));
        let mut body = response.into_body();
        // Read whole, so that an answer that breaks off or does not parse is reported as the
        // engine's failure before the first byte goes to the client, never half-way through a
        // 200; up to --max-result-bytes, the most a response may hold anyway.
        let bytes = body
            .with_config()
            .limit(self.max_answer_bytes)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(limit) => Error::QueryRejected(format!(
                    "the engine's answer is larger than the limit of {limit} bytes \
                     (--max-result-bytes); ask for fewer rows (LIMIT)"
                )),
                other => self.transport_error(other),
            })?;
        if !status.is_success() {
            let message = String::from_utf8_lossy(&bytes);
            let message = message.trim();
            return Err(if status.is_client_error() {
                Error::QueryRejected(format!("{engine} refused the query: {message}"))
            } else {
                Error::Upstream {
                    engine,
                    detail: format!("{} answered {status}: {message}", self.url),
                }
            });
        }
        let unreadable = |detail: String| Error::Upstream {
            engine: engine.clone(),
            detail: format!("{}: {detail}", self.url),
        };
        if kind.returns_graph() {
            let format = RdfFormat::from_media_type(&content_type).ok_or_else(|| {
                unreadable(format!(
                    "a graph came as {content_type:?}, which factgraph cannot read"
                ))
            })?;
            let triples = RdfParser::from_format(format)
                .for_slice(&bytes)
                .map(|quad| {
                    quad.map(|q| canonical_triple(Triple::from(q)))
                        .map_err(|e| unreadable(format!("the graph does not parse: {e}")))
                })
                .collect::<Result<Vec<_>>>()?;
            // Virtuoso cuts CONSTRUCT and DESCRIBE at its cap too, but without the header: a
            // graph as long as the cap learnt from other answers may be cut.
            let known = Some(self.row_cap.load(Ordering::Relaxed))
                .filter(|&c| c > 0 && own_limit.is_none_or(|limit| limit > c));
            check_truncation(&engine, max_rows.or(known), triples.len())?;
            Ok((
                QueryResults::Graph(QueryTripleIter::new(triples.into_iter().map(Ok))),
                server,
            ))
        } else {
            let format = QueryResultsFormat::from_media_type(&content_type).ok_or_else(|| {
                unreadable(format!(
                    "results came as {content_type:?}, which factgraph cannot read"
                ))
            })?;
            // The answer must be of the query's kind: a table for SELECT, a boolean for ASK.
            let (variables, rows) = match (read_results(format, bytes).map_err(unreadable)?, kind) {
                (Results::Boolean(value), QueryKind::Ask) => {
                    return Ok((QueryResults::Boolean(value), server))
                }
                (Results::Table(variables, rows), QueryKind::Select) => (variables, rows),
                (Results::Boolean(_), _) => {
                    return Err(unreadable("a boolean came for a SELECT".to_owned()))
                }
                (Results::Table(..), _) => {
                    return Err(unreadable("a table came for an ASK".to_owned()))
                }
            };
            check_truncation(&engine, max_rows, rows.len())?;
            Ok((
                QueryResults::Solutions(QuerySolutionIter::from_tuples(
                    variables,
                    rows.into_iter().map(Ok),
                )),
                server,
            ))
        }
    }

    fn transport_error(&self, error: ureq::Error) -> Error {
        match error {
            ureq::Error::Timeout(_) => Error::QueryTimeout(self.timeout.unwrap_or_default()),
            other => Error::Upstream {
                engine: "the SPARQL engine".to_owned(),
                detail: format!("{}: {}", self.url, crate::store::tls::describe(&other)),
            },
        }
    }
}

/// The graphs Virtuoso keeps for itself: its RDF views and schemas, the ontologies it ships
/// (OWL, LDP, Activity Streams), its endpoint's service description and its DAV store. Any IRI
/// under openlinksw.com is Virtuoso's; the endpoint and DAV graphs are named after the host.
fn is_virtuoso_system_graph(iri: &str) -> bool {
    const EXACT: [&str; 4] = [
        "http://www.w3.org/ns/ldp#",
        "http://www.w3.org/2002/07/owl#",
        "http://www.w3.org/2000/01/rdf-schema#",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    ];
    const PREFIXES: [&str; 4] = [
        "http://www.openlinksw.com/",
        "urn:activitystreams-owl:",
        "urn:core:services:",
        "virtrdf:",
    ];
    let path = iri
        .strip_prefix("http://")
        .or_else(|| iri.strip_prefix("https://"))
        .and_then(|rest| rest.find('/').map(|i| &rest[i..]));
    EXACT.contains(&iri)
        || PREFIXES.iter().any(|p| iri.starts_with(p))
        || matches!(path, Some("/sparql" | "/sparql/" | "/DAV/" | "/DAV"))
}

/// The engine's product as its `Server` header names it ("Virtuoso/07.20.3229"), for messages
/// that say which engine failed without giving out its address.
fn engine_name(server: &str) -> String {
    match server.split_whitespace().next() {
        Some(product) if !product.is_empty() => format!("the SPARQL engine ({product})"),
        _ => "the SPARQL engine".to_owned(),
    }
}

/// An answer with as many rows as the engine's announced cap is a cut answer: refused, never
/// passed on as complete.
fn check_truncation(engine: &str, max_rows: Option<usize>, rows: usize) -> Result<()> {
    match max_rows {
        Some(cap) if cap > 0 && rows >= cap => Err(Error::Truncated {
            engine: engine.to_owned(),
            cap,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_virtuosos_own_graphs() {
        for system in [
            "http://www.openlinksw.com/schemas/virtrdf#",
            "http://127.0.0.1:8890/sparql",
            "http://localhost:8890/DAV/",
            "http://www.w3.org/ns/ldp#",
            "http://www.w3.org/2002/07/owl#",
        ] {
            assert!(is_virtuoso_system_graph(system), "{system}");
        }
        for data in [
            "https://w3id.org/factgraph/graph/facts",
            "http://example.org/sparql/data",
            "http://example.org/DAV/x",
        ] {
            assert!(!is_virtuoso_system_graph(data), "{data}");
        }
    }

    #[test]
    fn an_answer_as_long_as_the_cap_is_cut() {
        assert!(check_truncation("e", Some(10_000), 10_000).is_err());
        assert!(check_truncation("e", Some(10_000), 9_999).is_ok());
        assert!(check_truncation("e", None, 10_000).is_ok());
    }
}
