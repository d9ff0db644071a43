//! What can go wrong while building the question engine or answering: the store failed, or the
//! question templates in `ontology/questions.ttl` are malformed. A question the engine cannot
//! answer is not an error: it is an answer that says so.

use crate::store::error as store;

/// A failure of the question engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the graph failed.
    #[error(transparent)]
    Store(#[from] store::Error),
    /// The templates or word lists of the graph are malformed; the message names what.
    #[error("ontology/questions.ttl: {0}")]
    Templates(String),
}

/// The result type of the question engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;
