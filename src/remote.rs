//! A remote SPARQL 1.1 endpoint as the store: queries go out over the SPARQL Protocol and come
//! back as Oxigraph results, so every route (questions, pages, `/sparql`) works unchanged.

use crate::error::{Error, Result};
use crate::store::{QueryKind, QueryOptions};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsParser};
use oxigraph::sparql::{QueryEvaluationError, QueryResults, QueryTripleIter};
use std::time::Duration;

/// The endpoint and the HTTP client that talks to it.
#[derive(Clone)]
pub struct Endpoint {
    url: String,
    agent: ureq::Agent,
    timeout: Option<Duration>,
}

impl Endpoint {
    /// A client for `url`. Redirects are not followed: the operator named the endpoint, and a
    /// redirect elsewhere is not something to follow silently.
    pub fn new(url: &str, timeout: Option<Duration>) -> Result<Self> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::BadRequest(format!(
                "the SPARQL endpoint {url:?} is not an http(s) URL"
            )));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(timeout)
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("factgraph/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Self {
            url: url.to_owned(),
            agent,
            timeout,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Sends a query (already checked and written out by our parser, so our predeclared
    /// prefixes are expanded) and returns its results, parsed as they stream in.
    pub fn query(
        &self,
        query: &str,
        kind: QueryKind,
        options: &QueryOptions,
    ) -> Result<QueryResults<'static>> {
        let accept = if kind.returns_graph() {
            "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
        } else {
            "application/sparql-results+json, application/sparql-results+xml;q=0.9"
        };
        let mut form = vec![("query", query.to_owned())];
        form.extend(
            options
                .default_graphs
                .iter()
                .map(|g| ("default-graph-uri", g.as_str().to_owned())),
        );
        form.extend(
            options
                .named_graphs
                .iter()
                .map(|g| ("named-graph-uri", g.as_str().to_owned())),
        );
        let response = self
            .agent
            .post(&self.url)
            .header("Accept", accept)
            .send_form(form.iter().map(|(k, v)| (*k, v.as_str())))
            .map_err(|e| self.transport_error(e))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let mut body = response.into_body();
        if !status.is_success() {
            let message = body.read_to_string().unwrap_or_default();
            let message = message.trim();
            return Err(if status.is_client_error() {
                Error::QueryRejected(format!("the SPARQL endpoint refused the query: {message}"))
            } else {
                Error::Upstream(format!(
                    "the SPARQL endpoint {} answered {status}: {message}",
                    self.url
                ))
            });
        }
        let reader = body.into_reader();
        if kind.returns_graph() {
            let format = RdfFormat::from_media_type(&content_type).ok_or_else(|| {
                Error::Upstream(format!(
                    "the SPARQL endpoint answered a graph as {content_type:?}, which factgraph cannot read"
                ))
            })?;
            let triples = RdfParser::from_format(format)
                .for_reader(reader)
                .map(|quad| {
                    quad.map(oxigraph::model::Triple::from)
                        .map_err(|e| QueryEvaluationError::Service(Box::new(e)))
                });
            Ok(QueryResults::Graph(QueryTripleIter::new(triples)))
        } else {
            let format = QueryResultsFormat::from_media_type(&content_type).ok_or_else(|| {
                Error::Upstream(format!(
                    "the SPARQL endpoint answered results as {content_type:?}, which factgraph cannot read"
                ))
            })?;
            let parsed = QueryResultsParser::from_format(format)
                .for_reader(reader)
                .map_err(|e| {
                    Error::Upstream(format!("unreadable results from the endpoint: {e}"))
                })?;
            Ok(QueryResults::from(parsed))
        }
    }

    fn transport_error(&self, error: ureq::Error) -> Error {
        match error {
            ureq::Error::Timeout(_) => Error::QueryTimeout(self.timeout.unwrap_or_default()),
            other => Error::Upstream(format!(
                "the SPARQL endpoint {} could not be reached: {other}",
                self.url
            )),
        }
    }
}
