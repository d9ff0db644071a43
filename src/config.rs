//! Command-line arguments, each with an environment variable as fallback.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "factgraph", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `serve`, which runs when no subcommand is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the graph over HTTP (the default).
    Serve(ServeArgs),
    /// Run one SPARQL query against the graph and print its results.
    Query(QueryArgs),
    /// Ask a question in Dutch or English and print the answer with its source sentence.
    Ask(AskArgs),
}

#[derive(Debug, Args, Clone)]
pub struct AskArgs {
    /// The question.
    pub question: String,
    /// The question's language; detected when absent.
    #[arg(long, value_enum)]
    pub lang: Option<AskLang>,
    /// Print the whole answer as JSON (as `/ask` returns it).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AskLang {
    Nl,
    En,
}

/// Where the graph comes from; shared by every subcommand.
#[derive(Debug, Args, Clone)]
pub struct StoreArgs {
    /// RDF files or directories to load (Turtle, TriG, N-Triples, N-Quads, RDF/XML, by extension).
    /// Defaults to the shipped `ontology/` and `data/`.
    #[arg(long, global = true, env = "FACTGRAPH_DATA", value_delimiter = ',')]
    pub data: Vec<PathBuf>,
    /// The base IRI of our own resources; IRIs under the default base are moved onto it.
    #[arg(long, global = true, env = "FACTGRAPH_BASE_IRI", default_value = crate::store::DEFAULT_BASE)]
    pub base_iri: String,
}

impl StoreArgs {
    /// The paths to load: those given, or the shipped directories. They are looked up in the
    /// working directory first and then next to the crate's manifest, so `cargo run` and the
    /// tests find them from any directory.
    pub fn paths(&self) -> Vec<PathBuf> {
        if !self.data.is_empty() {
            return self.data.clone();
        }
        shipped_data_paths()
    }
}

/// The shipped `ontology/` and `data/` directories.
pub fn shipped_data_paths() -> Vec<PathBuf> {
    ["ontology", "data"]
        .iter()
        .map(|dir| {
            let local = PathBuf::from(dir);
            if local.is_dir() {
                local
            } else {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir)
            }
        })
        .collect()
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "FACTGRAPH_BIND", default_value = "127.0.0.1:7979")]
    pub bind: SocketAddr,
    /// Seconds a query may run before it is stopped; 0 means no limit.
    #[arg(long, env = "FACTGRAPH_QUERY_TIMEOUT", default_value_t = 30.0)]
    pub query_timeout: f64,
}

#[derive(Debug, Args, Clone)]
pub struct QueryArgs {
    /// The SPARQL query.
    pub query: String,
    /// Output format; the default is JSON for solutions and Turtle for graphs.
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Json,
    Xml,
    Csv,
    Tsv,
    Turtle,
    Ntriples,
    Jsonld,
    Rdfxml,
}
