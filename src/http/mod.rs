//! The HTTP layer: every route, and what only routes use (negotiation, the page frame, assets,
//! the write token's extraction, the HTTP error type). The only layer that chooses statuses.

pub mod ask;
pub mod assets;
pub mod auth;
pub mod builder;
pub mod conditional;
pub mod cors;
pub mod docs;
pub mod editor;
pub mod error;
pub mod form;
pub mod graph_store;
pub mod home;
pub mod layout;
pub mod linked_data;
pub mod negotiate;
pub mod observe;
pub mod ops;
pub mod reconcile;
pub mod service_description;
pub mod sparql;
pub mod sparql_stream;
