//! Downloadable dumps at stable URLs (`/dumps/…`): the whole dataset as N-Quads (every quad,
//! graphs kept) and as Turtle (the distinct triples of the union, as `void:triples` counts
//! them), each also gzip-compressed, and each linkset on its own as Turtle. They are made from
//! the store the first time they are needed after start-up or after a write, kept whole in
//! memory with their `ETag`, and named with their size and media type in the VoID document.

use super::linksets::{LinkTarget, LINK_TARGETS};
use crate::store::error::{Error, Result};
use crate::store::formats;
use crate::store::model::{NamedOrBlankNode, Term, Triple};
use crate::store::Store;
use bytes::Bytes;
use flate2::write::GzEncoder;
use oxigraph::io::RdfFormat;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Where the dumps are served.
pub const DUMPS_PATH: &str = "/dumps";

/// IANA's media type IRIs, as DCAT names formats.
pub const IANA: &str = "https://www.iana.org/assignments/media-types/";

/// What a dump holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// The whole dataset.
    Dataset,
    /// The links into one external dataset.
    Linkset(&'static LinkTarget),
}

/// One downloadable file.
#[derive(Debug, Clone)]
pub struct Dump {
    /// The file name under [`DUMPS_PATH`], e.g. `factgraph.nq.gz`.
    pub name: String,
    pub content: Content,
    /// The RDF format of the (uncompressed) data.
    pub format: RdfFormat,
    /// Whether the file is gzip-compressed (served as `application/gzip`).
    pub gzip: bool,
    pub body: Bytes,
    pub etag: String,
    /// Triples (Turtle) or quads (N-Quads) in it.
    pub statements: usize,
}

impl Dump {
    /// The RDF media type of the (uncompressed) data.
    pub fn media_type(&self) -> &'static str {
        formats::rdf_media_type(self.format)
    }

    /// The `Content-Type` it is served with.
    pub fn content_type(&self) -> &'static str {
        if self.gzip {
            "application/gzip"
        } else {
            self.media_type()
        }
    }
}

/// Every dump of one state of the data.
#[derive(Debug, Default)]
pub struct Dumps {
    pub files: Vec<Dump>,
}

impl Dumps {
    pub fn get(&self, name: &str) -> Option<&Dump> {
        self.files.iter().find(|d| d.name == name)
    }

    /// Makes every dump from the store. Blocking; reads the whole dataset.
    pub fn build(store: &Store) -> Result<Self> {
        let mut files = Vec::new();

        // N-Quads: every quad, one per line, sorted so the same data gives the same bytes.
        let quads = store.quads()?;
        let written = store.write_quads(&quads, RdfFormat::NQuads, Vec::new())?;
        let text = String::from_utf8(written)
            .map_err(|e| Error::Internal(format!("N-Quads not UTF-8: {e}")))?;
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort_unstable();
        lines.dedup();
        let statements = lines.len();
        let mut nquads = lines.join("\n").into_bytes();
        if !nquads.is_empty() {
            nquads.push(b'\n');
        }
        push_both(
            &mut files,
            "factgraph.nq",
            Content::Dataset,
            RdfFormat::NQuads,
            nquads,
            statements,
        )?;

        // Turtle: the distinct triples of the union of the graphs, what `void:triples` counts.
        let triples = distinct_triples(store, "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }")?;
        let turtle = store.write_triples(&triples, RdfFormat::Turtle, Vec::new())?;
        push_both(
            &mut files,
            "factgraph.ttl",
            Content::Dataset,
            RdfFormat::Turtle,
            turtle,
            triples.len(),
        )?;

        for target in LINK_TARGETS {
            // The namespace is a constant of ours, not request input.
            let triples = distinct_triples(
                store,
                &format!(
                    "SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o \
                     FILTER(isIRI(?o) && STRSTARTS(STR(?o), \"{}\")) }}",
                    target.uri_space
                ),
            )?;
            if triples.is_empty() {
                continue;
            }
            let turtle = store.write_triples(&triples, RdfFormat::Turtle, Vec::new())?;
            files.push(dump(
                format!("linkset-{}.ttl", target.slug),
                Content::Linkset(target),
                RdfFormat::Turtle,
                false,
                turtle,
                triples.len(),
            ));
        }
        Ok(Self { files })
    }
}

fn dump(
    name: String,
    content: Content,
    format: RdfFormat,
    gzip: bool,
    body: Vec<u8>,
    statements: usize,
) -> Dump {
    let body = Bytes::from(body);
    Dump {
        etag: super::validators::etag(&body),
        name,
        content,
        format,
        gzip,
        body,
        statements,
    }
}

/// The file as it is and gzip-compressed (`name.gz`). The gzip header carries no time or name,
/// so equal data compresses to equal bytes.
fn push_both(
    files: &mut Vec<Dump>,
    name: &str,
    content: Content,
    format: RdfFormat,
    body: Vec<u8>,
    statements: usize,
) -> Result<()> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&body)?;
    let compressed = encoder.finish()?;
    files.push(dump(
        name.to_owned(),
        content,
        format,
        false,
        body,
        statements,
    ));
    files.push(dump(
        format!("{name}.gz"),
        content,
        format,
        true,
        compressed,
        statements,
    ));
    Ok(())
}

/// The rows of a `SELECT DISTINCT ?s ?p ?o` as triples, sorted (subjects grouped for Turtle,
/// and the same order for the same data).
fn distinct_triples(store: &Store, query: &str) -> Result<Vec<Triple>> {
    let table = store.select(query)?;
    let mut triples = Vec::with_capacity(table.rows.len());
    for row in 0..table.rows.len() {
        // By name: an answer read in pages may order its columns otherwise.
        let value = |v: &str| table.get(row, v);
        let (Some(s), Some(Term::NamedNode(p)), Some(o)) = (value("s"), value("p"), value("o"))
        else {
            return Err(Error::Internal(format!(
                "not a triple: {:?}",
                table.rows[row]
            )));
        };
        let s = match s {
            Term::NamedNode(n) => NamedOrBlankNode::from(n.clone()),
            Term::BlankNode(b) => NamedOrBlankNode::from(b.clone()),
            other => return Err(Error::Internal(format!("a triple's subject: {other}"))),
        };
        triples.push(Triple::new(s, p.clone(), o.clone()));
    }
    triples.sort_by_cached_key(|t| t.to_string());
    triples.dedup();
    Ok(triples)
}

/// The dumps of one state of the data: made once, on first use, until the next write replaces
/// the generation. `since` is when this state began (start-up or the write), the dumps'
/// `Last-Modified`.
#[derive(Debug)]
pub struct Generation {
    pub since: SystemTime,
    built: Mutex<Option<Arc<Dumps>>>,
}

impl Default for Generation {
    fn default() -> Self {
        Self::new()
    }
}

impl Generation {
    pub fn new() -> Self {
        Self {
            since: super::validators::whole_seconds(SystemTime::now()),
            built: Mutex::new(None),
        }
    }

    /// The generation after `previous`: its time is a whole second later at least, so that a
    /// client whose copy is dated in the second of a write (HTTP dates have no fractions) is
    /// not told with `If-Modified-Since` that its copy is current.
    pub fn after(previous: &Self) -> Self {
        let mut next = Self::new();
        next.since = next
            .since
            .max(previous.since + std::time::Duration::from_secs(1));
        next
    }

    /// The dumps, made now if this is their first use. Blocking. Requests that arrive while
    /// they are being made wait for them rather than make them again.
    pub fn dumps(&self, store: &Store) -> Result<Arc<Dumps>> {
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(dumps) = built.as_ref() {
            return Ok(Arc::clone(dumps));
        }
        let started = std::time::Instant::now();
        let dumps = Arc::new(Dumps::build(store)?);
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            bytes = dumps.files.iter().map(|d| d.body.len()).sum::<usize>(),
            "made the dumps"
        );
        *built = Some(Arc::clone(&dumps));
        Ok(dumps)
    }
}
