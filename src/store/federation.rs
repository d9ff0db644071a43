//! SERVICE calls (SPARQL 1.1 Federated Query) to the endpoints `--federate` allows, over HTTP
//! or HTTPS with the trust of `tls.rs`, as Oxigraph's default service handler. Oxigraph's own
//! client cannot take a certificate bundle, nor say which endpoint refused a certificate.

use crate::store::tls::Trust;
use oxigraph::model::NamedNode;
use oxigraph::sparql::results::QueryResultsFormat;
use oxigraph::sparql::{DefaultServiceHandler, QuerySolutionIter};
use oxiri::Iri;
use spargebra::algebra::GraphPattern;
use std::time::Duration;

/// How long one SERVICE call may take when no limit is configured.
pub const DEFAULT_SERVICE_TIMEOUT: Duration = Duration::from_secs(10);

/// The SPARQL endpoints a query may call with `SERVICE`, by exact IRI. Anything else (another
/// IRI, a variable) is refused before evaluation starts, so a query cannot make the service
/// connect to hosts of its choosing.
#[derive(Debug, Clone, Default)]
pub struct Federation {
    pub endpoints: Vec<NamedNode>,
    /// The client of the calls (HTTP or HTTPS, with the configured trust); `None` while no
    /// endpoint is allowed.
    pub(super) client: Option<ServiceClient>,
}

impl Federation {
    /// Allows SERVICE calls to `endpoints`, each exchange limited to `timeout`
    /// ([`DEFAULT_SERVICE_TIMEOUT`] when `None`), HTTPS endpoints verified against `trust`.
    pub fn new(
        endpoints: Vec<NamedNode>,
        timeout: Option<Duration>,
        trust: &crate::store::tls::Trust,
    ) -> Self {
        let client = (!endpoints.is_empty())
            .then(|| ServiceClient::new(trust, timeout.unwrap_or(DEFAULT_SERVICE_TIMEOUT)));
        Self { endpoints, client }
    }
}

/// The largest answer read from one SERVICE call: answers are read whole before they join.
pub const MAX_SERVICE_ANSWER_BYTES: u64 = 64 << 20;

/// Why one SERVICE call failed; the message always names the endpoint.
#[derive(Debug, thiserror::Error)]
#[error("SERVICE <{endpoint}>: {detail}")]
pub struct ServiceError {
    endpoint: String,
    detail: String,
}

/// The HTTP client of SERVICE calls. Cheap to clone (the agent is shared, so connections and
/// the TLS configuration are reused across queries).
#[derive(Clone)]
pub struct ServiceClient {
    agent: ureq::Agent,
}

impl std::fmt::Debug for ServiceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceClient").finish_non_exhaustive()
    }
}

impl ServiceClient {
    /// A client verifying HTTPS endpoints against `trust`; one exchange may take `timeout`.
    pub fn new(trust: &Trust, timeout: Duration) -> Self {
        Self {
            agent: trust.agent(Some(timeout)),
        }
    }
}

impl DefaultServiceHandler for ServiceClient {
    type Error = ServiceError;

    /// Sends the pattern as a SELECT (as Oxigraph's own handler does; the pattern is sent as
    /// written, not with the bindings of the outer query) and reads the answer whole: SPARQL
    /// JSON or XML results, at most [`MAX_SERVICE_ANSWER_BYTES`].
    fn handle(
        &self,
        service_name: &NamedNode,
        pattern: &GraphPattern,
        base_iri: Option<&Iri<String>>,
    ) -> Result<QuerySolutionIter<'static>, ServiceError> {
        let fail = |detail: String| ServiceError {
            endpoint: service_name.as_str().to_owned(),
            detail,
        };
        let query = spargebra::Query::Select {
            dataset: None,
            pattern: pattern.clone(),
            base_iri: base_iri.cloned(),
        }
        .to_string();
        let response = self
            .agent
            .post(service_name.as_str())
            .header("Accept", crate::store::answers::RESULTS_ACCEPT.as_str())
            // A form post, as `remote.rs` sends: every SPARQL 1.1 engine takes it.
            .send_form([("query", query.as_str())])
            .map_err(|e| fail(crate::store::tls::describe(&e)))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = response
            .into_body()
            .with_config()
            .limit(MAX_SERVICE_ANSWER_BYTES)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(limit) => {
                    fail(format!("its answer is larger than {limit} bytes"))
                }
                other => fail(format!("its answer broke off: {other}")),
            })?;
        if !status.is_success() {
            let message = String::from_utf8_lossy(&bytes);
            let message: String = message.trim().chars().take(500).collect();
            return Err(fail(format!("answered {status}: {message}")));
        }
        let format = QueryResultsFormat::from_media_type(&content_type).ok_or_else(|| {
            fail(format!(
                "answered with {content_type:?}, not SPARQL JSON or XML results"
            ))
        })?;
        // Read by value as answers of a --sparql-endpoint are (Virtuoso's blank-node labels,
        // booleans and durations).
        let crate::store::answers::Results::Table(variables, rows) =
            crate::store::answers::read_results(format, bytes).map_err(fail)?
        else {
            return Err(fail("answered a boolean, not solutions".to_owned()));
        };
        Ok(QuerySolutionIter::from_tuples(
            variables,
            rows.into_iter().map(Ok),
        ))
    }
}
