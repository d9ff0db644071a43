//! The question-answering pipeline: read a question, choose a template and the fact(s) that
//! answer it, run the template's SPARQL for exactly those facts, and write the answer.
//!
//! Honesty comes first: every content word of the question must be explained by the chosen
//! fact (its predicate, its ends, its qualifiers, its words), a year or number in the question
//! must agree with it, and near ties between different answers are refused. SPARQL slots are
//! filled only with IRIs taken from the graph and literals the service makes; the user's text
//! never reaches a query.

use std::collections::{HashMap, HashSet};

use crate::qa::error::Result;
use crate::store::model::{Literal, NamedNode, Term};
use crate::store::{Store, Table};

use super::index::{Fact, Index, When, RDF_TYPE};
use super::lang::Lang;
use super::model::{
    Answer, Candidates, Comparison, Engine, Plan, Refusal, Source, Tense, TimeCmp, Value,
};
use super::normalise::normalise;
use super::numbers::{format_number, month_name};
use super::rank::Ranker;
use super::read::{Description, Mention, Reading};
use super::templates::{AnswerKind, QaConfig, Template};
use super::units::{self, Dimension};

/// Answers below this confidence are refused (tuned on the development questions).
pub const THRESHOLD: f64 = 0.65;
/// Two facts whose scores differ by less than this, with different answers, are a tie.
const TIE_MARGIN: f64 = 0.25;
/// A yes/no answer "no" needs this lead over the best fact that would answer yes.
const NO_MARGIN: f64 = 1.5;
/// Why every question is refused on a graph without `qa:Template`s.
const NO_TEMPLATES: &str =
    "This graph has no question templates (qa:Template); ask it in SPARQL at /sparql instead.";
/// The words a refusal never names as unknown, since they could name nothing: the words of an
/// operation, a comparison, a tense or a unit, and light verbs (numbers and short words are left
/// out where the refusal is written).
fn not_unknown_words(config: &QaConfig, composition_words: &HashSet<String>) -> HashSet<String> {
    let words = &config.words;
    let mut out = composition_words.clone();
    out.extend(words.light.iter().cloned());
    for u in super::units::UNITS {
        out.extend(u.surface_words().flat_map(super::rank::words));
    }
    for p in words.future.iter().chain(&words.past) {
        out.extend(super::rank::words(&p.text));
    }
    out
}

/// Why a question that divides by a unit or a part of a year is refused when no two facts
/// give the division: the undivided quantity would be a wrong answer.
const DIVIDED: &str =
    "the question asks for a quantity per unit or period that no pair of facts gives";
/// Why a yes/no question that negates its claim or embeds another question is refused.
const NO_CUE_STAGE: &str = "the cue stage is off and the ranking stage finds no fact";
const NO_PRICE: &str = "the question asks for an amount of money, and no fact gives one";
/// The namespace of QUDT's currency units.
const CURRENCIES: &str = "http://qudt.org/vocab/currency/";
const NOT_A_CLAIM: &str = "the question negates its claim or asks something other than yes or no";
/// Why a question for a kind of thing is refused when the fact found gives a standing of
/// another kind and leads to nothing of the kind, or a "who" question to nothing that can act.
const OTHER_KIND: &str =
    "the question asks for a kind of thing (or who) the facts found do not lead to";
/// The longest question accepted, in characters.
pub const MAX_QUESTION_CHARS: usize = 1000;

const RDF_SUBJECT: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject";
const RDF_OBJECT: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#object";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
/// QUDT's year, the unit of a number of years.
const YEAR_UNIT: &str = "http://qudt.org/vocab/unit/YR";

impl Plan {
    /// A plan that answers from one fact with the template's defaults: no unit, claim, date,
    /// verdict or slots; the fact's object end. Plans over more facts start from it too.
    pub(super) fn of_fact(r: &Reading, template: usize, fact: usize, confidence: f64) -> Plan {
        Plan {
            lang: r.lang,
            template,
            facts: vec![fact],
            subject_end: false,
            qualifier_end: None,
            unit: None,
            claim: None,
            date: None,
            time_cmp: r.time_cmp,
            year_only: false,
            verdict: None,
            compare: None,
            reference_year: None,
            slots: Vec::new(),
            unit_text: None,
            confidence,
        }
    }
}

/// How well one fact explains a question.
#[derive(Debug, Clone)]
struct Scored {
    fact: usize,
    score: f64,
    unexplained: usize,
    relation: bool,
    end_mentioned: bool,
    subject_end: bool,
    qualifier_end: Option<(String, String)>,
    date_ok: Option<bool>,
    claim: Option<(Comparison, f64)>,
    /// A yes/no question names another value of a functional relation: the answer is no.
    contradicts: bool,
    /// The question words the fact does not explain.
    missing: Vec<String>,
    /// The question names a thing outside the graph (a country, a city) that the fact is not
    /// about: the question is about something else.
    foreign: bool,
}

impl Default for Candidates {
    fn default() -> Self {
        Candidates {
            scan_all_up_to: 2_000,
            keep: 2_000,
        }
    }
}

fn num_lexical(value: f64) -> String {
    let rounded = (value * 1e9).round() / 1e9;
    if rounded.fract() == 0.0 && rounded.abs() < 9.0e15 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

impl Engine {
    /// Builds the engine from the graph (facts, labels, `ontology/questions.ttl`). Blocking.
    pub fn build(store: &Store) -> Result<Engine> {
        let config = QaConfig::load(store)?;
        let index = Index::build(store, &config)?;
        let iris: Vec<String> = index.facts.iter().map(|f| f.iri.clone()).collect();
        let ranker = Ranker::build(store, &iris)?;
        let composition_words = super::compose::operation_word_set(&config);
        let answers_from = match store.remote_url() {
            Some(_) => Some(super::copy::answer_copy(store)?),
            None => None,
        };
        // Read once here: a question never loops over all facts.
        let holds_a_price = index
            .facts
            .iter()
            .any(|f| f.unit.as_deref().is_some_and(|u| u.starts_with(CURRENCIES)));
        Ok(Engine {
            answers_from,
            cue_stage: true,
            holds_a_price,
            not_unknown: not_unknown_words(&config, &composition_words),
            composition_words,
            index,
            ranker,
            config,
            candidates: Candidates::default(),
            base: store.base().to_owned(),
        })
    }

    /// The facts to score for a question (see [`Candidates`]), in index order.
    fn candidate_facts(&self, r: &Reading) -> Vec<usize> {
        let n = self.index.facts.len();
        if n <= self.candidates.scan_all_up_to {
            return (0..n).collect();
        }
        // Dense per-fact sums: a common word touches a large share of the facts, and arrays
        // beat hash maps at that.
        let mut total = vec![0f32; n];
        let mut best = vec![0f32; n];
        let mut seen: Vec<usize> = Vec::new();
        let mut touched: Vec<usize> = Vec::new();
        // Rare words first. A word that a quarter of the facts share adds the same to most of
        // them and costs the most to walk, so it is left out once rarer words found facts.
        let mut words: Vec<(usize, &Vec<u32>)> = r
            .ids
            .iter()
            .enumerate()
            .filter(|(i, _)| r.content[*i] || r.mentions.iter().any(|m| m.tokens.contains(i)))
            .map(|(_, ids)| (self.index.postings(r.lang, ids), ids))
            .collect();
        words.sort_by_key(|(postings, _)| *postings);
        for (postings, ids) in words {
            if postings > n / 4 && !seen.is_empty() {
                break;
            }
            // The weight of a word for a fact is the best of the texts that hold it.
            self.index.facts_with_words(r.lang, ids, |f, w| {
                if let Some(b) = best.get_mut(f) {
                    if *b == 0.0 {
                        touched.push(f);
                    }
                    *b = b.max(w);
                }
            });
            for f in touched.drain(..) {
                if total[f] == 0.0 {
                    seen.push(f);
                }
                total[f] += best[f];
                best[f] = 0.0;
            }
        }
        let mut add = |facts: &[usize], w: f32| {
            for &f in facts {
                if let Some(t) = total.get_mut(f) {
                    if *t == 0.0 {
                        seen.push(f);
                    }
                    *t += w;
                }
            }
        };
        fn of<'a>(map: &'a HashMap<String, Vec<usize>>, key: &str) -> &'a [usize] {
            map.get(key).map_or(&[], Vec::as_slice)
        }
        for m in &r.mentions {
            for &e in &m.entities {
                let iri = self.index.entities[e].as_str();
                add(of(&self.index.by_end, iri), 1.0);
                add(of(&self.index.by_qualifier, iri), 1.0);
            }
            for &p in &m.properties {
                add(of(&self.index.by_predicate, &self.index.properties[p]), 1.0);
            }
        }
        for d in &r.described {
            add(of(&self.index.by_end, &d.entity), 1.0);
            add(&[d.fact], 1.0);
        }
        for option in &r.options {
            add(of(&self.index.by_end, option), 1.0);
        }
        for year in r.dates.iter().filter_map(|(y, _, _)| *y) {
            if let Some(facts) = self.index.by_year.get(&year) {
                add(facts, 0.5);
            }
        }
        for &(value, unit, _) in &r.numbers {
            let near: Vec<usize> = match unit {
                Some(u) => self.index.facts_near(value * u.factor, true).collect(),
                None => self.index.facts_near(value, false).collect(),
            };
            add(&near, 0.5);
        }
        let mut list: Vec<(usize, f32)> = seen.into_iter().map(|f| (f, total[f])).collect();
        let keep = self.candidates.keep;
        if list.len() > keep {
            list.select_nth_unstable_by(keep, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            list.truncate(keep);
        }
        let mut facts: Vec<usize> = list.into_iter().map(|(f, _)| f).collect();
        facts.sort_unstable();
        facts
    }

    pub fn templates(&self) -> &[Template] {
        &self.config.templates
    }

    pub(super) fn template_by_id(&self, id: &str) -> Option<usize> {
        self.config.templates.iter().position(|t| t.id == id)
    }

    pub(super) fn is_stop(&self, token: &super::normalise::Token) -> bool {
        let stop = &self.config.words.stop;
        stop.contains(&token.text) || token.alt.as_ref().is_some_and(|a| stop.contains(a))
    }

    /// Scores one fact against the reading; `None` when it cannot answer this question.
    fn score(&self, r: &Reading, fact_index: usize) -> Option<Scored> {
        let fact = &self.index.facts[fact_index];
        let kind = self.config.templates[r.template].kind;
        let lang = r.lang;
        let entity = |e: usize| self.index.entities[e].as_str();
        let property = |p: usize| self.index.properties[p].as_str();
        let object_iri = fact.object_iri();

        // Compatibility of the fact with the kind of answer.
        match kind {
            AnswerKind::Quantity | AnswerKind::Comparison if fact.number.is_none() => return None,
            AnswerKind::Time if fact.start.is_none() && fact.point.is_none() => return None,
            AnswerKind::Entity | AnswerKind::List
                if fact.number.is_some() || fact.predicate == RDF_TYPE =>
            {
                return None
            }
            _ => {}
        }
        // No fact of the graph measures a time span: "hoe lang duurt" is not a length.
        if r.duration && fact.number.is_some() {
            return None;
        }
        // "Sinds wanneer", "since when" ask when something began: a figure measured in a year
        // (43 866 cars in 2021) began nothing.
        if kind == AnswerKind::Time && fact.start.is_none() && fact.number.is_some() && r.since {
            return None;
        }

        let mut score = 0.0;
        let mut unexplained = 0usize;
        let mut missing: Vec<String> = Vec::new();
        let mut relation = false;
        let mut explained = vec![false; r.norm.tokens.len()];
        let mut subject_mentioned = false;
        let mut object_mentioned = false;
        let focus_at = r.cue.as_ref().map(|c| c.end);
        let mut focus: Option<&Mention> = None;

        // A word the fact does not explain may be explained by a neighbouring fact about a
        // thing the question names ("Audi voert de productie van accupakketten op" joins
        // "Audi ramps up X" with "X is in Ingolstadt").
        // Things the question describes by a relation to a named thing (not by this fact).
        // Only for questions about a value of the thing (how much, since when), not for ones
        // that ask for a thing (the description may be of the answer itself) nor for yes/no
        // claims ("Does the Q8 e-tron come from Hungary?" is not about the motors).
        let descriptions: Vec<&Description> = r
            .described
            .iter()
            .filter(|d| {
                !kind.answers_an_end()
                    && kind != AnswerKind::Boolean
                    && d.fact != fact_index
                    && (d.entity == fact.subject || Some(d.entity.as_str()) == object_iri)
                    && !r.mentions.iter().any(|m| {
                        m.tokens == d.relation
                            && m.properties.iter().any(|&p| property(p) == fact.predicate)
                    })
            })
            .collect();
        let mentioned = |iri: &str| {
            r.mentions
                .iter()
                .any(|m| m.entities.iter().any(|&e| entity(e) == iri))
                || descriptions.iter().any(|d| d.entity == iri)
        };
        let names_predicate = r
            .mentions
            .iter()
            .any(|m| m.properties.iter().any(|&p| property(p) == fact.predicate));
        let via_neighbour = |t: usize| {
            let ids = &r.ids[t];
            self.index
                .neighbours(fact_index)
                .filter(|(_, shared)| mentioned(shared) && !self.index.is_topic(fact_index, shared))
                .any(|(j, _)| self.index.explains(j, lang, ids) >= 0.5)
                // "Onder welk motto investeert Audi": the words of a fact that holds within this
                // fact's subject, when the question names this fact's relation.
                || (names_predicate
                    && self
                        .index
                        .within(fact_index)
                        .iter()
                        .any(|&j| self.index.explains(j, lang, ids) >= 0.5))
        };
        // In a yes/no claim a thing named beside the fact's terms ("in Brussel") must hold for
        // what the question is about: an end of a neighbouring fact about a named thing.
        let topic_holds = |iri: &str| {
            self.index.neighbours(fact_index).any(|(j, shared)| {
                let g = &self.index.facts[j];
                mentioned(shared) && (g.subject == iri || g.object_iri() == Some(iri))
            })
        };
        for d in &descriptions {
            if d.entity == fact.subject {
                subject_mentioned = true;
            } else {
                object_mentioned = true;
            }
            score += 1.0;
            for i in d.named.clone().chain(d.relation.clone()) {
                explained[i] = true;
            }
        }
        // A functional relation (one value per subject, or one subject per value for an inverse
        // functional one) asked about with another thing of the value's kind is contradicted:
        // "Komen de motoren uit Duitsland?" → no, from Hungary. Other relations can hold for
        // several values, so naming another one stays unexplained and the question is refused.
        let names = |iri: &str| {
            r.mentions
                .iter()
                .any(|m| m.entities.iter().any(|&e| entity(e) == iri))
        };
        let names_object = object_iri.is_some_and(names);
        let rival_kinds: Option<&Vec<String>> = if kind == AnswerKind::Boolean && names_predicate {
            if self.index.functional.contains(&fact.predicate)
                && names(&fact.subject)
                && !names_object
            {
                object_iri.and_then(|o| self.index.kinds.get(o))
            } else if self.index.inverse_functional.contains(&fact.predicate)
                && names_object
                && !names(&fact.subject)
            {
                self.index.kinds.get(&fact.subject)
            } else {
                None
            }
        } else {
            None
        };
        let mut contradicts = false;
        // A named place or company the fact is not about ("de vrachtlijn uit Polen").
        let foreign = r
            .others
            .iter()
            .any(|(_, class)| !rival_kinds.is_some_and(|k| k.contains(class)));
        // The options of an either-or question pick the answer; they do not describe the fact.
        if kind.answers_an_end() && !r.options.is_empty() {
            for m in &r.mentions {
                if !m.entities.is_empty()
                    && m.entities
                        .iter()
                        .all(|&e| r.options.contains(&self.index.entities[e]))
                {
                    for i in m.tokens.clone() {
                        explained[i] = true;
                    }
                }
            }
        }
        for (range, class) in &r.others {
            if rival_kinds.is_some_and(|k| k.contains(class)) {
                contradicts = true;
                score += 1.0;
                for i in range.clone() {
                    explained[i] = true;
                }
            }
        }
        for m in &r.mentions {
            if m.tokens.clone().all(|i| explained[i]) {
                continue;
            }
            let is_focus = kind.answers_an_end() && Some(m.tokens.start) == focus_at;
            let on_subject = m.entities.iter().any(|&e| entity(e) == fact.subject);
            let on_object = m.entities.iter().any(|&e| Some(entity(e)) == object_iri);
            let on_qualifier = m
                .entities
                .iter()
                .any(|&e| fact.qualifiers.iter().any(|q| q == entity(e)));
            let on_predicate = m.properties.iter().any(|&p| property(p) == fact.predicate);
            let on_flag = m.properties.iter().any(|&p| {
                self.index.qualifier_properties.contains(&p)
                    && ((property(p).ends_with("initially") && fact.initially)
                        || (property(p).ends_with("planned") && fact.planned))
            });
            let mut ok = true;
            if is_focus && !m.entities.is_empty() && m.properties.is_empty() {
                focus = Some(m);
            } else if on_subject || on_object {
                score += 2.0;
                subject_mentioned |= on_subject;
                object_mentioned |= on_object;
                if on_predicate {
                    score += 3.0;
                    relation = true;
                }
            } else if on_predicate {
                score += 3.0;
                relation = true;
            } else if on_flag {
                score += 1.5;
                relation = true;
            } else if on_qualifier {
                score += 1.0;
            } else if m.entities.iter().any(|&e| {
                self.index.is_topic(fact_index, entity(e))
                    && (kind != AnswerKind::Boolean || topic_holds(entity(e)))
            }) {
                // The document's topic: the setting of every fact. Not in a yes/no claim,
                // where "in Brussel" may be the very thing claimed ("Voert Audi de productie
                // van accupakketten in Brussel op?" — no, in Ingolstadt).
            } else if rival_kinds.is_some_and(|k| {
                m.entities
                    .iter()
                    .any(|&e| self.index.same_kind(entity(e), k))
            }) {
                contradicts = true;
                score += 1.0;
            } else {
                // Not one of the fact's terms: its words may still be the fact's words.
                let mut weight = 0.0f64;
                for i in m.tokens.clone() {
                    if !r.content[i] {
                        continue;
                    }
                    let w = self.index.explains(fact_index, lang, &r.ids[i]);
                    // A thing the question names must be in the fact's own words, not only
                    // somewhere in its sentence.
                    let enough = if m.entities.is_empty() {
                        w > 0.0 || via_neighbour(i)
                    } else if kind == AnswerKind::Boolean {
                        // A thing named in a claim must be in the fact's own words or an end
                        // of a neighbouring fact, not merely a word of a neighbour.
                        w >= 0.5 || m.entities.iter().any(|&e| topic_holds(entity(e)))
                    } else {
                        w >= 0.5 || via_neighbour(i)
                    };
                    if !enough {
                        ok = false;
                    }
                    weight += w;
                }
                if ok {
                    score += 0.5 * weight;
                    // A relation label made of stop words only ("there" ~ "where") names none.
                    if !m.properties.is_empty() && m.entities.is_empty() && weight > 0.0 {
                        relation = true;
                    }
                } else if m.tokens.clone().any(|i| r.content[i]) {
                    // An unexplained thing weighs double: the question is about something else.
                    unexplained += if m.entities.is_empty() { 1 } else { 2 };
                    missing.push(r.norm.tokens[m.tokens.start].text.clone());
                }
            }
            for i in m.tokens.clone() {
                explained[i] = true;
            }
        }

        // Content words outside any label.
        for (i, t) in r.norm.tokens.iter().enumerate() {
            if explained[i] || !r.content[i] {
                continue;
            }
            let w = self.index.explains(fact_index, lang, &r.ids[i]);
            if w > 0.0 {
                score += w;
                relation = true;
            } else if via_neighbour(i) {
                score += 0.3;
            } else {
                unexplained += 1;
                missing.push(t.text.clone());
            }
        }

        // Years and months.
        let mut date_ok = None;
        let claims_date = matches!(kind, AnswerKind::Boolean);
        // The time a claim can contradict: when the fact started or happened. A present-tense
        // fact (fg:validAt only) says nothing about other years.
        let event = fact.start.or(fact.point);
        for (year, month, _) in &r.dates {
            // "In de eerste helft van 2023" cannot be compared with July 2023.
            if claims_date
                && r.part_of_year
                && month.is_none()
                && event.is_some_and(|w| w.month.is_some())
            {
                return None;
            }
            let fits = match r.time_cmp {
                TimeCmp::During => self.during(fact, *year, *month),
                TimeCmp::In => fact.times().any(|w| w.fits(*year, *month)),
                TimeCmp::Before => {
                    event.is_some_and(|w| w.cmp_with(*year, *month) == std::cmp::Ordering::Less)
                }
                TimeCmp::After => {
                    event.is_some_and(|w| w.cmp_with(*year, *month) == std::cmp::Ordering::Greater)
                }
            };
            if fits {
                score += 1.5;
            } else if claims_date && event.is_some() && fact.number.is_none() {
                // A yes/no question about when something happened or began: the answer is no.
                // (A quantity of another year is not a contradiction, only unknown.)
            } else {
                return None;
            }
            date_ok = Some(date_ok.unwrap_or(true) && fits);
        }

        // Units asked for: same dimension as the fact's unit, or the fact cannot answer.
        let mut unit_relation = false;
        let fact_unit = fact.unit.as_deref().and_then(units::unit_by_iri);
        if let Some(u) = r.unit {
            match fact_unit {
                Some(f) if f.dimension == u.dimension => {
                    // A unit names the kind of quantity asked for ("hoeveel m2" → an area),
                    // unless another word names a relation of its own ("stoot … uit").
                    score += 1.0;
                    unit_relation = true;
                }
                _ => return None,
            }
        }

        // Numbers: claims to check, or values that pick the fact (sources).
        let mut claim = None;
        for (value, unit, _) in &r.numbers {
            let Some(own) = fact.number else {
                unexplained += 1;
                missing.push(format!("{value}"));
                continue;
            };
            let value = match (unit, fact_unit) {
                (Some(u), Some(f)) if u.dimension == f.dimension => {
                    units::convert(*value, u.iri, f.iri).unwrap_or(*value)
                }
                (Some(_), _) => return None,
                (None, _) => *value,
            };
            let cmp = match kind {
                AnswerKind::Boolean => r.comparison.unwrap_or(Comparison::Equal),
                _ => Comparison::Equal,
            };
            let holds = check(cmp, own, value, fact.approximate);
            match kind {
                AnswerKind::Boolean => {
                    if cmp == Comparison::Equal && holds {
                        score += 2.0;
                    } else {
                        score += 1.0;
                    }
                    claim = Some((cmp, value));
                }
                _ if holds && cmp == Comparison::Equal => {
                    // A value the question quotes identifies the fact.
                    score += 2.0;
                    relation = true;
                }
                _ => return None,
            }
        }

        // Which end answers: the one the question does not name.
        let focus_on = |iri: Option<&str>| {
            focus.is_some_and(|m| m.entities.iter().any(|&e| Some(entity(e)) == iri))
        };
        let mut both_named = false;
        // "The owner (of X)": a label of the inverse property asks for the subject; naming only
        // the subject asks for its owner, which this fact does not give.
        let inverse = r
            .mentions
            .iter()
            .any(|m| m.inverse.iter().any(|&p| property(p) == fact.predicate));
        if inverse && kind.answers_an_end() && subject_mentioned && !object_mentioned {
            return None;
        }
        let subject_end = match (subject_mentioned, object_mentioned) {
            (true, false) => false,
            (false, true) => true,
            (false, false) => inverse || focus_on(Some(fact.subject.as_str())),
            (true, true) => {
                // "The owner of the Audi factory": the inverse label asks for the subject.
                if kind.answers_an_end() {
                    if focus_on(object_iri) {
                        false
                    } else if focus_on(Some(fact.subject.as_str())) || inverse {
                        true
                    } else {
                        // Both ends named: only a qualifier can answer (checked below).
                        both_named = true;
                        false
                    }
                } else {
                    false
                }
            }
        };
        if subject_mentioned && object_mentioned {
            relation = true;
        }
        if focus.is_some() {
            let answer_iri = if subject_end {
                Some(fact.subject.as_str())
            } else {
                object_iri
            };
            if focus_on(answer_iri) {
                score += 1.0;
            }
        }
        // "Under which programme": a word right after the cue that describes a qualifier's value
        // makes that qualifier the answer.
        let mut qualifier_end = None;
        let focus_is_thing = |i: usize| {
            r.mentions
                .iter()
                .any(|m| m.tokens.contains(&i) && !m.entities.is_empty())
        };
        if kind.answers_an_end() && !focus_at.is_some_and(focus_is_thing) {
            if let Some((t, ids)) = focus_at.and_then(|i| r.norm.tokens.get(i).zip(r.ids.get(i))) {
                for (q, p) in fact.qualifiers.iter().zip(&fact.qualifier_properties) {
                    // The word describes the value ("welk programma") or names the qualifier
                    // itself ("in welk opzicht").
                    let described = self
                        .index
                        .entity_words
                        .get(q)
                        .is_some_and(|pools| self.index.pools_hold(pools, lang, ids))
                        || self
                            .index
                            .qualifier_words
                            .get(p)
                            .is_some_and(|&pool| self.index.pools_hold(&[pool], lang, ids));
                    let named = r
                        .mentions
                        .iter()
                        .any(|m| m.entities.iter().any(|&e| entity(e) == q));
                    if described && !named {
                        qualifier_end = Some((p.clone(), q.clone()));
                        score += 1.0;
                        if let Some(pos) = missing.iter().position(|m| *m == t.text) {
                            missing.remove(pos);
                            unexplained -= 1;
                        }
                    }
                }
            }
        }
        if both_named && qualifier_end.is_none() {
            return None;
        }
        if kind.answers_an_end() && qualifier_end.is_none() {
            let answer_iri = if subject_end {
                Some(fact.subject.as_str())
            } else {
                object_iri
            };
            // An either-or question is answered with one of its options.
            if !r.options.is_empty() {
                if !answer_iri.is_some_and(|a| r.options.iter().any(|o| o == a)) {
                    return None;
                }
                score += 1.0;
                relation = true;
            }
            // "Welke regio", "which country": the answer is a place.
            if r.place_focus && !answer_iri.is_some_and(|a| self.index.is_place(a)) {
                return None;
            }
            if answer_iri.is_some_and(|a| self.agent_named(r, a)) {
                return None;
            }
        }
        if (kind == AnswerKind::Quantity || fact.unit.is_none())
            && self.measures_what_is_counted(r, fact_index)
        {
            return None;
        }
        if unit_relation && unexplained == 0 {
            relation = true;
        }
        // A yes/no claim about the value of a fact must be about its subject: "Komt de Q8
        // e-tron uit Hongarije?" names the car, but the motors come from Hungary. (The article's
        // topic may stay implicit: "Was the A1 the first model made there?")
        if kind == AnswerKind::Boolean
            && object_mentioned
            && !subject_mentioned
            && !contradicts
            && !self.index.is_topic(fact_index, &fact.subject)
        {
            return None;
        }
        score -= 1.5 * unexplained as f64;
        Some(Scored {
            qualifier_end,
            fact: fact_index,
            score,
            unexplained,
            relation,
            end_mentioned: subject_mentioned || object_mentioned,
            subject_end,
            date_ok,
            claim,
            contradicts,
            missing,
            foreign,
        })
    }

    fn confidence(s: &Scored, margin: f64) -> f64 {
        let mut c = 1.0;
        c -= 0.3 * s.unexplained as f64;
        if !s.relation {
            c -= 0.3;
        }
        if !s.end_mentioned {
            c -= 0.1;
        }
        if margin < 1.0 {
            c -= 0.1 * (1.0 - margin);
        }
        c.clamp(0.0, 1.0)
    }

    /// The answer key of a scored fact, to tell real alternatives from the same answer.
    fn answer_key(&self, kind: AnswerKind, s: &Scored) -> String {
        let f = &self.index.facts[s.fact];
        match kind {
            AnswerKind::Boolean => {
                let claim_holds = s.claim.is_none_or(|(cmp, v)| {
                    f.number
                        .is_some_and(|own| check(cmp, own, v, f.approximate))
                });
                (claim_holds && s.date_ok.unwrap_or(true) && !s.contradicts).to_string()
            }
            AnswerKind::Time => f
                .start
                .or(f.point)
                .map(|w| format!("{}-{:?}", w.year, w.month))
                .unwrap_or_default(),
            // Two facts of the same sentences give the same source.
            AnswerKind::Source => f.sentences.join(" "),
            _ if kind.answers_an_end() && s.qualifier_end.is_some() => {
                s.qualifier_end.clone().map(|(_, q)| q).unwrap_or_default()
            }
            _ if kind.answers_an_end() && s.subject_end => f.subject.clone(),
            _ => f.object.to_string(),
        }
    }

    /// Decides the template and facts for a question, without running any query.
    pub fn plan(&self, question: &str, lang: Option<Lang>) -> std::result::Result<Plan, Refusal> {
        if self.config.templates.is_empty() {
            // A graph loaded without `ontology/questions.ttl` (any `--data` of one's own) has
            // nothing to answer with; that is a refusal, not a server error.
            return Err(Refusal {
                lang: lang.unwrap_or_else(|| super::lang::detect(question)),
                reason: NO_TEMPLATES.to_owned(),
                confidence: 0.0,
                template: None,
            });
        }
        let mut r = self.read(question, lang);
        let refuse = |r: &Reading, reason: &str| Refusal {
            lang: r.lang,
            reason: reason.to_owned(),
            confidence: 0.0,
            template: Some(r.template),
        };
        // A typed constraint on the answer: an amount of money, which only a fact in a
        // currency gives ("what did the solar panels cost": not the plant they are on).
        if self.asks_a_price(&r) && !self.holds_a_price {
            return Err(refuse(&r, NO_PRICE));
        }
        if let Some(plan) = self.plan_by_composition(question, &r) {
            return Ok(plan);
        }
        if self.template_kind(&r) == Some(AnswerKind::Boolean) {
            if self.negated(question) {
                // "Is de fabriek niet …?" is not confirmed by the fact that states it.
                return Err(refuse(&r, NOT_A_CLAIM));
            }
            if let Some(t) = self.embedded_template(question) {
                // "Could you tell me when …?" asks for a time, not for yes or no.
                r.template = t;
                r.cue = None;
            } else if self.asks_how_or_why(question) {
                // "How do the motors get to Brussels?" asks how, not whether.
                return self
                    .plan_manner(question, &r)
                    .ok_or_else(|| refuse(&r, NOT_A_CLAIM));
            }
        }
        if self.divides(&r) {
            return Err(refuse(&r, DIVIDED));
        }
        let by_cues = if self.cue_stage {
            self.plan_by_cues(&r)
        } else {
            Err(refuse(&r, NO_CUE_STAGE))
        };
        let plan = match by_cues {
            Ok(plan) => plan,
            Err(refusal) => self.plan_by_rank(question, &r).ok_or(refusal)?,
        };
        self.of_asked_kind(&r, plan)
            .ok_or_else(|| refuse(&r, OTHER_KIND))
    }

    /// Whether a word of the question asks for an amount of money (`qa:price-words`).
    fn asks_a_price(&self, r: &Reading) -> bool {
        let price = &self.config.words.price;
        r.norm
            .tokens
            .iter()
            .any(|t| price.contains(&t.text) || t.alt.as_ref().is_some_and(|a| price.contains(a)))
    }

    /// The engine with the cue scorer switched off: the ranking and decision stages answer
    /// alone. `tests/questions.rs` holds what they answer so by a ratchet of its own
    /// (`ratchet-ranking.txt`), the measure of how far they are from replacing the cue scorer.
    pub fn without_cue_stage(mut self) -> Engine {
        self.cue_stage = false;
        self
    }

    /// "Hoeveel zonnepanelen", "aantal zonnepanelen": the question counts the things it names
    /// right after a counting word (`qa:count-words`), and the fact is a quantity *of* them
    /// (its subject), not a count of them. Not when a unit is asked: "hoeveel m²
    /// zonnepanelen" measures.
    pub(super) fn measures_what_is_counted(&self, r: &Reading, fact: usize) -> bool {
        let Some(f) = self.index.facts.get(fact).filter(|_| r.unit.is_none()) else {
            return false;
        };
        r.mentions.iter().any(|m| {
            r.counted_at.contains(&m.tokens.start)
                && m.entities
                    .iter()
                    .any(|&e| self.index.entities[e] == f.subject)
        })
    }

    /// The template engine's plan: facts scored by the cue phrases of the templates.
    fn plan_by_cues(&self, r: &Reading) -> std::result::Result<Plan, Refusal> {
        let template = &self.config.templates[r.template];
        let refuse = |reason: &str, confidence: f64| Refusal {
            lang: r.lang,
            reason: reason.to_owned(),
            confidence,
            template: Some(r.template),
        };
        if template.kind == AnswerKind::Comparison || self.is_comparison_of_two(r) {
            return self
                .plan_comparison(r)
                .ok_or_else(|| refuse("no two comparable quantities were found", 0.0));
        }
        if template.kind.answers_an_end() && r.comparison.is_some() && r.options.len() >= 2 {
            return self
                .plan_choice_by_value(r)
                .ok_or_else(|| refuse("the options have no comparable quantities", 0.0));
        }
        let mut scored: Vec<Scored> = self
            .candidate_facts(r)
            .into_iter()
            .filter_map(|i| self.score(r, i))
            .collect();
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.fact.cmp(&b.fact)));
        let Some(mut best) = scored.first().cloned() else {
            return Err(refuse("no fact fits the question", 0.0));
        };
        if self.elliptic_pick(r) == Some(best.fact) {
            // "Waren het er in 2021 meer dan 50.000?": the year and the number identify the
            // only quantity they can be about.
            best.relation = true;
            best.end_mentioned = true;
        }
        // In a yes/no question every word is part of the claim: one the fact does not explain
        // cannot be confirmed, and silence is not a "no".
        if best.unexplained > 0 && template.kind == AnswerKind::Boolean {
            return Err(refuse("a part of the claim is not in the graph", 0.0));
        }
        if best.foreign {
            return Err(refuse(
                "the question names a place or company the fact is not about",
                0.0,
            ));
        }
        if self.another_relation_named(r, best.fact) {
            return Err(refuse(
                "the question names another relation of the fact's subject",
                0.0,
            ));
        }
        if best.unexplained > 0 && !best.relation {
            return Err(refuse(
                "a word of the question names a relation the graph does not hold",
                0.0,
            ));
        }
        let kind = template.kind;
        let best_fact = &self.index.facts[best.fact];
        let best_key = self.answer_key(kind, &best);
        // List members: same subject, predicate and answering end, not excluded.
        let mut chosen = vec![best.clone()];
        if kind.answers_an_end() {
            for s in scored.iter().skip(1) {
                let f = &self.index.facts[s.fact];
                let same = f.subject == best_fact.subject
                    && f.predicate == best_fact.predicate
                    && s.subject_end == best.subject_end
                    && s.score >= best.score - 2.0
                    && s.unexplained <= best.unexplained;
                let same_other_end = if best.subject_end {
                    f.object == best_fact.object
                } else {
                    f.subject == best_fact.subject
                };
                if same && same_other_end {
                    chosen.push(s.clone());
                }
            }
            // A qualifier the question names (first, planned) narrows the list.
            let flags: Vec<&str> = r
                .mentions
                .iter()
                .flat_map(|m| m.properties.iter())
                .filter(|p| self.index.qualifier_properties.contains(p))
                .map(|&p| self.index.properties[p].as_str())
                .collect();
            for flag in flags {
                let has = |s: &Scored| {
                    let f = &self.index.facts[s.fact];
                    (flag.ends_with("initially") && f.initially)
                        || (flag.ends_with("planned") && f.planned)
                };
                if chosen.iter().any(has) {
                    chosen.retain(has);
                }
            }
        }
        let chosen_facts: HashSet<usize> = chosen.iter().map(|s| s.fact).collect();
        // The best alternative with a different answer.
        let runner_up = scored
            .iter()
            .filter(|s| !chosen_facts.contains(&s.fact))
            .find(|s| self.answer_key(kind, s) != best_key);
        let margin = runner_up.map_or(f64::INFINITY, |s| best.score - s.score);
        // "No" is the stronger claim: it needs a clear lead over a fact that would say yes
        // ("since 2018" fits the certification, not the plan for 2025).
        if kind == AnswerKind::Boolean && best_key == "false" && margin < NO_MARGIN {
            return Err(refuse(
                "a fact that would answer yes fits almost as well",
                0.3,
            ));
        }
        // A question that names neither end of the fact must single it out clearly ("How much
        // CO2 does Audi save?" fits the solar roof and the rail line alike).
        if !best.end_mentioned && margin < 1.0 {
            return Err(refuse(
                "the question does not name what it asks about, and two facts fit",
                0.3,
            ));
        }
        if margin < TIE_MARGIN {
            return Err(refuse(
                "two facts with different answers fit equally well",
                0.3,
            ));
        }
        let confidence = Self::confidence(&best, margin);
        if confidence < THRESHOLD {
            return Err(refuse("not sure enough", confidence));
        }
        let unit = r
            .unit
            .filter(|u| best_fact.unit.as_deref() != Some(u.iri))
            .filter(|_| best_fact.unit.is_some());
        let date = if kind == AnswerKind::Boolean {
            r.dates.first().map(|(y, m, _)| (*y, *m))
        } else {
            None
        };
        // A planned fact is not true in the article's present or past: "already", "now" or a
        // past tense make the answer no, a future marker yes; without either it is refused.
        let mut verdict = best.contradicts.then_some(false);
        // A figure the article gives as approximate is not an exact one.
        if r.asks_exact && kind == AnswerKind::Boolean && best.claim.is_some() {
            verdict = Some(verdict.unwrap_or(true) && !best_fact.approximate);
        }
        // A fact that held at first ("in eerste instantie") says nothing about now: only a
        // question in the past or about what came first is answered.
        let names_first = r.mentions.iter().any(|m| {
            m.properties.iter().any(|&p| {
                self.index.qualifier_properties.contains(&p)
                    && self.index.properties[p].ends_with("initially")
            })
        });
        if kind == AnswerKind::Boolean
            && best_fact.initially
            && !names_first
            && r.tense != Tense::Past
        {
            return Err(refuse(
                "a fact that held at first does not say whether it still holds",
                0.3,
            ));
        }
        if kind == AnswerKind::Boolean && best_fact.planned && date.is_none() {
            verdict = match r.tense {
                Tense::Future => verdict.or(Some(true)),
                Tense::Now | Tense::Past => Some(false),
                Tense::Unmarked => {
                    return Err(refuse(
                        "a planned fact does not say whether it holds now",
                        0.3,
                    ))
                }
            };
        }
        Ok(Plan {
            lang: r.lang,
            template: r.template,
            facts: chosen.iter().map(|s| s.fact).collect(),
            subject_end: best.subject_end,
            qualifier_end: best.qualifier_end.clone(),
            unit,
            claim: best.claim,
            date,
            time_cmp: r.time_cmp,
            year_only: r.year_only,
            verdict,
            compare: None,
            reference_year: None,
            slots: Vec::new(),
            unit_text: None,
            confidence,
        })
    }

    /// Whether the question names a relation that another fact holds — of this fact's subject
    /// or of a thing the question names, and not one on the path to this fact — while this
    /// fact holds another: "What role does the battery production facility in Brussels play?"
    /// names the role, which a fact of the facility states, so the fact that the facility is in
    /// Brussels does not answer it; "wat is het motto van 360factory" is not answered with what
    /// Audi invests in.
    fn another_relation_named(&self, r: &Reading, fact: usize) -> bool {
        let f = &self.index.facts[fact];
        let named: Vec<&str> = r
            .mentions
            .iter()
            .flat_map(|m| m.properties.iter())
            .map(|&p| self.index.properties[p].as_str())
            .collect();
        // A fact that describes a thing ("the motors by train": the freight line) is not the
        // answer when the question names another relation of that thing ("CO2 saved by
        // shipping the motors by train" asks the line's saving).
        // Whether a fact of `thing` (its subject), other than `skip` allows, holds a relation
        // the question names besides this fact's.
        let holds_named = |thing: &str, skip: &dyn Fn(usize) -> bool| {
            self.index.by_end.get(thing).is_some_and(|facts| {
                facts.iter().any(|&g| {
                    let other = &self.index.facts[g];
                    other.subject == thing
                        && other.predicate != f.predicate
                        && named.contains(&other.predicate.as_str())
                        && !skip(g)
                })
            })
        };
        if r.described
            .iter()
            .any(|d| d.fact == fact && holds_named(&d.entity, &|_| false))
        {
            return true;
        }
        if named.contains(&f.predicate.as_str()) {
            return false;
        }
        // The fact's subject, and the things the question names: a fact of theirs holds the
        // named relation ("wat is het motto van 360factory" names the programme and its motto).
        let things = std::iter::once(f.subject.as_str()).chain(self.named_things(r));
        // A fact chained to this one (its value is this fact's subject, or the other way round)
        // is the path to it ("door wie werd de fabriek uitgeroepen": the award the plant
        // received was given by Agoria), not a rival; a sibling of the same subject is.
        let chained = |g: usize| {
            let g = &self.index.facts[g];
            g.object_iri() == Some(f.subject.as_str()) || f.object_iri() == Some(g.subject.as_str())
        };
        things.into_iter().any(|thing| holds_named(thing, &chained))
    }

    /// The kind of answer of the template the question is read with.
    fn template_kind(&self, r: &Reading) -> Option<AnswerKind> {
        self.config.templates.get(r.template).map(|t| t.kind)
    }

    /// The IRIs of the things the question names (each mention's candidates).
    pub(super) fn named_things<'a>(&'a self, r: &'a Reading) -> impl Iterator<Item = &'a str> + 'a {
        r.mentions
            .iter()
            .flat_map(|m| m.entities.iter())
            .map(|&e| self.index.entities[e].as_str())
    }

    /// Whether `answer` cannot answer a "who" question: it is a place, or a thing the question
    /// names itself (outside its question word): "Wie was eigenaar voor Audi?" is not answered
    /// with Audi, nor with Brussels. (That it must be an organisation is required of the
    /// ranking stage's answers only: filtering the cue scorer's candidates by it would hide
    /// the doubt their ties show.)
    pub(super) fn agent_named(&self, r: &Reading, answer: &str) -> bool {
        let focus = r.cue.as_ref().map_or(0, |c| c.end);
        r.agent_focus
            && (self.index.is_place(answer)
                || r.mentions
                    .iter()
                    .filter(|m| m.tokens.start >= focus)
                    .flat_map(|m| m.entities.iter())
                    .any(|&e| self.index.entities[e] == answer))
    }

    /// How the engine read a question and scored the best facts, for debugging a miss.
    pub fn trace(&self, question: &str, lang: Option<Lang>) -> Vec<String> {
        if self.config.templates.is_empty() {
            return vec![NO_TEMPLATES.to_owned()];
        }
        let r = self.read(question, lang);
        let mut out = vec![format!(
            "reading: lang={} template={} cue={:?} content={:?} mentions={:?} dates={:?} numbers={:?} unit={:?} cmp={:?} tense={:?} time={:?} year_only={} others={:?} asked_kind={:?}",
            r.lang.tag(),
            self.config.templates[r.template].id,
            r.cue,
            r.norm
                .tokens
                .iter()
                .zip(&r.content)
                .filter(|(_, c)| **c)
                .map(|(t, _)| t.text.as_str())
                .collect::<Vec<_>>(),
            r.mentions
                .iter()
                .map(|m| format!(
                    "{:?}:{:?}{:?}",
                    m.tokens,
                    m.entities.iter().map(|&e| self.index.entities[e].rsplit('/').next().unwrap_or("")).collect::<Vec<_>>(),
                    m.properties.iter().map(|&p| self.index.properties[p].rsplit('/').next().unwrap_or("")).collect::<Vec<_>>()
                ))
                .collect::<Vec<_>>(),
            r.dates.iter().map(|(y, m, _)| (*y, *m)).collect::<Vec<_>>(),
            r.numbers.iter().map(|(v, u, _)| (*v, u.map(|u| u.local_name()))).collect::<Vec<_>>(),
            r.unit.map(|u| u.local_name()),
            r.comparison,
            r.tense,
            r.time_cmp,
            r.year_only,
            r.others,
            r.norm.tokens.get(r.asked_kind.clone()).map(|t| t.iter().map(|t| t.text.as_str()).collect::<Vec<_>>()),
        )];
        let mut scored: Vec<Scored> = self
            .candidate_facts(&r)
            .into_iter()
            .filter_map(|i| self.score(&r, i))
            .collect();
        scored.sort_by(|a, b| b.score.total_cmp(&a.score));
        out.push("cue scores:".to_owned());
        for s in scored.iter().take(5) {
            out.push(format!(
                "  {:.2} {} unexplained={:?} relation={} end={} subject_end={}",
                s.score,
                self.index.short_name(s.fact),
                s.missing,
                s.relation,
                s.end_mentioned,
                s.subject_end
            ));
        }
        out.extend(self.composition_trace(question, &r));
        out.extend(self.ranking_trace(question, &r));
        out.push(match self.plan(question, lang) {
            Ok(p) => format!(
                "decision: answer with {} from {}",
                self.config.templates[p.template].id,
                p.facts
                    .iter()
                    .map(|&f| self.index.short_name(f))
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
            Err(refusal) => format!("decision: refuse ({})", refusal.reason),
        });
        out
    }

    /// Whether a fact holds in a year: a state that began at its start time (not planned) holds
    /// from then up to the article's present; anything else only in its own time.
    fn during(&self, fact: &Fact, year: Option<i32>, month: Option<u8>) -> bool {
        match (fact.start, fact.point, self.index.present) {
            (Some(start), None, Some(present)) if !fact.planned => {
                start.cmp_with(year, month) != std::cmp::Ordering::Greater
                    && present.cmp_with(year, month) != std::cmp::Ordering::Less
            }
            _ => fact.times().any(|w| w.fits(year, month)),
        }
    }

    /// For a question that names nothing but a year and a number ("Waren het er in 2021 meer dan
    /// 50.000?"): the one quantity fact of that year whose unit and magnitude fit the number, if
    /// there is exactly one.
    fn elliptic_pick(&self, r: &Reading) -> Option<usize> {
        if !r.mentions.is_empty()
            || r.content.iter().any(|c| *c)
            || r.dates.is_empty()
            || r.numbers.len() != 1
        {
            return None;
        }
        let (value, unit, _) = r.numbers[0];
        // Only facts of the year named can fit; without a year, any fact.
        let of_year: Vec<usize> = match r.dates.iter().find_map(|(y, _, _)| *y) {
            Some(year) => self.index.by_year.get(&year).cloned().unwrap_or_default(),
            None => (0..self.index.facts.len()).collect(),
        };
        let mut candidates = of_year
            .into_iter()
            .map(|i| (i, &self.index.facts[i]))
            .filter(|(_, f)| {
                let Some(own) = f.number else { return false };
                let fact_unit = f.unit.as_deref().and_then(units::unit_by_iri);
                let claimed = match (unit, fact_unit) {
                    (None, None) => value,
                    (Some(u), Some(fu)) if u.dimension == fu.dimension => {
                        units::convert(value, u.iri, fu.iri).unwrap_or(value)
                    }
                    _ => return false,
                };
                let ratio = claimed / own;
                r.dates
                    .iter()
                    .all(|(y, m, _)| f.times().any(|w| w.fits(*y, *m)))
                    && (0.1..=10.0).contains(&ratio)
            });
        let (first, _) = candidates.next()?;
        candidates.next().is_none().then_some(first)
    }

    /// A yes/no question with a comparison word, no number and two things that both have
    /// quantities compares two facts.
    fn is_comparison_of_two(&self, r: &Reading) -> bool {
        if self.config.templates[r.template].kind != AnswerKind::Boolean
            || r.comparison.is_none()
            || !r.numbers.is_empty()
        {
            return false;
        }
        self.subjects_with_quantities(r).len() >= 2
    }

    fn subjects_with_quantities(&self, r: &Reading) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for m in &r.mentions {
            for &e in &m.entities {
                let iri = &self.index.entities[e];
                let has = self.index.by_end.get(iri).is_some_and(|facts| {
                    facts.iter().any(|&i| {
                        let f = &self.index.facts[i];
                        &f.subject == iri && f.number.is_some()
                    })
                });
                if has && !out.contains(iri) {
                    out.push(iri.clone());
                }
            }
        }
        out
    }

    /// "Which saves more CO2: the solar roof or the rail line?": each option's one quantity
    /// for the relation the question names, compared; the answer is the option that wins.
    fn plan_choice_by_value(&self, r: &Reading) -> Option<Plan> {
        let cmp = r.comparison?;
        let relation_tokens: Vec<usize> = r
            .mentions
            .iter()
            .filter(|m| m.entities.is_empty() && !m.properties.is_empty())
            .flat_map(|m| m.tokens.clone())
            .collect();
        if relation_tokens.is_empty() {
            return None;
        }
        // The facts whose words (or their synonyms: "cuts" for a saving) hold every relation
        // word, as the ranking stage matches them.
        let relation_text: Vec<&str> = relation_tokens
            .iter()
            .filter_map(|&t| r.norm.tokens.get(t).map(|t| t.text.as_str()))
            .collect();
        let terms = self
            .ranker
            .terms(&relation_text.join(" "), r.lang, &HashSet::new());
        let holding: HashSet<usize> = self
            .ranker
            .rank(r.lang, &terms)
            .into_iter()
            .filter(|c| c.unexplained.is_empty())
            .map(|c| c.fact)
            .collect();
        let mut values: Vec<(usize, f64, Dimension)> = Vec::new();
        for option in &r.options {
            let candidates: Vec<usize> = (self.index.by_end.get(option))
                .into_iter()
                .flatten()
                .copied()
                .filter(|&i| {
                    let f = &self.index.facts[i];
                    &f.subject == option
                        && f.number.is_some()
                        && (holding.contains(&i)
                            || relation_tokens
                                .iter()
                                .all(|&t| self.index.explains(i, r.lang, &r.ids[t]) > 0.0))
                })
                .collect();
            let [i] = candidates[..] else {
                return None;
            };
            let f = &self.index.facts[i];
            let unit = f.unit.as_deref().and_then(units::unit_by_iri)?;
            values.push((i, f.number? * unit.factor, unit.dimension));
        }
        if values.iter().any(|v| v.2 != values[0].2) {
            return None;
        }
        let best = match cmp {
            Comparison::Less => values.iter().min_by(|a, b| a.1.total_cmp(&b.1))?,
            _ => values.iter().max_by(|a, b| a.1.total_cmp(&b.1))?,
        };
        if values.iter().filter(|v| v.1 == best.1).count() > 1 {
            return None;
        }
        Some(Plan {
            subject_end: true,
            ..Plan::of_fact(r, r.template, best.0, 1.0)
        })
    }

    fn plan_comparison(&self, r: &Reading) -> Option<Plan> {
        let subjects = self.subjects_with_quantities(r);
        if subjects.len() != 2 {
            return None;
        }
        let template = self.template_by_id("compare-two")?;
        let compare = r.comparison?;
        // For each thing, its quantity fact that explains the question best.
        let mut picks = Vec::new();
        for subject in &subjects {
            let mut best: Option<(f64, usize)> = None;
            let about = self
                .index
                .by_end
                .get(subject)
                .map_or(&[][..], Vec::as_slice);
            for (i, f) in about.iter().map(|&i| (i, &self.index.facts[i])) {
                if &f.subject != subject || f.number.is_none() {
                    continue;
                }
                let mut s = 0.0;
                for (t, ids) in r.ids.iter().enumerate() {
                    if r.content[t] {
                        s += self.index.explains(i, r.lang, ids);
                    }
                }
                for m in &r.mentions {
                    if m.properties
                        .iter()
                        .any(|&p| self.index.properties[p] == f.predicate)
                    {
                        s += 3.0;
                    }
                    if m.entities
                        .iter()
                        .any(|&e| f.qualifiers.contains(&self.index.entities[e]))
                    {
                        s += 1.0;
                    }
                }
                if best.is_none_or(|(b, _)| s > b) {
                    best = Some((s, i));
                }
            }
            picks.push(best?);
        }
        let (a, b) = (&self.index.facts[picks[0].1], &self.index.facts[picks[1].1]);
        let dim = |f: &Fact| {
            f.unit
                .as_deref()
                .and_then(units::unit_by_iri)
                .map(|u| u.dimension)
        };
        if dim(a) != dim(b) || picks[0].0 < 1.0 || picks[1].0 < 1.0 {
            return None;
        }
        Some(Plan {
            facts: vec![picks[0].1, picks[1].1],
            time_cmp: TimeCmp::In,
            compare: Some((compare, r.factor)),
            ..Plan::of_fact(r, template, picks[0].1, 0.8)
        })
    }

    /// The SPARQL text of a plan: the template's query with its slots filled with graph IRIs
    /// and service-made literals only.
    pub fn sparql(&self, plan: &Plan) -> String {
        let template = &self.config.templates[plan.template];
        let facts = plan
            .facts
            .iter()
            .filter_map(|&i| NamedNode::new(self.index.facts[i].iri.clone()).ok())
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let end = match &plan.qualifier_end {
            Some((property, _)) => NamedNode::new(property.clone())
                .unwrap_or_else(|_| NamedNode::new_unchecked(RDF_OBJECT)),
            None => NamedNode::new_unchecked(if plan.subject_end {
                RDF_SUBJECT
            } else {
                RDF_OBJECT
            }),
        };
        let lang = Literal::new_simple_literal(plan.lang.tag());
        let nth = |n: usize| {
            plan.facts
                .get(n)
                .and_then(|&i| NamedNode::new(self.index.facts[i].iri.clone()).ok())
                .map(|n| n.to_string())
                .unwrap_or_default()
        };
        let mut sparql = template.sparql.clone();
        for (slot, value) in &plan.slots {
            sparql = sparql.replace(slot, &Literal::from(*value).to_string());
        }
        sparql
            .replace("$facts", &facts)
            .replace("$first", &nth(0))
            .replace("$second", &nth(1))
            .replace("$end", &end.to_string())
            .replace("$lang", &lang.to_string())
            .replace(
                "$years",
                &plan
                    .reference_year
                    .map(|y| Literal::from(i64::from(y)).to_string())
                    .unwrap_or_default(),
            )
    }

    /// Answers a question: plan, run the template's SPARQL on `store` (or on the engine's copy
    /// of what answers read, for a remote graph), write the answer. Blocking (it runs a
    /// query): call it from `spawn_blocking` on request paths.
    pub fn answer(&self, store: &Store, question: &str, lang: Option<Lang>) -> Result<Answer> {
        match self.plan(question, lang) {
            Ok(plan) => {
                let sparql = self.sparql(&plan);
                let table = self
                    .answers_from
                    .as_ref()
                    .unwrap_or(store)
                    .select(&sparql)?;
                Ok(self.render(question, &plan, sparql, &table))
            }
            Err(refusal) => Ok(self.unanswered(question, refusal.lang, refusal.confidence)),
        }
    }

    /// The answer for a question the graph does not answer, with suggestions.
    pub fn unanswered(&self, question: &str, lang: Lang, confidence: f64) -> Answer {
        Answer {
            question: question.to_owned(),
            lang: lang.tag(),
            answered: false,
            answer: match self.config.words.unanswered.get(lang) {
                // The graph carries no answer sentences (no questions vocabulary): say why.
                words if words.is_empty() => NO_TEMPLATES.to_owned(),
                words => match self.unknown_words(question, lang) {
                    Some(unknown) => format!("{words} {unknown}"),
                    None => words.clone(),
                },
            },
            values: Vec::new(),
            template: None,
            sparql: None,
            sources: Vec::new(),
            facts: Vec::new(),
            evidence: Vec::new(),
            confidence: (confidence * 100.0).round() / 100.0,
            suggestions: self.suggestions(question, lang),
        }
    }

    /// The sentence naming the question's words that occur nowhere in the graph, if any.
    fn unknown_words(&self, question: &str, lang: Lang) -> Option<String> {
        let sentence = self.config.words.unknown.get(lang);
        if sentence.is_empty() {
            return None;
        }
        let terms = self.ranker.terms(question, lang, &self.not_unknown);
        let unknown: Vec<&str> = self
            .ranker
            .unknown(lang, &terms)
            .into_iter()
            .filter(|w| w.chars().count() >= 4 && !w.chars().any(|c| c.is_ascii_digit()))
            .collect();
        if unknown.is_empty() {
            return None;
        }
        let quoted: Vec<String> = unknown.iter().map(|w| format!("“{w}”")).collect();
        let and = match lang {
            Lang::Nl => " en ",
            Lang::En => " and ",
        };
        let listed = match quoted.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{}{and}{last}", rest.join(", ")),
            _ => quoted.join(""),
        };
        Some(sentence.replace("{words}", &listed))
    }

    /// Up to five example questions closest in words to `question`.
    pub fn suggestions(&self, question: &str, lang: Lang) -> Vec<String> {
        let q = normalise(question, lang);
        let words: HashSet<&str> = q
            .tokens
            .iter()
            .filter(|t| !self.is_stop(t))
            .map(|t| t.stem.as_str())
            .collect();
        let mut scored: Vec<(usize, usize, &String)> = Vec::new();
        let mut n = 0;
        for t in &self.config.templates {
            for example in t.examples.get(lang) {
                let e = normalise(example, lang);
                let overlap = e
                    .tokens
                    .iter()
                    .filter(|t| words.contains(t.stem.as_str()))
                    .count();
                scored.push((overlap, n, example));
                n += 1;
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(5)
            .map(|(_, _, e)| e.clone())
            .collect()
    }

    fn render(&self, question: &str, plan: &Plan, sparql: String, table: &Table) -> Answer {
        let lang = plan.lang;
        let template = &self.config.templates[plan.template];
        let words = &self.config.words;
        // Group the rows by fact, in the order of the plan.
        let mut answers: Vec<(String, Term, Option<Term>)> = Vec::new(); // fact, answer, answerLabel
        let mut labels: Vec<String> = Vec::new();
        let mut sources: Vec<Source> = Vec::new();
        let mut evidence: Vec<String> = Vec::new();
        let mut facts: Vec<String> = Vec::new();
        let mut approximate = false;
        let mut planned = false;
        let mut times: Vec<Option<When>> = Vec::new();
        for row in 0..table.rows.len() {
            let get = |v: &str| table.get(row, v);
            let fact = get("fact").map(|t| match t {
                Term::NamedNode(n) => n.as_str().to_owned(),
                other => other.to_string(),
            });
            let Some(fact) = fact else { continue };
            if let Some(Term::Literal(l)) = get("evidence") {
                if !evidence.iter().any(|e| e == l.value()) {
                    evidence.push(l.value().to_owned());
                }
            }
            if let (Some(Term::NamedNode(s)), Some(Term::Literal(text))) =
                (get("sentence"), get("text"))
            {
                if !sources.iter().any(|x| x.iri == s.as_str()) {
                    sources.push(Source {
                        sentence: text.value().to_owned(),
                        iri: s.as_str().to_owned(),
                        document: match get("document") {
                            Some(Term::NamedNode(d)) => d.as_str().to_owned(),
                            _ => String::new(),
                        },
                        position: match get("position") {
                            Some(Term::Literal(p)) => p.value().parse().ok(),
                            _ => None,
                        },
                    });
                }
            }
            approximate |=
                matches!(get("approximate"), Some(Term::Literal(l)) if l.value() == "true");
            planned |= matches!(get("planned"), Some(Term::Literal(l)) if l.value() == "true");
            if facts.contains(&fact) {
                // More rows of one fact: its other sentences (sources) or the other values of
                // a qualifier it holds several times ("economisch, ecologisch én sociaal").
                if let Some(a) = get("answer") {
                    if !answers.iter().any(|(_, t, _)| t == a) {
                        answers.push((fact.clone(), a.clone(), get("answerLabel").cloned()));
                    }
                }
                continue;
            }
            facts.push(fact.clone());
            if let Some(Term::Literal(l)) = get("label") {
                labels.push(l.value().to_owned());
            }
            let time = ["since", "at"].iter().find_map(|v| match get(v) {
                Some(Term::Literal(l)) => When::parse(l.value()),
                _ => None,
            });
            times.push(time);
            if let Some(a) = get("answer") {
                if !answers.iter().any(|(_, t, _)| t == a) {
                    answers.push((fact.clone(), a.clone(), get("answerLabel").cloned()));
                }
            }
        }
        if answers.is_empty() {
            return self.unanswered(question, lang, 0.0);
        }
        in_statement_order(&mut answers, &facts, &labels);
        let mut statement = labels.join(" ");
        let mut values = Vec::new();
        let mut shown = Vec::new();
        let mut negative = false;
        match template.kind {
            AnswerKind::Duration => {
                if let Some(n) = answers.first().and_then(|(_, t, _)| numeric(t)) {
                    let (one, many) = words.year_unit.get(lang);
                    let unit = if n.abs() == 1.0 { one } else { many };
                    shown.push(format!("{} {unit}", format_number(n, lang)));
                    values.push(Value {
                        value: num_lexical(n),
                        datatype: Some(format!("{XSD}integer")),
                        unit: Some(YEAR_UNIT.to_owned()),
                        iri: None,
                        label: None,
                        approximate,
                    });
                }
            }
            AnswerKind::Ratio => {
                if let Some(n) = answers.first().and_then(|(_, t, _)| numeric(t)) {
                    // Four significant digits: a ratio of two stated figures is no more exact.
                    let n = round_significant(n, 4);
                    let unit = plan.unit_text.clone().unwrap_or_default();
                    let text = format_number(n, lang);
                    shown.push(if approximate {
                        format!("{} {text} {unit}", words.approximate.get(lang))
                    } else {
                        format!("{text} {unit}")
                    });
                    values.push(Value {
                        value: num_lexical(n),
                        datatype: Some(format!("{XSD}decimal")),
                        unit: None,
                        iri: None,
                        label: plan.unit_text.clone(),
                        approximate,
                    });
                }
            }
            AnswerKind::Verdict => {
                // The query computed the yes or no.
                if let Some((_, Term::Literal(l), _)) = answers.first() {
                    let result = l.value() == "true" || l.value() == "1";
                    negative = !result;
                    values.push(Value {
                        value: result.to_string(),
                        datatype: Some(format!("{XSD}boolean")),
                        unit: None,
                        iri: None,
                        label: None,
                        approximate: false,
                    });
                    shown.push(if result {
                        words.yes.get(lang).clone()
                    } else {
                        words.no.get(lang).clone()
                    });
                }
            }
            AnswerKind::Order => {
                // The answer is one of the facts: shown by its label, the others after it.
                if let Some((_, Term::NamedNode(n), _)) = answers.first() {
                    let label_of = |iri: &str| {
                        facts
                            .iter()
                            .position(|f| f == iri)
                            .and_then(|i| labels.get(i))
                            .cloned()
                    };
                    let label = label_of(n.as_str()).unwrap_or_else(|| n.as_str().to_owned());
                    statement = facts
                        .iter()
                        .filter(|f| *f != n.as_str())
                        .filter_map(|f| label_of(f))
                        .collect::<Vec<_>>()
                        .join(" ");
                    shown.push(label.clone());
                    values.push(Value::thing(n.as_str(), label));
                }
            }
            AnswerKind::Boolean | AnswerKind::Comparison => {
                let result = match plan.compare {
                    Some((cmp, factor)) => {
                        let nums: Vec<f64> = plan
                            .facts
                            .iter()
                            .filter_map(|&i| {
                                let f = &self.index.facts[i];
                                answers
                                    .iter()
                                    .find(|(fact, _, _)| *fact == f.iri)
                                    .and_then(|(_, t, _)| numeric(t))
                                    .map(|v| {
                                        f.unit
                                            .as_deref()
                                            .and_then(units::unit_by_iri)
                                            .map_or(v, |u| v * u.factor)
                                    })
                            })
                            .collect();
                        nums.len() == 2 && check(cmp, nums[0], factor * nums[1], false)
                    }
                    None => {
                        let mut ok = true;
                        if let Some((cmp, claimed)) = plan.claim {
                            let own = answers.first().and_then(|(_, t, _)| numeric(t));
                            ok &= own.is_some_and(|v| check(cmp, v, claimed, approximate));
                        }
                        if let Some((year, month)) = plan.date {
                            let time = times.first().copied().flatten();
                            let fact = plan.facts.first().map(|&i| &self.index.facts[i]);
                            ok &= time.is_some_and(|w| match plan.time_cmp {
                                TimeCmp::During => {
                                    fact.is_some_and(|f| self.during(f, year, month))
                                }
                                TimeCmp::In => w.fits(year, month),
                                TimeCmp::Before => {
                                    w.cmp_with(year, month) == std::cmp::Ordering::Less
                                }
                                TimeCmp::After => {
                                    w.cmp_with(year, month) == std::cmp::Ordering::Greater
                                }
                            });
                        }
                        if let Some(v) = plan.verdict {
                            ok &= v;
                        }
                        ok
                    }
                };
                negative = !result;
                values.push(Value {
                    value: result.to_string(),
                    datatype: Some(format!("{XSD}boolean")),
                    unit: None,
                    iri: None,
                    label: None,
                    approximate,
                });
                shown.push(if result {
                    words.yes.get(lang).clone()
                } else {
                    words.no.get(lang).clone()
                });
            }
            AnswerKind::Source => {
                for (_, term, _) in &answers {
                    let Term::NamedNode(n) = term else { continue };
                    let position = sources
                        .iter()
                        .find(|s| s.iri == n.as_str())
                        .and_then(|s| s.position);
                    let label = match (lang, position) {
                        (Lang::Nl, Some(p)) => format!("Zin {p}"),
                        (Lang::En, Some(p)) => format!("Sentence {p}"),
                        _ => n.as_str().to_owned(),
                    };
                    shown.push(label.clone());
                    values.push(Value::thing(n.as_str(), label));
                }
            }
            _ => {
                for (fact_iri, term, answer_label) in &answers {
                    let fact = self
                        .index
                        .by_iri
                        .get(fact_iri)
                        .and_then(|&i| self.index.facts.get(i));
                    let (value, text) =
                        self.value(plan, fact, term, answer_label.as_ref(), approximate);
                    shown.push(text);
                    values.push(value);
                }
            }
        }
        let mut answer_text = shown.join(", ");
        if planned && template.kind == AnswerKind::Time {
            answer_text = format!("{answer_text} ({})", words.planned.get(lang));
        }
        let pattern = if negative {
            template.negative_pattern.get(lang)
        } else {
            template.answer_pattern.get(lang)
        };
        let sentence_text = sources
            .first()
            .map(|s| s.sentence.clone())
            .unwrap_or_default();
        let answer = pattern
            .replace("{answer}", &answer_text)
            .replace("{statement}", &statement)
            .replace("{text}", &sentence_text);
        in_reading_order(&mut evidence, &sources);
        Answer {
            question: question.to_owned(),
            lang: lang.tag(),
            answered: true,
            answer,
            values,
            template: Some(template.id.clone()),
            sparql: Some(sparql),
            sources,
            facts,
            evidence,
            confidence: (plan.confidence * 100.0).round() / 100.0,
            suggestions: Vec::new(),
        }
    }

    /// One value of an entity, text, time or quantity answer, and how the sentence shows it.
    fn value(
        &self,
        plan: &Plan,
        fact: Option<&Fact>,
        term: &Term,
        answer_label: Option<&Term>,
        approximate: bool,
    ) -> (Value, String) {
        let lang = plan.lang;
        let words = &self.config.words;
        match term {
            Term::NamedNode(n) => {
                let label = match answer_label {
                    Some(Term::Literal(l)) => Some(l.value().to_owned()),
                    _ => self.index.name(n.as_str(), lang).map(str::to_owned),
                };
                let shown = label.clone().unwrap_or_else(|| n.as_str().to_owned());
                (
                    Value {
                        value: n.as_str().to_owned(),
                        datatype: None,
                        unit: None,
                        iri: Some(n.as_str().to_owned()),
                        label,
                        approximate,
                    },
                    shown,
                )
            }
            Term::Literal(l) => {
                let datatype = l.datatype().as_str().to_owned();
                let fact_unit = fact.and_then(|f| f.unit.clone());
                if let Some(v) = numeric(term) {
                    let (value, unit) = match (plan.unit, fact_unit.as_deref()) {
                        (Some(u), Some(from)) => (
                            units::convert(v, from, u.iri).unwrap_or(v),
                            Some(u.iri.to_owned()),
                        ),
                        (_, from) => (v, from.map(str::to_owned)),
                    };
                    let mut shown = match &unit {
                        Some(u) => units::format_quantity(value, u, lang)
                            .unwrap_or_else(|| format_number(value, lang)),
                        None => format_number(value, lang),
                    };
                    if let (Some(_), Some(from)) = (plan.unit, fact_unit.as_deref()) {
                        if let Some(original) = units::format_quantity(v, from, lang) {
                            shown = format!("{shown} ({original})");
                        }
                    }
                    if approximate {
                        shown = format!("{} {shown}", words.approximate.get(lang));
                    }
                    let lexical = num_lexical(value);
                    let datatype = if lexical.contains('.') {
                        format!("{XSD}decimal")
                    } else {
                        format!("{XSD}integer")
                    };
                    return (
                        Value {
                            value: lexical,
                            datatype: Some(datatype),
                            unit,
                            iri: None,
                            label: None,
                            approximate,
                        },
                        shown,
                    );
                }
                let when = When::parse(l.value());
                if let Some(w) = when.filter(|w| plan.year_only && w.month.is_some()) {
                    // The question asked for the year of a month-precision time.
                    return (
                        Value {
                            value: w.year.to_string(),
                            datatype: Some(format!("{XSD}gYear")),
                            unit: None,
                            iri: None,
                            label: None,
                            approximate,
                        },
                        w.year.to_string(),
                    );
                }
                // The article's own words for a time it resolves to a month ("tweede helft
                // van 2023" is 2023-07 as a value): July would claim more than it says.
                let described = match answer_label {
                    Some(Term::Literal(t)) if when.is_some() => Some(t.value().to_owned()),
                    _ => None,
                };
                let shown = match when {
                    _ if described.is_some() => described.clone().unwrap_or_default(),
                    Some(w) if datatype.starts_with(XSD) && datatype.contains("gYear") => {
                        match w.month.and_then(|m| month_name(m, lang)) {
                            Some(month) => format!("{month} {}", w.year),
                            None => w.year.to_string(),
                        }
                    }
                    _ => l.value().to_owned(),
                };
                (
                    Value {
                        value: l.value().to_owned(),
                        datatype: Some(datatype),
                        unit: None,
                        iri: None,
                        label: described,
                        approximate,
                    },
                    shown,
                )
            }
            other => (
                Value {
                    value: other.to_string(),
                    datatype: None,
                    unit: None,
                    iri: None,
                    label: None,
                    approximate,
                },
                other.to_string(),
            ),
        }
    }

    /// The base IRI the engine's graph uses.
    pub fn base(&self) -> &str {
        &self.base
    }
}

/// `value` rounded to `digits` significant digits (84.1121 → 84.11, 3655.5 → 3656).
/// Orders the values of one fact ("economisch, ecologisch én sociaal") as its label names
/// them, keeping the facts in the plan's order: the rows leave that order open, and engines
/// fill it differently. A value its label does not name keeps its place after those it does.
fn in_statement_order(
    answers: &mut [(String, Term, Option<Term>)],
    facts: &[String],
    labels: &[String],
) {
    let place = |(fact, _, label): &(String, Term, Option<Term>)| {
        let i = facts.iter().position(|f| f == fact).unwrap_or(usize::MAX);
        let at = match (label, labels.get(i)) {
            (Some(Term::Literal(l)), Some(statement)) => {
                statement.find(l.value()).unwrap_or(usize::MAX)
            }
            _ => usize::MAX,
        };
        (i, at)
    };
    answers.sort_by_key(|a| place(a));
}

/// Orders the evidence as a reader meets it: by the source sentence that holds it, then by
/// where in that sentence. The rows an answer query returns leave that order open (the same
/// fact and sentence position for every evidence string), and each engine fills it its own way.
fn in_reading_order(evidence: &mut [String], sources: &[Source]) {
    let place = |e: &String| {
        sources
            .iter()
            .enumerate()
            .find_map(|(i, s)| s.sentence.find(e.as_str()).map(|at| (i, at)))
            .unwrap_or((usize::MAX, 0))
    };
    evidence.sort_by_key(|e| place(e));
}

fn round_significant(value: f64, digits: i32) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let magnitude = value.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits - 1 - magnitude);
    (value * factor).round() / factor
}

fn numeric(term: &Term) -> Option<f64> {
    match term {
        Term::Literal(l) => {
            let datatype = l.datatype().as_str().strip_prefix(XSD)?;
            ["integer", "decimal", "double", "float", "int", "long"]
                .contains(&datatype)
                .then(|| l.value().parse().ok())
                .flatten()
        }
        _ => None,
    }
}

/// Checks a claimed value against the fact's; hedged facts allow 10 %, others rounding.
fn check(cmp: Comparison, own: f64, claimed: f64, approximate: bool) -> bool {
    let tolerance = if approximate { 0.1 } else { 0.005 } * own.abs().max(1e-9);
    match cmp {
        Comparison::More => own > claimed,
        Comparison::AtLeast => own >= claimed,
        Comparison::Less => own < claimed,
        Comparison::Equal => (own - claimed).abs() <= tolerance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_checked_with_the_hedge_in_mind() {
        assert!(check(Comparison::More, 43866.0, 40000.0, false));
        assert!(!check(Comparison::More, 43866.0, 50000.0, false));
        assert!(check(Comparison::Less, 9000.0, 10000.0, true));
        assert!(check(Comparison::Equal, 9000.0, 9500.0, true));
        assert!(!check(Comparison::Equal, 1881.0, 1900.0, false));
        assert!(check(Comparison::AtLeast, 1300.0, 1300.0, false));
    }

    #[test]
    fn numbers_are_written_without_separators() {
        assert_eq!(num_lexical(9_000_000.0), "9000000");
        assert_eq!(num_lexical(107000.0 / 10000.0), "10.7");
        assert_eq!(num_lexical(0.107), "0.107");
    }
}
