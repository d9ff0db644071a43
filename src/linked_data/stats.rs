//! The dataset's statistics: triples, entities, the class and property partitions, the
//! linksets and the namespace subjects, counted from the store at start-up and after each
//! write. VoID describes them; the home page shows them.

use super::linksets::{LinkTarget, LINK_TARGETS};
use crate::store::error::{Error, Result};
use crate::store::model::{Literal, NamedNode, Term};
use crate::store::{Store, Table};
use std::collections::BTreeSet;

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
