//! What can go wrong in running a request's work: no query slot free, or the blocking task
//! that did the work failed. The HTTP layer gives each a status.

/// A failure of the service machinery (not of the work itself).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Every query slot is taken.
    #[error("too many queries are running at once; retry in a moment")]
    Busy,
    /// The blocking task running the work panicked or was cancelled.
    #[error("a blocking task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}
