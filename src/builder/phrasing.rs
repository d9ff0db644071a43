//! Sentence frames for the question builder: names with their articles, English verbs in the
//! form a question needs (`Shape`), and the candidate questions of one fact (`candidates`).

use super::graph::{FactRow, Graph};
use crate::qa::lang::Lang;
use crate::qa::model::Engine;
use crate::qa::templates::AnswerKind;
use crate::store::model::Term;

/// The prepositions that end a property label ("located in", "ligt in"): such a label is asked
/// with the preposition at the end of the question.
pub(crate) const PREPOSITIONS: &[&str] = &[
    "in", "at", "on", "for", "from", "via", "by", "to", "of", "van", "voor", "op", "vanuit",
    "door", "aan", "tot",
];

/// Verb particles that end a property label ("ramps up", "voert op"): asked like a
/// preposition, at the end.
pub(crate) const PARTICLES: &[&str] = &["up", "out", "off", "op", "uit", "af", "mee", "toe"];

/// What a question asks of a fact: the other end (`Object`, `Subject`) or its time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Asks {
    Object,
    Subject,
    Time,
}

impl Asks {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Asks::Object | Asks::Subject => "thing",
            Asks::Time => "time",
        }
    }
}

/// A name as it stands in a sentence: English names that start in lower case take "the";
/// Dutch ones take "de" or "het" (see [`dutch_article`]).
pub(crate) fn phrase(name: &str, lang: Lang) -> String {
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
pub(crate) fn head(name: &str) -> &str {
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
pub(crate) fn dutch_article(name: &str) -> &'static str {
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
pub(crate) fn plural(name: &str, lang: Lang) -> bool {
    let head = head(name);
    match lang {
        Lang::En => head.ends_with('s') && !head.ends_with("ss"),
        Lang::Nl => head.ends_with("en"),
    }
}

/// An English verb in the third person, back to its base form ("produces" → "produce",
/// "has" → "have"); `None` for a word that is not one.
pub(crate) fn english_base(word: &str) -> Option<String> {
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
pub(crate) struct Cues {
    /// "sinds wanneer", "since when": the first cue of a time template.
    pub(crate) time: Option<String>,
    pub(crate) words: Vec<String>,
}

impl Cues {
    pub(crate) fn of(engine: &Engine, lang: Lang) -> Cues {
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
    pub(crate) fn word(&self, word: &str) -> Option<String> {
        self.words
            .iter()
            .any(|w| w == word)
            .then(|| capitalised(word))
    }
}

/// How a property's label reads, judged on its English label (English morphology is regular
/// enough to tell a verb from a noun; the Dutch label is read the same way).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Shape {
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

pub(crate) fn shape(english: &str) -> Shape {
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
pub(crate) fn candidates(
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

/// `text` with its first letter in upper case.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(crate) fn names_take_their_article() {
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
    pub(crate) fn english_verbs_go_back_to_their_base_form() {
        assert_eq!(english_base("produces").as_deref(), Some("produce"));
        assert_eq!(english_base("has").as_deref(), Some("have"));
        assert_eq!(english_base("is"), None);
        assert_eq!(english_base("length"), None);
    }
}
