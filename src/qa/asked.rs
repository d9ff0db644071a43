//! The *kind asked for*, a typed constraint on answers that name a thing: "hoe heet het
//! milieuprogramma …?" wants a programme, "welke werkgeversorganisatie …?" an employers'
//! organisation, "wie …?" an agent, whatever fact the earlier stages chose. The reading stage finds the class
//! words after the question word ([`Reading::asked_kind`]); this stage checks the chosen
//! answer against them by the labels of its classes and, when it is of another kind, answers
//! with the one thing of that kind the chosen fact leads to. With nothing of the kind in reach
//! it refuses a standing (a title, a certification) and "who" without an agent; any other
//! answer stands, as its labels may not say its kind ("welke fabriek …?" answered with the
//! battery pack production in Ingolstadt).

use super::lang::Lang;
use super::model::{Engine, Plan};
use super::normalise::Token;
use super::read::Reading;

/// An answer a fact can give: the fact, whether its subject answers, and the qualifier
/// (property, value) that answers instead of an end.
type End = (usize, bool, Option<(String, String)>);

impl Engine {
    /// The plan when its answer is of the kind the question asks for; else a plan that answers
    /// with the one thing of that kind at another end of the fact, in one of its qualifiers or
    /// at the far end of a fact sharing an end with it (the programme the fact holds within,
    /// the federation that awarded the title the plant received); the plan as it is when
    /// there is more than one or none; `None` when there is none and the answer is a standing
    /// of another kind. "Wie", "who" without a kind word asks for an agent: `None` when none is
    /// in reach.
    pub(super) fn of_asked_kind(&self, r: &Reading, plan: Plan) -> Option<Plan> {
        let answers_an_end = self
            .config
            .templates
            .get(plan.template)
            .is_some_and(|t| t.kind.answers_an_end());
        let [fact] = plan.facts[..] else {
            return Some(plan);
        };
        // "Welke stad", "which country": a place answers, by the place rules.
        let asks_a_kind = !r.asked_kind.is_empty() || r.agent_focus;
        if !asks_a_kind || !answers_an_end || r.place_focus {
            return Some(plan);
        }
        let answer = self.answer_of(&plan).map(str::to_owned);
        if answer
            .as_deref()
            .is_some_and(|a| self.is_of_asked_kind(r, a))
        {
            return Some(plan);
        }
        // The nearest first: the fact's own other end and qualifiers, then the facts that
        // share its other end (what is asked for hangs off the side the question does not
        // name). Beyond the fact only when the question speaks of its answer elsewhere: then
        // it is surely not what is asked; otherwise a hub (Audi) would lead anywhere.
        let beyond = match answer.as_deref() {
            Some(a) if self.spoken_of(r, a) => self.ends_beyond(fact, Some(a)),
            _ => Vec::new(),
        };
        for ring in [self.own_ends(fact), beyond] {
            let mut found: Vec<(&str, &End)> = Vec::new();
            for end in &ring {
                let Some(a) = self.end_of(end.0, end.1, end.2.as_ref()) else {
                    continue;
                };
                let new = Some(a) != answer.as_deref() && !found.iter().any(|(b, _)| *b == a);
                if new && self.is_of_asked_kind(r, a) && !self.named_elsewhere(r, a) {
                    found.push((a, end));
                }
            }
            // Several things of the kind: the question does not single one out here.
            match found.len() {
                0 => continue,
                1 => {
                    let (_, (g, subject_end, qualifier_end)) = found.swap_remove(0);
                    return Some(Plan {
                        facts: vec![*g],
                        subject_end: *subject_end,
                        qualifier_end: qualifier_end.clone(),
                        ..plan
                    });
                }
                _ => return Some(plan),
            }
        }
        // Nothing of the kind near the fact. A thing may still stand for what is asked ("welke
        // fabriek": the battery pack production in Ingolstadt); a standing a fact ascribes (a
        // title, a certification: "one of the largest solar systems") never does, nor does a
        // thing that cannot act answer "who".
        match answer.as_deref() {
            Some(a) if !r.asked_kind.is_empty() && !self.index.is_quality(a) => Some(plan),
            _ => None,
        }
    }

    /// The fact's ends and qualifier values, as (fact, subject end, qualifier).
    fn own_ends(&self, fact: usize) -> Vec<End> {
        let mut near = vec![(fact, true, None), (fact, false, None)];
        if let Some(f) = self.index.facts.get(fact) {
            for (q, p) in f.qualifiers.iter().zip(&f.qualifier_properties) {
                near.push((fact, false, Some((p.clone(), q.clone()))));
            }
        }
        near
    }

    /// The far ends of the facts that share an end with the fact other than `answer`.
    fn ends_beyond(&self, fact: usize, answer: Option<&str>) -> Vec<End> {
        self.index
            .neighbours(fact)
            .filter(|(_, shared)| Some(*shared) != answer)
            .map(|(g, shared)| (g, self.index.facts[g].subject != shared, None))
            .collect()
    }

    /// Whether the thing is of the kind asked for: every asked-kind word is a word of its
    /// classes' labels; for "wie", "who" without a kind word, an agent.
    fn is_of_asked_kind(&self, r: &Reading, iri: &str) -> bool {
        if r.asked_kind.is_empty() {
            return self.index.is_agent(iri);
        }
        let pools = self.class_pools_of(iri);
        r.asked_kind.clone().all(|i| self.says_kind(r, i, &pools))
    }

    /// Whether the question's token `i` is a word of one of the class label sets `pools`.
    fn says_kind(&self, r: &Reading, i: usize, pools: &[u32]) -> bool {
        r.kind_ids
            .get(i)
            .is_some_and(|forms| self.index.pools_hold(pools, r.lang, forms))
    }

    /// The vocabulary numbers of a question token, and, when the token is no class word
    /// itself, of the words of its synonym sets: a kind may be named by another word of its
    /// family ("werkgeversfederatie" for the class "werkgeversorganisatie", "federation" for
    /// "organisation"), but a class word keeps its own class ("plant" is not "production").
    pub(super) fn kind_forms(&self, lang: Lang, token: &Token, own: &[u32]) -> Vec<u32> {
        if self.index.pools_hold(&self.index.class_pools, lang, own) {
            return own.to_vec();
        }
        let family: Vec<&str> = self
            .ranker
            .synonyms_of(lang, &token.text)
            .iter()
            .map(String::as_str)
            .collect();
        let mut forms = own.to_vec();
        forms.extend(self.index.form_ids(&family));
        forms
    }

    /// The word sets of the labels of the thing's classes. Not its own labels: a title
    /// "eerste CO2-neutrale fabriek" is no plant.
    fn class_pools_of(&self, iri: &str) -> Vec<u32> {
        self.index.pools_of(iri).0
    }

    /// Whether the question speaks of the thing outside the asked-kind words: names it, or
    /// says its kind ("gave the Brussels Audi *plant* the title").
    fn spoken_of(&self, r: &Reading, iri: &str) -> bool {
        let pools = self.class_pools_of(iri);
        self.named_elsewhere(r, iri)
            || (0..r.norm.tokens.len())
                .filter(|i| !r.asked_kind.contains(i) && r.content.get(*i) == Some(&true))
                .any(|i| self.says_kind(r, i, &pools))
    }

    /// Whether the fact can answer with a thing of the kind asked for (at an end or in a
    /// qualifier); true when no kind is asked. A fact that cannot is no rival to one that can.
    pub(super) fn can_give_asked_kind(&self, r: &Reading, fact: usize) -> bool {
        if r.asked_kind.is_empty() && !r.agent_focus {
            return true;
        }
        self.own_ends(fact).iter().any(|(g, subject_end, q)| {
            self.end_of(*g, *subject_end, q.as_ref())
                .is_some_and(|a| self.is_of_asked_kind(r, a))
        })
    }

    /// The IRI a single-fact plan answers with: the qualifier's value, the subject or the
    /// object.
    fn answer_of<'a>(&'a self, plan: &'a Plan) -> Option<&'a str> {
        let fact = *plan.facts.first()?;
        self.end_of(fact, plan.subject_end, plan.qualifier_end.as_ref())
    }

    /// The IRI a fact answers with from one of its ends or a qualifier.
    fn end_of<'a>(
        &'a self,
        fact: usize,
        subject_end: bool,
        qualifier: Option<&'a (String, String)>,
    ) -> Option<&'a str> {
        let f = self.index.facts.get(fact)?;
        match qualifier {
            Some((_, value)) => Some(value),
            None if subject_end => Some(&f.subject),
            None => f.object_iri(),
        }
    }

    /// Whether the question names the thing outside the asked-kind words: a thing it names
    /// is not what it asks for.
    fn named_elsewhere(&self, r: &Reading, iri: &str) -> bool {
        r.mentions.iter().any(|m| {
            let inside = m.tokens.start >= r.asked_kind.start && m.tokens.end <= r.asked_kind.end;
            !inside && m.entities.iter().any(|&e| self.index.entities[e] == iri)
        })
    }
}
