//! Running the service: the shared state and its write/refresh cycle, the server loop, limits,
//! metrics and the response cache.

pub mod access;
pub(crate) mod cache;
pub(crate) mod error;
pub(crate) mod limits;
pub(crate) mod metrics;
pub mod server;
pub mod state;
