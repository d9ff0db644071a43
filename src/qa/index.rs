//! The graph as question answering sees it: every fact with its qualifiers and words, and one
//! lexicon of entity and property labels, built once at start-up through SPARQL.

use std::collections::{HashMap, HashSet};

use crate::qa::error::Result;
use crate::store::model::Term;
use crate::store::{Store, Table};

use super::fuzzy::Lexicon;
use super::lang::Lang;
use super::normalise::{normalise, TokenKind};
use super::templates::{iri, literal as text, namespace, ByLang, QaConfig};

pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// What a label in the lexicon names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// An index into [`Index::entities`].
    Entity(usize),
    /// An index into [`Index::properties`].
    Property(usize),
    /// A label of the inverse of a property (`owl:inverseOf`): "the owner of X" names the
    /// subject of `fg:owns`. An index into [`Index::properties`].
    Inverse(usize),
}

/// A year or a month of a year, as the graph writes times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub year: i32,
    pub month: Option<u8>,
}

impl When {
    /// Reads "2018", "2022-05" or "2022-05-01".
    pub fn parse(lexical: &str) -> Option<When> {
        let mut parts = lexical.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next().and_then(|m| m.parse().ok());
        Some(When { year, month })
    }

    /// Compares this time with a year and/or month the question names: `Less` when it is
    /// earlier, `Greater` when later, `Equal` when it is the same as far as both say.
    pub fn cmp_with(&self, year: Option<i32>, month: Option<u8>) -> std::cmp::Ordering {
        let Some(y) = year else {
            return std::cmp::Ordering::Equal;
        };
        match self.year.cmp(&y) {
            std::cmp::Ordering::Equal => match (self.month, month) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => std::cmp::Ordering::Equal,
            },
            other => other,
        }
    }

    /// True when a mention (year and/or month) fits this time.
    pub fn fits(&self, year: Option<i32>, month: Option<u8>) -> bool {
        year.is_none_or(|y| y == self.year)
            && match (month, self.month) {
                (Some(m), Some(own)) => m == own,
                (Some(_), None) => false,
                (None, _) => true,
            }
    }
}

/// One `fg:Fact` with what matching needs.
#[derive(Debug, Clone)]
pub struct Fact {
    pub iri: String,
    pub subject: String,
    pub predicate: String,
    pub object: Term,
    /// The object as a number, for quantities.
    pub number: Option<f64>,
    pub unit: Option<String>,
    pub approximate: bool,
    pub planned: bool,
    pub initially: bool,
    pub start: Option<When>,
    pub point: Option<When>,
    pub valid: Option<When>,
    /// The period a quantity refers to (`fg:period`, "P1Y" for per year).
    pub period: Option<String>,
    /// Entities the fact names in qualifiers (`fg:context`, `fg:concernsModel`, …).
    pub qualifiers: Vec<String>,
    /// The qualifier property of each entry of `qualifiers`.
    pub qualifier_properties: Vec<String>,
    /// The sentences the fact comes from (`fg:sourceSentence`), sorted.
    pub sentences: Vec<String>,
    /// What the documents of those sentences are about and where they are set: the implicit
    /// setting of the fact, so naming it never counts against it ("… van de fabriek"). A fact
    /// of another document has another setting.
    pub topics: Vec<String>,
    /// The words of the fact's own label and time description (weight 1).
    pub label_words: ByLang<Words>,
    /// The words of the fact's evidence span (weight 0.6).
    pub evidence_words: ByLang<Words>,
    /// Word sets the fact shares with other facts, with their weight: its predicate's labels
    /// (1), the labels of its subject and object (0.5), its sentences (0.3). Indices into
    /// [`Index::pools`]: a sentence or a label is read once, however many facts cite it.
    pub shared: Vec<(u32, f64)>,
}

/// Weights of the texts a fact's words come from: how directly each speaks of the fact.
const OWN_WEIGHT: f64 = 1.0;
const PREDICATE_WEIGHT: f64 = 1.0;
const EVIDENCE_WEIGHT: f64 = 0.6;
const END_WEIGHT: f64 = 0.5;
const SENTENCE_WEIGHT: f64 = 0.3;

/// Word forms interned to numbers, so that a word set is a sorted list of small integers
/// rather than a map of strings (a million-triple graph held 2.4 GB of strings before).
#[derive(Debug, Default)]
pub struct Vocabulary {
    ids: HashMap<Box<str>, u32>,
}

impl Vocabulary {
    fn intern(&mut self, form: &str) -> u32 {
        if let Some(&id) = self.ids.get(form) {
            return id;
        }
        let id = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.ids.insert(form.into(), id);
        id
    }

    /// The number of a form, when some text of the graph has it.
    pub fn id(&self, form: &str) -> Option<u32> {
        self.ids.get(form).copied()
    }

    /// The number of distinct forms.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// A set of word forms: sorted, distinct [`Vocabulary`] numbers.
#[derive(Debug, Default, Clone)]
pub struct Words(Box<[u32]>);

impl Words {
    fn from_ids(mut ids: Vec<u32>) -> Words {
        ids.sort_unstable();
        ids.dedup();
        Words(ids.into_boxed_slice())
    }

    /// True when the set holds one of the forms.
    pub fn contains_any(&self, forms: &[u32]) -> bool {
        forms.iter().any(|f| self.0.binary_search(f).is_ok())
    }

    pub fn ids(&self) -> &[u32] {
        &self.0
    }
}

impl Fact {
    /// The IRI of the object, when it is one.
    pub fn object_iri(&self) -> Option<&str> {
        match &self.object {
            Term::NamedNode(n) => Some(n.as_str()),
            _ => None,
        }
    }

    /// The times of the fact, most specific first.
    pub fn times(&self) -> impl Iterator<Item = &When> {
        self.point.iter().chain(&self.start).chain(&self.valid)
    }
}

/// Facts, entities, properties and the lexicon of their labels.
#[derive(Debug)]
pub struct Index {
    pub facts: Vec<Fact>,
    pub entities: Vec<String>,
    pub properties: Vec<String>,
    /// Preferred labels of entities (and classes), per language.
    pub names: HashMap<String, ByLang<String>>,
    pub lexicon: Lexicon<Target>,
    /// Every word form of the graph's texts, numbered.
    pub vocabulary: Vocabulary,
    /// Word sets shared by many facts or entities: the labels of a predicate, of an entity,
    /// of a class, a sentence's words (see [`Fact::shared`]).
    pub pools: Vec<ByLang<Words>>,
    /// The word sets of each entity's labels and of its classes' labels: what a question's
    /// "which programme" may say about the answer. Indices into `pools`.
    pub entity_words: HashMap<String, Vec<u32>>,
    /// The word sets of the labels of every class a fact's thing belongs to: the nouns that
    /// name a kind of thing ("programma", "federation"). Indices into `pools`, sorted.
    pub class_pools: Vec<u32>,
    /// What the documents are about and where they are set (`schema:about`,
    /// `schema:contentLocation`): for a fact without a source sentence, the implicit setting.
    pub topics: HashSet<String>,
    /// Properties that are fact qualifiers rather than predicates (`fg:initially`, `fg:planned`).
    pub qualifier_properties: HashSet<usize>,
    /// The words of each qualifier property's labels ("opzicht", "respects" for `fg:aspect`):
    /// a question word right after "welk"/"what" that names one asks for that qualifier.
    /// Indices into `pools`.
    pub qualifier_words: HashMap<String, u32>,
    /// The latest present-tense time (`fg:validAt`): the article's present.
    pub present: Option<When>,
    /// `owl:FunctionalProperty` predicates (one object per subject) and
    /// `owl:InverseFunctionalProperty` ones (one subject per object).
    pub functional: HashSet<String>,
    pub inverse_functional: HashSet<String>,
    /// The most specific classes of each entity the facts name (no other class of the entity
    /// is a subclass of them): what "a thing of the same kind" means.
    pub kinds: HashMap<String, Vec<String>>,
    /// Ways into the facts, so that a question looks only at the facts it can be about
    /// instead of all of them.
    pub by_iri: HashMap<String, usize>,
    /// Facts by the IRIs at their ends (subject, object).
    pub by_end: HashMap<String, Vec<usize>>,
    /// Facts by the things their qualifiers name (`fg:context`, `fg:concernsModel`, …).
    pub by_qualifier: HashMap<String, Vec<usize>>,
    /// Facts that hold within a thing (`fg:context`), by that thing.
    pub by_context: HashMap<String, Vec<usize>>,
    pub by_predicate: HashMap<String, Vec<usize>>,
    /// Facts by the years of their times.
    pub by_year: HashMap<i32, Vec<usize>>,
    /// Quantity facts by their value as written, and by their value in the reference unit of
    /// its dimension (Wh, kg, m², m), each sorted by value.
    pub by_number: Vec<(f64, usize)>,
    pub by_measure: Vec<(f64, usize)>,
    /// Facts by the word forms of their own label and evidence, with the weight of the text.
    pub word_facts: ByLang<HashMap<u32, Vec<(u32, f32)>>>,
    /// Pools by the word forms they hold, and the facts that draw on each pool.
    pub word_pools: ByLang<HashMap<u32, Vec<u32>>>,
    /// The facts that draw on each pool, each with the weight it gives the pool's words.
    pub pool_facts: Vec<Vec<(u32, f32)>>,
}

impl Index {
    /// Whether the entity is a place (its kind is a place, country, city or continent).
    pub fn is_place(&self, iri: &str) -> bool {
        self.has_kind_among(iri, &["/Place", "/Country", "/City", "/Continent"])
    }

    /// The last segment of a fact's IRI ("rail-line-length"), for traces.
    pub fn short_name(&self, fact: usize) -> &str {
        self.facts
            .get(fact)
            .and_then(|f| f.iri.rsplit('/').next())
            .unwrap_or("")
    }

    /// Whether the entity can act: an organisation of any kind (company, group, federation,
    /// suppliers). What "wie", "who" asks for.
    pub fn is_agent(&self, iri: &str) -> bool {
        self.has_kind_among(
            iri,
            &[
                "/Organisation",
                "/Company",
                "/CorporateGroup",
                "/EmployersOrganisation",
                "/SupplierGroup",
            ],
        )
    }

    /// Whether the entity is a quality or a standing a fact ascribes (a concept, substance,
    /// certification, title or award: "CO2-neutraal") rather than a thing a fact is about.
    pub fn is_quality(&self, iri: &str) -> bool {
        self.has_kind_among(
            iri,
            &[
                "/Concept",
                "/Substance",
                "/Certification",
                "/Title",
                "/Award",
            ],
        )
    }

    /// Whether one of the entity's kinds (most specific classes) ends with one of `names`.
    fn has_kind_among(&self, iri: &str, names: &[&str]) -> bool {
        self.kinds
            .get(iri)
            .is_some_and(|k| k.iter().any(|c| names.iter().any(|n| c.ends_with(n))))
    }

    /// True when the entity is of one of the given kinds (most specific classes).
    pub fn same_kind(&self, entity: &str, kinds: &[String]) -> bool {
        self.kinds
            .get(entity)
            .is_some_and(|own| own.iter().any(|k| kinds.contains(k)))
    }

    /// The vocabulary numbers of a list of word forms; forms no text has are left out, as no
    /// word set can hold them.
    pub fn form_ids(&self, forms: &[&str]) -> Vec<u32> {
        forms.iter().filter_map(|f| self.vocabulary.id(f)).collect()
    }

    /// The weight with which a fact's words explain a question word given as the numbers of
    /// its forms (0 when they do not).
    pub fn explains(&self, fact: usize, lang: Lang, forms: &[u32]) -> f64 {
        let Some(f) = self.facts.get(fact) else {
            return 0.0;
        };
        if forms.is_empty() {
            return 0.0;
        }
        if f.label_words.get(lang).contains_any(forms) {
            return OWN_WEIGHT;
        }
        let mut weight = 0.0f64;
        for &(pool, w) in &f.shared {
            if w > weight
                && self
                    .pools
                    .get(pool as usize)
                    .is_some_and(|p| p.get(lang).contains_any(forms))
            {
                weight = w;
            }
        }
        if weight < EVIDENCE_WEIGHT && f.evidence_words.get(lang).contains_any(forms) {
            weight = EVIDENCE_WEIGHT;
        }
        weight
    }

    /// The word sets of a thing's labels, split into those of its classes' labels and those
    /// of its own (`(classes, own)`).
    pub fn pools_of(&self, iri: &str) -> (Vec<u32>, Vec<u32>) {
        self.entity_words
            .get(iri)
            .into_iter()
            .flatten()
            .partition(|p| self.class_pools.binary_search(p).is_ok())
    }

    /// True when one of the word sets (pool indices) holds one of the forms.
    pub fn pools_hold(&self, pools: &[u32], lang: Lang, forms: &[u32]) -> bool {
        pools.iter().any(|&p| {
            self.pools
                .get(p as usize)
                .is_some_and(|w| w.get(lang).contains_any(forms))
        })
    }

    /// True when the thing is the implicit setting of the fact: what its document is about or
    /// where it is set.
    pub fn is_topic(&self, fact: usize, iri: &str) -> bool {
        match self.facts.get(fact) {
            Some(f) if !f.sentences.is_empty() => f.topics.iter().any(|t| t == iri),
            _ => self.topics.contains(iri),
        }
    }

    /// The facts that share a subject or object with a fact, with the shared IRI.
    pub fn neighbours(&self, fact: usize) -> impl Iterator<Item = (usize, &str)> {
        let f = self.facts.get(fact);
        let ends = f
            .into_iter()
            .flat_map(|f| std::iter::once(f.subject.as_str()).chain(f.object_iri()));
        ends.flat_map(move |end| {
            self.by_end
                .get(end)
                .into_iter()
                .flatten()
                .filter(move |&&j| j != fact)
                .map(move |&j| (j, end))
        })
    }

    /// The facts that hold within a fact's subject (`fg:context`): "onder welk motto
    /// investeert Audi" joins the motto of 360factory with the investment made under it.
    pub fn within(&self, fact: usize) -> &[usize] {
        self.facts
            .get(fact)
            .and_then(|f| self.by_context.get(&f.subject))
            .map_or(&[], Vec::as_slice)
    }

    /// The quantity facts whose value is within a factor of ten of `value`: as written when
    /// the question names no unit, else in the reference unit.
    pub fn facts_near(&self, value: f64, measured: bool) -> impl Iterator<Item = usize> + '_ {
        let sorted = if measured {
            &self.by_measure
        } else {
            &self.by_number
        };
        let (lo, hi) = if value > 0.0 {
            (value / 10.0, value * 10.0)
        } else {
            (value * 10.0, value / 10.0)
        };
        let start = sorted.partition_point(|(v, _)| *v < lo);
        let end = sorted.partition_point(|(v, _)| *v <= hi);
        sorted
            .get(start..end)
            .into_iter()
            .flatten()
            .map(|&(_, i)| i)
    }

    /// How many postings [`Index::facts_with_words`] walks for these forms: a word most facts
    /// share costs much and tells little.
    pub fn postings(&self, lang: Lang, forms: &[u32]) -> usize {
        forms
            .iter()
            .map(|form| {
                let own = self.word_facts.get(lang).get(form).map_or(0, Vec::len);
                let pooled: usize = self
                    .word_pools
                    .get(lang)
                    .get(form)
                    .into_iter()
                    .flatten()
                    .map(|&p| self.pool_facts.get(p as usize).map_or(0, Vec::len))
                    .sum();
                own + pooled
            })
            .sum()
    }

    /// Calls `found(fact, weight)` for each fact whose words hold one of the forms, with the
    /// weight of the text that holds it (a fact may be reported more than once).
    pub fn facts_with_words(&self, lang: Lang, forms: &[u32], mut found: impl FnMut(usize, f32)) {
        for form in forms {
            for &(f, w) in self.word_facts.get(lang).get(form).into_iter().flatten() {
                found(f as usize, w);
            }
            for &pool in self.word_pools.get(lang).get(form).into_iter().flatten() {
                for &(f, w) in self.pool_facts.get(pool as usize).into_iter().flatten() {
                    found(f as usize, w);
                }
            }
        }
    }
}

fn boolean(table: &Table, row: usize, var: &str) -> bool {
    text(table.get(row, var)).is_some_and(|(v, _)| v == "true" || v == "1")
}

fn when(table: &Table, row: usize, var: &str) -> Option<When> {
    text(table.get(row, var)).and_then(|(v, _)| When::parse(v))
}

/// Adds the word forms of `text` (words, stems, compact forms, parts of compounds) to both
/// stemmings of a word set being built.
fn add_words(vocabulary: &mut Vocabulary, set: &mut ByLang<Vec<u32>>, text: &str) {
    for lang in [Lang::Nl, Lang::En] {
        let n = normalise(text, lang);
        let set = set.get_mut(lang);
        for t in &n.tokens {
            set.push(vocabulary.intern(&t.text));
            set.push(vocabulary.intern(&t.stem));
            set.push(vocabulary.intern(&t.compact()));
            if let Some(alt) = &t.alt {
                set.push(vocabulary.intern(alt));
            }
            if matches!(t.kind, TokenKind::Word) {
                for part in t.parts() {
                    set.push(vocabulary.intern(part));
                    set.push(vocabulary.intern(&super::normalise::stem(part, lang)));
                }
            }
        }
    }
}

fn finish(set: ByLang<Vec<u32>>) -> ByLang<Words> {
    ByLang {
        nl: Words::from_ids(set.nl),
        en: Words::from_ids(set.en),
    }
}

/// Shared word sets being built, one per IRI of a kind (predicate, entity, class, sentence).
#[derive(Default)]
struct Pools {
    sets: Vec<ByLang<Vec<u32>>>,
    by_key: HashMap<(u8, String), u32>,
}

const PREDICATE_POOL: u8 = 0;
const ENTITY_POOL: u8 = 1;
const CLASS_POOL: u8 = 2;
const SENTENCE_POOL: u8 = 3;
const QUALIFIER_POOL: u8 = 4;

impl Pools {
    fn add(&mut self, vocabulary: &mut Vocabulary, kind: u8, iri: &str, text: &str) -> u32 {
        let id = self.id(kind, iri);
        if let Some(set) = self.sets.get_mut(id as usize) {
            add_words(vocabulary, set, text);
        }
        id
    }

    fn id(&mut self, kind: u8, iri: &str) -> u32 {
        let next = u32::try_from(self.sets.len()).unwrap_or(u32::MAX);
        let id = *self.by_key.entry((kind, iri.to_owned())).or_insert(next);
        if id == next {
            self.sets.push(ByLang::default());
        }
        id
    }

    fn get(&self, kind: u8, iri: &str) -> Option<u32> {
        self.by_key.get(&(kind, iri.to_owned())).copied()
    }
}

impl Index {
    /// Builds the index from the store. Blocking.
    pub fn build(store: &Store, config: &QaConfig) -> Result<Index> {
        let qa = namespace(store.base());
        let facts_table = store.select(
            "SELECT ?f ?s ?p ?o ?unit ?approximate ?planned ?initially ?start ?point ?valid ?period WHERE {
               ?f a fg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
               OPTIONAL { ?f qudt:hasUnit ?unit }
               OPTIONAL { ?f fg:approximate ?approximate }
               OPTIONAL { ?f fg:planned ?planned }
               OPTIONAL { ?f fg:initially ?initially }
               OPTIONAL { ?f fg:startTime ?start }
               OPTIONAL { ?f fg:pointInTime ?point }
               OPTIONAL { ?f fg:validAt ?valid }
               OPTIONAL { ?f fg:period ?period }
             } ORDER BY ?f",
        )?;
        let mut facts: Vec<Fact> = Vec::new();
        let mut by_iri: HashMap<String, usize> = HashMap::new();
        for r in 0..facts_table.rows.len() {
            let t = &facts_table;
            let (Some(f), Some(s), Some(p), Some(o)) = (
                iri(t.get(r, "f")),
                iri(t.get(r, "s")),
                iri(t.get(r, "p")),
                t.get(r, "o"),
            ) else {
                continue;
            };
            if by_iri.contains_key(f) {
                continue;
            }
            let number = match o {
                Term::Literal(l) if l.language().is_none() => {
                    let dt = l.datatype().as_str();
                    let numeric = dt
                        .strip_prefix("http://www.w3.org/2001/XMLSchema#")
                        .is_some_and(|k| {
                            ["integer", "decimal", "double", "float", "int", "long"].contains(&k)
                        });
                    numeric.then(|| l.value().parse::<f64>().ok()).flatten()
                }
                _ => None,
            };
            by_iri.insert(f.to_owned(), facts.len());
            facts.push(Fact {
                iri: f.to_owned(),
                subject: s.to_owned(),
                predicate: p.to_owned(),
                object: o.clone(),
                number,
                unit: iri(t.get(r, "unit")).map(str::to_owned),
                approximate: boolean(t, r, "approximate"),
                planned: boolean(t, r, "planned"),
                initially: boolean(t, r, "initially"),
                start: when(t, r, "start"),
                point: when(t, r, "point"),
                valid: when(t, r, "valid"),
                period: match t.get(r, "period") {
                    Some(Term::Literal(l)) => Some(l.value().to_owned()),
                    _ => None,
                },
                qualifiers: Vec::new(),
                qualifier_properties: Vec::new(),
                sentences: Vec::new(),
                topics: Vec::new(),
                label_words: ByLang::default(),
                evidence_words: ByLang::default(),
                shared: Vec::new(),
            });
        }

        let qualifiers = store.select(
            "SELECT ?f ?p ?q WHERE { ?f a fg:Fact ; ?p ?q VALUES ?p { fg:context fg:concernsModel fg:substance fg:aspect } }",
        )?;
        for r in 0..qualifiers.rows.len() {
            if let (Some(f), Some(p), Some(q)) = (
                iri(qualifiers.get(r, "f")),
                iri(qualifiers.get(r, "p")),
                iri(qualifiers.get(r, "q")),
            ) {
                if let Some(&i) = by_iri.get(f) {
                    facts[i].qualifiers.push(q.to_owned());
                    facts[i].qualifier_properties.push(p.to_owned());
                }
            }
        }

        let sentences =
            store.select("SELECT ?f ?s WHERE { ?f a fg:Fact ; fg:sourceSentence ?s }")?;
        for r in 0..sentences.rows.len() {
            if let (Some(f), Some(sentence)) =
                (iri(sentences.get(r, "f")), iri(sentences.get(r, "s")))
            {
                if let Some(&i) = by_iri.get(f) {
                    facts[i].sentences.push(sentence.to_owned());
                }
            }
        }
        for f in &mut facts {
            f.sentences.sort();
        }

        // The words of each fact. Texts that many facts share (a sentence, a predicate's or an
        // entity's labels) are read once into a pool that the facts point to.
        let mut vocabulary = Vocabulary::default();
        let mut pools = Pools::default();
        // Per fact: the forms of its label and time description, and of its evidence.
        type OwnForms = (ByLang<Vec<u32>>, ByLang<Vec<u32>>);
        let mut own: Vec<OwnForms> = Vec::new();
        own.resize_with(facts.len(), Default::default);
        let words = store.select(
            "SELECT ?f ?text ?evidence WHERE {
               ?f a fg:Fact .
               { ?f rdfs:label|fg:timeDescription ?text BIND(false AS ?evidence) }
               UNION { ?f fg:evidence ?text BIND(true AS ?evidence) }
             }",
        )?;
        for r in 0..words.rows.len() {
            let (Some(f), Some((t, _))) = (iri(words.get(r, "f")), text(words.get(r, "text")))
            else {
                continue;
            };
            if let Some((label, evidence)) = by_iri.get(f).and_then(|&i| own.get_mut(i)) {
                let set = if boolean(&words, r, "evidence") {
                    evidence
                } else {
                    label
                };
                add_words(&mut vocabulary, set, t);
            }
        }
        let table = store.select(&format!(
            "PREFIX qa: <{qa}>
             SELECT ?p ?text WHERE {{
               {{ SELECT DISTINCT ?p WHERE {{ ?f a fg:Fact ; rdf:predicate ?p }} }}
               ?p rdfs:label|skos:altLabel|qa:relationCue ?text
             }}"
        ))?;
        for r in 0..table.rows.len() {
            if let (Some(p), Some((t, _))) = (iri(table.get(r, "p")), text(table.get(r, "text"))) {
                pools.add(&mut vocabulary, PREDICATE_POOL, p, t);
            }
        }
        let table = store.select(
            "SELECT ?s ?text WHERE {
               { SELECT DISTINCT ?s WHERE { ?f a fg:Fact ; fg:sourceSentence ?s } }
               ?s nif:anchorOf ?text
             }",
        )?;
        for r in 0..table.rows.len() {
            if let (Some(s), Some((t, _))) = (iri(table.get(r, "s")), text(table.get(r, "text"))) {
                pools.add(&mut vocabulary, SENTENCE_POOL, s, t);
            }
        }

        // Entities: everything a fact names, with all its labels.
        let mut lexicon = Lexicon::new();
        let mut entities: Vec<String> = Vec::new();
        let mut entity_index: HashMap<String, usize> = HashMap::new();
        let mut names: HashMap<String, ByLang<String>> = HashMap::new();
        let mut entity_words: HashMap<String, Vec<u32>> = HashMap::new();
        let classes = store.select(
            "SELECT DISTINCT ?e ?c WHERE {
               ?f a fg:Fact ; rdf:subject|rdf:object|fg:context|fg:concernsModel|fg:substance|fg:aspect ?e .
               ?e a/rdfs:subClassOf* ?c .
             }",
        )?;
        let mut class_iris: Vec<&str> = (0..classes.rows.len())
            .filter_map(|r| iri(classes.get(r, "c")))
            .collect();
        class_iris.sort_unstable();
        class_iris.dedup();
        if !class_iris.is_empty() {
            // The classes are IRIs read from the store, so they can stand in a VALUES block.
            let values: String = class_iris.iter().map(|c| format!("<{c}> ")).collect();
            let table = store.select(&format!(
                "SELECT ?c ?label WHERE {{ VALUES ?c {{ {values}}} ?c rdfs:label|skos:altLabel ?label }}"
            ))?;
            for r in 0..table.rows.len() {
                if let (Some(c), Some((label, _))) =
                    (iri(table.get(r, "c")), text(table.get(r, "label")))
                {
                    pools.add(&mut vocabulary, CLASS_POOL, c, label);
                }
            }
        }
        let mut class_pools: Vec<u32> = class_iris
            .iter()
            .filter_map(|c| pools.get(CLASS_POOL, c))
            .collect();
        class_pools.sort_unstable();
        for r in 0..classes.rows.len() {
            if let (Some(e), Some(c)) = (iri(classes.get(r, "e")), iri(classes.get(r, "c"))) {
                if let Some(pool) = pools.get(CLASS_POOL, c) {
                    entity_words.entry(e.to_owned()).or_default().push(pool);
                }
            }
        }
        let labels = store.select(
            "SELECT DISTINCT ?e ?kind ?label WHERE {
               ?f a fg:Fact ; rdf:subject|rdf:object|fg:context|fg:concernsModel|fg:substance|fg:aspect ?e .
               FILTER(isIRI(?e))
               ?e ?kind ?label .
               VALUES ?kind { skos:prefLabel skos:altLabel skos:hiddenLabel rdfs:label }
             }",
        )?;
        for r in 0..labels.rows.len() {
            let (Some(e), Some(kind), Some((label, lang))) = (
                iri(labels.get(r, "e")),
                iri(labels.get(r, "kind")),
                text(labels.get(r, "label")),
            ) else {
                continue;
            };
            let index = *entity_index.entry(e.to_owned()).or_insert_with(|| {
                entities.push(e.to_owned());
                entities.len() - 1
            });
            let pool = pools.add(&mut vocabulary, ENTITY_POOL, e, label);
            entity_words.entry(e.to_owned()).or_default().push(pool);
            let langs = lang.map_or(vec![Lang::Nl, Lang::En], |l| vec![l]);
            for l in &langs {
                lexicon.insert(label, *l, Target::Entity(index));
            }
            let preferred = kind.ends_with("#prefLabel") || kind.ends_with("rdf-schema#label");
            if preferred {
                let entry = names.entry(e.to_owned()).or_default();
                for l in langs {
                    // skos:prefLabel wins over rdfs:label.
                    if entry.get(l).is_empty() || kind.ends_with("#prefLabel") {
                        *entry.get_mut(l) = label.to_owned();
                    }
                }
            }
        }

        // Properties: the predicates of facts and the qualifiers that narrow a list.
        let mut properties: Vec<String> = Vec::new();
        let mut property_index: HashMap<String, usize> = HashMap::new();
        let mut qualifier_properties = HashSet::new();
        let labels = store.select(
            "SELECT DISTINCT ?p ?label ?qualifier WHERE {
               { ?f a fg:Fact ; rdf:predicate ?p BIND(false AS ?qualifier) }
               UNION { VALUES ?p { fg:initially fg:planned } BIND(true AS ?qualifier) }
               ?p rdfs:label|skos:altLabel ?label .
             }",
        )?;
        let mut add_property = |p: &str| -> usize {
            *property_index.entry(p.to_owned()).or_insert_with(|| {
                properties.push(p.to_owned());
                properties.len() - 1
            })
        };
        for r in 0..labels.rows.len() {
            let (Some(p), Some((label, lang))) =
                (iri(labels.get(r, "p")), text(labels.get(r, "label")))
            else {
                continue;
            };
            let index = add_property(p);
            if boolean(&labels, r, "qualifier") {
                qualifier_properties.insert(index);
            }
            for l in lang.map_or(vec![Lang::Nl, Lang::En], |l| vec![l]) {
                lexicon.insert(label, l, Target::Property(index));
            }
        }
        let inverse = store.select(
            "SELECT DISTINCT ?p ?label WHERE {
               ?f a fg:Fact ; rdf:predicate ?p . ?inverse owl:inverseOf ?p .
               ?inverse rdfs:label|skos:altLabel ?label .
             }",
        )?;
        for r in 0..inverse.rows.len() {
            let (Some(p), Some((label, lang))) =
                (iri(inverse.get(r, "p")), text(inverse.get(r, "label")))
            else {
                continue;
            };
            let index = add_property(p);
            for l in lang.map_or(vec![Lang::Nl, Lang::En], |l| vec![l]) {
                lexicon.insert(label, l, Target::Inverse(index));
            }
        }
        let mut qualifier_words: HashMap<String, u32> = HashMap::new();
        let table = store.select(
            "SELECT ?q ?label WHERE {
               VALUES ?q { fg:context fg:concernsModel fg:substance fg:aspect }
               ?q rdfs:label|skos:altLabel ?label .
             }",
        )?;
        for r in 0..table.rows.len() {
            if let (Some(q), Some((label, _))) =
                (iri(table.get(r, "q")), text(table.get(r, "label")))
            {
                let pool = pools.add(&mut vocabulary, QUALIFIER_POOL, q, label);
                qualifier_words.insert(q.to_owned(), pool);
            }
        }
        for (p, cue, lang) in &config.relation_cues {
            let index = add_property(p);
            lexicon.insert(cue, *lang, Target::Property(index));
        }
        let present = facts
            .iter()
            .filter_map(|f| f.valid)
            .max_by_key(|w| (w.year, w.month));
        let table = store.select(
            "SELECT ?p ?kind WHERE { ?p a ?kind VALUES ?kind { owl:FunctionalProperty owl:InverseFunctionalProperty } }",
        )?;
        let mut functional = HashSet::new();
        let mut inverse_functional = HashSet::new();
        for r in 0..table.rows.len() {
            if let (Some(p), Some(kind)) = (iri(table.get(r, "p")), iri(table.get(r, "kind"))) {
                if kind.ends_with("#InverseFunctionalProperty") {
                    inverse_functional.insert(p.to_owned());
                } else {
                    functional.insert(p.to_owned());
                }
            }
        }
        // Each entity's most specific classes. Two plain queries and the "no subclass of it
        // among the entity's classes" test here, rather than FILTER NOT EXISTS with a path
        // from a variable, which Virtuoso 7 evaluates wrongly (it kept the superclasses).
        let table = store.select(
            "SELECT DISTINCT ?e ?c WHERE { ?f a fg:Fact ; rdf:subject|rdf:object ?e . ?e a ?c }",
        )?;
        let ancestors = store.select(
            "SELECT DISTINCT ?d ?c WHERE {
               ?f a fg:Fact ; rdf:subject|rdf:object ?e .
               ?e a ?d . ?d rdfs:subClassOf+ ?c FILTER(?d != ?c)
             }",
        )?;
        let below: HashSet<(&str, &str)> = (0..ancestors.rows.len())
            .filter_map(|r| Some((iri(ancestors.get(r, "d"))?, iri(ancestors.get(r, "c"))?)))
            .collect();
        let mut classes_of: HashMap<&str, Vec<&str>> = HashMap::new();
        for r in 0..table.rows.len() {
            if let (Some(e), Some(c)) = (iri(table.get(r, "e")), iri(table.get(r, "c"))) {
                classes_of.entry(e).or_default().push(c);
            }
        }
        let mut kinds: HashMap<String, Vec<String>> = HashMap::new();
        for r in 0..table.rows.len() {
            if let (Some(e), Some(c)) = (iri(table.get(r, "e")), iri(table.get(r, "c"))) {
                let has_subclass = classes_of
                    .get(e)
                    .is_some_and(|cs| cs.iter().any(|d| below.contains(&(*d, c))));
                if !has_subclass {
                    kinds.entry(e.to_owned()).or_default().push(c.to_owned());
                }
            }
        }
        let about = store.select(
            "SELECT ?t WHERE { ?d a fg:Document ; schema:about|schema:contentLocation ?t }",
        )?;
        let topics = (0..about.rows.len())
            .filter_map(|r| iri(about.get(r, "t")).map(str::to_owned))
            .collect();
        let table = store.select(
            "SELECT DISTINCT ?f ?t WHERE {
               ?f a fg:Fact ; fg:sourceSentence ?s .
               ?s <http://purl.org/dc/terms/isPartOf> ?d .
               ?d a fg:Document ; schema:about|schema:contentLocation ?t .
             }",
        )?;
        for r in 0..table.rows.len() {
            if let (Some(f), Some(t)) = (iri(table.get(r, "f")), iri(table.get(r, "t"))) {
                if let Some(&i) = by_iri.get(f) {
                    facts[i].topics.push(t.to_owned());
                }
            }
        }
        // Each fact points to the pools of its predicate, its ends and its sentences.
        for (i, f) in facts.iter_mut().enumerate() {
            let mut shared = Vec::new();
            shared.extend(
                pools
                    .get(PREDICATE_POOL, &f.predicate)
                    .map(|p| (p, PREDICATE_WEIGHT)),
            );
            shared.extend(pools.get(ENTITY_POOL, &f.subject).map(|p| (p, END_WEIGHT)));
            if let Some(o) = f.object_iri() {
                shared.extend(pools.get(ENTITY_POOL, o).map(|p| (p, END_WEIGHT)));
            }
            for s in &f.sentences {
                shared.extend(pools.get(SENTENCE_POOL, s).map(|p| (p, SENTENCE_WEIGHT)));
            }
            shared.dedup();
            f.shared = shared;
            if let Some((label, evidence)) = own.get_mut(i).map(std::mem::take) {
                f.label_words = finish(label);
                f.evidence_words = finish(evidence);
            }
        }
        drop(own);
        for words in entity_words.values_mut() {
            words.sort_unstable();
            words.dedup();
        }
        let pools: Vec<ByLang<Words>> = pools.sets.into_iter().map(finish).collect();

        // The ways into the facts.
        let mut word_facts: ByLang<HashMap<u32, Vec<(u32, f32)>>> = ByLang::default();
        let mut pool_facts: Vec<Vec<(u32, f32)>> = vec![Vec::new(); pools.len()];
        let mut by_end: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_qualifier: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_context: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_predicate: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_year: HashMap<i32, Vec<usize>> = HashMap::new();
        let mut by_number: Vec<(f64, usize)> = Vec::new();
        let mut by_measure: Vec<(f64, usize)> = Vec::new();
        for (i, f) in facts.iter().enumerate() {
            let id = u32::try_from(i).unwrap_or(u32::MAX);
            for lang in [Lang::Nl, Lang::En] {
                let label = f.label_words.get(lang);
                let postings = word_facts.get_mut(lang);
                for &w in label.ids() {
                    postings.entry(w).or_default().push((id, OWN_WEIGHT as f32));
                }
                for &w in f.evidence_words.get(lang).ids() {
                    if !label.contains_any(&[w]) {
                        postings
                            .entry(w)
                            .or_default()
                            .push((id, EVIDENCE_WEIGHT as f32));
                    }
                }
            }
            for &(pool, weight) in &f.shared {
                if let Some(list) = pool_facts.get_mut(pool as usize) {
                    match list.last_mut() {
                        Some(last) if last.0 == id => last.1 = last.1.max(weight as f32),
                        _ => list.push((id, weight as f32)),
                    }
                }
            }
            by_end.entry(f.subject.clone()).or_default().push(i);
            if let Some(o) = f.object_iri().filter(|o| *o != f.subject) {
                by_end.entry(o.to_owned()).or_default().push(i);
            }
            for (q, p) in f.qualifiers.iter().zip(&f.qualifier_properties) {
                let list = by_qualifier.entry(q.clone()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
                if p.ends_with("/context") {
                    let list = by_context.entry(q.clone()).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
            by_predicate.entry(f.predicate.clone()).or_default().push(i);
            if let Some(n) = f.number {
                by_number.push((n, i));
                let factor = f
                    .unit
                    .as_deref()
                    .and_then(super::units::unit_by_iri)
                    .map_or(1.0, |u| u.factor);
                by_measure.push((n * factor, i));
            }
            let mut years: Vec<i32> = f.times().map(|w| w.year).collect();
            years.sort_unstable();
            years.dedup();
            for y in years {
                by_year.entry(y).or_default().push(i);
            }
        }
        by_number.sort_by(|a, b| a.0.total_cmp(&b.0));
        by_measure.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut word_pools: ByLang<HashMap<u32, Vec<u32>>> = ByLang::default();
        for (p, set) in pools.iter().enumerate() {
            let id = u32::try_from(p).unwrap_or(u32::MAX);
            for lang in [Lang::Nl, Lang::En] {
                let postings = word_pools.get_mut(lang);
                for &w in set.get(lang).ids() {
                    postings.entry(w).or_default().push(id);
                }
            }
        }
        Ok(Index {
            topics,
            facts,
            entities,
            properties,
            names,
            entity_words,
            class_pools,
            lexicon,
            vocabulary,
            pools,
            qualifier_properties,
            present,
            qualifier_words,
            functional,
            inverse_functional,
            kinds,
            by_iri,
            by_end,
            by_qualifier,
            by_context,
            by_predicate,
            by_year,
            by_number,
            by_measure,
            word_facts,
            word_pools,
            pool_facts,
        })
    }

    /// The entities whose labels name `text`, best first, with how much of it they account
    /// for (`matching::compare` over this lexicon): the reconciliation service reads names as
    /// the question engine does.
    pub(crate) fn entities_named(
        &self,
        text: &str,
    ) -> Vec<(&str, crate::link::matching::Similarity)> {
        crate::link::matching::compare(&self.lexicon, text)
            .into_iter()
            .filter_map(|(target, similarity)| match target {
                Target::Entity(i) => self.entities.get(i).map(|e| (e.as_str(), similarity)),
                Target::Property(_) | Target::Inverse(_) => None,
            })
            .collect()
    }

    /// The preferred label of an IRI in `lang`, falling back to the other language.
    pub fn name(&self, iri: &str, lang: Lang) -> Option<&str> {
        let names = self.names.get(iri)?;
        let own = names.get(lang);
        let name = if own.is_empty() {
            names.get(lang.other())
        } else {
            own
        };
        (!name.is_empty()).then_some(name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_fit_years_and_months() {
        let may = When::parse("2022-05");
        assert_eq!(
            may,
            Some(When {
                year: 2022,
                month: Some(5)
            })
        );
        let Some(may) = may else { return };
        assert!(may.fits(Some(2022), None));
        assert!(may.fits(Some(2022), Some(5)));
        assert!(!may.fits(Some(2022), Some(6)));
        assert!(!may.fits(Some(2021), None));
        let Some(year) = When::parse("2018") else {
            panic!("a year parses")
        };
        assert!(!year.fits(Some(2018), Some(3)));
    }

    #[test]
    fn word_sets_hold_words_and_stems_in_both_stemmings() {
        let mut vocabulary = Vocabulary::default();
        let mut set = ByLang::default();
        add_words(
            &mut vocabulary,
            &mut set,
            "De elektromotoren worden aangevoerd",
        );
        let words = finish(set);
        let id = |form: &str| vocabulary.id(form).map_or(vec![], |i| vec![i]);
        assert!(words.nl.contains_any(&id("aanvoer")));
        assert!(words.en.contains_any(&id("aangevoerd")));
        assert!(words.en.contains_any(&id("elektromotoren")));
        assert!(!words.nl.contains_any(&id("fabriek")));
    }
}
