//! The CONSTRUCTs behind the Linked Data pages: a resource's description (its triples, the
//! facts about it, a bounded number of links in) and a namespace document.

use crate::linked_data::stats::DatasetStats;
use crate::store::error::Result;
use crate::store::model::{NamedNode, Term, Triple};
use crate::store::Store;
use oxigraph::sparql::Variable;

/// The description of one resource: its own triples (with blank nodes they hold, two levels
/// deep), the triples pointing at it, the labels of the things and properties on both sides
/// (and the evidence of facts pointing at it, which a sentence's page marks),
/// the text and position of sentences it links to, and — for an entity — the facts about it with their
/// qualifiers. The store puts the IRI in place of each `VALUES ?this { UNDEF }` on the algebra,
/// so it is never written into the text; one in each branch lets each branch start from it.
const DESCRIBE: &str = r#"
CONSTRUCT {
  ?this ?p ?o . ?o ?p1 ?o1 . ?o1 ?p2 ?o2 .
  ?o ?ol ?olabel . ?p ?pl ?plabel .
  ?s ?q ?this . ?s ?sl ?slabel . ?q ?ql ?qlabel .
  ?fact ?fp ?fo . ?fo ?fol ?folabel . ?fp ?fpl ?fplabel .
}
WHERE {
  {
    VALUES ?this { UNDEF }
    ?this ?p ?o .
    OPTIONAL { ?o ?p1 ?o1 FILTER(isBlank(?o))
      OPTIONAL { ?o1 ?p2 ?o2 FILTER(isBlank(?o1)) } }
    OPTIONAL { VALUES ?ol { skos:prefLabel rdfs:label nif:anchorOf fg:position } ?o ?ol ?olabel }
    OPTIONAL { VALUES ?pl { skos:prefLabel rdfs:label } ?p ?pl ?plabel }
  } UNION {
    # At most INCOMING links in: a class of a large graph has millions of instances. (No ORDER
    # BY: sorting them all would cost what the limit saves.)
    { SELECT ?this ?s ?q WHERE { VALUES ?this { UNDEF } ?s ?q ?this } LIMIT 1000 }
    # A fact's ends and relation too, so the page can tell the direct triple it states; a
    # sentence's position, so it is named "sentence 3".
    OPTIONAL { VALUES ?sl { skos:prefLabel rdfs:label fg:evidence rdf:subject rdf:predicate fg:position } ?s ?sl ?slabel }
    OPTIONAL { VALUES ?ql { skos:prefLabel rdfs:label } ?q ?ql ?qlabel }
  } UNION {
    { SELECT ?this ?fact WHERE { VALUES ?this { UNDEF } ?fact rdf:subject ?this } LIMIT 1000 }
    ?fact ?fp ?fo .
    OPTIONAL { VALUES ?fol { skos:prefLabel rdfs:label nif:anchorOf fg:position } ?fo ?fol ?folabel }
    OPTIONAL { VALUES ?fpl { skos:prefLabel rdfs:label } ?fp ?fpl ?fplabel }
  }
}
"#;

/// A namespace document (the ontology at `def/`, the shapes at `shape/`): every triple of the
/// namespace's subjects (its header, the namespace IRI itself, included; they come in a VALUES
/// block from [`DatasetStats::namespace_subjects`]), with the blank nodes they hold three levels
/// deep (restrictions, property shapes, lists).
const NAMESPACE_DOCUMENT: &str = r#"
CONSTRUCT {
  ?s ?p ?o . ?o ?p1 ?o1 . ?o1 ?p2 ?o2 . ?o2 ?p3 ?o3 .
}
WHERE {
  SUBJECTS
  ?s ?p ?o .
  OPTIONAL { ?o ?p1 ?o1 FILTER(isBlank(?o))
    OPTIONAL { ?o1 ?p2 ?o2 FILTER(isBlank(?o1))
      OPTIONAL { ?o2 ?p3 ?o3 FILTER(isBlank(?o2)) } } }
}
"#;

/// How many links in (and facts about) a resource its description holds at most: the limit in
/// [`DESCRIBE`]'s subqueries.
pub const INCOMING: usize = 1000;

/// Counts the links into a resource, to tell a page that shows only [`INCOMING`] of them. A
/// link held in two named graphs counts twice: counting distinct links costs four times more.
const COUNT_INCOMING: &str = "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?this { UNDEF } ?s ?q ?this }";

/// The number of triples whose object is `iri`. Blocking.
pub fn count_incoming(store: &Store, iri: &NamedNode) -> Result<usize> {
    let this = Variable::new_unchecked("this");
    let table = store.select_bound(COUNT_INCOMING, vec![(this, Term::from(iri.clone()))])?;
    Ok(match table.get(0, "n") {
        Some(Term::Literal(l)) => l.value().parse().unwrap_or(0),
        _ => 0,
    })
}

/// Runs [`DESCRIBE`] for `iri`. Blocking.
pub fn describe(store: &Store, iri: &NamedNode) -> Result<Vec<Triple>> {
    let this = Variable::new_unchecked("this");
    let triples = store.construct_bound(DESCRIBE, vec![(this, Term::from(iri.clone()))])?;
    Ok(sorted(triples))
}

/// Runs [`NAMESPACE_DOCUMENT`] for a namespace IRI: the triples of the known namespace
/// subjects that start with it (none: no query at all). Blocking.
pub fn namespace_document(
    store: &Store,
    stats: &DatasetStats,
    namespace: &NamedNode,
) -> Result<Vec<Triple>> {
    let start = stats
        .namespace_subjects
        .partition_point(|s| s.as_str() < namespace.as_str());
    let subjects: Vec<&NamedNode> = stats.namespace_subjects[start..]
        .iter()
        .take_while(|s| s.as_str().starts_with(namespace.as_str()))
        .collect();
    if subjects.is_empty() {
        return Ok(Vec::new());
    }
    // The IRIs come from the store itself, written with their `Display` (`<…>`), so they
    // cannot carry anything but an IRI into the query.
    let values: String = subjects.iter().map(|s| format!("{s} ")).collect();
    let query = NAMESPACE_DOCUMENT.replace("SUBJECTS", &format!("VALUES ?s {{ {values}}}"));
    Ok(sorted(store.construct(&query)?))
}

/// Sorted without duplicates (CONSTRUCT repeats a triple once per solution), so responses are
/// stable and small.
fn sorted(mut triples: Vec<Triple>) -> Vec<Triple> {
    triples.sort_by_cached_key(|t| t.to_string());
    triples.dedup();
    triples
}
