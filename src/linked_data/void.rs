//! The dataset description (VoID and DCAT) served at `/.well-known/void`. The counts come from
//! the store at start-up and after each write ([`DatasetStats::compute`]). The description
//! itself is assembled per request, because the SPARQL endpoint's and the dumps' addresses
//! depend on how the client reached us; its blank nodes have labels made from what they stand
//! for (`_:class-3`, `_:linkset-wikidata`, `_:dump-factgraph.nq.gz`), so the same data and
//! address always give the same bytes.

use super::dump::{Content, Dumps, DUMPS_PATH, IANA};
use super::stats::DatasetStats;
use crate::store::error::{Error, Result};
use crate::store::model::{vocab, BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use crate::store::Store;
use oxigraph::io::RdfFormat;

/// The licence the dataset is published under.
pub const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";

const VOID: &str = "http://rdfs.org/ns/void#";
const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCTERMS: &str = "http://purl.org/dc/terms/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";

/// Builds triples about one subject at a time.
struct Builder {
    triples: Vec<Triple>,
}

impl Builder {
    fn add(&mut self, s: &NamedOrBlankNode, p: &str, o: impl Into<Term>) -> Result<()> {
        let p = NamedNode::new(p).map_err(|e| Error::Internal(format!("bad IRI {p}: {e}")))?;
        self.triples.push(Triple::new(s.clone(), p, o.into()));
        Ok(())
    }
}

fn iri(value: impl Into<String>) -> Result<NamedNode> {
    let value = value.into();
    NamedNode::new(value.as_str()).map_err(|e| Error::Internal(format!("bad IRI {value}: {e}")))
}

fn number(n: u64) -> Literal {
    Literal::new_typed_literal(n.to_string(), vocab::xsd::INTEGER)
}

/// A blank node with a label made from what it stands for, so that the same description is
/// written with the same bytes every time (fresh random labels made every response differ).
fn labelled(label: &str) -> NamedOrBlankNode {
    BlankNode::new(label)
        .unwrap_or_else(|_| BlankNode::default())
        .into()
}

fn dump_title(dump: &super::dump::Dump) -> String {
    let format = dump.format.name();
    let gzip = if dump.gzip { ", gzip-compressed" } else { "" };
    match dump.content {
        Content::Dataset => format!(
            "the whole dataset as {format}{gzip} ({} {})",
            dump.statements,
            if dump.format == RdfFormat::NQuads {
                "quads"
            } else {
                "distinct triples"
            }
        ),
        Content::Linkset(target) => format!(
            "the links to {} as {format}{gzip} ({} triples)",
            target.title, dump.statements
        ),
    }
}

/// The dataset's IRI: the base itself, the namespace all our IRIs live in.
pub fn dataset_iri(store: &Store) -> Result<NamedNode> {
    iri(store.base())
}

/// The VoID/DCAT description for a client that reached us at `origin`. Returns the dataset IRI
/// (the subject of the description) and the triples.
pub fn description(
    store: &Store,
    stats: &DatasetStats,
    origin: &str,
    dumps: &Dumps,
) -> Result<(NamedNode, Vec<Triple>)> {
    let dataset_node = dataset_iri(store)?;
    let dataset = NamedOrBlankNode::from(dataset_node.clone());
    let endpoint = iri(format!("{origin}/sparql"))?;
    let mut b = Builder {
        triples: Vec::new(),
    };
    let v = |local: &str| format!("{VOID}{local}");
    let dc = |local: &str| format!("{DCTERMS}{local}");
    b.add(&dataset, vocab::rdf::TYPE.as_str(), iri(v("Dataset"))?)?;
    b.add(
        &dataset,
        vocab::rdf::TYPE.as_str(),
        iri(format!("{DCAT}Dataset"))?,
    )?;
    for (text, lang) in [
        (
            "factgraph: the facts of one news article about Audi's plant in Brussels",
            "en",
        ),
        (
            "factgraph: de feiten uit één nieuwsartikel over de Audi-fabriek in Brussel",
            "nl",
        ),
    ] {
        b.add(
            &dataset,
            &dc("title"),
            Literal::new_language_tagged_literal_unchecked(text, lang),
        )?;
    }
    for (text, lang) in [
        (
            "Every statement of a Dutch news article (December 2022) about the Audi plant in \
             Brussels (Forest), as RDF: the direct triple and a fact node with its value, unit, \
             time, hedges and the sentence it comes from.",
            "en",
        ),
        (
            "Elke bewering uit een Nederlandstalig nieuwsartikel (december 2022) over de \
             Audi-fabriek in Brussel (Vorst), als RDF: de directe triple en een feitknoop met \
             waarde, eenheid, tijd, voorbehoud en de zin waarop hij steunt.",
            "nl",
        ),
    ] {
        b.add(
            &dataset,
            &dc("description"),
            Literal::new_language_tagged_literal_unchecked(text, lang),
        )?;
    }
    b.add(&dataset, &dc("license"), iri(LICENSE)?)?;
    if let Some((source, date)) = &stats.source {
        b.add(&dataset, &dc("source"), source.clone())?;
        if let Some(date) = date {
            b.add(&source.clone().into(), &dc("issued"), date.clone())?;
        }
    }
    b.add(
        &dataset,
        &v("uriSpace"),
        Literal::new_simple_literal(store.base()),
    )?;
    b.add(&dataset, &v("sparqlEndpoint"), endpoint.clone())?;
    for example in &stats.examples {
        b.add(&dataset, &v("exampleResource"), example.clone())?;
    }
    for vocabulary in &stats.vocabularies {
        b.add(&dataset, &v("vocabulary"), vocabulary.clone())?;
    }
    b.add(&dataset, &v("triples"), number(stats.triples))?;
    b.add(&dataset, &v("entities"), number(stats.entities))?;
    b.add(
        &dataset,
        &v("distinctSubjects"),
        number(stats.distinct_subjects),
    )?;
    b.add(
        &dataset,
        &v("distinctObjects"),
        number(stats.distinct_objects),
    )?;
    b.add(&dataset, &v("classes"), number(stats.classes.len() as u64))?;
    b.add(
        &dataset,
        &v("properties"),
        number(stats.properties.len() as u64),
    )?;
    for (i, (class, entities)) in stats.classes.iter().enumerate() {
        let partition = labelled(&format!("class-{i}"));
        b.add(&dataset, &v("classPartition"), partition.clone())?;
        b.add(&partition, &v("class"), class.clone())?;
        b.add(&partition, &v("entities"), number(*entities))?;
    }
    for (i, (property, triples)) in stats.properties.iter().enumerate() {
        let partition = labelled(&format!("property-{i}"));
        b.add(&dataset, &v("propertyPartition"), partition.clone())?;
        b.add(&partition, &v("property"), property.clone())?;
        b.add(&partition, &v("triples"), number(*triples))?;
    }
    for linkset in &stats.linksets {
        let node = labelled(&format!("linkset-{}", linkset.target.slug));
        let target = labelled(linkset.target.slug);
        b.add(&dataset, &v("subset"), node.clone())?;
        b.add(&node, vocab::rdf::TYPE.as_str(), iri(v("Linkset"))?)?;
        b.add(&node, &v("subjectsTarget"), dataset_node.clone())?;
        b.add(&node, &v("objectsTarget"), target.clone())?;
        for (predicate, _) in &linkset.predicates {
            b.add(&node, &v("linkPredicate"), predicate.clone())?;
        }
        b.add(&node, &v("triples"), number(linkset.triples))?;
        b.add(&target, vocab::rdf::TYPE.as_str(), iri(v("Dataset"))?)?;
        b.add(
            &target,
            &dc("title"),
            Literal::new_simple_literal(linkset.target.title),
        )?;
        b.add(
            &target,
            &v("uriSpace"),
            Literal::new_simple_literal(linkset.target.uri_space),
        )?;
        b.add(
            &target,
            &format!("{FOAF}homepage"),
            iri(linkset.target.homepage)?,
        )?;
    }
    // Each dump: `void:dataDump` of its dataset or linkset, and a DCAT distribution with its
    // size and format.
    for dump in &dumps.files {
        let url = iri(format!("{origin}{DUMPS_PATH}/{}", dump.name))?;
        let of = match dump.content {
            Content::Dataset => dataset.clone(),
            Content::Linkset(target) => labelled(&format!("linkset-{}", target.slug)),
        };
        let node = labelled(&format!("dump-{}", dump.name));
        b.add(&of, &v("dataDump"), url.clone())?;
        b.add(&of, &format!("{DCAT}distribution"), node.clone())?;
        b.add(
            &node,
            vocab::rdf::TYPE.as_str(),
            iri(format!("{DCAT}Distribution"))?,
        )?;
        b.add(&node, &format!("{DCAT}downloadURL"), url.clone())?;
        b.add(&node, &format!("{DCAT}accessURL"), url)?;
        b.add(
            &node,
            &format!("{DCAT}mediaType"),
            iri(format!("{IANA}{}", dump.media_type()))?,
        )?;
        if dump.gzip {
            b.add(
                &node,
                &format!("{DCAT}compressFormat"),
                iri(format!("{IANA}application/gzip"))?,
            )?;
        }
        b.add(
            &node,
            &format!("{DCAT}byteSize"),
            Literal::new_typed_literal(
                dump.body.len().to_string(),
                vocab::xsd::NON_NEGATIVE_INTEGER,
            ),
        )?;
        b.add(&node, &dc("license"), iri(LICENSE)?)?;
        b.add(
            &node,
            &dc("title"),
            Literal::new_language_tagged_literal_unchecked(dump_title(dump), "en"),
        )?;
    }
    let distribution = labelled("sparql-endpoint");
    let service = labelled("sparql-service");
    b.add(
        &dataset,
        &format!("{DCAT}distribution"),
        distribution.clone(),
    )?;
    b.add(
        &distribution,
        vocab::rdf::TYPE.as_str(),
        iri(format!("{DCAT}Distribution"))?,
    )?;
    b.add(&distribution, &format!("{DCAT}accessURL"), endpoint.clone())?;
    b.add(
        &distribution,
        &format!("{DCAT}accessService"),
        service.clone(),
    )?;
    b.add(
        &service,
        vocab::rdf::TYPE.as_str(),
        iri(format!("{DCAT}DataService"))?,
    )?;
    b.add(&service, &format!("{DCAT}endpointURL"), endpoint)?;
    b.add(
        &service,
        &format!("{DCAT}servesDataset"),
        dataset_node.clone(),
    )?;
    // The dataset first, then the other IRIs, then the blank nodes, so Turtle groups them;
    // the sort is stable, so each subject keeps the order above.
    let mut triples = b.triples;
    triples.sort_by_cached_key(|t| match &t.subject {
        NamedOrBlankNode::NamedNode(n) if *n == dataset_node => (0, String::new()),
        NamedOrBlankNode::NamedNode(n) => (1, n.as_str().to_owned()),
        NamedOrBlankNode::BlankNode(b) => (2, b.as_str().to_owned()),
    });
    Ok((dataset_node, triples))
}
