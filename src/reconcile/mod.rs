//! The Reconciliation Service API 0.2 apart from HTTP: reading query batches and answering them.

pub mod error;
pub mod request;
pub mod service;
