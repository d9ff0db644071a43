//! A local copy of what answers read, for a graph held by a remote SPARQL engine.
//!
//! An answer runs its template's query over the facts the plan chose. Over the network that
//! query is the whole cost of an answer (a Virtuoso took 4 to 15 ms for it on the shipped
//! graph, against half a millisecond embedded), yet everything it reads is known when the
//! index is built: the facts, the things they point to (labels, the source sentences) and the
//! documents of those sentences. So the engine copies those triples once, with the index, into
//! an in-memory store and runs the answer queries there; the copy is as fresh as the index,
//! and rebuilt with it (`--reindex-interval`). The query text a user sees is unchanged and
//! gives the same rows on the engine itself (`tests/remote/run.sh` checks the question files
//! over `oxigraph serve` and Virtuoso).

use crate::qa::error::Result;
use crate::store::model::{NamedOrBlankNode, Term, Triple};
use crate::store::{Store, Table};

/// The triples answers read, in three plain queries any engine runs (no blank nodes in
/// patterns, no property paths), each paged by the store when the engine caps its rows:
/// every fact's triples, the triples of everything a fact points to (subject, object, unit,
/// source sentence, classes), and the triples of the documents the sentences are part of.
const QUERIES: [&str; 3] = [
    "SELECT ?s ?p ?o WHERE { ?s a fg:Fact . ?s ?p ?o }",
    "SELECT DISTINCT ?s ?p ?o WHERE { ?f a fg:Fact . ?f ?q ?s . ?s ?p ?o }",
    "SELECT DISTINCT ?s ?p ?o WHERE { ?f a fg:Fact . ?f fg:sourceSentence ?x . \
     ?x dcterms:isPartOf ?s . ?s ?p ?o }",
];

/// An in-memory copy of the triples the answer queries read, made from `store`.
pub(super) fn answer_copy(store: &Store) -> Result<Store> {
    let mut triples = Vec::new();
    for query in QUERIES {
        triples.extend(triples_of(&store.select(query)?));
    }
    Ok(store.in_memory_copy(triples)?)
}

/// The rows of an `?s ?p ?o` table as triples; a row that is no triple (a literal subject
/// from an engine that allows it) is left out.
fn triples_of(table: &Table) -> impl Iterator<Item = Triple> + '_ {
    (0..table.rows.len()).filter_map(move |row| {
        let subject = match table.get(row, "s")? {
            Term::NamedNode(n) => NamedOrBlankNode::NamedNode(n.clone()),
            Term::BlankNode(b) => NamedOrBlankNode::BlankNode(b.clone()),
            Term::Literal(_) => return None,
        };
        let Term::NamedNode(predicate) = table.get(row, "p")? else {
            return None;
        };
        Some(Triple::new(
            subject,
            predicate.clone(),
            table.get(row, "o")?.clone(),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qa::model::Engine;
    use crate::store::DEFAULT_BASE;

    /// The questions of every case file (the `question` column, or the first).
    fn case_questions() -> Vec<String> {
        let mut out = Vec::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/questions");
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        files.sort_by_key(|f| f.path());
        for file in files
            .iter()
            .filter(|f| f.path().extension().is_some_and(|e| e == "tsv"))
        {
            let text = std::fs::read_to_string(file.path()).unwrap();
            let mut lines = text.lines();
            let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
            let column = header.iter().position(|h| *h == "question").unwrap_or(0);
            out.extend(lines.filter_map(|l| l.split('\t').nth(column).map(str::to_owned)));
        }
        out
    }

    /// Every question of the case files gets the same answer, to the byte, whether its query
    /// runs on the graph or on the copy: the copy holds everything the templates read.
    #[test]
    fn answers_from_the_copy_are_the_answers_from_the_graph() {
        let (store, _) = Store::load(&crate::store::shipped_data_paths(), DEFAULT_BASE).unwrap();
        let direct = Engine::build(&store).unwrap();
        let mut copied = Engine::build(&store).unwrap();
        let copy = answer_copy(&store).unwrap();
        assert!(
            copy.len().unwrap() < store.len().unwrap(),
            "the copy is not the whole graph"
        );
        copied.answers_from = Some(copy);
        let questions = case_questions();
        assert!(questions.len() > 500, "the case files were found");
        let mut answered = 0;
        for q in &questions {
            let a = direct.answer(&store, q, None).unwrap();
            let b = copied.answer(&store, q, None).unwrap();
            assert_eq!(a, b, "{q}");
            answered += usize::from(a.answered);
        }
        assert!(
            answered > 500,
            "answers were compared, not only refusals: {answered}"
        );
    }
}
