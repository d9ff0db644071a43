//! The *candidates* stage: ranks the graph's facts by the words they share with a question
//! (BM25 over each fact's words in the question's language), and says which of the question's
//! content words a fact leaves unexplained.
//!
//! A fact's words are everything a reader could use to name it: its labels, its evidence and
//! source sentence, the time it is described with, and the labels (preferred, alternative,
//! hidden) of its subject, object, predicate, unit and qualifiers. Words are folded and stemmed
//! with the Snowball stemmers (`rust-stemmers`); numbers are one token without separators
//! ("43.866" → 43866). Synonyms are data: `qa:SynonymSet` nodes of `ontology/questions.ttl`,
//! whose words count as one another's. A question word with no posting is matched to the
//! graph's words within a small edit distance (typos), as the label lexicon does.
//!
//! Nothing here decides; `decide` in the engine reads the ranking and refuses on principle.

use super::fold::fold;
use super::lang::Lang;
use super::templates::{namespace, ByLang};
use crate::qa::error::Result;
use crate::store::Store;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::{HashMap, HashSet};

/// BM25's term-frequency saturation and length normalisation (the usual values).
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A synonym counts for this much of the word itself.
const SYNONYM_WEIGHT: f64 = 0.8;
/// A word matched despite a typo counts for this much.
const TYPO_WEIGHT: f64 = 0.7;
/// The shortest part of a compound word that is split ("spoor|vervoer").
const MIN_PART: usize = 4;
/// A word matched through its root (another inflection or derivation) counts for this much.
const ROOT_WEIGHT: f64 = 0.7;
/// The shortest root that matches words: shorter ones are shared by unrelated words.
const MIN_ROOT: usize = 4;

/// The words of every fact in one language.
#[derive(Default)]
struct Postings {
    /// Term → (fact, term frequency).
    terms: HashMap<String, Vec<(usize, u32)>>,
    /// Per fact: the terms of its own texts (not the sentence it shares with other facts):
    /// the words that can explain a question word.
    bags: Vec<HashSet<String>>,
    /// Per fact: the terms of its source sentences that its own texts do not have.
    sentence_bags: Vec<HashSet<String>>,
    /// The terms of what the document is about (`schema:about`): the setting of every fact,
    /// so "the plant" or "Audi" need not be repeated by each fact to be explained.
    setting: HashSet<String>,
    /// Root (`root`) → the terms of the graph's words with that root.
    roots: HashMap<String, HashSet<String>>,
    lengths: Vec<f64>,
    average: f64,
}

/// One fact's place in a ranking.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub fact: usize,
    pub score: f64,
    /// The question's content words this fact has nothing for.
    pub unexplained: Vec<String>,
    /// Those of them its source sentence has: the question speaks of the sentence the fact
    /// comes from.
    pub in_sentence: Vec<String>,
}

/// A question's content word, with the terms that count for it.
#[derive(Debug, Clone)]
pub struct Term {
    /// The word as the question wrote it (folded).
    pub word: String,
    /// (term, weight): the stem itself 1.0, synonyms and typo matches less.
    pub forms: Vec<(String, f64)>,
    /// For a compound, the forms of its two parts: a fact with both explains it too.
    pub parts: Option<[Vec<(String, f64)>; 2]>,
}

/// The ranking index of a graph.
pub struct Ranker {
    postings: ByLang<Postings>,
    /// Stem → the stems of its synonym sets, per language.
    synonyms: ByLang<HashMap<String, Vec<String>>>,
    /// Stem → the words of its synonym sets as written, per language (for matching them
    /// against word sets of another stemming, such as class labels).
    synonym_words: ByLang<HashMap<String, Vec<String>>>,
    stemmers: ByLang<Stemmer>,
}

impl std::fmt::Debug for Ranker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ranker")
            .field("terms_nl", &self.postings.nl.terms.len())
            .field("terms_en", &self.postings.en.terms.len())
            .finish()
    }
}

/// Splits folded text into words; a number written with thousands separators stays one word
/// without them ("43.866", "43,866" → "43866"); a decimal comma becomes a point.
pub fn words(text: &str) -> Vec<String> {
    let folded = fold(text);
    let chars: Vec<char> = folded.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = (c == '.' || c == ',')
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if c.is_alphanumeric() {
            current.push(c);
        } else if between_digits {
            // Three digits after the mark: a thousands separator; else a decimal mark.
            let group = chars[i + 1..]
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .count();
            if group != 3 {
                current.push('.');
            }
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

impl Ranker {
    pub fn build(store: &Store, facts: &[String]) -> Result<Ranker> {
        let mut ranker = Ranker {
            postings: ByLang::default(),
            synonyms: ByLang::default(),
            synonym_words: ByLang::default(),
            stemmers: ByLang {
                nl: Stemmer::create(Algorithm::Dutch),
                en: Stemmer::create(Algorithm::English),
            },
        };
        let by_iri: HashMap<&str, usize> = facts
            .iter()
            .enumerate()
            .map(|(i, f)| (f.as_str(), i))
            .collect();
        let own = fact_texts(store, OWN_TEXTS, &by_iri, facts.len())?;
        let shared = fact_texts(store, SENTENCE_TEXTS, &by_iri, facts.len())?;
        let qualifiers = fact_texts(store, QUALIFIER_TEXTS, &by_iri, facts.len())?;
        let setting = fact_texts(store, SETTING_TEXTS, &HashMap::from([("", 0)]), 1)?;
        for lang in [Lang::Nl, Lang::En] {
            let mut postings = ranker.index(lang, &own, &shared);
            for (bag, texts) in postings.bags.iter_mut().zip(&qualifiers) {
                for text in texts.get(lang) {
                    bag.extend(words(text).iter().map(|w| ranker.stem(lang, w)));
                }
            }
            for text in setting
                .first()
                .map(|t| t.get(lang).as_slice())
                .unwrap_or_default()
            {
                postings
                    .setting
                    .extend(words(text).iter().map(|w| ranker.stem(lang, w)));
            }
            *ranker.postings.get_mut(lang) = postings;
        }
        ranker.load_synonyms(store)?;
        Ok(ranker)
    }

    fn stem(&self, lang: Lang, word: &str) -> String {
        if word.chars().any(|c| c.is_ascii_digit()) {
            return word.to_owned();
        }
        self.stemmers.get(lang).stem(word).into_owned()
    }

    /// BM25 postings over each fact's own texts and its sentence; coverage bags over its own.
    fn index(
        &self,
        lang: Lang,
        own: &[ByLang<Vec<String>>],
        shared: &[ByLang<Vec<String>>],
    ) -> Postings {
        let mut p = Postings::default();
        for (fact, (own, shared)) in own.iter().zip(shared).enumerate() {
            let mut counts: HashMap<String, u32> = HashMap::new();
            let mut bag = HashSet::new();
            let mut sentence_bag = HashSet::new();
            for (text, is_own) in own
                .get(lang)
                .iter()
                .map(|t| (t, true))
                .chain(shared.get(lang).iter().map(|t| (t, false)))
            {
                for w in words(text) {
                    let term = self.stem(lang, &w);
                    if let Some(root) = root(lang, &w) {
                        p.roots.entry(root).or_default().insert(term.clone());
                    }
                    if is_own {
                        bag.insert(term.clone());
                    } else {
                        sentence_bag.insert(term.clone());
                    }
                    *counts.entry(term).or_default() += 1;
                }
            }
            p.lengths.push(counts.values().map(|&c| f64::from(c)).sum());
            sentence_bag.retain(|t| !bag.contains(t));
            p.sentence_bags.push(sentence_bag);
            p.bags.push(bag);
            for (term, tf) in counts {
                p.terms.entry(term).or_default().push((fact, tf));
            }
        }
        p.average = p.lengths.iter().sum::<f64>() / (p.lengths.len().max(1) as f64);
        p
    }

    fn load_synonyms(&mut self, store: &Store) -> Result<()> {
        let qa = namespace(store.base());
        let table = store.select(&format!(
            "SELECT ?set ?w WHERE {{ ?set a <{qa}SynonymSet> ; <{qa}words> ?w }}"
        ))?;
        // Per set and language, each word with its stem.
        let mut sets: HashMap<String, ByLang<Vec<(String, String)>>> = HashMap::new();
        for r in 0..table.rows.len() {
            let (Some(set), Some(oxigraph::model::Term::Literal(w))) =
                (table.get(r, "set"), table.get(r, "w"))
            else {
                continue;
            };
            let entry = sets.entry(set.to_string()).or_default();
            for lang in [Lang::Nl, Lang::En] {
                if w.language().is_none_or(|l| l.starts_with(lang.tag())) {
                    for word in w.value().split(',') {
                        let forms = words(word).into_iter().map(|x| (self.stem(lang, &x), x));
                        entry.get_mut(lang).extend(forms);
                    }
                }
            }
        }
        for set in sets.values() {
            for lang in [Lang::Nl, Lang::En] {
                let family = set.get(lang);
                for (stem, _) in family {
                    let others = family.iter().map(|(s, _)| s).filter(|o| *o != stem);
                    self.synonyms
                        .get_mut(lang)
                        .entry(stem.clone())
                        .or_default()
                        .extend(others.cloned());
                    self.synonym_words
                        .get_mut(lang)
                        .entry(stem.clone())
                        .or_default()
                        .extend(family.iter().map(|(_, w)| w.clone()));
                }
            }
        }
        Ok(())
    }

    /// The question's content words (those not in `stop`), each with the terms that count for
    /// it: its stem, its synonyms, and, when the graph has no such word, the graph's words
    /// within the typo allowance.
    pub fn terms(&self, question: &str, lang: Lang, stop: &HashSet<String>) -> Vec<Term> {
        let mut out: Vec<Term> = Vec::new();
        for word in words(question) {
            if stop.contains(&word) || out.iter().any(|t| t.word == word) {
                continue;
            }
            // A part that is a stop word says nothing: no split ("jaarhelft" is no "jaar").
            let parts = self
                .compound_parts(lang, &word)
                .filter(|(m, h)| !stop.contains(m) && !stop.contains(h))
                .map(|(m, h)| [self.forms(lang, &m), self.forms(lang, &h)]);
            let mut forms = self.forms(lang, &word);
            let stem = self.stem(lang, &word);
            if parts.is_none()
                && !self.postings.get(lang).terms.contains_key(&stem)
                && !word.chars().any(|c| c.is_ascii_digit())
            {
                forms.extend(self.near(lang, &stem));
            }
            out.push(Term { word, forms, parts });
        }
        out
    }

    /// The words of the synonym sets of `word`, as written (none when it has none).
    pub fn synonyms_of(&self, lang: Lang, word: &str) -> &[String] {
        let stem = self.stem(lang, word);
        self.synonym_words
            .get(lang)
            .get(&stem)
            .map_or(&[][..], Vec::as_slice)
    }

    /// A word's stem and the stems of its synonyms, with their weights.
    fn forms(&self, lang: Lang, word: &str) -> Vec<(String, f64)> {
        let stem = self.stem(lang, word);
        let mut forms = vec![(stem.clone(), 1.0)];
        for s in self.synonyms.get(lang).get(&stem).into_iter().flatten() {
            forms.push((s.clone(), SYNONYM_WEIGHT));
        }
        // Other inflections and derivations of the word that the graph has ("spaart",
        // "uitgespaard" → "besparing"), which the Snowball stemmer leaves apart.
        let related = root(lang, word)
            .and_then(|r| self.postings.get(lang).roots.get(&r))
            .into_iter()
            .flatten();
        for term in related {
            if !forms.iter().any(|(f, _)| f == term) {
                forms.push((term.clone(), ROOT_WEIGHT));
            }
        }
        forms
    }

    /// A compound split into two words the graph has ("batterijproductie" → "batterij",
    /// "productie"; "spoorvervoer" → "spoor", "vervoer"), as Dutch writes compounds; a Dutch
    /// linking "s" or "e" between them may go ("productiesite"). Such a word counts as
    /// explained by a fact that has it whole or has both parts.
    fn compound_parts(&self, lang: Lang, word: &str) -> Option<(String, String)> {
        let known = |w: &str| {
            let stem = self.stem(lang, w);
            self.postings.get(lang).terms.contains_key(&stem)
                || self.synonyms.get(lang).contains_key(&stem)
        };
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < 2 * MIN_PART || word.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        // The longest head first: Dutch compounds are headed on the right, and a long head
        // is the safer reading.
        for cut in MIN_PART..=chars.len() - MIN_PART {
            let head: String = chars[cut..].iter().collect();
            let mut modifier: String = chars[..cut].iter().collect();
            if !known(&head) {
                continue;
            }
            if !known(&modifier) {
                match modifier.pop() {
                    Some('s' | 'e') if modifier.chars().count() >= MIN_PART && known(&modifier) => {
                    }
                    _ => continue,
                }
            }
            return Some((modifier, head));
        }
        None
    }

    /// The graph's terms within the typo allowance of `stem` (none for short words).
    fn near(&self, lang: Lang, stem: &str) -> Vec<(String, f64)> {
        let chars: Vec<char> = stem.chars().collect();
        let max = super::distance::allowance(chars.len());
        if max == 0 {
            return Vec::new();
        }
        self.postings
            .get(lang)
            .terms
            .keys()
            .filter(|t| t.len().abs_diff(stem.len()) <= max)
            .filter(|t| {
                let other: Vec<char> = t.chars().collect();
                super::distance::bounded_distance(&chars, &other, max).is_some()
            })
            .map(|t| (t.clone(), TYPO_WEIGHT))
            .collect()
    }

    /// The terms no fact has in any form (its stem, a synonym, a near spelling, or both parts
    /// of a compound): what the graph has nothing for ("werknemers", "price").
    pub fn unknown<'a>(&self, lang: Lang, terms: &'a [Term]) -> Vec<&'a str> {
        let p = self.postings.get(lang);
        let known = |forms: &[(String, f64)]| forms.iter().any(|(f, _)| p.terms.contains_key(f));
        terms
            .iter()
            .filter(|t| {
                !known(&t.forms)
                    && !t.parts.as_ref().is_some_and(|[m, h]| known(m) && known(h))
                    && !p.setting.contains(&self.stem(lang, &t.word))
            })
            .map(|t| t.word.as_str())
            .collect()
    }

    /// Facts ranked by BM25 over `terms`, best first; each with the terms it does not explain.
    pub fn rank(&self, lang: Lang, terms: &[Term]) -> Vec<Ranked> {
        let p = self.postings.get(lang);
        let mut scores: HashMap<usize, f64> = HashMap::new();
        for term in terms {
            let mut best = self.form_scores(p, &term.forms);
            if let Some([modifier, head]) = &term.parts {
                // Both parts of a compound count as the word, at their mean.
                let (m, h) = (self.form_scores(p, modifier), self.form_scores(p, head));
                for (fact, hs) in h {
                    if let Some(ms) = m.get(&fact) {
                        let e = best.entry(fact).or_default();
                        *e = e.max((hs + ms) / 2.0);
                    }
                }
            }
            for (fact, s) in best {
                *scores.entry(fact).or_default() += s;
            }
        }
        let has = |fact: usize, forms: &[(String, f64)]| {
            forms
                .iter()
                .any(|(f, _)| p.bags[fact].contains(f) || p.setting.contains(f))
        };
        let mut ranked: Vec<Ranked> = scores
            .into_iter()
            .map(|(fact, score)| {
                let unexplained: Vec<&Term> = terms
                    .iter()
                    .filter(|t| {
                        !has(fact, &t.forms)
                            && !t
                                .parts
                                .as_ref()
                                .is_some_and(|[m, h]| has(fact, m) && has(fact, h))
                    })
                    .collect();
                Ranked {
                    fact,
                    score,
                    in_sentence: unexplained
                        .iter()
                        .filter(|t| {
                            t.forms
                                .iter()
                                .any(|(f, _)| p.sentence_bags[fact].contains(f))
                        })
                        .map(|t| t.word.clone())
                        .collect(),
                    unexplained: unexplained.iter().map(|t| t.word.clone()).collect(),
                }
            })
            .collect();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.fact.cmp(&b.fact)));
        ranked
    }
}

impl Ranker {
    /// Per fact, the BM25 weight of the best-weighted of `forms` it has (a word counts once).
    fn form_scores(&self, p: &Postings, forms: &[(String, f64)]) -> HashMap<usize, f64> {
        let n = p.bags.len() as f64;
        let mut best: HashMap<usize, f64> = HashMap::new();
        for (form, weight) in forms {
            let Some(list) = p.terms.get(form) else {
                continue;
            };
            let idf = ((n - list.len() as f64 + 0.5) / (list.len() as f64 + 0.5) + 1.0).ln();
            for &(fact, tf) in list {
                let tf = f64::from(tf);
                let norm = K1 * (1.0 - B + B * p.lengths[fact] / p.average.max(1.0));
                let s = weight * idf * tf * (K1 + 1.0) / (tf + norm);
                let e = best.entry(fact).or_default();
                *e = e.max(s);
            }
        }
        best
    }
}

/// Dutch prefixes that a verb or its derivations carry or drop ("uit|sparen", "be|sparing",
/// "ge|bouwd"), longest first. Negating ones ("on-") are not here: they change the meaning.
const DUTCH_PREFIXES: &[&str] = &[
    "terug", "over", "door", "voor", "aan", "uit", "mee", "toe", "ver", "ont", "her", "op", "af",
    "be", "ge",
];

/// Dutch inflection and derivation endings, longest first ("besparing", "rolden", "spaart").
const DUTCH_SUFFIXES: &[&str] = &[
    "ingen", "ende", "ing", "end", "den", "ten", "en", "de", "te", "t", "d", "e", "s",
];

/// The root that a Dutch word shares with its inflections and derivations: one separable or
/// inseparable prefix and then "ge" go, one ending goes, a doubled vowel or a doubled final
/// consonant is written once, and a final "v"/"z" as "f"/"s" ("spaart", "besparing",
/// "uitgespaard" → "spar"; "gebouwd", "bouwen" → "bouw"). `None` for other languages, numbers,
/// and roots too short to say much. English inflection is left to the Snowball stemmer, and
/// English prefixes are not stripped ("re-", "un-" change the meaning).
pub fn root(lang: Lang, word: &str) -> Option<String> {
    if lang != Lang::Nl || word.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut w: &str = word;
    let keeps = |rest: &str| rest.chars().count() >= MIN_ROOT;
    if let Some(rest) = DUTCH_PREFIXES
        .iter()
        .find_map(|p| w.strip_prefix(p).filter(|r| keeps(r)))
    {
        w = rest;
    }
    if let Some(rest) = w.strip_prefix("ge").filter(|r| keeps(r)) {
        w = rest;
    }
    if let Some(rest) = DUTCH_SUFFIXES.iter().find_map(|s| {
        w.strip_suffix(s)
            .filter(|r| r.chars().count() >= MIN_ROOT - 1)
    }) {
        w = rest;
    }
    let mut out: Vec<char> = Vec::new();
    for c in w.chars() {
        // "aa", "ee", "oo", "uu" → one vowel; "ll", "nn", … → one consonant.
        if out.last() == Some(&c) && c.is_alphabetic() {
            continue;
        }
        out.push(c);
    }
    match out.last_mut() {
        Some(c @ 'v') => *c = 'f',
        Some(c @ 'z') => *c = 's',
        _ => {}
    }
    (out.len() >= MIN_ROOT).then(|| out.into_iter().collect())
}

/// The texts of each fact, by language: `query` selects `?f` (a fact IRI, or none for one
/// document-wide row) and literal `?t`.
fn fact_texts(
    store: &Store,
    query: &str,
    by_iri: &HashMap<&str, usize>,
    n: usize,
) -> Result<Vec<ByLang<Vec<String>>>> {
    let mut texts: Vec<ByLang<Vec<String>>> = vec![ByLang::default(); n];
    let table = store.select(query)?;
    for r in 0..table.rows.len() {
        let Some(oxigraph::model::Term::Literal(t)) = table.get(r, "t") else {
            continue;
        };
        let f = match table.get(r, "f") {
            Some(oxigraph::model::Term::NamedNode(f)) => f.as_str(),
            _ => "",
        };
        let Some(&i) = by_iri.get(f) else {
            continue;
        };
        match t.language() {
            Some(l) if l.starts_with("nl") => texts[i].nl.push(t.value().to_owned()),
            Some(l) if l.starts_with("en") => texts[i].en.push(t.value().to_owned()),
            // Names without a language tag are the same in both.
            _ => {
                texts[i].nl.push(t.value().to_owned());
                texts[i].en.push(t.value().to_owned());
            }
        }
    }
    Ok(texts)
}

/// A fact's own texts: labels, evidence, time, and the labels of what it links.
const OWN_TEXTS: &str = "SELECT ?f ?t WHERE {
  ?f a fg:Fact .
  { ?f rdfs:label|fg:evidence|fg:timeDescription ?t }
  UNION { ?f rdf:subject|rdf:object|rdf:predicate|qudt:hasUnit|fg:context|fg:concernsModel|fg:substance|fg:aspect ?x .
          ?x rdfs:label|skos:prefLabel|skos:altLabel|skos:hiddenLabel ?t }
  UNION { ?f rdf:object ?t }
  UNION { ?f rdf:subject|rdf:object ?x . ?x a ?c . ?c rdfs:label|skos:prefLabel|skos:altLabel ?t }
  FILTER(isLiteral(?t))
}";

/// The other names of a fact's time qualifiers ("start", "since" for a start time; "komst"
/// for a plan): they explain a question's word (a question about when something starts is
/// explained by a fact that says when) but add nothing to its rank, since every fact with such
/// a qualifier has them.
const QUALIFIER_TEXTS: &str = "SELECT ?f ?t WHERE {
  { ?f a fg:Fact ; fg:startTime|fg:pointInTime|fg:validAt|fg:period ?v . ?f ?q ?v .
    ?q rdfs:isDefinedBy fg: ; skos:altLabel ?t }
  UNION { ?f a fg:Fact ; fg:planned true . fg:planned skos:altLabel ?t }
}";

/// The sentence a fact comes from, which it shares with the other facts of that sentence.
const SENTENCE_TEXTS: &str = "SELECT ?f ?t WHERE {
  ?f a fg:Fact ; fg:sourceSentence/nif:anchorOf ?t .
}";

/// The names of what the documents are about.
const SETTING_TEXTS: &str = "SELECT ?t WHERE {
  ?doc schema:about ?x . ?x rdfs:label|skos:prefLabel|skos:altLabel|skos:hiddenLabel ?t .
}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_inflections_and_derivations_share_a_root() {
        let r = |w: &str| root(Lang::Nl, w);
        for family in [
            &["spaart", "besparing", "besparen", "uitgespaard", "bespaart"][..],
            &["gebouwd", "bouwen", "bouwt"],
            &["geproduceerd", "produceren", "produceert"],
            &["vermindert", "verminderd", "minder"],
        ] {
            let roots: Vec<_> = family.iter().map(|w| r(w)).collect();
            assert!(roots[0].is_some(), "{family:?}");
            assert!(
                roots.iter().all(|x| *x == roots[0]),
                "{family:?}: {roots:?}"
            );
        }
        // Short roots say too little; English is the stemmer's.
        assert_eq!(r("opgewekt"), None);
        assert_eq!(root(Lang::En, "savings"), None);
        assert_ne!(r("onverminderd"), r("verminderd"));
    }

    #[test]
    fn numbers_are_one_word_without_separators() {
        assert_eq!(words("43.866 auto's"), ["43866", "auto", "s"]);
        assert_eq!(words("43,866 cars, 2,5 km"), ["43866", "cars", "2.5", "km"]);
        assert_eq!(words("Mission:Zero"), ["mission", "zero"]);
        assert_eq!(words("CO₂-neutraal"), ["co2", "neutraal"]);
    }
}
