//! Linking our data to other datasets: label similarity (shared with `/reconcile`) and
//! `factgraph link`'s discovery of candidate links.

pub mod discover;
pub mod linkset;
pub mod matching;

pub use discover::discover;
