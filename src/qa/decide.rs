//! The *decision* stage for ranked facts: answer with the best-ranked fact when it accounts for
//! the whole question and fits the kind of answer asked for, or refuse.
//!
//! Used when the template cues find no fact. The rules are principles, not phrases:
//! - **coverage**: every content word of the question (a word that is no stop word) is
//!   explained by the fact's words, a synonym (`qa:SynonymSet`) or a near spelling; one word
//!   the graph has nothing for ("employees", "price") is a refusal;
//! - **type**: "how many" wants a number, "when" a time, "who/which" a thing; the fact must
//!   have one;
//! - **margin**: a fact with another answer that ranks almost as high is a refusal.

use super::model::{Comparison, Engine, Plan, Tense};
use super::rank::{self, Ranked};
use super::read::Reading;
use super::templates::{AnswerKind, Phrase};
use super::units;

/// The runner-up with another answer must score below this share of the best.
const RANK_MARGIN: f64 = 0.85;
/// Too few content words say too little to single out a fact ("Audi?").
const MIN_TERMS: usize = 2;

impl Engine {
    /// A plan from the ranking of facts by relevance, or `None` to refuse.
    pub(super) fn plan_by_rank(&self, question: &str, r: &Reading) -> Option<Plan> {
        let (template, kind, year_only) = self.ranked_template(question, r)?;
        if kind == AnswerKind::Boolean {
            return if r.numbers.is_empty() {
                self.plan_confirmation(question, r, template)
            } else {
                self.plan_threshold(question, r, template)
            };
        }
        if !matches!(
            kind,
            AnswerKind::Quantity | AnswerKind::Time | AnswerKind::Entity | AnswerKind::Text
        ) {
            return None;
        }
        // A unit asked for ("hoeveel kilogram", "in miles") is a constraint on the answer's
        // dimension, met by conversion, not a word the fact must have.
        let mut ignore = self.config.words.stop.clone();
        if let Some(u) = r.unit {
            ignore.extend(u.surface_words().flat_map(rank::words));
        }
        // A time cue ("in which month", "sinds welk jaar") says that a time is asked: the
        // fact's time is the constraint, and no fact has to hold its words. Other cues keep
        // theirs, which tell facts apart ("hoe lang" a length, "welke stad" a city).
        if let Some(cue) = r.cue.as_ref().filter(|_| kind == AnswerKind::Time) {
            let tokens = r.norm.tokens.get(cue.clone()).unwrap_or_default();
            ignore.extend(tokens.iter().flat_map(|t| rank::words(&t.text)));
        }
        let terms = self.ranker.terms(question, r.lang, &ignore);
        if terms.len() < MIN_TERMS {
            return None;
        }
        let ranked = self.ranker.rank(r.lang, &terms);
        // Coverage before score: the best-ranked fact that accounts for the whole question,
        // and its rivals among those that do too; failing that, the best-ranked fact whose
        // other words describe one of its ends through a neighbouring fact.
        let asked = (kind == AnswerKind::Quantity)
            .then(|| self.asked_dimension(question, r))
            .flatten();
        // A count of other things (no unit) never answers a question that counts the fact's
        // subject; a measure (with a unit) may, as "hoeveel zonnestroom" asks a mass, not a
        // count (the cue scorer, which reads the quantity template, is stricter).
        let fits = |c: &&Ranked| {
            self.has_kind(kind, c.fact)
                && !(self.index.facts[c.fact].unit.is_none()
                    && self.measures_what_is_counted(r, c.fact))
                && self.fits_unit(r, c.fact)
                && asked.is_none_or(|d| self.dimension_of(c.fact) == Some(d))
                && !(kind == AnswerKind::Time && r.since && !self.has_a_beginning(c.fact))
        };
        let alone: Vec<&Ranked> = ranked
            .iter()
            .filter(fits)
            .filter(|c| self.explained_enough(r, c))
            .collect();
        // Each candidate with the facts that describe its end (none when it stands alone).
        let candidates: Vec<(&Ranked, Vec<usize>)> = if alone.is_empty() {
            ranked
                .iter()
                .filter(fits)
                .map(|c| (c, self.describers(r, &terms, c)))
                .filter(|(_, by)| !by.is_empty())
                .collect()
        } else {
            alone.into_iter().map(|c| (c, Vec::new())).collect()
        };
        // A fact that cannot give the kind of thing asked for ("welke werkgeversorganisatie":
        // the plant's award cannot say who awarded it) gives way to one that can.
        let mut candidates = candidates;
        if kind.answers_an_end()
            && candidates
                .iter()
                .any(|(c, _)| self.can_give_asked_kind(r, c.fact))
        {
            candidates.retain(|(c, _)| self.can_give_asked_kind(r, c.fact));
        }
        let (best, context) = candidates.first()?;
        let best = *best;
        // The facts that describe the best one's end are its context, not its rivals.
        // Nor is a fact that cannot give the kind of thing asked for ("welke
        // werkgeversorganisatie": the plant's award is no rival to who awarded it).
        let mut typed = candidates
            .iter()
            .skip(1)
            .map(|(c, _)| *c)
            .filter(|c| !context.contains(&c.fact))
            .filter(|c| !kind.answers_an_end() || self.can_give_asked_kind(r, c.fact));
        if kind == AnswerKind::Text && self.asks_how_or_why(question) {
            // A manner or a reason is another fact than the one its words match best, unless
            // a fact's relation is itself a manner.
            return self.plan_manner(question, r);
        }
        let subject_end = self.asks_for_subject(kind, r, best.fact);
        if kind == AnswerKind::Entity && !self.names_the_other_end(r, best.fact, subject_end) {
            return None;
        }
        let key = self.rank_key(kind, best.fact, subject_end);
        let runner_up = typed.find(|c| self.rank_key(kind, c.fact, subject_end) != key);
        let confidence = confidence(best, runner_up);
        if runner_up.is_some_and(|s| s.score >= best.score * RANK_MARGIN) {
            return None;
        }
        let fact = &self.index.facts[best.fact];
        let unit = r
            .unit
            .filter(|u| fact.unit.is_some() && fact.unit.as_deref() != Some(u.iri));
        Some(Plan {
            subject_end,
            unit,
            year_only,
            ..Plan::of_fact(r, template, best.fact, confidence)
        })
    }

    /// "Hoe geraken de motoren in Brussel?", "How do the e-motors get to Brussels?": a how
    /// question is answered by the value of a fact whose relation says how something happens
    /// (`qa:answersHow`: the mode of transport), when that fact accounts for the question's
    /// words and no other such fact with another value fits almost as well.
    pub(super) fn plan_manner(&self, question: &str, r: &Reading) -> Option<Plan> {
        let template = self.template_by_id("what")?;
        let terms = self.ranker.terms(question, r.lang, &self.config.words.stop);
        let ranked = self.ranker.rank(r.lang, &terms);
        let how = &self.config.how_properties;
        let mut manner = ranked
            .iter()
            .filter(|c| how.contains(&self.index.facts[c.fact].predicate))
            .filter(|c| self.explained_enough(r, c));
        let best = manner.next()?;
        let value = |c: &Ranked| self.index.facts[c.fact].object.to_string();
        let rival = manner.find(|c| value(c) != value(best));
        if rival.is_some_and(|c| c.score >= best.score * RANK_MARGIN) {
            return None;
        }
        Some(Plan::of_fact(
            r,
            template,
            best.fact,
            confidence(best, rival),
        ))
    }

    /// A yes/no question that restates a fact ("Was Audi Brussels the first certified
    /// CO2-neutral premium plant in the world?"): yes when the best-ranked fact accounts for
    /// every word of it. Never no: silence is not a denial, and a claim the graph contradicts
    /// is the cue scorer's to answer. Refused when the fact held only at first, and, for a
    /// planned fact, unless the question speaks of the future. (`Engine::plan` has refused
    /// negated claims and how/why questions, and re-read embedded questions, already.)
    fn plan_confirmation(&self, question: &str, r: &Reading, template: usize) -> Option<Plan> {
        let terms = self
            .ranker
            .terms(question, r.lang, &self.confirmation_ignore(r));
        if terms.len() < MIN_TERMS {
            return None;
        }
        let ranked = self.ranker.rank(r.lang, &terms);
        let best = ranked
            .iter()
            .find(|c| self.explained_enough(r, c) && self.holds_every_named(r, c.fact))?;
        let fact = &self.index.facts[best.fact];
        if fact.initially && r.tense != Tense::Past {
            return None;
        }
        if fact.planned && r.tense != Tense::Future {
            return None;
        }
        Some(Plan {
            date: r.dates.first().map(|(y, m, _)| (*y, *m)),
            ..Plan::of_fact(r, template, best.fact, confidence(best, None).min(0.7))
        })
    }

    /// Whether the things the question names fit the fact: each is an end or a qualifier of
    /// it, a place another fact links to one of its ends (where it is), or a thing its words
    /// merely describe. A claim about Brussels is not confirmed by a fact about Ingolstadt,
    /// nor one about the Q8 e-tron by a fact about its motors (a thing another fact links to
    /// the fact's ends is another subject). Qualities ("CO2-neutraal") describe; the fact's words account for them.
    fn holds_every_named(&self, r: &Reading, fact: usize) -> bool {
        let f = &self.index.facts[fact];
        let at_end = |e: &str| {
            f.subject == e || f.object_iri() == Some(e) || f.qualifiers.iter().any(|q| q == e)
        };
        let linked = |e: &str| {
            self.index.neighbours(fact).any(|(j, _)| {
                let g = &self.index.facts[j];
                g.subject == e || g.object_iri() == Some(e)
            })
        };
        r.mentions
            .iter()
            .filter(|m| {
                !m.entities.is_empty()
                    && !m
                        .entities
                        .iter()
                        .any(|&e| self.index.is_quality(&self.index.entities[e]))
            })
            .all(|m| {
                m.entities.iter().any(|&e| {
                    let e = self.index.entities[e].as_str();
                    // A place linked to an end is where it is ("in Brussel" for the plant); any
                    // other linked thing is another subject.
                    at_end(e) || self.index.is_place(e) == linked(e)
                })
            })
    }

    /// The words a confirmation leaves to its tag, tense and dates: stop words, the tag
    /// phrases ("klopt het", "is that right"), the tense markers and the words of its dates.
    fn confirmation_ignore(&self, r: &Reading) -> std::collections::HashSet<String> {
        let w = &self.config.words;
        let mut ignore = w.stop.clone();
        // A date is checked against the fact's time, not matched as words.
        for (_, _, range) in &r.dates {
            for t in &r.norm.tokens[range.clone()] {
                ignore.extend(rank::words(&t.text));
            }
        }
        for p in w
            .tag_question
            .iter()
            .chain(&w.future)
            .chain(&w.past)
            .chain(&w.now)
        {
            ignore.extend(rank::words(&p.text));
        }
        ignore
    }

    /// The template of the first one-word question word inside a question ("Could you tell
    /// me *when* …"), other than yes/no and comparison words ("more", "groter" belong to a
    /// yes/no comparison).
    pub(super) fn embedded_template(&self, question: &str) -> Option<usize> {
        let words = rank::words(question);
        let mut found: Option<(usize, usize)> = None;
        for (i, t) in self.config.templates.iter().enumerate() {
            if matches!(t.kind, AnswerKind::Boolean | AnswerKind::Comparison) {
                continue;
            }
            for c in &t.cues {
                let cue = rank::words(&c.text);
                let [one] = cue.as_slice() else { continue };
                if let Some(at) = words.iter().position(|w| w == one) {
                    if found.is_none_or(|(best, _)| at < best) {
                        found = Some((at, i));
                    }
                }
            }
        }
        found.map(|(_, i)| i)
    }

    /// Whether a question negates its claim, its tag ("of niet", "isn't it?") aside.
    pub(super) fn negated(&self, question: &str) -> bool {
        let mut words = rank::words(question);
        for p in &self.config.words.tag_question {
            let tag = rank::words(&p.text);
            if tag.is_empty() {
                continue;
            }
            while let Some(i) = words.windows(tag.len()).position(|w| w == tag.as_slice()) {
                words.drain(i..i + tag.len());
            }
        }
        says(&words, &self.config.words.negation)
    }

    /// A yes/no question that compares a stated quantity with a number ("Is de installatie
    /// groter dan 10 hectare?", "more than 10 GWh a year?"): the best-ranked fact with a
    /// number of the claim's dimension that accounts for the other words, the claim converted
    /// to its unit and checked when the answer is written.
    fn plan_threshold(&self, question: &str, r: &Reading, template: usize) -> Option<Plan> {
        let [(value, unit, _)] = r.numbers.as_slice() else {
            return None;
        };
        let cmp = r.comparison.unwrap_or(Comparison::Equal);
        let w = &self.config.words;
        let mut ignore = w.stop.clone();
        for p in w.more_than.iter().chain(&w.less_than) {
            ignore.extend(rank::words(&p.text));
        }
        if let Some(u) = unit {
            ignore.extend(u.surface_words().flat_map(rank::words));
        }
        let terms: Vec<rank::Term> = self
            .ranker
            .terms(question, r.lang, &ignore)
            .into_iter()
            .filter(|t| !t.word.chars().all(|c| c.is_ascii_digit() || c == '.'))
            .collect();
        if terms.len() < MIN_TERMS {
            return None;
        }
        let fits = |fact: usize| {
            let f = &self.index.facts[fact];
            let own = f.unit.as_deref().and_then(units::unit_by_iri);
            f.number.is_some()
                && match (unit, own) {
                    (Some(u), Some(o)) => u.dimension == o.dimension,
                    (None, None) => true,
                    _ => false,
                }
        };
        let ranked = self.ranker.rank(r.lang, &terms);
        let mut typed = ranked
            .iter()
            .filter(|c| fits(c.fact) && self.explained_enough(r, c));
        let best = typed.next()?;
        let rival = typed.next();
        if rival.is_some_and(|s| s.score >= best.score * RANK_MARGIN) {
            return None;
        }
        let fact = &self.index.facts[best.fact];
        let claimed = match (unit, fact.unit.as_deref()) {
            (Some(u), Some(own)) => units::convert(*value, u.iri, own)?,
            _ => *value,
        };
        Some(Plan {
            claim: Some((cmp, claimed)),
            ..Plan::of_fact(r, template, best.fact, confidence(best, rival))
        })
    }

    /// The template to answer with: the one the question's reading chose, except that a
    /// question whose words ask for a time ("year audi acquired brussels plant") and was read
    /// as one for a text is answered with a time.
    fn ranked_template(&self, question: &str, r: &Reading) -> Option<(usize, AnswerKind, bool)> {
        let chosen = self.config.templates.get(r.template)?;
        let words = rank::words(question);
        // "per jaar", "a year" is a rate the quantity is given in, not a time asked for.
        let per = &self.config.words.per;
        let year = says_unrated(&words, &self.config.words.year_words, per);
        let time = year || says_unrated(&words, &self.config.words.time_words, per);
        if chosen.kind == AnswerKind::Text && time {
            let t = self
                .config
                .templates
                .iter()
                .position(|t| t.kind == AnswerKind::Time)?;
            return Some((t, AnswerKind::Time, year));
        }
        Some((r.template, chosen.kind, r.year_only))
    }

    /// Whether the question asks how or why (`qa:manner-words` among its first three words)
    /// rather than how much ("hoe lang", "how many": a quantity word follows).
    pub(super) fn asks_how_or_why(&self, question: &str) -> bool {
        let w = rank::words(question);
        let manner = &self.config.words.manner;
        w.iter()
            .take(3)
            .position(|x| manner.contains(x))
            .is_some_and(|i| {
                !w.get(i + 1)
                    .is_some_and(|next| self.config.words.extent.contains(next))
            })
    }

    /// Whether a fact can answer in the unit the question asks for: a quantity of the same
    /// dimension (a question in hectares is not answered by a count of cars).
    fn fits_unit(&self, r: &Reading, fact: usize) -> bool {
        let Some(asked) = r.unit else {
            return true;
        };
        let own = self.index.facts[fact]
            .unit
            .as_deref()
            .and_then(units::unit_by_iri);
        own.is_some_and(|o| o.dimension == asked.dimension)
    }

    /// The dimension "hoe groot", "how long" asks for (`qa:DimensionWords` right after a
    /// manner word), unless the question names a unit or asks for a duration.
    fn asked_dimension(&self, question: &str, r: &Reading) -> Option<units::Dimension> {
        if r.unit.is_some() || r.duration {
            return None;
        }
        let w = rank::words(question);
        let manner = &self.config.words.manner;
        let next = w.get(w.iter().position(|x| manner.contains(x))? + 1)?;
        self.config
            .dimension_words
            .iter()
            .find(|(_, words)| words.contains(next))
            .map(|(d, _)| *d)
    }

    /// Whether the fact says when something began or happened (`fg:startTime`,
    /// `fg:pointInTime`): what "sinds wanneer", "since when" asks, which a time a fact merely
    /// holds at (`fg:validAt`) does not tell.
    fn has_a_beginning(&self, fact: usize) -> bool {
        let f = &self.index.facts[fact];
        f.start.is_some() || f.point.is_some()
    }

    /// The dimension of a fact's value, when it has a unit.
    fn dimension_of(&self, fact: usize) -> Option<units::Dimension> {
        self.index.facts[fact]
            .unit
            .as_deref()
            .and_then(units::unit_by_iri)
            .map(|u| u.dimension)
    }

    /// Whether a fact can give the kind of answer asked for.
    fn has_kind(&self, kind: AnswerKind, fact: usize) -> bool {
        let f = &self.index.facts[fact];
        match kind {
            AnswerKind::Quantity => f.number.is_some(),
            AnswerKind::Time => f.times().next().is_some(),
            AnswerKind::Entity => f.object_iri().is_some(),
            _ => true,
        }
    }

    /// The subject is asked for when the question names the fact's object but not its subject
    /// ("who owns the plant?" names the plant, the object of "Audi owns the plant"), or names
    /// the relation by its inverse ("the owner of").
    fn asks_for_subject(&self, kind: AnswerKind, r: &Reading, fact: usize) -> bool {
        let f = &self.index.facts[fact];
        if kind == AnswerKind::Text {
            // "Hoe heet het milieuprogramma?": the question names the object (a class, a
            // thing) and asks for what it is said of.
            return f.object_iri().is_some_and(|o| self.named(r, o)) && !self.named(r, &f.subject);
        }
        if kind != AnswerKind::Entity {
            return false;
        }
        let inverse = r.mentions.iter().flat_map(|m| m.inverse.iter());
        if inverse
            .map(|&p| self.index.properties[p].as_str())
            .any(|p| p == f.predicate)
        {
            return true;
        }
        f.object_iri().is_some_and(|o| self.named(r, o)) && !self.named(r, &f.subject)
    }

    fn named(&self, r: &Reading, iri: &str) -> bool {
        self.named_things(r).any(|e| e == iri)
    }

    /// A thing asked for is not the thing the question names: the end that answers must not
    /// be the only end named ("wie is de eigenaar van Audi?" names Audi, the owner), and a
    /// question for a place ("which region") is answered by a place.
    fn names_the_other_end(&self, r: &Reading, fact: usize, subject_end: bool) -> bool {
        let f = &self.index.facts[fact];
        let (answer, other) = match (subject_end, f.object_iri()) {
            (true, Some(o)) => (f.subject.as_str(), o),
            (false, Some(o)) => (o, f.subject.as_str()),
            (_, None) => return false,
        };
        if self.named(r, answer) && !self.named(r, other) || self.agent_named(r, answer) {
            return false;
        }
        if r.agent_focus && !self.index.is_agent(answer) {
            // "Who …?" asks for an organisation.
            return false;
        }
        !r.place_focus || self.index.is_place(answer)
    }

    /// What the answer would be, to tell a runner-up with the same answer from a rival.
    fn rank_key(&self, kind: AnswerKind, fact: usize, subject_end: bool) -> String {
        let f = &self.index.facts[fact];
        match kind {
            AnswerKind::Quantity => format!("{:?} {:?}", f.number, f.unit),
            AnswerKind::Time => f
                .times()
                .next()
                .map(|w| format!("{}-{:?}", w.year, w.month))
                .unwrap_or_default(),
            AnswerKind::Entity if subject_end => f.subject.clone(),
            AnswerKind::Entity => f.object.to_string(),
            _ => f.iri.clone(),
        }
    }
}

impl Engine {
    /// The ranking stage's view of a question, for `trace`: its content words and the best
    /// ranked facts, each with the words it leaves unexplained and whether it accounts for the
    /// question alone or through a neighbour.
    pub(super) fn ranking_trace(&self, question: &str, r: &Reading) -> Vec<String> {
        let terms = self.ranker.terms(question, r.lang, &self.config.words.stop);
        let mut out = vec![format!(
            "ranking: terms={:?}",
            terms.iter().map(|t| t.word.as_str()).collect::<Vec<_>>()
        )];
        for c in self.ranker.rank(r.lang, &terms).iter().take(5) {
            let verdict = if self.explained_enough(r, c) {
                "accounts for the question".to_owned()
            } else {
                let by = self.describers(r, &terms, c);
                if by.is_empty() {
                    "leaves words unexplained".to_owned()
                } else {
                    format!("described by {} neighbour(s)", by.len())
                }
            };
            out.push(format!(
                "  {:.2} {} unexplained={:?}: {verdict}",
                c.score,
                self.index.short_name(c.fact),
                c.unexplained
            ));
        }
        out
    }
}

/// Whether `words` hold one of the phrases, word by word.
pub(super) fn says(words: &[String], phrases: &[Phrase]) -> bool {
    phrases.iter().any(|p| {
        let want = rank::words(&p.text);
        !want.is_empty() && words.windows(want.len()).any(|w| w == want.as_slice())
    })
}

/// Whether `words` say one of `phrases` other than right after a word of `per` ("per jaar",
/// "a year", "each month"), where it names the period of a rate.
pub(super) fn says_unrated(words: &[String], phrases: &[Phrase], per: &[Phrase]) -> bool {
    phrases.iter().any(|p| {
        let want = rank::words(&p.text);
        !want.is_empty()
            && words
                .windows(want.len())
                .enumerate()
                .filter(|(_, w)| *w == want.as_slice())
                .any(|(i, _)| i == 0 || !says(&words[i - 1..i], per))
    })
}

impl Engine {
    /// Whether a fact accounts for the question: every content word is explained by its own
    /// words, except at most one that its source sentence has (the question speaks of the
    /// sentence the fact comes from) or that is a light verb ("gaf", "took"). Never excused:
    /// a word the article does not have at all ("werknemers", "kost"), and a word of a thing
    /// the question names ("hoeveel A1's": a named thing is part of the claim or the question
    /// is about something else).
    pub(super) fn explained_enough(&self, r: &Reading, c: &Ranked) -> bool {
        let light = &self.config.words.light;
        c.unexplained.len() <= MAX_FROM_SENTENCE
            && c.unexplained.iter().all(|w| {
                (c.in_sentence.contains(w) || light.contains(w)) && !self.names_a_thing(r, w)
            })
    }

    /// Whether `word` is part of a label of a thing the question names.
    fn names_a_thing(&self, r: &Reading, word: &str) -> bool {
        r.mentions
            .iter()
            .filter(|m| !m.entities.is_empty())
            .flat_map(|m| r.norm.tokens[m.tokens.clone()].iter())
            .any(|t| rank::words(&t.text).iter().any(|x| x == word))
    }
}

impl Engine {
    /// The neighbouring facts (sharing an end with it) that each explain all the words a fact
    /// leaves unexplained
    /// (none when the fact cannot be read so): the question names that end, or describes it
    /// by a relation the reading found ("moving the motors by train"), by what another
    /// fact says of it: "the rail line that brings the motors", "the city where Audi ramps up
    /// battery pack production". The shared end must not be the setting of the fact (the
    /// plant, Audi), of which every fact is told, and the question must name it; a few words
    /// at most are described so.
    fn describers(&self, r: &Reading, terms: &[rank::Term], c: &Ranked) -> Vec<usize> {
        if c.unexplained.is_empty() || c.unexplained.len() > MAX_DESCRIBED {
            return Vec::new();
        }
        // The fact itself must say what is asked: a word of its own that names no thing.
        let own_relation = terms
            .iter()
            .any(|t| !c.unexplained.contains(&t.word) && !self.names_a_thing(r, &t.word));
        if !own_relation {
            return Vec::new();
        }
        // A light verb ("the route that *brings* in the motors") carries no relation of its
        // own, here as in `explained_enough`: the neighbour describes the rest.
        let light = &self.config.words.light;
        let rest: Vec<rank::Term> = terms
            .iter()
            .filter(|t| c.unexplained.contains(&t.word) && !light.contains(&t.word))
            .cloned()
            .collect();
        if rest.is_empty() {
            return Vec::new();
        }
        // The describing fact weighs less than the answering one: otherwise the question is
        // about the neighbour ("CO2 saving of the rail transport" is not "when the transport").
        let explaining: Vec<usize> = self
            .ranker
            .rank(r.lang, &rest)
            .into_iter()
            .filter(|x| x.unexplained.is_empty() && x.score <= c.score)
            .map(|x| x.fact)
            .collect();
        self.index
            .neighbours(c.fact)
            .filter(|&(j, end)| {
                explaining.contains(&j)
                    && !self.index.is_topic(c.fact, end)
                    && (self.named(r, end)
                        || self.described_by_another(r, end, c.fact)
                        || self.worded(r, end, &c.unexplained))
            })
            .map(|(j, _)| j)
            .collect()
    }

    /// Whether the question speaks of `end` in words of its own labels though no label
    /// matched whole ("the green rail freight route": the green freight line): two content
    /// words at least, outside the words left to describe. Not its classes' words: "the plant"
    /// names no plant in particular.
    fn worded(&self, r: &Reading, end: &str, unexplained: &[String]) -> bool {
        let (_, pools) = self.index.pools_of(end);
        let worded = r
            .norm
            .tokens
            .iter()
            .enumerate()
            .filter(|(i, t)| r.content.get(*i) == Some(&true) && !unexplained.contains(&t.text))
            .filter(|(i, _)| {
                r.ids
                    .get(*i)
                    .is_some_and(|forms| self.index.pools_hold(&pools, r.lang, forms))
            })
            .count();
        worded >= MIN_WORDED
    }

    /// Whether the reading found `end` described by a relation of a fact other than `fact`
    /// ("moving the motors by train" describes the freight line through the motors' transport):
    /// a fact cannot describe its own end to borrow a neighbour's words.
    fn described_by_another(&self, r: &Reading, end: &str, fact: usize) -> bool {
        r.described
            .iter()
            .any(|d| d.entity == end && d.fact != fact)
    }
}

/// How many words of a thing's own labels name it in a question when no label matched whole.
const MIN_WORDED: usize = 2;

/// How many question words a neighbouring fact may explain for the fact that answers.
const MAX_DESCRIBED: usize = 3;

/// How many question words may be explained by the fact's sentence only.
const MAX_FROM_SENTENCE: usize = 1;

/// How sure a ranked answer is: the lead over the runner-up, between 0.5 and 0.9.
fn confidence(best: &Ranked, runner_up: Option<&Ranked>) -> f64 {
    let lead = runner_up.map_or(1.0, |s| 1.0 - s.score / best.score.max(f64::EPSILON));
    (0.5 + 0.4 * lead).clamp(0.5, 0.9)
}
