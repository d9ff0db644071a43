//! factgraph: a knowledge graph of one article, served over HTTP.

pub mod qa;
