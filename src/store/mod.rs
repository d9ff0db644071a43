//! The store: loads the RDF files at start-up (or opens the on-disk store), answers SPARQL and,
//! on an embedded store, applies writes (SPARQL Update, Graph Store Protocol) as atomic
//! transactions. It is the only module that talks to Oxigraph's store; everything else sends it
//! SPARQL text or RDF bytes and reads solutions or bytes back.

mod algebra;
pub(crate) mod answers;
mod backend;
pub(crate) mod depth;
pub mod error;
pub(crate) mod federation;
pub mod formats;
mod load;
pub mod nesting;
pub(crate) mod options;
mod query;
pub(crate) mod remote;
#[cfg(test)]
mod tests;
pub mod tls;
mod write;

pub use backend::{Store, DEFAULT_BASE, DEFAULT_MAX_ANSWER_BYTES, WELL_KNOWN_PREFIXES};
pub use error::Error;
pub use federation::{Federation, DEFAULT_SERVICE_TIMEOUT};
pub use load::{rdf_format_of, shipped_data_paths, LoadError, LoadReport};
pub use options::{ParsedQuery, QueryKind, QueryOptions, ResultFormat};
pub use oxigraph::model;
pub use query::Table;
pub use write::{GraphTarget, UpdateOptions};
