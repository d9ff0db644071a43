//! The types the question engine's stages pass each other and give back: the `Engine` itself,
//! what a question was read as comparing (`Comparison`, `Tense`, `TimeCmp`), the `Plan` of an
//! answer, a `Refusal`, and the `Answer` with its `Value`s and `Source`s.

use std::collections::HashSet;
use std::ops::Range;

use crate::store::Store;

use super::index::Index;
use super::lang::Lang;
use super::normalise::{Normalised, Token};
use super::rank::Ranker;
use super::templates::{Phrase, QaConfig};
use super::units::Unit;

/// One value of an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub value: String,
    pub datatype: Option<String>,
    pub unit: Option<String>,
    pub iri: Option<String>,
    /// The thing's name; for a time the article words vaguer than the value ("tweede helft
    /// van 2023" for 2023-07), those words; for a computed ratio, its unit.
    pub label: Option<String>,
    pub approximate: bool,
}

impl Value {
    /// A value that is a thing of the graph (an entity, a fact, a sentence), shown by its label.
    pub(super) fn thing(iri: &str, label: String) -> Self {
        Value {
            value: iri.to_owned(),
            datatype: None,
            unit: None,
            iri: Some(iri.to_owned()),
            label: Some(label),
            approximate: false,
        }
    }
}

/// A sentence an answer rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub sentence: String,
    pub iri: String,
    pub document: String,
    pub position: Option<i64>,
}

/// The answer to one question, as `/ask` returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub question: String,
    pub lang: &'static str,
    pub answered: bool,
    pub answer: String,
    pub values: Vec<Value>,
    pub template: Option<String>,
    pub sparql: Option<String>,
    pub sources: Vec<Source>,
    /// The IRIs of the facts the answer rests on.
    pub facts: Vec<String>,
    /// The evidence strings of those facts (verbatim substrings of the sentences).
    pub evidence: Vec<String>,
    pub confidence: f64,
    pub suggestions: Vec<String>,
}

/// How a yes/no question's claim is checked against the fact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    More,
    AtLeast,
    Less,
    Equal,
}

/// The tense a yes/no question speaks in, from its marker words (`qa:now-words`, …).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tense {
    Unmarked,
    Now,
    Future,
    Past,
}

/// How a year in the question relates to the time of the fact ("in", "voor", "after").
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimeCmp {
    In,
    Before,
    After,
    /// "Was Audi in 2010 eigenaar?": whether a state that began at the fact's start time held
    /// in the year (no word for a change, no "sinds").
    During,
}

/// What the matcher decided, before any SPARQL runs.
#[derive(Debug, Clone)]
pub struct Plan {
    pub lang: Lang,
    pub template: usize,
    pub facts: Vec<usize>,
    /// For templates that answer with an end of the fact: true for the subject.
    pub subject_end: bool,
    /// When a qualifier answers ("under which programme"): its property and value.
    pub qualifier_end: Option<(String, String)>,
    /// The unit the question asks for, when it differs from the fact's.
    pub unit: Option<&'static Unit>,
    /// A number the question claims, in the fact's unit, with its comparison.
    pub claim: Option<(Comparison, f64)>,
    /// A year/month the question claims (yes/no questions), and how it compares.
    pub date: Option<(Option<i32>, Option<u8>)>,
    pub time_cmp: TimeCmp,
    /// The question asks for a year: a month-precision time is answered with its year.
    pub year_only: bool,
    /// A yes/no verdict the graph's structure decides beyond the values the query returns:
    /// a planned fact asked about in the present, a functional relation naming another thing.
    pub verdict: Option<bool>,
    /// For comparisons of two facts: how the first compares with the second times a factor
    /// ("more than twice that of …": 2; otherwise 1).
    pub compare: Option<(Comparison, f64)>,
    /// A year the question names that a composed answer counts from or to (`$years`).
    pub reference_year: Option<i32>,
    /// Numbers the service computes for a composed query's other slots (`$scale`,
    /// `$divisor`), and the unit its answer is shown in ("t/km", "per maand").
    pub slots: Vec<(&'static str, f64)>,
    pub unit_text: Option<String>,
    pub confidence: f64,
}

/// Why a question was not answered (for logs and tests).
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub lang: Lang,
    pub reason: String,
    pub confidence: f64,
    pub template: Option<usize>,
}

/// The question-answering engine: the index of the graph and the templates. Build it once.
#[derive(Debug)]
pub struct Engine {
    pub index: Index,
    /// The facts' words for ranking by relevance (`rank`).
    pub ranker: Ranker,
    pub config: QaConfig,
    /// Which facts a question is scored against.
    pub candidates: Candidates,
    /// The words the composition stage never asks a fact to explain (stop words and the
    /// words of its operations), read once from the word lists.
    pub(super) composition_words: HashSet<String>,
    /// The words a refusal never names as unknown (`not_unknown_words`), read once.
    pub(super) not_unknown: HashSet<String>,
    pub(super) base: String,
    /// Where answer queries run when the graph is in a remote engine: a copy of what they read,
    /// made with the index (`copy`). `None` for an embedded graph, which is read directly.
    pub(super) answers_from: Option<Store>,
    /// Whether the cue scorer (`plan_by_cues`) plans questions the composition stage does not:
    /// on by default; off, the ranking and decision stages answer alone (`without_cue_stage`),
    /// which measures how far they are from replacing it.
    pub(super) cue_stage: bool,
    /// Whether a fact of the graph gives an amount of money (its unit is a QUDT currency):
    /// without one, a question that asks for a price is refused (`qa:price-words`).
    pub(super) holds_a_price: bool,
}

/// Which facts a question is scored against. Scoring every fact is exact and cheap for one
/// article, and linear in the graph: beyond `scan_all_up_to` facts a question is scored only
/// against the facts that share a word, a named thing or a year with it (found through the
/// index), and of those only the `keep` that share the most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidates {
    pub scan_all_up_to: usize,
    pub keep: usize,
}

pub(super) fn phrase_in(norm: &Normalised, lang: Lang, phrase: &Phrase) -> Option<Range<usize>> {
    norm.find_phrase(phrase.forms.get(lang))
}

/// The forms of a question token that a fact's words may contain.
pub(super) fn forms(t: &Token) -> Vec<&str> {
    let mut f = vec![t.text.as_str(), t.stem.as_str()];
    if let Some(a) = &t.alt {
        f.push(a);
    }
    // A plural "s" the stemmer keeps ("audis", "e-trons").
    if let Some(singular) = t.text.strip_suffix('s').filter(|s| s.len() >= 3) {
        f.push(singular);
    }
    f
}
