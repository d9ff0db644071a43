//! What can go wrong with a reconciliation request: a query batch that is not one, a batch
//! larger than the manifest's `batchSize`, or the store.

use crate::store::error as store;

/// A failure of a reconciliation request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request does not follow the 0.2 JSON Schemas; the message names the query and field.
    #[error("{0}")]
    Invalid(String),
    /// More queries than the service takes at once (the manifest's `batchSize`).
    #[error("the batch holds {got} queries, more than the {limit} this service takes at once (the manifest's batchSize); send it in smaller batches")]
    BatchTooLarge { got: usize, limit: usize },
    /// Reading the graph failed.
    #[error(transparent)]
    Store(#[from] store::Error),
}

/// The result type of reconciliation.
pub type Result<T, E = Error> = std::result::Result<T, E>;
