//! The dataset description (VoID and DCAT) served at `/.well-known/void`. The counts come from
//! the store at start-up and after each write ([`DatasetStats::compute`]). The description
//! itself is assembled per request, because the SPARQL endpoint's and the dumps' addresses
//! depend on how the client reached us; its blank nodes have labels made from what they stand
//! for (`_:class-3`, `_:linkset-wikidata`, `_:dump-factgraph.nq.gz`), so the same data and
//! address always give the same bytes.

use super::dump::{Content, Dumps, DUMPS_PATH, IANA};
use super::linksets::{LinkTarget, LINK_TARGETS};
use crate::store::error::{Error, Result};
use crate::store::model::{vocab, BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use crate::store::{Store, Table};
use oxigraph::io::RdfFormat;
use std::collections::BTreeSet;

/// The licence the dataset is published under.
pub const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";

/// The links from our graph into one external dataset.
#[derive(Debug, Clone)]
pub struct Linkset {
    pub target: &'static LinkTarget,
    /// Each linking predicate with its number of links.
    pub predicates: Vec<(NamedNode, u64)>,
    pub triples: u64,
}

/// What the dataset description counts, computed once from the store.
#[derive(Debug, Clone, Default)]
pub struct DatasetStats {
    pub triples: u64,
    /// Distinct subjects that are IRIs under the base (VoID's entities of the `uriSpace`).
    pub entities: u64,
    pub distinct_subjects: u64,
    pub distinct_objects: u64,
    /// Each class with its number of distinct instances, by IRI.
    pub classes: Vec<(NamedNode, u64)>,
    /// Each property with its number of distinct triples, by IRI.
    pub properties: Vec<(NamedNode, u64)>,
    /// One per external dataset that the graph actually links to.
    pub linksets: Vec<Linkset>,
    /// Namespaces of the known vocabularies whose terms are used as properties or classes.
    pub vocabularies: Vec<NamedNode>,
    /// A few resources worth looking at first: the source document, the most described entity,
    /// a fact, a class of the ontology (whichever exist).
    pub examples: Vec<NamedNode>,
    /// The source document (`<base>id/article`) if the graph has it, with its publication date.
    pub source: Option<(NamedNode, Option<Literal>)>,
    /// Distinct `fg:Fact` nodes.
    pub facts: u64,
    /// Distinct `fg:Sentence` nodes.
    pub sentences: u64,
    /// The things the article is about, as the home page counts them: IRIs under `id/` with a
    /// preferred label that are not facts, sentences or the document itself.
    pub named_entities: u64,
    /// The subjects under the base but outside `id/` (the ontology at `def/`, the shapes at
    /// `shape/`), sorted: what namespace documents are made of. Kept here so that a namespace
    /// document, or the 404 of an unknown resource, does not scan the whole graph.
    pub namespace_subjects: Vec<NamedNode>,
}

/// Counts facts, sentences and named entities (see [`DatasetStats::named_entities`]).
fn figures_query(base: &str) -> String {
    format!(
        "SELECT ?facts ?entities ?sentences WHERE {{
  {{ SELECT (COUNT(DISTINCT ?fact) AS ?facts) WHERE {{ ?fact a fg:Fact }} }}
  {{ SELECT (COUNT(DISTINCT ?sentence) AS ?sentences) WHERE {{ ?sentence a fg:Sentence }} }}
  {{ SELECT (COUNT(DISTINCT ?entity) AS ?entities) WHERE {{
      ?entity skos:prefLabel ?label .
      FILTER(STRSTARTS(STR(?entity), \"{base}id/\"))
      FILTER NOT EXISTS {{ ?entity a fg:Fact }}
      FILTER NOT EXISTS {{ ?entity a fg:Sentence }}
      FILTER NOT EXISTS {{ ?entity a fg:Document }}
  }} }}
}}",
        base = base.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

fn count(table: &Table, row: usize, variable: &str) -> Result<u64> {
    match table.get(row, variable) {
        Some(Term::Literal(l)) => l
            .value()
            .parse()
            .map_err(|e| Error::Internal(format!("count {:?} is not a number: {e}", l.value()))),
        None => Ok(0),
        Some(other) => Err(Error::Internal(format!("count is not a literal: {other}"))),
    }
}

fn iri_counts(table: &Table, key: &str, value: &str) -> Result<Vec<(NamedNode, u64)>> {
    let mut out = Vec::new();
    for row in 0..table.rows.len() {
        if let Some(Term::NamedNode(n)) = table.get(row, key) {
            out.push((n.clone(), count(table, row, value)?));
        }
    }
    Ok(out)
}

fn first_iri(table: &Table, variable: &str) -> Option<NamedNode> {
    match table.get(0, variable) {
        Some(Term::NamedNode(n)) => Some(n.clone()),
        _ => None,
    }
}

impl DatasetStats {
    /// Counts everything in the store. Blocking; run once at start-up.
    pub fn compute(store: &Store) -> Result<Self> {
        const DISTINCT: &str = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }";
        let base = store.base();
        let triples = count(
            &store.select(&format!("SELECT (COUNT(*) AS ?n) WHERE {{ {DISTINCT} }}"))?,
            0,
            "n",
        )?;
        let distinct = store.select(
            "SELECT (COUNT(DISTINCT ?s) AS ?ns) (COUNT(DISTINCT ?o) AS ?no) WHERE { ?s ?p ?o }",
        )?;
        let subjects = store.select("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }")?;
        let entities = (0..subjects.rows.len())
            .filter(|&row| {
                matches!(subjects.get(row, "s"), Some(Term::NamedNode(n)) if n.as_str().starts_with(base))
            })
            .count() as u64;
        let things = format!("{base}id/");
        let mut namespace_subjects: Vec<NamedNode> = (0..subjects.rows.len())
            .filter_map(|row| match subjects.get(row, "s") {
                Some(Term::NamedNode(n))
                    if n.as_str().starts_with(base) && !n.as_str().starts_with(&things) =>
                {
                    Some(n.clone())
                }
                _ => None,
            })
            .collect();
        namespace_subjects.sort();
        let classes = iri_counts(
            &store.select(
                "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } \
                 GROUP BY ?c ORDER BY ?c",
            )?,
            "c",
            "n",
        )?;
        let properties = iri_counts(
            &store.select(&format!(
                "SELECT ?p (COUNT(*) AS ?n) WHERE {{ {DISTINCT} }} GROUP BY ?p ORDER BY ?p"
            ))?,
            "p",
            "n",
        )?;
        let mut linksets = Vec::new();
        for target in LINK_TARGETS {
            // The namespace is a constant of ours, not request input.
            let predicates = iri_counts(
                &store.select(&format!(
                    "SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ \
                     ?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), \"{}\")) }} }} \
                     GROUP BY ?p ORDER BY ?p",
                    target.uri_space
                ))?,
                "p",
                "n",
            )?;
            let triples = predicates.iter().map(|(_, n)| n).sum();
            if triples > 0 {
                linksets.push(Linkset {
                    target,
                    predicates,
                    triples,
                });
            }
        }
        let prefixes = store.prefixes();
        let own_things = format!("{base}id/");
        let vocabularies: BTreeSet<&str> = properties
            .iter()
            .chain(&classes)
            .filter_map(|(iri, _)| {
                prefixes
                    .iter()
                    .map(|(_, ns)| ns.as_str())
                    .filter(|ns| iri.as_str().starts_with(ns) && *ns != own_things)
                    .max_by_key(|ns| ns.len())
            })
            .collect();
        let vocabularies = vocabularies
            .into_iter()
            .map(|ns| NamedNode::new(ns).map_err(|e| Error::Internal(e.to_string())))
            .collect::<Result<Vec<_>>>()?;
        let source = match first_iri(
            &store.select(
                "SELECT ?doc WHERE { BIND(id:article AS ?doc) \
                 FILTER EXISTS { { ?doc ?p ?o } UNION { ?x ?y ?doc } } }",
            )?,
            "doc",
        ) {
            Some(doc) => {
                let date = store.select(
                    "SELECT ?date WHERE { id:article schema:datePublished ?date } \
                     ORDER BY ?date LIMIT 1",
                )?;
                let date = match date.get(0, "date") {
                    Some(Term::Literal(l)) => Some(l.clone()),
                    _ => None,
                };
                Some((doc, date))
            }
            None => None,
        };
        let figures = store.select(&figures_query(base))?;
        let mut examples: Vec<NamedNode> = source.iter().map(|(doc, _)| doc.clone()).collect();
        for (query, variable) in [
            (
                "SELECT ?e (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a fg:Fact ; rdf:subject ?e \
                 FILTER(isIRI(?e)) } GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1",
                "e",
            ),
            ("SELECT ?f WHERE { ?f a fg:Fact } ORDER BY ?f LIMIT 1", "f"),
            (
                "SELECT ?c WHERE { ?c a owl:Class FILTER(STRSTARTS(STR(?c), STR(fg:))) } \
                 ORDER BY ?c LIMIT 1",
                "c",
            ),
        ] {
            if let Some(example) = first_iri(&store.select(query)?, variable) {
                if !examples.contains(&example) {
                    examples.push(example);
                }
            }
        }
        Ok(Self {
            triples,
            entities,
            distinct_subjects: count(&distinct, 0, "ns")?,
            distinct_objects: count(&distinct, 0, "no")?,
            classes,
            properties,
            linksets,
            vocabularies,
            examples,
            source,
            facts: count(&figures, 0, "facts")?,
            sentences: count(&figures, 0, "sentences")?,
            named_entities: count(&figures, 0, "entities")?,
            namespace_subjects,
        })
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DEFAULT_BASE;

    #[test]
    fn counts_facts_entities_sentences_and_triples() {
        let dir = std::env::temp_dir().join(format!("factgraph-void-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("fixture.ttl");
        std::fs::write(
            &file,
            r#"@prefix fg: <https://w3id.org/factgraph/def/> .
@prefix id: <https://w3id.org/factgraph/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
id:article a fg:Document ; skos:prefLabel "artikel"@nl .
id:article\/s1 a fg:Sentence .
id:article\/s2 a fg:Sentence .
id:audi a fg:Organisation ; skos:prefLabel "Audi"@nl, "Audi"@en .
id:plant a fg:Plant ; skos:prefLabel "fabriek"@nl .
id:fact\/one a fg:Fact ; skos:prefLabel "feit"@nl ; rdf:subject id:plant .
<http://example.org/other> skos:prefLabel "elders"@nl .
"#,
        )
        .unwrap();
        let (store, _) = Store::load(std::slice::from_ref(&file), DEFAULT_BASE).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let stats = DatasetStats::compute(&store).unwrap();
        assert_eq!(stats.facts, 1);
        assert_eq!(stats.sentences, 2);
        assert_eq!(stats.named_entities, 2);
        assert_eq!(stats.triples, 13);
    }
}
