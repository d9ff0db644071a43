//! What can go wrong inside the store: the query or update (syntax, limits, refusals), the
//! engine behind it, or the storage. No HTTP here: `http::error` turns each into a status.

use std::time::Duration;

/// A failure of the store, worded for whoever sent the query or the data.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input the store cannot take: data that does not parse, an IRI that is not one, a
    /// dataset the remote engine cannot serve.
    #[error("{0}")]
    Invalid(String),
    /// The SPARQL text does not parse; the message names the position.
    #[error("SPARQL syntax error: {0}")]
    QuerySyntax(String),
    /// The query or update nests deeper than the store accepts (see `nesting.rs`, `depth.rs`).
    #[error("the {what} nests more than {limit} {unit} deep, the most this service accepts")]
    TooDeep {
        what: String,
        limit: usize,
        unit: &'static str,
    },
    /// The query parsed but cannot be evaluated as asked (e.g. an unlisted SERVICE, `LOAD`).
    #[error("{0}")]
    QueryRejected(String),
    /// A write on a store that takes none (a remote engine).
    #[error("{0}")]
    ReadOnly(String),
    /// The query ran out of its time budget and was stopped.
    #[error("the query was stopped after the time limit of {} s", .0.as_secs_f64())]
    QueryTimeout(Duration),
    /// Too many deep parses at once: retry in a moment.
    #[error("{0}")]
    Busy(String),
    /// The engine behind the store (`--sparql-endpoint`) failed or answered something
    /// unreadable. `engine` is its product name; `detail` is for the log.
    #[error("{engine} failed: {detail}")]
    Upstream { engine: String, detail: String },
    /// The engine behind the store cut its answer at its row cap: passing it on would be a
    /// silent truncation.
    #[error("{engine} cut its answer at its limit of {cap} rows, so it would be incomplete; ask for fewer rows (LIMIT) or raise the engine's limit (Virtuoso: ResultSetMaxRows)")]
    Truncated { engine: String, cap: usize },
    /// An endpoint the query itself named with SERVICE (allowed by `--federate`) failed; the
    /// query's author named it, so the message may say what went wrong.
    #[error("{0}")]
    ServiceFailed(String),
    /// Storage failures inside Oxigraph.
    #[error("storage error: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    /// I/O failures (writing results, reading a file).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// A failure that is our fault and not the caller's.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The result type of the store.
pub type Result<T, E = Error> = std::result::Result<T, E>;
