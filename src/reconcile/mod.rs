//! The Reconciliation Service API 0.2 apart from HTTP: reading query batches and answering them.

pub(crate) mod entities;
pub mod error;
pub(crate) mod extend;
pub mod request;
pub(crate) mod schema;
pub(crate) mod service;
