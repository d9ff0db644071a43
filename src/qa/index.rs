//! The graph as question answering sees it: every fact with its qualifiers and words, and one
//! lexicon of entity and property labels, built once at start-up through SPARQL.

use std::collections::{HashMap, HashSet};

use crate::error::Result;
use crate::store::model::Term;
use crate::store::{Store, Table};

use super::fuzzy::Lexicon;
use super::lang::Lang;
use super::normalise::{normalise, TokenKind};
use super::templates::{namespace, ByLang, QaConfig};

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
    /// Entities the fact names in qualifiers (`fg:context`, `fg:concernsModel`, …).
    pub qualifiers: Vec<String>,
    /// The qualifier property of each entry of `qualifiers`.
    pub qualifier_properties: Vec<String>,
    /// The sentences the fact comes from (`fg:sourceSentence`), sorted.
    pub sentences: Vec<String>,
    /// Words of the fact's labels, evidence, sentence and the labels of its terms, with the
    /// weight of the text they come from, stemmed the way each question language stems.
    pub bag: ByLang<HashMap<String, f64>>,
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

    /// The weight with which the fact's words explain a question word (0 when they do not).
    pub fn explains(&self, lang: Lang, forms: &[&str]) -> f64 {
        let bag = self.bag.get(lang);
        forms
            .iter()
            .filter_map(|f| bag.get(*f))
            .fold(0.0, |a: f64, b| a.max(*b))
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
    /// The words of each entity's labels and of its classes' labels, in both stemmings: what a
    /// question's "which programme" may say about the answer.
    pub entity_words: HashMap<String, ByLang<HashMap<String, f64>>>,
    /// What the document is about and where it is set (`schema:about`, `schema:contentLocation`): the implicit setting of every fact, so
    /// naming it never counts against one ("… van de fabriek").
    pub topics: HashSet<String>,
    /// For each fact, the facts that share a subject or object with it, and the shared IRI.
    pub neighbours: Vec<Vec<(usize, String)>>,
    /// Properties that are fact qualifiers rather than predicates (`fg:initially`, `fg:planned`).
    pub qualifier_properties: HashSet<usize>,
    /// The words of each qualifier property's labels ("opzicht", "respects" for `fg:aspect`):
    /// a question word right after "welk"/"what" that names one asks for that qualifier.
    pub qualifier_words: HashMap<String, ByLang<HashMap<String, f64>>>,
    /// For each fact, the facts that hold within its subject (`fg:context`): "onder welk motto
    /// investeert Audi" joins the motto of 360factory with the investment made under it.
    pub within: Vec<Vec<usize>>,
    /// The latest present-tense time (`fg:validAt`): the article's present.
    pub present: Option<When>,
    /// `owl:FunctionalProperty` predicates (one object per subject) and
    /// `owl:InverseFunctionalProperty` ones (one subject per object).
    pub functional: HashSet<String>,
    pub inverse_functional: HashSet<String>,
    /// The most specific classes of each entity the facts name (no other class of the entity
    /// is a subclass of them): what "a thing of the same kind" means.
    pub kinds: HashMap<String, Vec<String>>,
}

impl Index {
    /// True when the entity is of one of the given kinds (most specific classes).
    pub fn same_kind(&self, entity: &str, kinds: &[String]) -> bool {
        self.kinds
            .get(entity)
            .is_some_and(|own| own.iter().any(|k| kinds.contains(k)))
    }
}

fn text(term: Option<&Term>) -> Option<(&str, Option<Lang>)> {
    match term? {
        Term::Literal(l) => Some((l.value(), l.language().and_then(Lang::from_tag))),
        _ => None,
    }
}

fn iri(term: Option<&Term>) -> Option<&str> {
    match term? {
        Term::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

fn boolean(table: &Table, row: usize, var: &str) -> bool {
    text(table.get(row, var)).is_some_and(|(v, _)| v == "true" || v == "1")
}

fn when(table: &Table, row: usize, var: &str) -> Option<When> {
    text(table.get(row, var)).and_then(|(v, _)| When::parse(v))
}

/// Adds the words of `text` to both stemmings of a bag with `weight`.
fn add_words(bag: &mut ByLang<HashMap<String, f64>>, text: &str, weight: f64) {
    for lang in [Lang::Nl, Lang::En] {
        let n = normalise(text, lang);
        let bag = bag.get_mut(lang);
        for t in &n.tokens {
            let mut forms = vec![t.text.clone(), t.stem.clone(), t.compact()];
            if let Some(alt) = &t.alt {
                forms.push(alt.clone());
            }
            if matches!(t.kind, TokenKind::Word) {
                for part in t.parts() {
                    forms.push(part.to_owned());
                    forms.push(super::normalise::stem(part, lang));
                }
            }
            for f in forms {
                let e = bag.entry(f).or_insert(0.0);
                *e = e.max(weight);
            }
        }
    }
}

impl Index {
    /// Builds the index from the store. Blocking.
    pub fn build(store: &Store, config: &QaConfig) -> Result<Index> {
        let qa = namespace(store.base());
        let facts_table = store.select(
            "SELECT ?f ?s ?p ?o ?unit ?approximate ?planned ?initially ?start ?point ?valid WHERE {
               ?f a fg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
               OPTIONAL { ?f qudt:hasUnit ?unit }
               OPTIONAL { ?f fg:approximate ?approximate }
               OPTIONAL { ?f fg:planned ?planned }
               OPTIONAL { ?f fg:initially ?initially }
               OPTIONAL { ?f fg:startTime ?start }
               OPTIONAL { ?f fg:pointInTime ?point }
               OPTIONAL { ?f fg:validAt ?valid }
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
                    let numeric = ["integer", "decimal", "double", "float", "int", "long"]
                        .iter()
                        .any(|k| dt == format!("http://www.w3.org/2001/XMLSchema#{k}"));
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
                qualifiers: Vec::new(),
                qualifier_properties: Vec::new(),
                sentences: Vec::new(),
                bag: ByLang::default(),
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
                    facts[i].sentences.sort();
                }
            }
        }

        // The words of each fact; the weight says how directly the text speaks of the fact.
        let words = store.select(&format!(
            "PREFIX qa: <{qa}>
             SELECT ?f ?text ?w WHERE {{
               ?f a fg:Fact .
               {{ ?f rdfs:label|fg:timeDescription ?text BIND(1.0 AS ?w) }}
               UNION {{ ?f rdf:predicate/(rdfs:label|skos:altLabel|qa:relationCue) ?text BIND(1.0 AS ?w) }}
               UNION {{ ?f fg:evidence ?text BIND(0.6 AS ?w) }}
               UNION {{ ?f (rdf:subject|rdf:object)/(skos:prefLabel|skos:altLabel|skos:hiddenLabel|rdfs:label) ?text BIND(0.5 AS ?w) }}
               UNION {{ ?f fg:sourceSentence/nif:anchorOf ?text BIND(0.3 AS ?w) }}
             }}"
        ))?;
        for r in 0..words.rows.len() {
            let (Some(f), Some((t, _))) = (iri(words.get(r, "f")), text(words.get(r, "text")))
            else {
                continue;
            };
            let w = text(words.get(r, "w"))
                .and_then(|(v, _)| v.parse::<f64>().ok())
                .unwrap_or(0.3);
            if let Some(&i) = by_iri.get(f) {
                add_words(&mut facts[i].bag, t, w);
            }
        }

        // Entities: everything a fact names, with all its labels.
        let mut lexicon = Lexicon::new();
        let mut entities: Vec<String> = Vec::new();
        let mut entity_index: HashMap<String, usize> = HashMap::new();
        let mut names: HashMap<String, ByLang<String>> = HashMap::new();
        let mut entity_words: HashMap<String, ByLang<HashMap<String, f64>>> = HashMap::new();
        let classes = store.select(
            "SELECT DISTINCT ?e ?label WHERE {
               ?f a fg:Fact ; rdf:subject|rdf:object|fg:context|fg:concernsModel|fg:substance|fg:aspect ?e .
               ?e a/rdfs:subClassOf* ?c . ?c rdfs:label|skos:altLabel ?label .
             }",
        )?;
        for r in 0..classes.rows.len() {
            if let (Some(e), Some((label, _))) =
                (iri(classes.get(r, "e")), text(classes.get(r, "label")))
            {
                add_words(entity_words.entry(e.to_owned()).or_default(), label, 1.0);
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
            add_words(entity_words.entry(e.to_owned()).or_default(), label, 1.0);
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
        let mut qualifier_words: HashMap<String, ByLang<HashMap<String, f64>>> = HashMap::new();
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
                add_words(qualifier_words.entry(q.to_owned()).or_default(), label, 1.0);
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
        let within = facts
            .iter()
            .map(|f| {
                facts
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| {
                        g.qualifiers
                            .iter()
                            .zip(&g.qualifier_properties)
                            .any(|(q, p)| *q == f.subject && p.ends_with("/context"))
                    })
                    .map(|(j, _)| j)
                    .collect()
            })
            .collect();
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
        let table = store.select(
            "SELECT DISTINCT ?e ?c WHERE {
               ?f a fg:Fact ; rdf:subject|rdf:object ?e .
               ?e a ?c .
               FILTER NOT EXISTS { ?e a ?d . ?d rdfs:subClassOf+ ?c FILTER(?d != ?c) }
             }",
        )?;
        let mut kinds: HashMap<String, Vec<String>> = HashMap::new();
        for r in 0..table.rows.len() {
            if let (Some(e), Some(c)) = (iri(table.get(r, "e")), iri(table.get(r, "c"))) {
                kinds.entry(e.to_owned()).or_default().push(c.to_owned());
            }
        }
        let about = store.select(
            "SELECT ?t WHERE { ?d a fg:Document ; schema:about|schema:contentLocation ?t }",
        )?;
        let topics = (0..about.rows.len())
            .filter_map(|r| iri(about.get(r, "t")).map(str::to_owned))
            .collect();
        let ends = |f: &Fact| {
            let mut e = vec![f.subject.clone()];
            e.extend(f.object_iri().map(str::to_owned));
            e
        };
        // Facts meet where they share a thing. Indexing the facts by the things at their ends
        // keeps this linear in the number of facts (a pairwise comparison took minutes on a
        // million-triple graph).
        let mut by_end: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in facts.iter().enumerate() {
            for end in ends(f) {
                by_end.entry(end).or_default().push(i);
            }
        }
        let neighbours = facts
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut found: Vec<(usize, String)> = Vec::new();
                let mut seen = HashSet::new();
                for end in ends(f) {
                    for &j in by_end.get(&end).map_or(&[][..], Vec::as_slice) {
                        if j != i && seen.insert(j) {
                            found.push((j, end.clone()));
                        }
                    }
                }
                found.sort_by_key(|(j, _)| *j);
                found
            })
            .collect();
        Ok(Index {
            topics,
            neighbours,
            facts,
            entities,
            properties,
            names,
            entity_words,
            lexicon,
            qualifier_properties,
            present,
            qualifier_words,
            within,
            functional,
            inverse_functional,
            kinds,
        })
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
    fn bags_hold_words_and_stems_in_both_stemmings() {
        let mut bag = ByLang::default();
        add_words(&mut bag, "De elektromotoren worden aangevoerd", 0.6);
        assert_eq!(bag.nl.get("aanvoer"), Some(&0.6));
        assert!(bag.en.contains_key("elektromotoren"));
    }
}
