//! Command-line arguments, each with an environment variable as fallback.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "factgraph", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `serve`, which runs when no subcommand is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the graph over HTTP (the default).
    Serve(ServeArgs),
    /// Run one SPARQL query against the graph and print its results.
    Query(QueryArgs),
    /// Ask a question in Dutch or English and print the answer with its source sentence.
    Ask(AskArgs),
    /// Propose links between our entities and another dataset's (an RDF file or a SPARQL
    /// endpoint) and write them as a Turtle linkset for review.
    Link(LinkArgs),
}

#[derive(Debug, Args, Clone)]
pub struct LinkArgs {
    /// The other dataset: an RDF file (format by extension: .ttl, .nt, .nq, .trig, .rdf) or
    /// the URL of a SPARQL endpoint (http://…).
    #[arg(long)]
    pub target: String,
    /// Our classes whose entities to link, with their subclasses: prefixed names (fg:Place)
    /// or IRIs. `qudt:Unit` names the units the facts use.
    #[arg(long = "type", value_name = "CLASS", num_args = 1.., required = true)]
    pub types: Vec<String>,
    /// Write the linkset to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The lowest score (0 to 1) that is proposed.
    #[arg(long, default_value_t = crate::link::discover::DEFAULT_THRESHOLD, value_parser = parse_threshold)]
    pub threshold: f64,
}

fn parse_threshold(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(t) if (0.0..=1.0).contains(&t) => Ok(t),
        _ => Err(format!("{text:?} is not a score between 0 and 1")),
    }
}

#[derive(Debug, Args, Clone)]
pub struct AskArgs {
    /// The question.
    pub question: String,
    /// The question's language; detected when absent.
    #[arg(long, value_enum)]
    pub lang: Option<AskLang>,
    /// Print the whole answer as JSON (as `/ask` returns it).
    #[arg(long)]
    pub json: bool,
    /// Print how the question was read and decided, stage by stage (reading, cue scores,
    /// composition, ranking, decision), before the answer.
    #[arg(long)]
    pub explain: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AskLang {
    Nl,
    En,
}

/// Where the graph comes from; shared by every subcommand.
#[derive(Debug, Args, Clone)]
pub struct StoreArgs {
    /// RDF files or directories to load (Turtle, TriG, N-Triples, N-Quads, RDF/XML, by extension).
    /// Defaults to the shipped `ontology/` and `data/`.
    #[arg(long, global = true, env = "FACTGRAPH_DATA", value_delimiter = ',')]
    pub data: Vec<PathBuf>,
    /// The base IRI of our own resources; IRIs under the default base are moved onto it.
    #[arg(long, global = true, env = "FACTGRAPH_BASE_IRI", default_value = crate::store::DEFAULT_BASE)]
    pub base_iri: String,
    /// Serve the graph of this SPARQL 1.1 endpoint instead of loading files: an `oxigraph
    /// serve` or a Virtuoso 7 holding the same data (the engines tested; see the README).
    #[arg(
        long,
        global = true,
        env = "FACTGRAPH_SPARQL_ENDPOINT",
        conflicts_with = "data"
    )]
    pub sparql_endpoint: Option<String>,
    /// With --sparql-endpoint: serve this named graph of the engine (repeatable). Queries see
    /// the served graphs as their default graph and as their named graphs. Default: every
    /// graph the engine lists, less the engine's own (Virtuoso's system graphs), listed again
    /// on every re-index.
    #[arg(
        long = "graph",
        value_name = "IRI",
        global = true,
        requires = "sparql_endpoint",
        value_parser = parse_graph_iri
    )]
    pub graphs: Vec<oxigraph::model::NamedNode>,
    /// Keep the graph on disk in this directory (RocksDB; builds with the `rocksdb` feature).
    /// An empty or missing directory gets the files of --data (the shipped graph by default)
    /// on first start; later starts serve it as it is. Only such a store accepts writes.
    #[arg(
        long,
        global = true,
        env = "FACTGRAPH_STORE",
        conflicts_with = "sparql_endpoint"
    )]
    pub store: Option<PathBuf>,
    /// A PEM bundle of certificate authorities to trust, besides the system's store, when
    /// factgraph is an HTTPS client (--sparql-endpoint, SERVICE calls to --federate
    /// endpoints); repeatable. The system's store is the one OpenSSL finds (on Debian
    /// /etc/ssl/certs), or SSL_CERT_FILE / SSL_CERT_DIR when set, as for curl.
    #[arg(
        long = "ca-file",
        value_name = "PEM",
        global = true,
        env = "FACTGRAPH_CA_FILE",
        value_delimiter = ','
    )]
    pub ca_files: Vec<PathBuf>,
}

impl StoreArgs {
    /// The certificates HTTPS endpoints are verified against: the system's plus --ca-file.
    pub fn trust(&self) -> Result<crate::store::tls::Trust, String> {
        crate::store::tls::Trust::with_bundles(&self.ca_files).map_err(|e| e.to_string())
    }

    /// The paths to load: those given, or the shipped directories. They are looked up in the
    /// working directory first and then next to the crate's manifest, so `cargo run` and the
    /// tests find them from any directory.
    pub fn paths(&self) -> Vec<PathBuf> {
        if !self.data.is_empty() {
            return self.data.clone();
        }
        crate::store::shipped_data_paths()
    }
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "FACTGRAPH_BIND", default_value = "127.0.0.1:7979")]
    pub bind: SocketAddr,
    /// Seconds a query may run before it is stopped; 0 means no limit.
    #[arg(long, env = "FACTGRAPH_QUERY_TIMEOUT", default_value_t = 30.0)]
    pub query_timeout: f64,
    /// Largest request body accepted, in bytes (413 beyond).
    #[arg(long, env = "FACTGRAPH_MAX_BODY_BYTES", default_value_t = 1 << 20)]
    pub max_body_bytes: usize,
    /// Longest URL (path and query string) accepted, in bytes (414 beyond).
    #[arg(long, env = "FACTGRAPH_MAX_URL_BYTES", default_value_t = 16 << 10)]
    pub max_url_bytes: usize,
    /// Seconds a client may take to send a request's head, counted from when the service waits
    /// for it (a new connection, or the end of the previous response: the keep-alive idle
    /// time); past it the connection is closed.
    #[arg(long, env = "FACTGRAPH_HEADER_READ_TIMEOUT", default_value_t = 10.0)]
    pub header_read_timeout: f64,
    /// Seconds a client may take to send a request's whole body once its head has arrived
    /// (408 beyond).
    #[arg(long, env = "FACTGRAPH_BODY_READ_TIMEOUT", default_value_t = 30.0)]
    pub body_read_timeout: f64,
    /// Client connections open at once; a new one beyond gets 503 and is closed. The default is
    /// 1024, or 64 below the process's limit of open files when that is lower.
    #[arg(long, env = "FACTGRAPH_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Largest request head (request line and headers), in bytes (431 beyond).
    #[arg(long, env = "FACTGRAPH_MAX_HEADER_BYTES", default_value_t = 32 << 10)]
    pub max_header_bytes: usize,
    /// Queries running at once; more get 503 with Retry-After.
    #[arg(long, env = "FACTGRAPH_MAX_CONCURRENT_QUERIES", default_value_t = 32)]
    pub max_concurrent_queries: usize,
    /// Largest SPARQL response, in bytes; a larger one is cut off with an error.
    #[arg(long, env = "FACTGRAPH_MAX_RESULT_BYTES", default_value_t = 256 << 20)]
    pub max_result_bytes: usize,
    /// Requests a second per client address (429 beyond); no limit when absent.
    #[arg(long, env = "FACTGRAPH_RATE_LIMIT")]
    pub rate_limit: Option<f64>,
    /// Bytes of complete responses kept for repeated requests (embedded store only; 0: none).
    #[arg(long, env = "FACTGRAPH_CACHE_BYTES", default_value_t = 64 << 20)]
    pub cache_bytes: usize,
    /// A SPARQL endpoint that queries may call with SERVICE (repeatable, or comma-separated).
    /// Without it every SERVICE is refused; SERVICE with a variable or any other IRI always is.
    #[arg(long, env = "FACTGRAPH_FEDERATE", value_delimiter = ',')]
    pub federate: Vec<String>,
    /// The bearer token that allows writes (SPARQL Update, PUT/POST/DELETE on /store); needs
    /// --store. At least 16 characters of letters, digits and -._~+/. Prefer
    /// --write-token-file: a value given here shows in `ps`.
    #[arg(long, env = "FACTGRAPH_WRITE_TOKEN", hide_env_values = true)]
    pub write_token: Option<crate::service::access::WriteToken>,
    /// Seconds between rebuilds of the question index and the dataset description from the
    /// graph, for an engine whose data changes behind factgraph (--sparql-endpoint); none when
    /// absent. Each rebuild reads the whole graph's facts and labels.
    #[arg(long, env = "FACTGRAPH_REINDEX_INTERVAL")]
    pub reindex_interval: Option<f64>,
    /// A file holding the write token (surrounding whitespace is ignored).
    #[arg(
        long,
        env = "FACTGRAPH_WRITE_TOKEN_FILE",
        conflicts_with = "write_token"
    )]
    pub write_token_file: Option<PathBuf>,
}

impl ServeArgs {
    /// The time between rebuilds of what the service computes from the graph, if any.
    pub fn reindex_interval(&self) -> Result<Option<std::time::Duration>, String> {
        match self.reindex_interval {
            None => Ok(None),
            Some(seconds) if seconds > 0.0 => std::time::Duration::try_from_secs_f64(seconds)
                .map(Some)
                .map_err(|e| format!("invalid --reindex-interval: {e}")),
            Some(seconds) => Err(format!(
                "invalid --reindex-interval: {seconds}: give a number of seconds above 0"
            )),
        }
    }

    /// The write token, from the command line, the environment or its file.
    pub fn write_token(&self) -> Result<Option<crate::service::access::WriteToken>, String> {
        match (&self.write_token, &self.write_token_file) {
            (Some(token), _) => Ok(Some(token.clone())),
            (None, Some(path)) => crate::service::access::WriteToken::from_file(path).map(Some),
            (None, None) => Ok(None),
        }
    }

    /// The connection deadlines and cap these arguments describe.
    pub fn connection_limits(&self) -> Result<crate::service::server::ConnectionLimits, String> {
        let seconds = |value: f64, flag: &str| {
            if value > 0.0 {
                std::time::Duration::try_from_secs_f64(value)
                    .map_err(|e| format!("invalid {flag}: {e}"))
            } else {
                Err(format!(
                    "invalid {flag} {value}: give a number of seconds above 0"
                ))
            }
        };
        let max_connections = match self.max_connections {
            Some(0) => return Err("invalid --max-connections 0: it must be at least 1".to_owned()),
            Some(n) => n,
            None => crate::service::server::default_max_connections(),
        };
        Ok(crate::service::server::ConnectionLimits {
            header_read_timeout: seconds(self.header_read_timeout, "--header-read-timeout")?,
            body_read_timeout: seconds(self.body_read_timeout, "--body-read-timeout")?,
            max_connections,
        })
    }

    /// The service settings these arguments describe.
    pub fn service_config(&self) -> Result<crate::service::state::ServiceConfig, String> {
        let query_timeout = (self.query_timeout > 0.0)
            .then(|| std::time::Duration::try_from_secs_f64(self.query_timeout))
            .transpose()
            .map_err(|e| format!("invalid --query-timeout: {e}"))?;
        if let Some(rate) = self.rate_limit {
            if !(rate.is_finite() && rate > 0.0) {
                return Err(format!("invalid --rate-limit {rate}: it must be above 0"));
            }
        }
        Ok(crate::service::state::ServiceConfig {
            query_timeout,
            max_body_bytes: self.max_body_bytes,
            max_url_bytes: self.max_url_bytes,
            max_header_bytes: self.max_header_bytes,
            max_concurrent_queries: self.max_concurrent_queries,
            max_result_bytes: self.max_result_bytes,
            rate_limit: self.rate_limit,
            cache_bytes: self.cache_bytes,
        })
    }
}

/// The `--federate` endpoints as IRIs: `http://` or `https://` URLs (HTTPS endpoints are
/// verified against the system's certificates plus --ca-file).
pub fn federation_endpoints(
    urls: &[String],
) -> Result<Vec<crate::store::model::NamedNode>, String> {
    urls.iter()
        .map(|url| url.trim())
        .filter(|url| !url.is_empty())
        .map(|url| {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!(
                    "--federate {url:?}: only http:// and https:// endpoints can be called"
                ));
            }
            crate::store::model::NamedNode::new(url)
                .map_err(|e| format!("--federate {url:?} is not a valid IRI: {e}"))
        })
        .collect()
}

#[derive(Debug, Args, Clone)]
pub struct QueryArgs {
    /// The SPARQL query.
    pub query: String,
    /// Output format; the default is JSON for solutions and Turtle for graphs.
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Json,
    Xml,
    Csv,
    Tsv,
    Turtle,
    Ntriples,
    Jsonld,
    Rdfxml,
}

/// A `--graph` value: an absolute IRI.
fn parse_graph_iri(value: &str) -> Result<oxigraph::model::NamedNode, String> {
    oxigraph::model::NamedNode::new(value).map_err(|e| format!("not an IRI: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn federation_endpoints_must_be_http_or_https_iris() {
        let ok = federation_endpoints(&[
            "http://127.0.0.1:7980/sparql".into(),
            " ".into(),
            "https://query.wikidata.org/sparql".into(),
        ]);
        assert_eq!(ok.unwrap().len(), 2);
        let ftp = federation_endpoints(&["ftp://example.org/sparql".into()]);
        assert!(ftp.unwrap_err().contains("only http:// and https://"));
        let bad = federation_endpoints(&["http://a b/".into()]);
        assert!(bad.unwrap_err().contains("not a valid IRI"));
    }
}
