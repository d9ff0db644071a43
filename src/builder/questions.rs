//! The questions the engine answers about one thing: candidates per fact, asked to the engine,
//! kept only when it answers with that fact and that end.

use super::graph::{FactRow, Graph};
use super::phrasing::{candidates, Asks, Cues};
use crate::qa::lang::Lang;
use crate::qa::model::Engine;
use crate::store::model::Term;
use crate::store::Store;

/// Whether the engine answers `question` with `fact` and the end (or time) it asks for.
pub(crate) fn answers(
    engine: &Engine,
    store: &Store,
    question: &str,
    lang: Lang,
    fact: &FactRow,
    asks: Asks,
) -> bool {
    let Ok(answer) = engine.answer(store, question, Some(lang)) else {
        return false;
    };
    if !answer.answered || answer.facts.first().map(String::as_str) != Some(fact.iri.as_str()) {
        return false;
    }
    let expected = match asks {
        Asks::Object => match &fact.object {
            Term::NamedNode(n) => n.as_str().to_owned(),
            Term::Literal(l) => l.value().to_owned(),
            _ => return false,
        },
        Asks::Subject => fact.subject.clone(),
        Asks::Time => match &fact.time {
            Some(time) => time.clone(),
            None => return false,
        },
    };
    answer.values.iter().any(|v| {
        v.iri.as_deref() == Some(expected.as_str())
            || v.value == expected
            || (asks == Asks::Time && expected.starts_with(&v.value))
            || v.value
                .parse::<f64>()
                .ok()
                .zip(expected.parse::<f64>().ok())
                .is_some_and(|(a, b)| a == b)
    })
}

/// The questions about `thing` in `lang`: for each fact and each thing it can ask (the other
/// end, the time), the first candidate the engine answers with that fact.
pub(crate) fn questions_about(
    engine: &Engine,
    store: &Store,
    graph: &Graph,
    thing: &str,
    lang: Lang,
) -> Vec<serde_json::Value> {
    let cues = Cues::of(engine, lang);
    let mut out: Vec<serde_json::Value> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for fact in &graph.facts {
        let object_is_thing = matches!(&fact.object, Term::NamedNode(n) if n.as_str() == thing);
        if fact.subject != thing && !object_is_thing {
            continue;
        }
        let mut done: Vec<Asks> = Vec::new();
        for (question, asks) in candidates(graph, &cues, fact, thing, lang) {
            if done.contains(&asks) || seen.contains(&question) {
                continue;
            }
            if answers(engine, store, &question, lang, fact, asks) {
                done.push(asks);
                seen.push(question.clone());
                out.push(serde_json::json!({
                    "question": question,
                    "relation": graph.name(&fact.predicate, lang),
                    "asks": asks.name(),
                    "fact": fact.iri,
                }));
            }
        }
    }
    out
}
