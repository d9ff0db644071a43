//! Loading: the RDF files of `ontology/` and `data/` into named graphs (one per file), IRIs moved
//! onto the configured base, or the on-disk store opened (and filled on its first start).

use super::backend::{prefixed_parser, Backend, Store, DEFAULT_BASE, DEFAULT_MAX_ANSWER_BYTES};
use crate::store::error::{Error, Result};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model;
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Quad, Term};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why the start-up load failed. It names the file and, for syntax errors, the position.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid base IRI {0:?}: it must be an absolute IRI ending with '/' or '#'")]
    BadBase(String),
    #[error("cannot compute the dataset description: {0}")]
    Dataset(String),
    #[error("remote SPARQL endpoint: {0}")]
    Remote(String),
    #[error("storage error while loading: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    #[error("the question templates or the graph's labels cannot be read: {0}")]
    Questions(String),
    #[error("{path}: {message}")]
    StoreDirectory { path: PathBuf, message: String },
}

/// Counts of what was loaded, for the start-up log and the dataset description.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub files: Vec<PathBuf>,
    pub quads: usize,
}

/// The file in a `--store` directory that says the first load finished. Without it, an empty
/// store gets the files again (a first start that died half-way); with it, the store is served
/// as it is, even when writes have emptied it.
#[cfg(feature = "rocksdb")]
pub(super) const LOADED_MARKER: &str = "FACTGRAPH-LOADED";

impl Store {
    /// Serves the graph held by a remote SPARQL 1.1 endpoint instead of loading files. Its IRIs
    /// must already live under `base`. The endpoint is asked a trivial query first, so a wrong
    /// URL stops the start-up instead of failing every request.
    pub fn remote(
        url: &str,
        base: &str,
        timeout: Option<std::time::Duration>,
    ) -> Result<Self, LoadError> {
        Self::remote_graphs(url, base, timeout, Vec::new(), DEFAULT_MAX_ANSWER_BYTES)
    }

    /// [`Store::remote`] serving only `graphs`, or, when empty, every graph the engine lists
    /// but the engine's own (`--graph`), reading answers of at most `max_answer_bytes`.
    pub fn remote_graphs(
        url: &str,
        base: &str,
        timeout: Option<std::time::Duration>,
        graphs: Vec<NamedNode>,
        max_answer_bytes: u64,
    ) -> Result<Self, LoadError> {
        let trust = crate::store::tls::Trust::default();
        Self::remote_trusting(url, base, timeout, graphs, max_answer_bytes, &trust)
    }

    /// [`Store::remote_graphs`] verifying an `https://` endpoint against `trust` (the system's
    /// certificates plus `--ca-file`) rather than the system's store alone.
    pub fn remote_trusting(
        url: &str,
        base: &str,
        timeout: Option<std::time::Duration>,
        graphs: Vec<NamedNode>,
        max_answer_bytes: u64,
        trust: &crate::store::tls::Trust,
    ) -> Result<Self, LoadError> {
        check_base(base)?;
        let endpoint =
            crate::store::remote::Endpoint::new(url, timeout, graphs, max_answer_bytes, trust)
                .map_err(|e| LoadError::Remote(e.to_string()))?;
        endpoint
            .refresh_graphs()
            .map_err(|e| LoadError::Remote(e.to_string()))?;
        let store = Self {
            backend: Backend::Remote(Arc::new(endpoint)),
            base: Arc::from(base),
            parser: Arc::new(prefixed_parser(base)),
            persistent: false,
            union_default_graph: true,
        };
        store
            .ask("ASK {}")
            .map_err(|e| LoadError::Remote(format!("{url}: {e}")))?;
        if let Backend::Remote(endpoint) = &store.backend {
            endpoint.learn_row_cap();
        }
        Ok(store)
    }

    /// Loads every RDF file found under `paths` (files or directories, searched recursively, in
    /// name order) into a new in-memory store. Each file goes into a named graph
    /// `<base>graph/<file stem>` (TriG and N-Quads keep their own graphs); queries see the union.
    pub fn load(paths: &[PathBuf], base: &str) -> Result<(Self, LoadReport), LoadError> {
        check_base(base)?;
        let inner = oxigraph::store::Store::new()?;
        let store = Self {
            backend: Backend::Embedded(inner.clone()),
            base: Arc::from(base),
            parser: Arc::new(prefixed_parser(base)),
            persistent: false,
            union_default_graph: true,
        };
        let mut report = LoadReport::default();
        let mut files = Vec::new();
        for path in paths {
            collect_rdf_files(path, &mut files)?;
        }
        for file in files {
            let quads = store.read_file(&file)?;
            report.quads += quads.len();
            let mut loader = inner.bulk_loader();
            loader.load_quads(quads)?;
            loader.commit()?;
            report.files.push(file);
        }
        Ok((store, report))
    }

    /// Opens the on-disk store in `dir` (RocksDB), creating it when missing. A new store gets the
    /// RDF files under `paths` in one transaction, so a first start that dies half-way leaves an
    /// empty store and the next start loads again; a store that finished its first load is
    /// served as it is (the report is then `None`). A directory that holds other files is
    /// refused rather than filled with RocksDB's.
    #[cfg(feature = "rocksdb")]
    pub fn open(
        dir: &Path,
        paths: &[PathBuf],
        base: &str,
    ) -> Result<(Self, Option<LoadReport>), LoadError> {
        check_base(base)?;
        let io_error = |source| LoadError::Io {
            path: dir.to_owned(),
            source,
        };
        if dir.exists() {
            let mut entries = std::fs::read_dir(dir).map_err(io_error)?;
            let has_entries = entries.next().is_some();
            // RocksDB keeps the name of its current manifest in CURRENT; every store has it.
            if has_entries && !dir.join("CURRENT").is_file() {
                return Err(LoadError::StoreDirectory {
                    path: dir.to_owned(),
                    message: "the directory is neither empty nor an Oxigraph store; give \
                              --store an empty or new directory"
                        .to_owned(),
                });
            }
        }
        // RocksDB creates the directory itself but not its parents.
        std::fs::create_dir_all(dir).map_err(io_error)?;
        let inner = oxigraph::store::Store::open(dir)?;
        let store = Self {
            backend: Backend::Embedded(inner.clone()),
            base: Arc::from(base),
            parser: Arc::new(prefixed_parser(base)),
            persistent: true,
            union_default_graph: true,
        };
        let marker = dir.join(LOADED_MARKER);
        if marker.exists() || !inner.is_empty()? {
            std::fs::write(&marker, b"").map_err(io_error)?;
            return Ok((store, None));
        }
        let mut report = LoadReport::default();
        let mut files = Vec::new();
        for path in paths {
            collect_rdf_files(path, &mut files)?;
        }
        let mut all = Vec::new();
        for file in files {
            let quads = store.read_file(&file)?;
            report.quads += quads.len();
            all.extend(quads);
            report.files.push(file);
        }
        let mut transaction = inner.start_transaction()?;
        transaction.extend(&all);
        transaction.commit()?;
        // The marker only after the commit: a crash in between leaves a full store without it,
        // which the check above treats as loaded.
        std::fs::write(&marker, b"").map_err(io_error)?;
        Ok((store, Some(report)))
    }

    /// A new in-memory store holding `triples` in its default graph, with this store's base
    /// and prefixes, so that the same query text reads it as it reads this store. The question
    /// engine keeps such a copy of what answers read when the graph is in a remote engine.
    pub fn in_memory_copy(&self, triples: Vec<model::Triple>) -> Result<Store> {
        let inner = oxigraph::store::Store::new().map_err(|e| Error::Internal(e.to_string()))?;
        let mut loader = inner.bulk_loader();
        loader
            .load_quads(
                triples
                    .into_iter()
                    .map(|t| t.in_graph(GraphName::DefaultGraph)),
            )
            .map_err(|e| Error::Internal(e.to_string()))?;
        loader
            .commit()
            .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(Store {
            backend: Backend::Embedded(inner),
            base: self.base.clone(),
            parser: self.parser.clone(),
            persistent: false,
            union_default_graph: true,
        })
    }

    /// The quads of one RDF file, each in the file's graph, with IRIs moved onto the base.
    pub(super) fn read_file(&self, path: &Path) -> Result<Vec<Quad>, LoadError> {
        let Some(format) = rdf_format_of(path) else {
            return Ok(Vec::new());
        };
        let io_error = |source| LoadError::Io {
            path: path.to_owned(),
            source,
        };
        let bytes = std::fs::read(path).map_err(io_error)?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("data")
            .to_owned();
        let graph = NamedNode::new(format!("{}graph/{stem}", self.base)).map_err(|e| {
            LoadError::Syntax {
                path: path.to_owned(),
                message: format!("the file name does not make a graph IRI: {e}"),
            }
        })?;
        let parser = RdfParser::from_format(format)
            .with_default_graph(graph)
            .rename_blank_nodes();
        let mut quads = Vec::new();
        for quad in parser.for_slice(&bytes) {
            let quad = quad.map_err(|e| LoadError::Syntax {
                path: path.to_owned(),
                message: describe_parse_error(&e),
            })?;
            quads.push(self.rebase_quad(quad));
        }
        Ok(quads)
    }

    /// Moves an IRI from the default base to the configured one.
    pub(super) fn rebase(&self, node: NamedNode) -> NamedNode {
        if &*self.base == DEFAULT_BASE {
            return node;
        }
        match node.as_str().strip_prefix(DEFAULT_BASE) {
            Some(rest) => NamedNode::new_unchecked(format!("{}{rest}", self.base)),
            None => node,
        }
    }

    pub(super) fn rebase_quad(&self, quad: Quad) -> Quad {
        if &*self.base == DEFAULT_BASE {
            return quad;
        }
        let subject = match quad.subject {
            NamedOrBlankNode::NamedNode(n) => NamedOrBlankNode::NamedNode(self.rebase(n)),
            other => other,
        };
        let object = match quad.object {
            Term::NamedNode(n) => Term::NamedNode(self.rebase(n)),
            other => other,
        };
        let graph_name = match quad.graph_name {
            GraphName::NamedNode(n) => GraphName::NamedNode(self.rebase(n)),
            other => other,
        };
        Quad::new(subject, self.rebase(quad.predicate), object, graph_name)
    }
}

pub(super) fn check_base(base: &str) -> Result<(), LoadError> {
    if !(base.ends_with('/') || base.ends_with('#')) || NamedNode::new(base).is_err() {
        return Err(LoadError::BadBase(base.to_owned()));
    }
    Ok(())
}

pub(super) fn describe_parse_error(error: &oxigraph::io::RdfSyntaxError) -> String {
    // Oxigraph's message already names the line and columns.
    match error.location() {
        Some(_) => error.to_string(),
        None => format!("{error} (position unknown)"),
    }
}

/// The RDF format of a file, by its extension; other files are skipped.
pub fn rdf_format_of(path: &Path) -> Option<RdfFormat> {
    crate::store::formats::rdf_of_loaded_file(path.extension()?.to_str()?)
}

pub(super) fn collect_rdf_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io_error = |source| LoadError::Io {
        path: path.to_owned(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(io_error)?;
    if metadata.is_file() {
        out.push(path.to_owned());
        return Ok(());
    }
    let mut entries = std::fs::read_dir(path)
        .map_err(io_error)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(io_error)?;
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_rdf_files(&entry, out)?;
        } else if rdf_format_of(&entry).is_some() {
            out.push(entry);
        }
    }
    Ok(())
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
