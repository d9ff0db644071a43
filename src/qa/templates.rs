//! Reads the question templates, cue phrases and word lists of `ontology/questions.ttl` from the
//! graph, so the vocabulary of question answering is data and not code.

use std::collections::{HashMap, HashSet};

use crate::qa::error::{Error, Result};
use crate::store::model::Term;
use crate::store::{Store, Table};

use super::lang::Lang;
use super::normalise::{normalise, Normalised};
use super::units::Dimension;

/// A value in each of the two answer languages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ByLang<T> {
    pub nl: T,
    pub en: T,
}

impl<T> ByLang<T> {
    pub fn get(&self, lang: Lang) -> &T {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }

    pub fn get_mut(&mut self, lang: Lang) -> &mut T {
        match lang {
            Lang::Nl => &mut self.nl,
            Lang::En => &mut self.en,
        }
    }
}

/// What kind of answer a template gives (`qa:answerKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    Quantity,
    Time,
    Entity,
    List,
    Boolean,
    Comparison,
    Source,
    /// Whatever the other end of the fact is: a text, a number or a thing.
    Text,
    /// A number of years computed from the times of facts (or a fact and a named year).
    Duration,
    /// A quantity computed from the quantities of two facts (their sum or difference).
    Arithmetic,
    /// The fact of two whose time comes first (or last).
    Order,
    /// A yes or no the query computes from two facts (whether one came before the other).
    Verdict,
    /// A quantity per unit of another quantity, or per part of a year.
    Ratio,
}

impl AnswerKind {
    fn from_local(name: &str) -> Option<Self> {
        Some(match name {
            "Quantity" => Self::Quantity,
            "Time" => Self::Time,
            "Entity" => Self::Entity,
            "List" => Self::List,
            "Boolean" => Self::Boolean,
            "Comparison" => Self::Comparison,
            "Source" => Self::Source,
            "Text" => Self::Text,
            "Duration" => Self::Duration,
            "Arithmetic" => Self::Arithmetic,
            "Order" => Self::Order,
            "Verdict" => Self::Verdict,
            "Ratio" => Self::Ratio,
            _ => return None,
        })
    }

    /// Kinds whose answer is the other end of a fact.
    pub fn answers_an_end(self) -> bool {
        matches!(self, Self::Entity | Self::List | Self::Text)
    }
}

/// A phrase as written and normalised in each language's stemming, ready for
/// [`Normalised::find_phrase`] on a question of either language.
#[derive(Debug, Clone)]
pub struct Phrase {
    pub text: String,
    pub lang: Lang,
    pub forms: ByLang<Normalised>,
}

impl Phrase {
    pub fn new(text: &str, lang: Lang) -> Self {
        Self {
            text: text.to_owned(),
            lang,
            forms: ByLang {
                nl: normalise(text, Lang::Nl),
                en: normalise(text, Lang::En),
            },
        }
    }

    /// Word count of the phrase.
    pub fn len(&self) -> usize {
        self.forms.nl.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One question template (`qa:Template`).
#[derive(Debug, Clone)]
pub struct Template {
    pub iri: String,
    pub id: String,
    pub kind: AnswerKind,
    pub needs_date: bool,
    pub label: ByLang<String>,
    pub description: ByLang<String>,
    pub examples: ByLang<Vec<String>>,
    pub cues: Vec<Phrase>,
    pub openers: Vec<Phrase>,
    pub sparql: String,
    pub answer_pattern: ByLang<String>,
    pub negative_pattern: ByLang<String>,
}

/// The word lists of `qa:WordList` nodes.
#[derive(Debug, Clone, Default)]
pub struct WordLists {
    /// Stop words of both languages (folded): words that never need explaining.
    pub stop: HashSet<String>,
    pub more_than: Vec<Phrase>,
    pub less_than: Vec<Phrase>,
    pub approximate: ByLang<String>,
    pub planned: ByLang<String>,
    pub yes: ByLang<String>,
    pub no: ByLang<String>,
    pub unanswered: ByLang<String>,
    /// The sentence that names the question's words the graph has nothing for ("{words}").
    pub unknown: ByLang<String>,
    /// Words that start a noun phrase (articles, pronouns): after a relation word at the start
    /// of a question they show that the relation word is a verb ("Wekt het dak …?").
    pub subject_words: Vec<Phrase>,
    /// Tense markers of yes/no questions: the article's present ("nu al", "already"), the
    /// future ("zal", "will") and the past ("ooit", "did").
    pub now: Vec<Phrase>,
    pub future: Vec<Phrase>,
    pub past: Vec<Phrase>,
    /// Words right before a year that compare it with the fact's time ("voor 2010", "after
    /// 2015"), or that only stress it ("pas in 2010", "already in 2012").
    pub before: Vec<Phrase>,
    pub after: Vec<Phrase>,
    pub same_time: Vec<Phrase>,
    /// Words that ask for a year rather than a full date ("in welk jaar", "what year").
    pub year_words: Vec<Phrase>,
    /// "sinds", "since" before a year; words for a change ("werd", "took over").
    pub since: Vec<Phrase>,
    pub events: Vec<Phrase>,
    /// Words for a time in a keyword query ("jaartal", "since", "date").
    pub time_words: Vec<Phrase>,
    /// Words that ask for a manner or a reason ("hoe", "why"), folded.
    pub manner: HashSet<String>,
    /// Words for a part of a year before a year ("eerste helft van 2023", "early 2023").
    pub part_of_year: Vec<Phrase>,
    /// Words that make "hoe lang", "how long" ask for a duration ("duurt", "take").
    pub duration: Vec<Phrase>,
    /// The cues that ask for a length or a duration ("hoe lang", "how long").
    pub how_long: Vec<Phrase>,
    /// Nouns for a place ("regio", "country"): "welke regio" asks for a place.
    pub place_words: Vec<Phrase>,
    /// Words that may stand between the question word and the noun that names the kind of
    /// thing asked for ("hoe heet *het* milieuprogramma", "what is *the name of* the
    /// programme"): articles, copulas, naming words; folded.
    pub focus_bridge: HashSet<String>,
    /// Question words that take a noun naming the kind of thing asked for ("welk", "what").
    pub kind_question: Vec<Phrase>,
    /// Words that ask for a name ("naam", "called"): in a keyword query they make its first
    /// class words the kind asked for.
    pub naming: Vec<Phrase>,
    /// The word between the options of an either-or question ("of", "or").
    pub either_or: Vec<Phrase>,
    /// "één van de", "one of the": the number word names a member of a group, not a value.
    pub one_of: Vec<Phrase>,
    /// "exact getal", "exact figure": asks whether a figure is exact.
    pub exact: Vec<Phrase>,
    /// "niet", "geen", "not", "never": a yes/no question that negates its claim is not
    /// confirmed by a fact that states it.
    pub negation: Vec<Phrase>,
    /// "wie", "who": the question asks for an agent, which is never a thing it names itself.
    pub agent: Vec<Phrase>,
    /// "aantal", "number of", "how many": the noun after them is counted, so a quantity *of*
    /// that thing (its area, its output) is no answer.
    pub count: Vec<Phrase>,
    /// "kost", "prijs", "cost", "price": the question asks for an amount of money, which only
    /// a fact in a currency (`http://qudt.org/vocab/currency/…`) can give; folded.
    pub price: HashSet<String>,
    /// Light verbs ("geven", "krijgen", "take", "use"): they carry little of a relation, so
    /// one may go unexplained as a word of the fact's sentence may.
    pub light: HashSet<String>,
    /// "volgend jaar", "vorig jaar", "dit jaar": a year named relative to the article's date,
    /// with its offset in years.
    pub relative_years: Vec<(Phrase, i32)>,
    /// Tags and particles that turn a statement into a yes/no question ("toch?", "right?").
    pub tag_question: Vec<Phrase>,
    /// Words after "hoe", "how" that ask for an extent ("hoe lang", "how many"), folded.
    pub extent: HashSet<String>,
    /// Composition (`src/qa/compose.rs`): words that ask for a number of years, add up,
    /// ask for a difference, for the first or the last of two events, and the words between
    /// the two things such a question names.
    pub years_count: Vec<Phrase>,
    pub sum: Vec<Phrase>,
    pub difference: Vec<Phrase>,
    pub first: Vec<Phrase>,
    pub last: Vec<Phrase>,
    pub conjunction: Vec<Phrase>,
    /// "per", "each": before a unit or a period, a division.
    pub per: Vec<Phrase>,
    /// "keer", "times" after a number: a multiple to compare with, not a value.
    pub times: Vec<Phrase>,
    /// Words between two events that ask whether the first came earlier, or later; their
    /// text as written, lower case (accents matter: "vóór").
    pub earlier_than: Vec<String>,
    pub later_than: Vec<String>,
    /// Words that only frame a composed question ("tussen", "passed", "happened").
    pub framing: Vec<Phrase>,
    /// The unit of a number of years in answers: (singular, plural).
    pub year_unit: ByLang<(String, String)>,
}

/// Names of things the article does not mention, with the class they belong to
/// (`qa:NameList`): they let a yes/no question about a functional relation be answered no
/// ("Komen de motoren uit Duitsland?") instead of refused.
#[derive(Debug, Clone)]
pub struct OtherName {
    pub phrase: Phrase,
    pub class: String,
}

/// Everything `ontology/questions.ttl` says.
#[derive(Debug, Clone, Default)]
pub struct QaConfig {
    pub templates: Vec<Template>,
    pub words: WordLists,
    /// `qa:relationCue`: property IRI, phrase, language.
    pub relation_cues: Vec<(String, String, Lang)>,
    /// `qa:answersHow`: the properties whose value says how something happens (the mode of
    /// transport), which a "hoe", "how" question asks for.
    pub how_properties: HashSet<String>,
    /// `qa:NameList`: names of things outside the article, by class.
    pub other_names: Vec<OtherName>,
    /// `qa:PeriodUnit`: parts of a year (how many make a year, their words).
    pub periods: Vec<Period>,
    /// `qa:Multiplier`: words for a multiple ("twice", "het dubbele") and its factor.
    pub multipliers: Vec<Multiplier>,
    /// `qa:DimensionWords`: words that, after "hoe", "how", ask for a quantity of one
    /// dimension ("hoe groot": an area, "how long": a length), folded.
    pub dimension_words: Vec<(Dimension, HashSet<String>)>,
}

/// A part of a year ("maand", "month") and how many of it make a year.
#[derive(Debug, Clone)]
pub struct Period {
    pub per_year: f64,
    pub phrases: Vec<Phrase>,
}

/// A multiple a comparison names ("tweemaal", "twice": 2).
#[derive(Debug, Clone)]
pub struct Multiplier {
    pub factor: f64,
    pub phrases: Vec<Phrase>,
}

/// The members of a class of word sets that each carry a number (`qa:PeriodUnit` with
/// `qa:perYear`, `qa:Multiplier` with `qa:factor`): the number and the words, per member.
fn numbered_words(
    store: &Store,
    qa: &str,
    class: &str,
    property: &str,
) -> Result<Vec<(f64, Vec<Phrase>)>> {
    let table = store.select(&format!(
        "PREFIX qa: <{qa}>\nSELECT ?u ?n ?v WHERE {{ ?u a qa:{class} ; qa:{property} ?n ; qa:words ?v }} ORDER BY ?u"
    ))?;
    let mut out: Vec<(String, f64, Vec<Phrase>)> = Vec::new();
    for r in rows(&table) {
        let (Some(u), Some(Term::Literal(n)), Some((value, lang))) = (
            iri(table.get(r, "u")),
            table.get(r, "n"),
            literal(table.get(r, "v")),
        ) else {
            continue;
        };
        let Ok(number) = n.value().parse::<f64>() else {
            return Err(config_error(format!(
                "qa:{property} of {u} is not a number"
            )));
        };
        let lang = lang.unwrap_or(Lang::DEFAULT);
        let phrases = split_words(value).map(|w| Phrase::new(w, lang));
        match out.iter_mut().find(|(iri, _, _)| iri == u) {
            Some((_, _, p)) => p.extend(phrases),
            None => out.push((u.to_owned(), number, phrases.collect())),
        }
    }
    Ok(out.into_iter().map(|(_, n, p)| (n, p)).collect())
}

/// The namespace of the question vocabulary under a base IRI.
pub fn namespace(base: &str) -> String {
    format!("{base}def/qa#")
}

/// The text and language of a literal cell of a result table.
pub(super) fn literal(term: Option<&Term>) -> Option<(&str, Option<Lang>)> {
    match term? {
        Term::Literal(l) => Some((l.value(), l.language().and_then(Lang::from_tag))),
        _ => None,
    }
}

/// The IRI of an IRI cell of a result table.
pub(super) fn iri(term: Option<&Term>) -> Option<&str> {
    match term? {
        Term::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

fn rows(table: &Table) -> impl Iterator<Item = usize> {
    0..table.rows.len()
}

fn config_error(message: String) -> Error {
    Error::Templates(message)
}

/// Splits a `qa:words` literal ("a, b, c d") into its entries.
fn split_words(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|w| !w.is_empty())
}

/// The words of a comma-separated word list, folded (for lists matched word by word).
fn folded(value: &str) -> impl Iterator<Item = String> + '_ {
    split_words(value).map(super::fold::fold)
}

/// The phrases of a comma-separated word list in one language.
fn phrases(value: &str, lang: Lang) -> impl Iterator<Item = Phrase> + '_ {
    split_words(value).map(move |w| Phrase::new(w, lang))
}

impl QaConfig {
    /// Reads the templates and word lists from the store. Blocking.
    pub fn load(store: &Store) -> Result<Self> {
        let qa = namespace(store.base());
        let mut config = QaConfig::default();

        let table = store.select(&format!(
            "PREFIX qa: <{qa}>\nSELECT ?t ?p ?v WHERE {{ ?t a qa:Template ; ?p ?v }} ORDER BY ?t ?p ?v"
        ))?;
        let mut by_template: HashMap<String, Vec<(String, Term)>> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        for r in rows(&table) {
            let (Some(t), Some(p), Some(v)) = (
                iri(table.get(r, "t")),
                iri(table.get(r, "p")),
                table.get(r, "v"),
            ) else {
                continue;
            };
            if !by_template.contains_key(t) {
                order.push(t.to_owned());
            }
            by_template
                .entry(t.to_owned())
                .or_default()
                .push((p.to_owned(), v.clone()));
        }
        for t in order {
            let statements = by_template.remove(&t).unwrap_or_default();
            config.templates.push(Self::template(&qa, &t, &statements)?);
        }
        // A stable order: the one the file lists them in is lost in the store, so sort by id.
        config.templates.sort_by(|a, b| a.id.cmp(&b.id));

        // In a fixed order (English before Dutch): the first phrase of a list that a question
        // holds can decide how it is read ("of" is Dutch for "or"), and engines return
        // unordered solutions in different orders.
        let table = store.select(&format!(
            "PREFIX qa: <{qa}>\nSELECT ?l ?v WHERE {{ ?l a qa:WordList ; qa:words ?v }} ORDER BY ?l LANG(?v) STR(?v)"
        ))?;
        for r in rows(&table) {
            let (Some(list), Some((value, lang))) =
                (iri(table.get(r, "l")), literal(table.get(r, "v")))
            else {
                continue;
            };
            let name = list.strip_prefix(&qa).unwrap_or(list);
            let lang = lang.unwrap_or(Lang::DEFAULT);
            let words = &mut config.words;
            match name {
                "stop-words" => {
                    for w in split_words(value) {
                        words.stop.insert(super::fold::fold(w).replace('\'', ""));
                    }
                }
                "more-than" => words.more_than.extend(phrases(value, lang)),
                "less-than" => words.less_than.extend(phrases(value, lang)),
                "approximate-words" => *words.approximate.get_mut(lang) = value.to_owned(),
                "planned-words" => *words.planned.get_mut(lang) = value.to_owned(),
                "unanswered-words" => *words.unanswered.get_mut(lang) = value.to_owned(),
                "unknown-words" => *words.unknown.get_mut(lang) = value.to_owned(),
                "subject-words" => words.subject_words.extend(phrases(value, lang)),
                "now-words" => words.now.extend(phrases(value, lang)),
                "future-words" => words.future.extend(phrases(value, lang)),
                "past-words" => words.past.extend(phrases(value, lang)),
                "before-words" => words.before.extend(phrases(value, lang)),
                "after-words" => words.after.extend(phrases(value, lang)),
                "same-time-words" => words.same_time.extend(phrases(value, lang)),
                "since-words" => words.since.extend(phrases(value, lang)),
                "event-words" => words.events.extend(phrases(value, lang)),
                "time-words" => words.time_words.extend(phrases(value, lang)),
                "part-of-year-words" => words.part_of_year.extend(phrases(value, lang)),
                "duration-words" => words.duration.extend(phrases(value, lang)),
                "how-long-words" => words.how_long.extend(phrases(value, lang)),
                "place-words" => words.place_words.extend(phrases(value, lang)),
                "focus-bridge-words" => words.focus_bridge.extend(folded(value)),
                "kind-question-words" => words.kind_question.extend(phrases(value, lang)),
                "naming-words" => words.naming.extend(phrases(value, lang)),
                "tag-question-words" => words.tag_question.extend(phrases(value, lang)),
                "exact-words" => words.exact.extend(phrases(value, lang)),
                "light-words" => words.light.extend(folded(value)),
                "agent-words" => words.agent.extend(phrases(value, lang)),
                "count-words" => words.count.extend(phrases(value, lang)),
                "price-words" => words.price.extend(folded(value)),
                "negation-words" => words.negation.extend(phrases(value, lang)),
                "next-year-words" | "last-year-words" | "this-year-words" => {
                    let offset = match name {
                        "next-year-words" => 1,
                        "last-year-words" => -1,
                        _ => 0,
                    };
                    words
                        .relative_years
                        .extend(split_words(value).map(|w| (Phrase::new(w, lang), offset)));
                }
                "one-of-words" => words.one_of.extend(phrases(value, lang)),
                "either-or-words" => words.either_or.extend(phrases(value, lang)),
                "year-words" => words.year_words.extend(phrases(value, lang)),
                "yes-no-words" => {
                    let mut parts = split_words(value);
                    *words.yes.get_mut(lang) = parts.next().unwrap_or_default().to_owned();
                    *words.no.get_mut(lang) = parts.next().unwrap_or_default().to_owned();
                }
                "manner-words" => words.manner.extend(folded(value)),
                "extent-words" => words.extent.extend(folded(value)),
                "years-count-words" => words.years_count.extend(phrases(value, lang)),
                "sum-words" => words.sum.extend(phrases(value, lang)),
                "difference-words" => words.difference.extend(phrases(value, lang)),
                "first-words" => words.first.extend(phrases(value, lang)),
                "last-words" => words.last.extend(phrases(value, lang)),
                "framing-words" => words.framing.extend(phrases(value, lang)),
                "earlier-than-words" => words
                    .earlier_than
                    .extend(split_words(value).map(str::to_lowercase)),
                "later-than-words" => words
                    .later_than
                    .extend(split_words(value).map(str::to_lowercase)),
                "per-words" => words.per.extend(phrases(value, lang)),
                "times-words" => words.times.extend(phrases(value, lang)),
                "conjunction-words" => words.conjunction.extend(phrases(value, lang)),
                "year-unit-words" => {
                    let mut parts = split_words(value);
                    let one = parts.next().unwrap_or_default().to_owned();
                    let many = parts.next().map_or_else(|| one.clone(), str::to_owned);
                    *words.year_unit.get_mut(lang) = (one, many);
                }
                other => {
                    return Err(config_error(format!("unknown word list qa:{other}")));
                }
            }
        }

        config.periods = numbered_words(store, &qa, "PeriodUnit", "perYear")?
            .into_iter()
            .map(|(per_year, phrases)| Period { per_year, phrases })
            .collect();
        config.multipliers = numbered_words(store, &qa, "Multiplier", "factor")?
            .into_iter()
            .map(|(factor, phrases)| Multiplier { factor, phrases })
            .collect();

        let table = store.select(&format!(
            "PREFIX qa: <{qa}>\nSELECT ?p ?v WHERE {{ ?p qa:relationCue ?v }}"
        ))?;
        for r in rows(&table) {
            if let (Some(p), Some((value, lang))) =
                (iri(table.get(r, "p")), literal(table.get(r, "v")))
            {
                config.relation_cues.push((
                    p.to_owned(),
                    value.to_owned(),
                    lang.unwrap_or(Lang::DEFAULT),
                ));
            }
        }
        let table = store.select(&format!(
            "PREFIX qa: <{qa}>\nSELECT ?d ?v WHERE {{ ?s a qa:DimensionWords ; qa:dimension ?d ; qa:words ?v }}"
        ))?;
        for r in rows(&table) {
            let (Some(Term::Literal(d)), Some((value, _))) =
                (table.get(r, "d"), literal(table.get(r, "v")))
            else {
                continue;
            };
            let Some(dimension) = Dimension::from_name(d.value()) else {
                return Err(config_error(format!(
                    "qa:dimension {:?} is no dimension",
                    d.value()
                )));
            };
            match config
                .dimension_words
                .iter_mut()
                .find(|(x, _)| *x == dimension)
            {
                Some((_, words)) => words.extend(folded(value)),
                None => config
                    .dimension_words
                    .push((dimension, folded(value).collect())),
            }
        }
        let table = store.select(&format!(
            "PREFIX qa: <{qa}>\nSELECT ?p WHERE {{ ?p qa:answersHow true }}"
        ))?;
        config.how_properties = rows(&table)
            .filter_map(|r| iri(table.get(r, "p")).map(str::to_owned))
            .collect();
        let table = store.select(&format!(
            "PREFIX qa: <{qa}>\nSELECT ?c ?v WHERE {{ ?l a qa:NameList ; qa:ofClass ?c ; qa:words ?v }}"
        ))?;
        for r in rows(&table) {
            if let (Some(class), Some((value, lang))) =
                (iri(table.get(r, "c")), literal(table.get(r, "v")))
            {
                let lang = lang.unwrap_or(Lang::DEFAULT);
                config
                    .other_names
                    .extend(split_words(value).map(|w| OtherName {
                        phrase: Phrase::new(w, lang),
                        class: class.to_owned(),
                    }));
            }
        }
        if config.templates.is_empty() {
            // A graph served without our ontology/questions.ttl (e.g. `--data` of one's own) is
            // still a graph worth serving: /ask then answers that it cannot answer anything.
            tracing::warn!("no qa:Template in the graph: /ask will not answer questions");
        }
        Ok(config)
    }

    fn template(qa: &str, iri_: &str, statements: &[(String, Term)]) -> Result<Template> {
        let mut t = Template {
            iri: iri_.to_owned(),
            id: String::new(),
            kind: AnswerKind::Text,
            needs_date: false,
            label: ByLang::default(),
            description: ByLang::default(),
            examples: ByLang::default(),
            cues: Vec::new(),
            openers: Vec::new(),
            sparql: String::new(),
            answer_pattern: ByLang::default(),
            negative_pattern: ByLang::default(),
        };
        let mut kind = None;
        for (p, v) in statements {
            let local = p.strip_prefix(qa);
            let text = literal(Some(v));
            match (local, p.as_str(), text) {
                (Some("templateId"), _, Some((value, _))) => t.id = value.to_owned(),
                (Some("needsDate"), _, Some((value, _))) => t.needs_date = value == "true",
                (Some("sparql"), _, Some((value, _))) => t.sparql = value.to_owned(),
                (Some("answerKind"), _, _) => {
                    kind = iri(Some(v))
                        .and_then(|k| k.strip_prefix(qa))
                        .and_then(AnswerKind::from_local);
                }
                (Some("cue"), _, Some((value, Some(lang)))) => {
                    t.cues.push(Phrase::new(value, lang))
                }
                (Some("opener"), _, Some((value, Some(lang)))) => {
                    t.openers.push(Phrase::new(value, lang))
                }
                (Some("example"), _, Some((value, Some(lang)))) => {
                    t.examples.get_mut(lang).push(value.to_owned())
                }
                (Some("answerPattern"), _, Some((value, Some(lang)))) => {
                    *t.answer_pattern.get_mut(lang) = value.to_owned()
                }
                (Some("negativePattern"), _, Some((value, Some(lang)))) => {
                    *t.negative_pattern.get_mut(lang) = value.to_owned()
                }
                (_, "http://www.w3.org/2000/01/rdf-schema#label", Some((value, Some(lang)))) => {
                    *t.label.get_mut(lang) = value.to_owned()
                }
                (_, "http://purl.org/dc/terms/description", Some((value, Some(lang)))) => {
                    *t.description.get_mut(lang) = value.to_owned()
                }
                _ => {}
            }
        }
        t.kind = kind.ok_or_else(|| config_error(format!("{iri_} has no known qa:answerKind")))?;
        if t.id.is_empty() || t.sparql.is_empty() {
            return Err(config_error(format!(
                "{iri_} needs qa:templateId and qa:sparql"
            )));
        }
        for lang in [Lang::Nl, Lang::En] {
            if t.negative_pattern.get(lang).is_empty() {
                *t.negative_pattern.get_mut(lang) = t.answer_pattern.get(lang).clone();
            }
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_normalised_in_both_languages() {
        let p = Phrase::new("Sinds wanneer", Lang::Nl);
        assert_eq!(p.len(), 2);
        assert_eq!(p.forms.nl.tokens[0].text, "sinds");
        let q = normalise("Sinds wanneer is Audi eigenaar?", Lang::Nl);
        assert_eq!(q.find_phrase(&p.forms.nl), Some(0..2));
    }

    #[test]
    fn word_lists_split_on_commas() {
        let words: Vec<&str> = split_words("meer dan, boven,, over ").collect();
        assert_eq!(words, vec!["meer dan", "boven", "over"]);
    }

    #[test]
    fn loads_the_shipped_templates() {
        let state = crate::service::state::AppState::shipped();
        let Ok(state) = state else {
            panic!("the shipped graph loads");
        };
        let config = QaConfig::load(&state.store);
        let Ok(config) = config else {
            panic!("questions.ttl loads: {config:?}");
        };
        assert!(config.templates.len() >= 8);
        for t in &config.templates {
            assert!(
                !t.examples.nl.is_empty() && !t.examples.en.is_empty(),
                "{}",
                t.id
            );
            assert!(t.sparql.contains("$facts"), "{}", t.id);
            assert!(!t.answer_pattern.nl.is_empty() && !t.answer_pattern.en.is_empty());
        }
        assert!(config.words.stop.contains("de") && config.words.stop.contains("the"));
        assert!(config.words.more_than.iter().any(|p| p.text == "meer dan"));
        assert!(config
            .relation_cues
            .iter()
            .any(|(p, w, _)| p.ends_with("def/owns") && w == "eigendom"));
    }
}
