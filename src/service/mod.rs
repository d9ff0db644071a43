//! Running the service: the shared state and its write/refresh cycle, the server loop, limits,
//! metrics and the response cache.

pub mod access;
pub mod cache;
pub mod error;
pub mod limits;
pub mod metrics;
pub mod server;
pub mod state;
