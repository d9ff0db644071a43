//! Detects whether a question is written in Dutch or in English.
//!
//! The article is Dutch and most visitors ask in Dutch, so Dutch is the default whenever the
//! question gives no evidence either way (a bare name such as "Ingolstadt?" is such a case).
//! Detection counts stop words and question words of each language; question words weigh
//! double because they are the words a short question is least likely to borrow from the other
//! language.

use super::fold::fold;

/// The two languages the service answers in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Dutch, the language of the article.
    Nl,
    /// English.
    En,
}

impl Lang {
    /// The language used when a question gives no evidence: the article's own language.
    pub const DEFAULT: Lang = Lang::Nl;

    /// The BCP 47 tag used for language-tagged literals in the graph ("nl" or "en").
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// Reads a BCP 47 tag; regional variants ("nl-BE", "en-GB") count as their language.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language, for answering with a fallback label when one language is missing.
    pub fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }
}

/// Question words: strong evidence, weighted double.
const NL_QUESTION_WORDS: &[&str] = &[
    "hoeveel", "wanneer", "welke", "welk", "wie", "waar", "waarom", "hoe", "wat", "hoelang",
    "waarvan", "waarmee", "sinds",
];
const EN_QUESTION_WORDS: &[&str] = &[
    "how", "many", "much", "when", "which", "who", "where", "why", "what", "since",
];

/// Function words: weaker evidence, weighted once. Words both languages share in the same
/// spelling ("in", "is", "over", "was" in some uses) are left out on purpose so they cannot tip
/// the balance.
const NL_STOP_WORDS: &[&str] = &[
    "de",
    "het",
    "een",
    "van",
    "en",
    "op",
    "voor",
    "met",
    "door",
    "naar",
    "uit",
    "bij",
    "ook",
    "niet",
    "dat",
    "die",
    "deze",
    "dit",
    "er",
    "zijn",
    "wordt",
    "werd",
    "worden",
    "werden",
    "heeft",
    "hebben",
    "tot",
    "jaar",
    "jaarlijks",
    "fabriek",
    "vanaf",
    "geen",
    "nog",
    "al",
    "om",
    "aan",
    "per",
    "ieder",
    "elk",
    "elke",
];
const EN_STOP_WORDS: &[&str] = &[
    "the", "a", "an", "of", "and", "on", "for", "with", "by", "to", "from", "at", "also", "not",
    "that", "this", "these", "those", "there", "are", "were", "does", "did", "do", "has", "have",
    "had", "until", "year", "yearly", "annually", "plant", "factory", "each", "every", "per",
    "been", "its", "their",
];

/// Evidence for each language found in one question.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LangScores {
    /// Weighted count of Dutch cue words.
    pub nl: u32,
    /// Weighted count of English cue words.
    pub en: u32,
}

/// Counts the Dutch and English cue words of a question.
///
/// The question is folded (lowercase, no diacritics) and split on everything that is not a
/// letter or digit, so "Hoeveel" and "één" are recognised like "hoeveel" and "een".
pub fn scores(question: &str) -> LangScores {
    let folded = fold(question);
    let mut scores = LangScores::default();
    for word in folded.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if NL_QUESTION_WORDS.contains(&word) {
            scores.nl += 2;
        } else if NL_STOP_WORDS.contains(&word) {
            scores.nl += 1;
        }
        if EN_QUESTION_WORDS.contains(&word) {
            scores.en += 2;
        } else if EN_STOP_WORDS.contains(&word) {
            scores.en += 1;
        }
    }
    scores
}

/// Detects the language of a question; ties and questions without cue words give `default`.
pub fn detect_or(question: &str, default: Lang) -> Lang {
    decide(scores(question), [], default)
}

/// Decides the language from cue-word scores and, when they tie, from hints such as the
/// languages of the labels found in the question (a label used in one language only, like
/// "Hungary", is a hint for it). Hints that cancel out leave `default`.
pub fn decide(scores: LangScores, hints: impl IntoIterator<Item = Lang>, default: Lang) -> Lang {
    match scores.nl.cmp(&scores.en) {
        std::cmp::Ordering::Greater => return Lang::Nl,
        std::cmp::Ordering::Less => return Lang::En,
        std::cmp::Ordering::Equal => {}
    }
    let (mut nl, mut en) = (0u32, 0u32);
    for hint in hints {
        match hint {
            Lang::Nl => nl += 1,
            Lang::En => en += 1,
        }
    }
    match nl.cmp(&en) {
        std::cmp::Ordering::Greater => Lang::Nl,
        std::cmp::Ordering::Less => Lang::En,
        std::cmp::Ordering::Equal => default,
    }
}

/// Detects the language of a question, falling back to [`Lang::DEFAULT`] (Dutch).
pub fn detect(question: &str) -> Lang {
    detect_or(question, Lang::DEFAULT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_language_of_typical_questions() {
        let cases: &[(&str, Lang)] = &[
            (
                "Hoeveel auto's werden in 2021 in Brussel geproduceerd?",
                Lang::Nl,
            ),
            ("How many cars were produced in Brussels in 2021?", Lang::En),
            (
                "Wanneer stapte Audi Brussels over op groene stroom?",
                Lang::Nl,
            ),
            ("When did Audi Brussels switch to green power?", Lang::En),
            ("Welke modellen worden er gemaakt?", Lang::Nl),
            ("Which models are made there?", Lang::En),
            ("Wie is de eigenaar van de fabriek?", Lang::Nl),
            ("Who owns the plant?", Lang::En),
            ("Waar komen de elektromotoren vandaan?", Lang::Nl),
            ("Where do the electric motors come from?", Lang::En),
            ("Sinds wanneer is de fabriek CO₂-neutraal?", Lang::Nl),
            ("Since when is the factory carbon neutral?", Lang::En),
            ("Hoeveel MWh per jaar?", Lang::Nl),
            ("How much energy per year?", Lang::En),
        ];
        for (question, expected) in cases {
            assert_eq!(detect(question), *expected, "{question}");
        }
    }

    #[test]
    fn questions_without_evidence_get_the_default() {
        assert_eq!(detect("Ingolstadt?"), Lang::Nl);
        assert_eq!(detect_or("Ingolstadt?", Lang::En), Lang::En);
        assert_eq!(detect(""), Lang::Nl);
        assert_eq!(detect("Q8 e-tron 2021"), Lang::Nl);
    }

    #[test]
    fn hints_decide_only_when_cue_words_tie() {
        let tie = scores("Hungary?");
        assert_eq!(decide(tie, [Lang::En], Lang::Nl), Lang::En);
        assert_eq!(decide(tie, [Lang::En, Lang::Nl], Lang::Nl), Lang::Nl);
        assert_eq!(decide(tie, [], Lang::En), Lang::En);
        let dutch = scores("Hoeveel auto's in Hungary?");
        assert_eq!(decide(dutch, [Lang::En, Lang::En], Lang::En), Lang::Nl);
    }

    #[test]
    fn reads_language_tags() {
        assert_eq!(Lang::from_tag("nl"), Some(Lang::Nl));
        assert_eq!(Lang::from_tag("nl-BE"), Some(Lang::Nl));
        assert_eq!(Lang::from_tag("EN-gb"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::Nl.tag(), "nl");
        assert_eq!(Lang::En.other(), Lang::Nl);
    }
}
