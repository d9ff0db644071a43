//! Linking our data to other datasets: label similarity (shared with `/reconcile`) and
//! `factgraph link`'s discovery of candidate links.

pub(crate) mod discover;
pub(crate) mod linkset;
pub(crate) mod matching;

pub use discover::discover;
pub use linkset::Linkset;
