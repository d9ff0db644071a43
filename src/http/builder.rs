//! The question builder's data: `/questions/things` (every thing a fact names, by its names in
//! both languages) and `/questions/about` (the questions the templates answer about one thing).
//!
//! Nothing here is a list of questions written by hand. For each fact that names the thing, a
//! few sentence frames (the question words of the templates' cues, the property's label, the
//! names of the fact's ends) give candidate questions; each candidate is asked to the engine,
//! and only the first one it answers *with that fact and that end* is offered. So the builder
//! offers exactly the combinations the graph holds and the engine answers, and a change to the
//! templates or the data changes what it offers.

use crate::http::ask::language;
use crate::http::error::Error;
use crate::http::linked_data::html::capitalised;
use crate::qa::lang::Lang;
use crate::qa::model::Engine;
use crate::qa::templates::AnswerKind;
use crate::service::state::AppState;
use crate::store::model::Term;
use crate::store::{Store, Table};
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use std::collections::{BTreeMap, HashMap};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/questions/things", get(things))
        .route("/questions/about", get(about))
}

/// The facts with their ends, property and time, and the names of everything they name.
const FACTS: &str = "SELECT ?fact ?s ?p ?o ?time WHERE {
  ?fact a fg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?fact fg:startTime|fg:pointInTime ?time }
} ORDER BY ?fact";

const NAMES: &str = "SELECT DISTINCT ?e ?pref ?alt WHERE {
  { ?f a fg:Fact ; rdf:subject|rdf:object|rdf:predicate ?e }
  { ?e skos:prefLabel|rdfs:label ?pref } UNION { ?e skos:altLabel ?alt }
  FILTER(isIRI(?e))
}";

/// Each thing's kind: the label of a class it belongs to.
const KINDS: &str = "SELECT DISTINCT ?e ?label WHERE {
  ?f a fg:Fact ; rdf:subject|rdf:object ?e .
  ?e a ?class . ?class rdfs:label ?label .
  FILTER(isIRI(?e))
}";

/// The classes and superclasses of each thing, to tell places and organisations (which make
/// the question word "where" or "who"). The shape of the engine's own class query, which every
/// backend (Virtuoso included) reads.
const SUPERCLASSES: &str = "SELECT DISTINCT ?e ?c WHERE {
  ?f a fg:Fact ; rdf:subject|rdf:object ?e .
  ?e a/rdfs:subClassOf* ?c .
}";

#[derive(Debug, Default, Clone)]
struct Names {
    nl: Option<String>,
    en: Option<String>,
    other: Vec<String>,
}

impl Names {
    fn get(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Nl => self.nl.as_deref().or(self.en.as_deref()),
            Lang::En => self.en.as_deref().or(self.nl.as_deref()),
        }
    }
}

struct FactRow {
    iri: String,
    subject: String,
    predicate: String,
    object: Term,
    time: Option<String>,
}

struct Graph {
    facts: Vec<FactRow>,
    names: HashMap<String, Names>,
    kinds: HashMap<String, (Names, bool, bool)>,
}

fn text(table: &Table, row: usize, variable: &str) -> Option<String> {
    match table.get(row, variable)? {
        Term::NamedNode(n) => Some(n.as_str().to_owned()),
        Term::Literal(l) => Some(l.value().to_owned()),
        _ => None,
    }
}

fn lang_of(table: &Table, row: usize, variable: &str) -> Option<(String, Option<String>)> {
    match table.get(row, variable)? {
        Term::Literal(l) => Some((l.value().to_owned(), l.language().map(str::to_owned))),
        _ => None,
    }
}

impl Graph {
    fn read(store: &Store) -> Result<Graph, Error> {
        let table = store.select(FACTS)?;
        let mut facts = Vec::new();
        for row in 0..table.rows.len() {
            let (Some(iri), Some(subject), Some(predicate), Some(object)) = (
                text(&table, row, "fact"),
                text(&table, row, "s"),
                text(&table, row, "p"),
                table.get(row, "o").cloned(),
            ) else {
                continue;
            };
            // A fact with two times is read once, with its first.
            if facts.iter().any(|f: &FactRow| f.iri == iri) {
                continue;
            }
            facts.push(FactRow {
                iri,
                subject,
                predicate,
                object,
                time: text(&table, row, "time"),
            });
        }
        let mut names: HashMap<String, Names> = HashMap::new();
        let table = store.select(NAMES)?;
        for row in 0..table.rows.len() {
            let Some(e) = text(&table, row, "e") else {
                continue;
            };
            let entry = names.entry(e).or_default();
            if let Some((value, lang)) = lang_of(&table, row, "pref") {
                match lang.as_deref() {
                    Some("nl") if entry.nl.is_none() => entry.nl = Some(value),
                    Some("en") if entry.en.is_none() => entry.en = Some(value),
                    _ => entry.other.push(value),
                }
            }
            if let Some((value, _)) = lang_of(&table, row, "alt") {
                entry.other.push(value);
            }
        }
        let mut kinds: HashMap<String, (Names, bool, bool)> = HashMap::new();
        let table = store.select(KINDS)?;
        for row in 0..table.rows.len() {
            let Some(e) = text(&table, row, "e") else {
                continue;
            };
            let entry = kinds.entry(e).or_default();
            if let Some((value, lang)) = lang_of(&table, row, "label") {
                match lang.as_deref() {
                    Some("nl") if entry.0.nl.is_none() => entry.0.nl = Some(value),
                    Some("en") if entry.0.en.is_none() => entry.0.en = Some(value),
                    _ => {}
                }
            }
        }
        let place = format!("{}def/Place", store.base());
        let organisation = format!("{}def/Organisation", store.base());
        let table = store.select(SUPERCLASSES)?;
        for row in 0..table.rows.len() {
            let (Some(e), Some(c)) = (text(&table, row, "e"), text(&table, row, "c")) else {
                continue;
            };
            let entry = kinds.entry(e).or_default();
            entry.1 |= c == place;
            entry.2 |= c == organisation;
        }
        Ok(Graph {
            facts,
            names,
            kinds,
        })
    }

    fn name(&self, iri: &str, lang: Lang) -> Option<&str> {
        self.names.get(iri).and_then(|n| n.get(lang))
    }

    fn is_place(&self, iri: &str) -> bool {
        self.kinds.get(iri).is_some_and(|k| k.1)
    }

    fn is_agent(&self, iri: &str) -> bool {
        self.kinds.get(iri).is_some_and(|k| k.2)
    }

    /// Things that a fact has at one of its ends, with how many facts name them.
    fn things(&self) -> Vec<(&str, usize)> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for fact in &self.facts {
            *counts.entry(fact.subject.as_str()).or_default() += 1;
            if let Term::NamedNode(o) = &fact.object {
                *counts.entry(o.as_str()).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .filter(|(iri, _)| self.names.contains_key(*iri))
            .collect()
    }
}

/// The prepositions that end a property label ("located in", "ligt in"): such a label is asked
/// with the preposition at the end of the question.
const PREPOSITIONS: &[&str] = &[
    "in", "at", "on", "for", "from", "via", "by", "to", "of", "van", "voor", "op", "vanuit",
    "door", "aan", "tot",
];

/// Verb particles that end a property label ("ramps up", "voert op"): asked like a
/// preposition, at the end.
const PARTICLES: &[&str] = &["up", "out", "off", "op", "uit", "af", "mee", "toe"];

/// What a question asks of a fact: the other end (`Object`, `Subject`) or its time.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Asks {
    Object,
    Subject,
    Time,
}

impl Asks {
    fn name(self) -> &'static str {
        match self {
            Asks::Object | Asks::Subject => "thing",
            Asks::Time => "time",
        }
    }
}

/// A name as it stands in a sentence: English names that start in lower case take "the";
/// Dutch ones take "de" or "het" (see [`dutch_article`]).
fn phrase(name: &str, lang: Lang) -> String {
    let lower = name.chars().next().is_some_and(char::is_lowercase)
        || (lang == Lang::En
            && name.contains(' ')
            && name
                .rsplit(' ')
                .next()
                .is_some_and(|w| w.chars().all(char::is_lowercase)));
    let has_article = ["the ", "de ", "het ", "een ", "a ", "alle ", "all "]
        .iter()
        .any(|a| name.starts_with(a));
    if !lower || has_article {
        return name.to_owned();
    }
    match lang {
        Lang::En => format!("the {name}"),
        Lang::Nl => format!("{} {name}", dutch_article(name)),
    }
}

/// The head noun of a name: its last word before the first preposition.
fn head(name: &str) -> &str {
    let words: Vec<&str> = name.split(' ').collect();
    let end = words
        .iter()
        .skip(1)
        .position(|w| PREPOSITIONS.contains(w))
        .map_or(words.len(), |i| i + 1);
    words[..end].last().copied().unwrap_or(name)
}

/// "de" or "het" for a Dutch noun phrase, by the ending of its head noun (the first word that
/// is not an inflected adjective): plurals and the endings of common-gender nouns (-e, -ing,
/// -heid, -teit, -ie, -st, -lijn) take "de", the rest "het". A rule of thumb: a wrong article
/// still reads, and the engine checks every question built with it.
fn dutch_article(name: &str) -> &'static str {
    let words: Vec<&str> = name.split(' ').collect();
    let head = words
        .iter()
        .enumerate()
        .find(|(i, w)| !(w.ends_with('e') && i + 1 < words.len()))
        .map_or(name, |(_, w)| w);
    let de = [
        "en", "e", "ing", "heid", "teit", "ie", "st", "lijn", "ij", "or",
    ];
    if de.iter().any(|end| head.ends_with(end)) {
        "de"
    } else {
        "het"
    }
}

/// Whether a name is plural: its head noun ends in -s (English) or -en (Dutch).
fn plural(name: &str, lang: Lang) -> bool {
    let head = head(name);
    match lang {
        Lang::En => head.ends_with('s') && !head.ends_with("ss"),
        Lang::Nl => head.ends_with("en"),
    }
}

/// An English verb in the third person, back to its base form ("produces" → "produce",
/// "has" → "have"); `None` for a word that is not one.
fn english_base(word: &str) -> Option<String> {
    match word {
        "has" => Some("have".to_owned()),
        "is" | "was" | "does" => None,
        w if w.ends_with("ies") => Some(format!("{}y", &w[..w.len() - 3])),
        w if w.ends_with('s') && !w.ends_with("ss") && w.len() > 2 => {
            Some(w[..w.len() - 1].to_owned())
        }
        _ => None,
    }
}

/// The question words the templates' cues offer in `lang`, by what they ask: a question is
/// only built with a word that some template is cued by.
struct Cues {
    /// "sinds wanneer", "since when": the first cue of a time template.
    time: Option<String>,
    words: Vec<String>,
}

impl Cues {
    fn of(engine: &Engine, lang: Lang) -> Cues {
        let mut time: Option<String> = None;
        let mut words = Vec::new();
        for template in engine.templates() {
            for cue in template.cues.iter().filter(|c| c.lang == lang) {
                let text = cue.text.to_lowercase();
                // The time cue the template's own examples open with ("sinds wanneer"): the
                // longest, so "since when" wins over "when".
                let opens = template
                    .examples
                    .get(lang)
                    .iter()
                    .any(|e| e.to_lowercase().starts_with(&format!("{text} ")));
                if template.kind == AnswerKind::Time
                    && opens
                    && time.as_ref().is_none_or(|t| t.len() < text.len())
                {
                    time = Some(text.clone());
                }
                words.push(text);
            }
        }
        Cues { time, words }
    }

    /// The question word if a template is cued by it.
    fn word(&self, word: &str) -> Option<String> {
        self.words
            .iter()
            .any(|w| w == word)
            .then(|| capitalised(word))
    }
}

/// How a property's label reads, judged on its English label (English morphology is regular
/// enough to tell a verb from a noun; the Dutch label is read the same way).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    /// "length", "origin", "annual CO2 saving", "component for".
    Noun,
    /// "owns", "produces model", "invests in".
    Verb,
    /// "is pioneer in".
    Copula,
    /// "located in", "supplied from", "awarded by".
    Passive,
    /// "received award".
    Past,
}

fn shape(english: &str) -> Shape {
    let words: Vec<&str> = english.split(' ').collect();
    let first = words.first().copied().unwrap_or("");
    let last = words.last().copied().unwrap_or("");
    if first == "is" && words.len() > 1 {
        Shape::Copula
    } else if english_base(first).is_some() {
        Shape::Verb
    } else if first.ends_with("ed") && words.len() > 1 && !PREPOSITIONS.contains(&last) {
        Shape::Past
    } else if first.ends_with("ed") {
        Shape::Passive
    } else {
        Shape::Noun
    }
}

/// Candidate questions about one fact, most natural first, each with what it asks.
fn candidates(
    graph: &Graph,
    cues: &Cues,
    fact: &FactRow,
    thing: &str,
    lang: Lang,
) -> Vec<(String, Asks)> {
    let mut out = Vec::new();
    let (Some(relation), Some(english)) = (
        graph.name(&fact.predicate, lang),
        graph.name(&fact.predicate, Lang::En),
    ) else {
        return out;
    };
    let Some(subject_name) = graph.name(&fact.subject, lang) else {
        return out;
    };
    let subject = phrase(subject_name, lang);
    let object_iri = match &fact.object {
        Term::NamedNode(n) => Some(n.as_str()),
        _ => None,
    };
    let object_name = object_iri.and_then(|o| graph.name(o, lang));
    let object = object_name.map(|n| phrase(n, lang));
    let shape = shape(english);
    let words: Vec<&str> = relation.split(' ').collect();
    let first = words.first().copied().unwrap_or("");
    let rest = words[1..].join(" ");
    let last = words.last().copied().unwrap_or("");
    let ends_in_preposition =
        words.len() > 1 && (PREPOSITIONS.contains(&last) || PARTICLES.contains(&last));
    // A Dutch label can read otherwise than the English one: "ligt in" is a verb where
    // "located in" is a participle.
    let shape = match (lang, shape) {
        (Lang::Nl, Shape::Passive | Shape::Past) if first.ends_with('t') => Shape::Verb,
        _ => shape,
    };
    // "produces model", "uses energy source", "draagt titel": a verb and the noun that names
    // what is asked for.
    let verb_and_noun = matches!(shape, Shape::Verb | Shape::Past)
        && !rest.is_empty()
        && !ends_in_preposition
        && !rest.starts_with("to ")
        && (lang == Lang::En || words.len() == 2);
    let word = |en: &str, nl: &str| match lang {
        Lang::En => cues.word(en),
        Lang::Nl => cues.word(nl),
    };
    let wh = |iri: Option<&str>| -> Option<String> {
        match iri {
            Some(o) if graph.is_place(o) => word("where", "waar"),
            Some(o) if graph.is_agent(o) => word("who", "wie"),
            _ => word("what", "wat"),
        }
    };
    let what = word("what", "wat");
    let is_subject = fact.subject == thing;
    let is_object = object_iri == Some(thing);
    let numeric = matches!(&fact.object, Term::Literal(l) if l.value().parse::<f64>().is_ok());
    let year: Option<String> = fact.time.as_deref().map(|t| t.chars().take(4).collect());
    let when = cues.time.as_deref().map(capitalised);
    // In a time question the object follows the verb: a name keeps its article rule, a common
    // noun ("green power", "groene stroom") reads best bare.
    let object_name = object_name.map(|n| {
        if n.chars().next().is_some_and(char::is_uppercase) {
            phrase(n, lang)
        } else {
            n.to_owned()
        }
    });
    let object_name = object_name.as_deref();
    let many = plural(subject_name, lang);
    match lang {
        Lang::En => {
            let be = if many { "are" } else { "is" };
            let does = if many { "do" } else { "does" };
            let base = english_base(first).unwrap_or_default();
            if is_subject {
                let wh = wh(object_iri);
                match (shape, &what, &wh) {
                    (Shape::Noun, Some(what), _) if ends_in_preposition => {
                        out.push((format!("{what} {be} {subject} a {relation}?"), Asks::Object));
                    }
                    (Shape::Noun, Some(what), _) => {
                        if let Some(year) = year.as_deref().filter(|_| numeric) {
                            out.push((
                                format!("{what} {be} the {relation} of {subject} in {year}?"),
                                Asks::Object,
                            ));
                        }
                        out.push((
                            format!("{what} {be} the {relation} of {subject}?"),
                            Asks::Object,
                        ));
                    }
                    (Shape::Verb, _, Some(wh)) if verb_and_noun => {
                        out.push((
                            format!("Which {rest} {does} {subject} {base}?"),
                            Asks::Object,
                        ));
                        out.push((format!("{wh} {does} {subject} {base}?"), Asks::Object));
                    }
                    (Shape::Verb, _, Some(wh)) => {
                        let tail = if rest.is_empty() {
                            String::new()
                        } else {
                            format!(" {rest}")
                        };
                        out.push((format!("{wh} {does} {subject} {base}{tail}?"), Asks::Object));
                    }
                    (Shape::Copula, _, Some(wh)) => {
                        out.push((format!("{wh} {be} {subject} {rest}?"), Asks::Object));
                    }
                    (Shape::Past, _, _) => {
                        let base = first.trim_end_matches('d');
                        out.push((format!("Which {rest} did {subject} {base}?"), Asks::Object));
                    }
                    (Shape::Passive, _, Some(wh)) => {
                        let passive = if wh == "Where" && last == "in" {
                            words[..words.len() - 1].join(" ")
                        } else {
                            relation.to_owned()
                        };
                        out.push((format!("{wh} {be} {subject} {passive}?"), Asks::Object));
                    }
                    _ => {}
                }
            }
            if let (true, Some(object)) = (is_object, &object) {
                let wh = match wh(Some(&fact.subject)) {
                    Some(w) if w == "Where" => what.clone(),
                    other => other,
                };
                if let Some(wh) = wh {
                    match shape {
                        Shape::Verb if verb_and_noun => {
                            out.push((format!("{wh} {first} {object}?"), Asks::Subject));
                        }
                        Shape::Verb | Shape::Copula => {
                            out.push((format!("{wh} {relation} {object}?"), Asks::Subject));
                        }
                        Shape::Passive => {
                            out.push((format!("{wh} is {relation} {object}?"), Asks::Subject));
                        }
                        Shape::Past => {
                            out.push((format!("{wh} {first} {object}?"), Asks::Subject));
                        }
                        Shape::Noun => {
                            out.push((
                                format!("{wh} has {object} as its {relation}?"),
                                Asks::Subject,
                            ));
                        }
                    }
                }
            }
            if let (Some(when), Some(object)) = (&when, object_name) {
                match shape {
                    Shape::Verb => {
                        let tail = if verb_and_noun || rest.is_empty() {
                            String::new()
                        } else {
                            format!(" {rest}")
                        };
                        out.push((
                            format!("{when} {does} {subject} {base}{tail} {object}?"),
                            Asks::Time,
                        ));
                    }
                    Shape::Copula | Shape::Passive => {
                        out.push((
                            format!("{when} {be} {subject} {relation} {object}?"),
                            Asks::Time,
                        ));
                    }
                    _ => {}
                }
            }
        }
        Lang::Nl => {
            let is = if many { "zijn" } else { "is" };
            let wordt = if many { "worden" } else { "wordt" };
            if is_subject {
                let wh = wh(object_iri);
                match (shape, &what, &wh) {
                    (Shape::Noun, Some(what), _) if ends_in_preposition => {
                        out.push((
                            format!("{what} {is} {subject} een {relation}?"),
                            Asks::Object,
                        ));
                    }
                    (Shape::Noun, Some(what), _) => {
                        let article = dutch_article(relation);
                        if let Some(year) = year.as_deref().filter(|_| numeric) {
                            out.push((
                                format!(
                                    "{what} {is} {article} {relation} van {subject} in {year}?"
                                ),
                                Asks::Object,
                            ));
                        }
                        out.push((
                            format!("{what} {is} {article} {relation} van {subject}?"),
                            Asks::Object,
                        ));
                    }
                    (Shape::Verb | Shape::Copula | Shape::Past, _, Some(wh)) => {
                        if wh == "Waar" && ends_in_preposition {
                            out.push((format!("{wh} {first} {subject}?"), Asks::Object));
                        }
                        if verb_and_noun || rest.is_empty() {
                            out.push((format!("{wh} {first} {subject}?"), Asks::Object));
                        } else {
                            out.push((format!("{wh} {first} {subject} {rest}?"), Asks::Object));
                        }
                    }
                    (Shape::Passive, _, Some(wh)) => {
                        let participle = if wh == "Waar" {
                            words[..words.len() - 1].join(" ")
                        } else {
                            relation.to_owned()
                        };
                        if object_iri.is_some_and(|o| graph.is_agent(o)) {
                            out.push((
                                format!("Door wie {wordt} {subject} {participle}?"),
                                Asks::Object,
                            ));
                        }
                        out.push((
                            format!("{wh} {wordt} {subject} {participle}?"),
                            Asks::Object,
                        ));
                    }
                    _ => {}
                }
            }
            if let (true, Some(object)) = (is_object, &object) {
                let wh = match wh(Some(&fact.subject)) {
                    Some(w) if w == "Waar" => what.clone(),
                    other => other,
                };
                if let Some(wh) = wh {
                    match shape {
                        Shape::Verb if verb_and_noun => {
                            out.push((format!("{wh} {first} {object}?"), Asks::Subject));
                        }
                        Shape::Verb | Shape::Copula | Shape::Past => {
                            out.push((format!("{wh} {relation} {object}?"), Asks::Subject));
                        }
                        Shape::Passive => {
                            out.push((format!("{wh} wordt {relation} {object}?"), Asks::Subject));
                        }
                        Shape::Noun => {
                            out.push((
                                format!("{wh} heeft {object} als {relation}?"),
                                Asks::Subject,
                            ));
                        }
                    }
                }
            }
            if let (Some(when), Some(object)) = (&when, object_name) {
                match shape {
                    Shape::Verb | Shape::Copula => {
                        let tail = if verb_and_noun || rest.is_empty() {
                            String::new()
                        } else {
                            format!(" {rest}")
                        };
                        out.push((
                            format!("{when} {first} {subject}{tail} {object}?"),
                            Asks::Time,
                        ));
                    }
                    Shape::Passive => {
                        out.push((
                            format!("{when} {wordt} {subject} {relation} {object}?"),
                            Asks::Time,
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    // Only what the question may ask of this fact from this thing.
    out.retain(|(_, asks)| match asks {
        Asks::Object => is_subject,
        Asks::Subject => is_object,
        Asks::Time => fact.time.is_some(),
    });
    out
}

/// Whether the engine answers `question` with `fact` and the end (or time) it asks for.
fn answers(
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
fn questions_about(
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

/// Reads `name=value` parameters, each at most once.
fn parameters(raw: Option<String>, names: &[&str]) -> Result<HashMap<String, String>, Error> {
    let mut out = HashMap::new();
    for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        if !names.contains(&key.as_ref()) {
            continue;
        }
        if out.insert(key.to_string(), value.into_owned()).is_some() {
            return Err(Error::BadRequest(format!(
                "parameter {key:?} is given more than once; give it once"
            )));
        }
    }
    Ok(out)
}

/// Runs `work` on a blocking thread with a query slot, caching its JSON under `key` (the cache
/// is cleared whenever the graph changes).
async fn cached(
    state: AppState,
    key: String,
    work: impl FnOnce(&AppState) -> Result<serde_json::Value, Error> + Send + 'static,
) -> Response {
    crate::http::ask::cached_json(state, key, move |state| {
        let value = work(state)?;
        serde_json::to_vec(&value).map_err(|e| Error::Internal(format!("JSON: {e}")))
    })
    .await
}

/// `GET /questions/things`: every thing a fact names, with its names in both languages (for
/// searching), its kind and how many facts name it.
async fn things(State(state): State<AppState>) -> Response {
    cached(state, "builder\0things".to_owned(), |state| {
        let graph = Graph::read(&state.store)?;
        let mut things: Vec<serde_json::Value> = Vec::new();
        let mut listed = graph.things();
        listed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (iri, facts) in listed {
            let Some(names) = graph.names.get(iri) else {
                continue;
            };
            let mut all: Vec<&str> = names.nl.iter().chain(&names.en).chain(&names.other).map(String::as_str).collect();
            all.dedup();
            let kind = graph.kinds.get(iri).map(|k| &k.0);
            things.push(serde_json::json!({
                "iri": iri,
                "name": { "nl": names.get(Lang::Nl), "en": names.get(Lang::En) },
                "names": all,
                "kind": { "nl": kind.and_then(|k| k.get(Lang::Nl)), "en": kind.and_then(|k| k.get(Lang::En)) },
                "facts": facts,
            }));
        }
        Ok(serde_json::json!({ "things": things }))
    })
    .await
}

/// `GET /questions/about?thing=…&lang=…`: the questions the engine answers about the thing.
async fn about(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let params = match parameters(raw, &["thing", "lang"]) {
        Ok(params) => params,
        Err(e) => return e.into_json_response(),
    };
    let Some(thing) = params.get("thing").cloned() else {
        return Error::BadRequest(
            "missing parameter \"thing\": the IRI of a thing from /questions/things".to_owned(),
        )
        .into_json_response();
    };
    let lang = match params.get("lang").map(|l| language(l)).transpose() {
        Ok(lang) => lang.unwrap_or(Lang::En),
        Err(e) => return e.into_json_response(),
    };
    let key = format!("builder\0about\0{}\0{thing}", lang.tag());
    cached(state, key, move |state| {
        let graph = Graph::read(&state.store)?;
        if !graph.things().iter().any(|(iri, _)| *iri == thing) {
            return Err(Error::NotFound(format!(
                "no fact names {thing:?}; /questions/things lists the things facts name"
            )));
        }
        let engine = state.qa();
        let questions = questions_about(&engine, &state.store, &graph, &thing, lang);
        Ok(serde_json::json!({
            "thing": thing,
            "name": graph.name(&thing, lang),
            "lang": lang.tag(),
            "questions": questions,
        }))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_take_their_article() {
        assert_eq!(phrase("Audi", Lang::En), "Audi");
        assert_eq!(
            phrase("green freight line from Hungary", Lang::En),
            "the green freight line from Hungary"
        );
        assert_eq!(
            phrase("groene vrachtlijn vanuit Hongarije", Lang::Nl),
            "de groene vrachtlijn vanuit Hongarije"
        );
        assert_eq!(
            phrase("zonne-energiesysteem op de fabrieksdaken", Lang::Nl),
            "het zonne-energiesysteem op de fabrieksdaken"
        );
        assert_eq!(
            phrase("elektromotoren voor de Q8 e-tron", Lang::Nl),
            "de elektromotoren voor de Q8 e-tron"
        );
        assert!(plural("electric motors for the Q8 e-tron", Lang::En));
        assert!(!plural("battery pack production in Ingolstadt", Lang::En));
    }

    #[test]
    fn english_verbs_go_back_to_their_base_form() {
        assert_eq!(english_base("produces").as_deref(), Some("produce"));
        assert_eq!(english_base("has").as_deref(), Some("have"));
        assert_eq!(english_base("is"), None);
        assert_eq!(english_base("length"), None);
    }
}
