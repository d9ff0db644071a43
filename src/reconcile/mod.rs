//! The Reconciliation Service API 0.2 apart from HTTP: reading query batches and answering them.

pub mod entities;
pub mod error;
pub mod extend;
pub mod request;
pub mod schema;
pub mod service;
