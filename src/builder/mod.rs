//! The question builder apart from HTTP: for one thing of the graph, the plain-language questions
//! the engine answers about it. Nothing here is a list of questions written by hand.

pub mod graph;
pub mod phrasing;
pub mod questions;
