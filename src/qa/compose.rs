//! The *composition* stage: answers no single fact states but stated facts give together —
//! the years between two events (or between an event and a year the question names, or the
//! article's date), the sum or the difference of two quantities, which of two events came
//! first or last. The template's SPARQL does the arithmetic, so the query shown with the
//! answer is the computation, and the answer lists every fact it used.
//!
//! Which facts: the question's content words (stop words and the words of the operation
//! removed) are ranked ([`super::rank`]) against the facts that have what the operation needs
//! (a time; a number with a unit), and the best *pair* is chosen:
//! - **coverage**: the two facts explain every content word between them;
//! - **sides**: where a conjunction ("en", "and", "or", "than") splits the question, the words
//!   before it count for one fact and the words after it for the other; without one, each
//!   fact must explain a word the other does not;
//! - **types**: a sum or difference adds only quantities of one unit; times must differ;
//! - **margin**: a pair with another answer that scores almost as high is a refusal.

use super::decide::says;
use super::index::When;
use super::lang::Lang;
use super::model::{Engine, Plan, TimeCmp};
use super::normalise::TokenKind;
use super::rank::{self, Ranked, Term};
use super::read::Reading;
use super::templates::{AnswerKind, Phrase, QaConfig};
use super::units::{self, Unit};
use std::collections::{HashMap, HashSet};

/// The runner-up pair with another answer must score below this share of the best.
const PAIR_MARGIN: f64 = 0.85;
/// How many of the best-ranked fitting facts are paired.
const CANDIDATES: usize = 12;

/// What a composed question asks to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    /// The years between two times (or a time and a year, or the article's date).
    Years,
    Sum,
    Difference,
    Earliest,
    Latest,
    /// Whether the event before the word at `at` ("voordat", "before") came before the one
    /// after it; with `after`, whether it came after.
    Precedes {
        after: bool,
        at: usize,
    },
}

impl Operation {
    fn template_id(self) -> &'static str {
        match self {
            Operation::Years => "years-between",
            Operation::Sum => "sum",
            Operation::Difference => "difference",
            Operation::Earliest => "earliest",
            Operation::Latest => "latest",
            Operation::Precedes { .. } => "precedes",
        }
    }

    fn wants_times(self) -> bool {
        matches!(
            self,
            Operation::Years | Operation::Earliest | Operation::Latest | Operation::Precedes { .. }
        )
    }
}

/// Two facts and how well they explain the question together.
#[derive(Debug, Clone, Copy)]
struct Pair {
    a: usize,
    b: usize,
    score: f64,
    /// `a` stands for the question's left side and `b` for its right one.
    oriented: bool,
}

impl Engine {
    /// A plan that computes its answer from two facts (or one fact and a year), or `None`
    /// when the question asks for no computation or no pair explains it.
    pub(super) fn plan_by_composition(&self, question: &str, r: &Reading) -> Option<Plan> {
        let words = rank::words(question);
        if let Some(plan) = self.plan_ratio(question, r) {
            return Some(plan);
        }
        let (op, explicit_years) = self.operation(question, &words, r)?;
        let terms = self.composition_terms(question, r);
        if terms.is_empty() {
            return None;
        }
        let ranked = self.ranker.rank(r.lang, &terms);
        let fitting = self.fitting(op, r, &ranked);
        let split = self.sides(op, r.lang, question, &words, &terms);
        if matches!(op, Operation::Precedes { .. }) && split.is_none() {
            return None;
        }
        let single = fitting.first().filter(|c| c.unexplained.is_empty());
        let relates =
            says(&words, &self.config.words.after) || says(&words, &self.config.words.before);
        if op == Operation::Years
            && explicit_years
            && split.is_none()
            && single.is_some()
            && !relates
        {
            // One fact explains the whole question: years from it to a year, not a pair.
            return self.years_from_one(op, r, &fitting);
        }
        // With a relating word ("how many years before X did Y") two events are compared even
        // where no word splits them: the best pair, as below.
        if let Some((pair, confidence)) = self.best_pair(op, r, &fitting, split.as_ref()) {
            // The pair in the order the question names them (`a` on the left); "after"
            // asks whether the right one came first.
            let facts = match op {
                Operation::Precedes { after: true, .. } => vec![pair.b, pair.a],
                _ => vec![pair.a, pair.b],
            };
            return self.composed_plan(op, op.template_id(), r, facts, None, confidence);
        }
        None
    }

    /// One event and a year: "hoeveel jaar is Audi eind 2022 al eigenaar?" counts from the
    /// fact's time to the year named, or to the article's date when none is.
    fn years_from_one(&self, op: Operation, r: &Reading, fitting: &[&Ranked]) -> Option<Plan> {
        let years: Vec<i32> = r.dates.iter().filter_map(|(y, _, _)| *y).collect();
        let reference = match years.as_slice() {
            [] => None,
            [y] => Some(*y),
            _ => return None,
        };
        let best = fitting.first()?;
        if !best.unexplained.is_empty() {
            return None;
        }
        let time = self.time_of(best.fact)?;
        // A rival about none of the things the question names is no rival of one that is
        // ("the plant that makes the e-tron": not the transport of the e-tron's motors).
        let named = self.names_an_end(r, best.fact);
        let rival = fitting[1..].iter().find(|c| {
            self.time_of(c.fact).is_some_and(|t| t.year != time.year)
                && (!named || self.names_an_end(r, c.fact))
        });
        if rival.is_some_and(|c| c.score >= best.score * PAIR_MARGIN) {
            return None;
        }
        let confidence = lead(best.score, rival.map(|c| c.score));
        match reference {
            Some(year) if year != time.year => self.composed_plan(
                op,
                op.template_id(),
                r,
                vec![best.fact],
                Some(year),
                confidence,
            ),
            Some(_) => None,
            None => self.composed_plan(op, "years-to-date", r, vec![best.fact], None, confidence),
        }
    }

    /// Whether the question names the fact's subject or object.
    fn names_an_end(&self, r: &Reading, fact: usize) -> bool {
        let f = &self.index.facts[fact];
        self.named_things(r)
            .any(|e| e == f.subject || f.object_iri() == Some(e))
    }

    /// How the composition stage reads a question, for `trace`: the operation, the terms on
    /// each side and the fitting facts with the words they leave unexplained.
    pub(super) fn composition_trace(&self, question: &str, r: &Reading) -> Vec<String> {
        let words = rank::words(question);
        let tokens: Vec<String> = r
            .norm
            .tokens
            .iter()
            .map(|t| match t.kind {
                TokenKind::Word => t.text.clone(),
                TokenKind::Number(q) => {
                    format!("#{}{}", q.value, q.unit.map_or("", |u| u.local_name()))
                }
                TokenKind::Unit(u) => format!("[{}]", u.local_name()),
            })
            .collect();
        let ratio = self
            .denominator(r)
            .map(|(at, d)| format!("per at {at}: {d:?}"));
        let mut head = vec![format!("tokens: {tokens:?} ratio: {ratio:?}")];
        let Some((op, explicit)) = self.operation(question, &words, r) else {
            head.push("composition: no operation".to_owned());
            return head;
        };
        let terms = self.composition_terms(question, r);
        let names = |ts: &[Term]| ts.iter().map(|t| t.word.clone()).collect::<Vec<_>>();
        let mut out = head;
        out.push(format!(
            "composition: {op:?} explicit_years={explicit} terms={:?}",
            names(&terms)
        ));
        let split = self.sides(op, r.lang, question, &words, &terms);
        if let Some((l, rt)) = &split {
            out.push(format!("  split: {:?} | {:?}", names(l), names(rt)));
        }
        let ranked = self.ranker.rank(r.lang, &terms);
        let fitting = self.fitting(op, r, &ranked);
        let short = |f: usize| {
            self.index.facts[f]
                .iri
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_owned()
        };
        for p in self.pairs(op, r, &fitting, split.as_ref()).iter().take(5) {
            out.push(format!(
                "  pair {:.2} {} + {} → {}",
                p.score,
                short(p.a),
                short(p.b),
                self.pair_key(op, *p)
            ));
        }
        for c in &fitting {
            out.push(format!(
                "  {:.2} {} unexplained={:?}",
                c.score,
                self.index.short_name(c.fact),
                c.unexplained
            ));
        }
        out
    }

    /// The operation a question asks for, and whether it asks for years in so many words
    /// ("hoeveel jaar", not only "hoe lang").
    fn operation(
        &self,
        question: &str,
        words: &[String],
        r: &Reading,
    ) -> Option<(Operation, bool)> {
        let w = &self.config.words;
        let asks_quantity = self
            .config
            .templates
            .get(r.template)
            .is_some_and(|t| t.kind == AnswerKind::Quantity);
        if self
            .config
            .templates
            .get(r.template)
            .is_some_and(|t| t.kind == AnswerKind::Boolean)
        {
            let raw = raw_words(question);
            for (list, after) in [(&w.earlier_than, false), (&w.later_than, true)] {
                if let Some(at) = find_raw(&raw, list) {
                    return Some((Operation::Precedes { after, at }, false));
                }
            }
        }
        let explicit_years = says(words, &w.years_count);
        // "Hoe lang", "how long" ask for years only when they relate two events ("how long
        // after …", "hoe lang tussen … en …"); else they ask for a length.
        let relates =
            says(words, &w.after) || says(words, &w.before) || says(words, &w.conjunction);
        if explicit_years || (says(words, &w.how_long) && relates) {
            return Some((Operation::Years, explicit_years));
        }
        let either_or = says(words, &w.either_or);
        if either_or && says(words, &w.first) {
            return Some((Operation::Earliest, false));
        }
        if either_or && says(words, &w.last) {
            return Some((Operation::Latest, false));
        }
        if asks_quantity && says(words, &w.sum) {
            return Some((Operation::Sum, false));
        }
        if asks_quantity && says(words, &w.difference) {
            return Some((Operation::Difference, false));
        }
        None
    }

    /// The question's content words a composed answer's facts must explain: no stop word, no
    /// word of the operation, no number (years and values are the operation's own).
    fn composition_terms(&self, question: &str, r: &Reading) -> Vec<Term> {
        let mut ignore = self.operation_words(r);
        // A light verb inside a relation's name ("took over" names ownership) is that
        // relation's word, which the facts must explain.
        for m in r.mentions.iter().filter(|m| !m.properties.is_empty()) {
            for t in r.norm.tokens.get(m.tokens.clone()).unwrap_or_default() {
                for w in rank::words(&t.text) {
                    if self.config.words.light.contains(&w) {
                        ignore.remove(&w);
                    }
                }
            }
        }
        self.ranker
            .terms(question, r.lang, &ignore)
            .into_iter()
            .filter(|t| !t.word.chars().all(|c| c.is_ascii_digit()))
            .collect()
    }

    /// The words that say what to compute or how two things relate, and the words of the
    /// question's dates: none of them has to be explained by a fact.
    fn operation_words(&self, r: &Reading) -> HashSet<String> {
        let mut out = self.composition_words.clone();
        for (_, _, range) in &r.dates {
            for t in &r.norm.tokens[range.clone()] {
                out.extend(rank::words(&t.text));
            }
        }
        out
    }

    /// The best-ranked facts that have what the operation computes with.
    fn fitting<'a>(&self, op: Operation, r: &Reading, ranked: &'a [Ranked]) -> Vec<&'a Ranked> {
        ranked
            .iter()
            .filter(|c| self.fits(op, c.fact) && !self.about_another_of_kind(r, c.fact))
            .take(CANDIDATES)
            .collect()
    }

    /// Whether the fact is about another value of a relation than the one the question names:
    /// the start of the Q4 e-tron is not "the start of the e-tron", since another fact of the
    /// same relation has the e-tron as its value and the question does not name the Q4. Places
    /// are left out: "in Brussel" sets the scene of an event rather than naming what it is
    /// about.
    fn about_another_of_kind(&self, r: &Reading, fact: usize) -> bool {
        let f = &self.index.facts[fact];
        let named: Vec<&str> = self
            .named_things(r)
            .filter(|e| !self.index.is_place(e))
            .collect();
        named.iter().any(|e| {
            self.index.by_end.get(*e).is_some_and(|facts| {
                facts.iter().any(|&g| {
                    let other = &self.index.facts[g];
                    if g == fact || other.predicate != f.predicate {
                        return false;
                    }
                    // This fact's value where the other has the named thing as its value; a
                    // subject is not compared ("all Audi plants" and "the Brussels plant" are
                    // both said to be CO2-neutral, and a question may pair them).
                    other.object_iri() == Some(*e)
                        && f.object_iri()
                            .is_some_and(|x| x != *e && !named.contains(&x))
                })
            })
        })
    }

    /// The question's terms on each side of what relates its two things: the word of
    /// `Precedes`, or a conjunction.
    fn sides(
        &self,
        op: Operation,
        lang: Lang,
        question: &str,
        words: &[String],
        terms: &[Term],
    ) -> Option<(Vec<Term>, Vec<Term>)> {
        match op {
            Operation::Precedes { at, .. } => split_at_raw(&raw_words(question), at, terms),
            // "Hoeveel jaar vóór de deadline was de fabriek al CO2-neutraal?": without a
            // conjunction, the word that relates the two events splits them.
            Operation::Years => self.split(words, terms).or_else(|| {
                let raw = raw_words(question);
                let w = &self.config.words;
                let relating: Vec<String> = w
                    .before
                    .iter()
                    .chain(&w.after)
                    .map(|p| p.text.clone())
                    .collect();
                let at = find_raw(&raw, &relating)?;
                split_at_raw(&raw, at, terms).or_else(|| {
                    // "How many years before X did Y?": the relating word opens the first
                    // event, and the tense verb that opens the second ("did", "was") splits.
                    // In Dutch the verb closes the first event instead ("nadat Audi de
                    // fabriek had overgenomen, schakelde …"), after the participle: there the
                    // pair is found without a split, as before.
                    if lang != Lang::En {
                        return None;
                    }
                    let verbs: Vec<String> = w
                        .past
                        .iter()
                        .chain(&w.future)
                        .map(|p| p.text.clone())
                        .collect();
                    let rest = raw.get(at + 1..)?;
                    split_at_raw(&raw, at + 1 + find_raw(rest, &verbs)?, terms)
                })
            }),
            _ => self.split(words, terms),
        }
    }

    /// Whether a fact has what the operation computes with.
    fn fits(&self, op: Operation, fact: usize) -> bool {
        let f = &self.index.facts[fact];
        if op.wants_times() {
            self.time_of(fact).is_some()
        } else {
            f.number.is_some() && f.unit.is_some()
        }
    }

    /// The time a fact happened or began (not the article date it is valid at).
    fn time_of(&self, fact: usize) -> Option<When> {
        let f = &self.index.facts[fact];
        f.point.or(f.start)
    }

    /// Where a conjunction splits the question's terms in two: the terms before it and the
    /// terms after it, when both sides have some.
    fn split(&self, words: &[String], terms: &[Term]) -> Option<(Vec<Term>, Vec<Term>)> {
        // A word written on both sides ("de start van A en de start van B") is on both.
        let at_side = |t: &Term, before: bool, at: usize| {
            words
                .iter()
                .enumerate()
                .any(|(i, w)| *w == t.word && (i < at) == before)
        };
        for p in &self.config.words.conjunction {
            let want = rank::words(&p.text);
            if want.is_empty() {
                continue;
            }
            for at in (0..words.len()).filter(|&i| words[i..].starts_with(&want)) {
                let left: Vec<Term> = terms
                    .iter()
                    .filter(|t| at_side(t, true, at))
                    .cloned()
                    .collect();
                let right: Vec<Term> = terms
                    .iter()
                    .filter(|t| at_side(t, false, at))
                    .cloned()
                    .collect();
                if !left.is_empty() && !right.is_empty() {
                    return Some((left, right));
                }
            }
        }
        None
    }

    /// The best pair of fitting facts and the confidence in it, or `None`.
    fn best_pair(
        &self,
        op: Operation,
        r: &Reading,
        fitting: &[&Ranked],
        split: Option<&(Vec<Term>, Vec<Term>)>,
    ) -> Option<(Pair, f64)> {
        let pairs = self.pairs(op, r, fitting, split);
        let best = *pairs.first()?;
        let key = self.pair_key(op, best);
        let rival = pairs.iter().find(|p| self.pair_key(op, **p) != key);
        if rival.is_some_and(|p| p.score >= best.score * PAIR_MARGIN) {
            return None;
        }
        Some((best, lead(best.score, rival.map(|p| p.score))))
    }

    /// The pairs of fitting facts that explain the question together, best first.
    fn pairs(
        &self,
        op: Operation,
        r: &Reading,
        fitting: &[&Ranked],
        split: Option<&(Vec<Term>, Vec<Term>)>,
    ) -> Vec<Pair> {
        let sides = split.map(|(left, right)| {
            let scores = |side: &[Term]| -> HashMap<usize, (f64, usize)> {
                self.ranker
                    .rank(r.lang, side)
                    .into_iter()
                    .map(|c| (c.fact, (c.score, c.unexplained.len())))
                    .collect()
            };
            (scores(left), scores(right))
        });
        let mut pairs: Vec<Pair> = Vec::new();
        for (i, a) in fitting.iter().enumerate() {
            for b in &fitting[i + 1..] {
                if !self.composable(op, a.fact, b.fact) {
                    continue;
                }
                // Coverage: every content word explained by one of the two.
                if a.unexplained.iter().any(|t| b.unexplained.contains(t)) {
                    continue;
                }
                match &sides {
                    Some((left, right)) => {
                        // One fact for each side, each explaining every word of its side;
                        // `a` of the pair is the left one, the order the question names them.
                        let oriented = |x: usize, y: usize| {
                            let (l, r) = (left.get(&x), right.get(&y));
                            match (l, r) {
                                (Some(&(ls, 0)), Some(&(rs, 0))) => Some(Pair {
                                    a: x,
                                    b: y,
                                    score: ls + rs,
                                    oriented: true,
                                }),
                                _ => None,
                            }
                        };
                        let (ab, ba) = (oriented(a.fact, b.fact), oriented(b.fact, a.fact));
                        if matches!(op, Operation::Precedes { .. }) {
                            // The order decides the answer: both readings compete.
                            pairs.extend(ab.into_iter().chain(ba));
                        } else if let Some(best) = [ab, ba]
                            .into_iter()
                            .flatten()
                            .max_by(|x, y| x.score.total_cmp(&y.score))
                        {
                            pairs.push(best);
                        }
                    }
                    None => {
                        // Each must explain a word the other does not.
                        let a_adds = b.unexplained.iter().any(|t| !a.unexplained.contains(t));
                        let b_adds = a.unexplained.iter().any(|t| !b.unexplained.contains(t));
                        if a_adds && b_adds {
                            pairs.push(Pair {
                                a: a.fact,
                                b: b.fact,
                                score: a.score + b.score,
                                oriented: false,
                            });
                        }
                    }
                }
            }
        }
        pairs.sort_by(|x, y| y.score.total_cmp(&x.score));
        pairs
    }

    /// Whether two facts can be computed with together.
    fn composable(&self, op: Operation, a: usize, b: usize) -> bool {
        let (fa, fb) = (&self.index.facts[a], &self.index.facts[b]);
        if op.wants_times() {
            match (self.time_of(a), self.time_of(b)) {
                (Some(x), Some(y)) => x != y,
                _ => false,
            }
        } else {
            fa.unit.is_some() && fa.unit == fb.unit && fa.number != fb.number
        }
    }

    /// What a pair would answer, to tell a rival pair from one with the same answer.
    fn pair_key(&self, op: Operation, p: Pair) -> String {
        let (fa, fb) = (&self.index.facts[p.a], &self.index.facts[p.b]);
        let year = |f: usize| self.time_of(f).map_or(0, |w| w.year);
        match op {
            Operation::Years => (year(p.a) - year(p.b)).abs().to_string(),
            Operation::Earliest | Operation::Latest => {
                let (ta, tb) = (self.time_of(p.a), self.time_of(p.b));
                let a_first = match (ta, tb) {
                    (Some(x), Some(y)) => (x.year, x.month) < (y.year, y.month),
                    _ => false,
                };
                let first = if a_first { p.a } else { p.b };
                let last = if a_first { p.b } else { p.a };
                let chosen = if op == Operation::Earliest {
                    first
                } else {
                    last
                };
                match (p.oriented, self.time_of(chosen)) {
                    // The answer is one of the question's two sides and its time: two facts
                    // of one side with the same time give the same answer.
                    (true, Some(t)) => format!("{} {}-{:?}", chosen == p.a, t.year, t.month),
                    _ => self.index.facts[chosen].iri.clone(),
                }
            }
            Operation::Precedes { .. } => {
                let (ta, tb) = (self.time_of(p.a), self.time_of(p.b));
                match (ta, tb) {
                    (Some(x), Some(y)) => ((x.year, x.month) < (y.year, y.month)).to_string(),
                    _ => String::new(),
                }
            }
            Operation::Sum => format!(
                "{}",
                fa.number.unwrap_or_default() + fb.number.unwrap_or_default()
            ),
            Operation::Difference => format!(
                "{}",
                (fa.number.unwrap_or_default() - fb.number.unwrap_or_default()).abs()
            ),
        }
    }

    fn composed_plan(
        &self,
        op: Operation,
        template: &str,
        r: &Reading,
        facts: Vec<usize>,
        reference_year: Option<i32>,
        confidence: f64,
    ) -> Option<Plan> {
        let template = self.template_by_id(template)?;
        let unit = r.unit.filter(|u| {
            !op.wants_times()
                && facts
                    .first()
                    .and_then(|&f| self.index.facts[f].unit.as_deref())
                    .is_some_and(|own| own != u.iri)
        });
        let first = *facts.first()?;
        Some(Plan {
            facts,
            unit,
            time_cmp: TimeCmp::In,
            reference_year,
            ..Plan::of_fact(r, template, first, confidence)
        })
    }
}

/// How sure a composed answer is: the lead over the runner-up, between 0.5 and 0.9.
fn lead(best: f64, runner_up: Option<f64>) -> f64 {
    let lead = runner_up.map_or(1.0, |s| 1.0 - s / best.max(f64::EPSILON));
    (0.5 + 0.4 * lead).clamp(0.5, 0.9)
}

/// The question's words in lower case with their accents ("vóór" is not "voor").
fn raw_words(question: &str) -> Vec<String> {
    question
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Where one of `phrases` (lower case, accents kept) starts among `raw` words.
fn find_raw(raw: &[String], phrases: &[String]) -> Option<usize> {
    phrases
        .iter()
        .filter_map(|p| {
            let want = raw_words(p);
            (!want.is_empty())
                .then(|| (0..raw.len()).find(|&i| raw[i..].starts_with(&want)))
                .flatten()
        })
        .min()
}

/// The terms before and after the word at `at`, when both sides have some.
fn split_at_raw(raw: &[String], at: usize, terms: &[Term]) -> Option<(Vec<Term>, Vec<Term>)> {
    let at_side = |t: &Term, before: bool| {
        raw.iter()
            .enumerate()
            .any(|(i, w)| super::fold::fold(w) == t.word && (i < at) == before)
    };
    let left: Vec<Term> = terms.iter().filter(|t| at_side(t, true)).cloned().collect();
    let right: Vec<Term> = terms
        .iter()
        .filter(|t| at_side(t, false))
        .cloned()
        .collect();
    (!left.is_empty() && !right.is_empty()).then_some((left, right))
}

/// The text of the question's token at `at` (empty past the end).
fn token_text(r: &Reading, at: usize) -> String {
    r.norm
        .tokens
        .get(at)
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// What a "per" divides by: another quantity of the same thing, in a unit, or a part of a year.
#[derive(Debug, Clone, Copy)]
enum Denominator {
    Unit(&'static Unit),
    /// How many of the period make a year, and where its words are.
    Period(f64, usize),
    /// A counted thing ("per auto", "per charge"), the token that names it: divided by the
    /// one count of the same thing whose words explain it.
    Count(usize),
}

impl Engine {
    /// "Hoeveel ton CO2 bespaart de vrachtlijn per kilometer?", "how many electric cars per
    /// month in 2021?": the best-ranked quantity that accounts for the question, divided by the
    /// one quantity of the same thing in the unit after "per" (its route length), or by the
    /// parts of a year when it is a yearly figure.
    pub(super) fn plan_ratio(&self, question: &str, r: &Reading) -> Option<Plan> {
        let kind = self.config.templates.get(r.template).map(|t| t.kind);
        let (at, denominator) = self.denominator(r)?;
        // "how many …" asks for a quantity; so does a keyword query ("annual solar yield per
        // square metre") whose "per" stands before a unit or a period. A counted thing after
        // "per" in a keyword query is not that sure a sign ("gemiddeld aantal …").
        let asks_quantity = match kind {
            Some(AnswerKind::Quantity) => true,
            Some(AnswerKind::Text) => !matches!(denominator, Denominator::Count(_)),
            _ => false,
        };
        if !asks_quantity {
            return None;
        }
        // A unit named elsewhere is the one the numerator is asked in ("kWh per m²").
        let wanted = r
            .norm
            .tokens
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != at + 1)
            .find_map(|(_, t)| match t.kind {
                TokenKind::Unit(u) => Some(u),
                TokenKind::Number(q) => q.unit,
                TokenKind::Word => None,
            });
        let w = &self.config.words;
        let mut ignore = self.operation_words(r);
        for p in &w.per {
            ignore.extend(rank::words(&p.text));
        }
        if let Denominator::Count(at) = denominator {
            // The counted thing is the denominator's to explain.
            if let Some(t) = r.norm.tokens.get(at) {
                ignore.extend(rank::words(&t.text));
            }
        }
        for u in wanted.into_iter().chain(match denominator {
            Denominator::Unit(u) => Some(u),
            Denominator::Period(..) | Denominator::Count(_) => None,
        }) {
            ignore.extend(u.surface_words().flat_map(rank::words));
        }
        for p in &self.config.periods {
            for phrase in &p.phrases {
                ignore.extend(rank::words(&phrase.text));
            }
        }
        let terms: Vec<Term> = self
            .ranker
            .terms(question, r.lang, &ignore)
            .into_iter()
            .filter(|t| !t.word.chars().all(|c| c.is_ascii_digit()))
            .collect();
        if terms.len() < 2 {
            return None;
        }
        let ranked = self.ranker.rank(r.lang, &terms);
        // The numerator: a number in the unit asked for, not in the denominator's dimension.
        let dimension = |f: usize| {
            self.index.facts[f]
                .unit
                .as_deref()
                .and_then(units::unit_by_iri)
                .map(|u| u.dimension)
        };
        // With a counted denominator, the count's words are its own: the pair explains the
        // question together.
        let jointly = |c: &Ranked| -> Option<Ranked> {
            let Denominator::Count(at) = denominator else {
                return Some(c.clone());
            };
            let den = self.count_named_at(r, c.fact, at)?;
            let den_leaves = &ranked.iter().find(|x| x.fact == den)?.unexplained;
            let mut rest = c.clone();
            rest.unexplained.retain(|w| den_leaves.contains(w));
            rest.in_sentence.retain(|w| den_leaves.contains(w));
            Some(rest)
        };
        let mut typed = ranked.iter().filter(|c| {
            self.index.facts[c.fact].number.is_some()
                && wanted.is_none_or(|w| dimension(c.fact) == Some(w.dimension))
                && !(matches!(denominator, Denominator::Count(_)) && dimension(c.fact).is_none())
                && !matches!(denominator, Denominator::Unit(u) if dimension(c.fact) == Some(u.dimension))
                && jointly(c).is_some_and(|j| self.explained_enough(r, &j))
        });
        let best = typed.next()?;
        let rival =
            typed.find(|c| self.index.facts[c.fact].number != self.index.facts[best.fact].number);
        if rival.is_some_and(|c| c.score >= best.score * PAIR_MARGIN) {
            return None;
        }
        let confidence = lead(best.score, rival.map(|c| c.score));
        let fact = &self.index.facts[best.fact];
        let own = fact.unit.as_deref().and_then(units::unit_by_iri);
        let shown_unit = match (wanted, own) {
            (Some(w), Some(o)) if w.dimension == o.dimension => Some(w),
            (Some(_), _) => return None,
            (None, o) => o,
        };
        let scale = match (own, shown_unit) {
            (Some(o), Some(s)) => units::convert(1.0, o.iri, s.iri)?,
            _ => 1.0,
        };
        let numerator_text = shown_unit.map(|u| u.symbol(r.lang).to_owned());
        let (template, facts, mut slots, unit_text) = match denominator {
            Denominator::Unit(u) => {
                // The one quantity of the same thing in the denominator's dimension.
                let same: Vec<usize> = self
                    .facts_of(&fact.subject)
                    .filter(|&i| {
                        let f = &self.index.facts[i];
                        f.number.is_some()
                            && f.unit
                                .as_deref()
                                .and_then(units::unit_by_iri)
                                .is_some_and(|x| x.dimension == u.dimension)
                    })
                    .collect();
                let [den] = same.as_slice() else {
                    return None;
                };
                let den_unit = self.index.facts[*den].unit.as_deref()?;
                let scale2 = units::convert(1.0, den_unit, u.iri)?;
                let text = match &numerator_text {
                    Some(n) => format!("{n}/{}", u.symbol(r.lang)),
                    None => format!("/{}", u.symbol(r.lang)),
                };
                (
                    "per-unit",
                    vec![best.fact, *den],
                    vec![("$scale2", scale2)],
                    text,
                )
            }
            Denominator::Count(at) => {
                let den = self.count_named_at(r, best.fact, at)?;
                let word = token_text(r, at);
                let text = match &numerator_text {
                    Some(n) => format!("{n} {} {word}", self.per_word(r)),
                    None => format!("{} {word}", self.per_word(r)),
                };
                (
                    "per-unit",
                    vec![best.fact, den],
                    vec![("$scale2", 1.0)],
                    text,
                )
            }
            Denominator::Period(per_year, at) => {
                let yearly = fact.period.as_deref() == Some("P1Y")
                    || (fact.period.is_none() && fact.point.is_some_and(|p| p.month.is_none()));
                if !yearly {
                    return None;
                }
                let word = token_text(r, at);
                let per = self.per_word(r);
                let text = match &numerator_text {
                    Some(n) => format!("{n} {per} {word}"),
                    None => format!("{per} {word}"),
                };
                (
                    "per-period",
                    vec![best.fact],
                    vec![("$divisor", per_year)],
                    text,
                )
            }
        };
        slots.push(("$scale", scale));
        // The query converts (its scale slots): no unit for the answer to convert again.
        let mut plan = self.composed_plan(Operation::Sum, template, r, facts, None, confidence)?;
        plan.unit = None;
        plan.slots = slots;
        plan.unit_text = Some(unit_text);
        Some(plan)
    }

    /// The word "per" in the question's language, for the answer's unit.
    fn per_word(&self, r: &Reading) -> &str {
        self.config
            .words
            .per
            .iter()
            .find(|p| p.lang == r.lang)
            .map_or("per", |p| p.text.as_str())
    }

    /// The facts whose subject is `subject`, through the index (no scan of all facts).
    fn facts_of<'a>(&'a self, subject: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.index
            .by_end
            .get(subject)
            .into_iter()
            .flatten()
            .copied()
            .filter(move |&i| self.index.facts[i].subject == subject)
    }

    /// The one count (a number without a unit) of the numerator's subject whose words explain
    /// the word at `at`: "kWh per auto" divides the solar output by the cars it can charge.
    fn count_named_at(&self, r: &Reading, numerator: usize, at: usize) -> Option<usize> {
        let word = &r.norm.tokens.get(at)?.text;
        let terms = self.ranker.terms(word, r.lang, &self.config.words.stop);
        if terms.is_empty() {
            return None;
        }
        let explaining: HashSet<usize> = self
            .ranker
            .rank(r.lang, &terms)
            .into_iter()
            .filter(|x| x.unexplained.is_empty())
            .map(|x| x.fact)
            .collect();
        let subject = &self.index.facts[numerator].subject;
        let counts: Vec<usize> = self
            .facts_of(subject)
            .filter(|&i| {
                let f = &self.index.facts[i];
                i != numerator && f.number.is_some() && f.unit.is_none() && explaining.contains(&i)
            })
            .collect();
        match counts.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Whether the question divides by a unit or by a part of a year ("per vierkante meter",
    /// "per maand"): no single stated quantity answers it, so when the composition stage
    /// cannot, the question is refused rather than answered with the undivided quantity.
    pub(super) fn divides(&self, r: &Reading) -> bool {
        match self.denominator(r) {
            Some((_, Denominator::Unit(_))) => true,
            Some((_, Denominator::Period(per_year, _))) => per_year != 1.0,
            // "hoeveel kg CO2 per Q8 e-tron": a quantity asked per counted thing. Only after
            // "per" itself: "each", "a" before a noun say less ("a company", "each year").
            // Not "per trein", "per spoor", which name a relation (the mode of transport).
            Some((at, Denominator::Count(counted))) => {
                let asks_quantity = self
                    .config
                    .templates
                    .get(r.template)
                    .is_some_and(|t| t.kind == AnswerKind::Quantity);
                let names_relation = r
                    .mentions
                    .iter()
                    .any(|m| !m.properties.is_empty() && m.tokens.contains(&counted));
                asks_quantity
                    && !names_relation
                    && r.norm.tokens.get(at).is_some_and(|t| t.text == "per")
            }
            None => false,
        }
    }

    /// The word after "per"/"each" that names what to divide by, and the index of "per".
    fn denominator(&self, r: &Reading) -> Option<(usize, Denominator)> {
        let tokens = &r.norm.tokens;
        for (i, _) in tokens.iter().enumerate() {
            let is_per = self.config.words.per.iter().any(|p| {
                r.norm.phrase_at(p.forms.get(r.lang), i) && p.forms.get(r.lang).tokens.len() == 1
            });
            if !is_per {
                continue;
            }
            let Some(next) = tokens.get(i + 1) else {
                continue;
            };
            if let TokenKind::Unit(u) = next.kind {
                return Some((i, Denominator::Unit(u)));
            }
            // "per opgewekte MWh": a word before the unit qualifies it.
            if let (TokenKind::Word, Some(TokenKind::Unit(u))) =
                (&next.kind, tokens.get(i + 2).map(|t| &t.kind))
            {
                return Some((i, Denominator::Unit(u)));
            }
            for p in &self.config.periods {
                if p.phrases
                    .iter()
                    .any(|ph| r.norm.phrase_at(ph.forms.get(r.lang), i + 1))
                {
                    return Some((i, Denominator::Period(p.per_year, i + 1)));
                }
            }
            let counted = matches!(next.kind, TokenKind::Word)
                && !self
                    .config
                    .words
                    .stop
                    .contains(&super::fold::fold(&next.text));
            if counted {
                return Some((i, Denominator::Count(i + 1)));
            }
        }
        None
    }
}

/// Stop words and the words of every operation's word lists, folded: read once when the
/// engine is built, since they do not depend on the question.
pub(super) fn operation_word_set(config: &QaConfig) -> HashSet<String> {
    let w = &config.words;
    let mut out = w.stop.clone();
    let lists: [&[Phrase]; 15] = [
        &w.years_count,
        &w.framing,
        &w.how_long,
        &w.sum,
        &w.difference,
        &w.first,
        &w.last,
        &w.conjunction,
        &w.either_or,
        &w.before,
        &w.after,
        &w.now,
        &w.part_of_year,
        &w.more_than,
        &w.less_than,
    ];
    for p in lists.into_iter().flatten() {
        out.extend(rank::words(&p.text));
    }
    // A light verb ("draait op groene stroom", "took") says nothing a fact must explain; left
    // in, a second fact gets paired in only to explain it.
    out.extend(w.light.iter().cloned());
    out
}
