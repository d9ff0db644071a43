//! Link discovery (`factgraph link`): proposes links between our entities of some classes and
//! the things of another dataset (an RDF file, or a SPARQL endpoint), and writes them as a
//! Turtle linkset for a person to review.
//!
//! The link specification is fixed and small, after Silk and LIMES: a candidate pair is
//! compared on three things, each written into the linkset as its evidence:
//!
//! - **labels**: every label of ours (`skos:prefLabel`, `altLabel`, `hiddenLabel`,
//!   `rdfs:label`, Dutch and English) against a lexicon of the target's labels
//!   (`rdfs:label`, `skos:prefLabel`/`altLabel`, `schema:name`/`alternateName`, Dutch,
//!   English or untagged), with `matching::compare`, the reconciliation service's matcher:
//!   case, diacritics, hyphens, inflection and typos forgiven; the best pair counts;
//! - **types**: our entity's classes (and their superclasses, less the roots) by their labels
//!   against the target's types (`rdf:type`, Wikidata's `P31`, and their `rdfs:subClassOf` /
//!   `P279` superclasses): compatible (×1), unknown on either side (×0.9), or incompatible
//!   (×0.3, which keeps a namesake of another kind, the municipality Forest for the plant
//!   called "Forest", far below any threshold);
//! - **neighbours**: how many of the entity's neighbours are linked (confirmed, or matched by
//!   label and type) to the target's neighbours (+0.05 each, at most +0.1).
//!
//! `score = label × type factor + neighbour bonus` (at most 1). Pairs at or above the
//! threshold are proposed; links our graph already states (`owl:sameAs`, `skos:exactMatch`,
//! `skos:closeMatch`) are written apart as confirmed, each with the matcher's own score, so a
//! run measures recall on them. Only a person moves a proposal into `data/`.

use crate::link::linkset::{short, Candidate, Confirmed, Linkset, NEAR_MISS};
use crate::link::matching;
use crate::qa::lang::Lang;
use crate::store::error::{Error, Result};
use crate::store::model::Term;
use crate::store::Store;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

/// Proposals start here unless `--threshold` says otherwise.
pub const DEFAULT_THRESHOLD: f64 = 0.8;
/// A label pair this similar (and types compatible) makes the pair an anchor for neighbours.
const ANCHOR_LABEL: f64 = 0.9;
const TYPE_COMPATIBLE: f64 = 1.0;
const TYPE_UNKNOWN: f64 = 0.9;
const TYPE_INCOMPATIBLE: f64 = 0.3;
const NEIGHBOUR_BONUS: f64 = 0.05;
const MAX_NEIGHBOUR_BONUS: f64 = 0.1;
/// Labels per blocking query sent to an endpoint.
const LABELS_PER_QUERY: usize = 200;

const WDT_P31: &str = "http://www.wikidata.org/prop/direct/P31";
const WDT_P279: &str = "http://www.wikidata.org/prop/direct/P279";
const QUDT_UNIT: &str = "http://qudt.org/schema/qudt/Unit";
const LINK_PREDICATES: &str = "owl:sameAs skos:exactMatch skos:closeMatch";

/// One side's things: labels, classes with their labels, neighbours.
#[derive(Default)]
struct Side {
    /// Entity IRI → (label, language tag).
    labels: BTreeMap<String, Vec<(String, Option<String>)>>,
    /// Entity IRI → its classes, superclasses included.
    types: HashMap<String, HashSet<String>>,
    /// Class IRI → its labels.
    type_labels: HashMap<String, Vec<(String, Option<String>)>>,
    /// Entity IRI → the IRIs it is linked to by any other triple, either way.
    neighbours: HashMap<String, HashSet<String>>,
}

fn iri(term: Option<&Term>) -> Option<&str> {
    match term? {
        Term::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

fn literal(term: Option<&Term>) -> Option<(&str, Option<&str>)> {
    match term? {
        Term::Literal(l) => Some((l.value(), l.language())),
        _ => None,
    }
}

fn lang_of(tag: Option<&str>) -> Option<Lang> {
    tag.and_then(Lang::from_tag)
}

/// `VALUES ?var { … }` over terms read from a graph (IRIs or literals, written by Oxigraph).
fn values(var: &str, terms: impl IntoIterator<Item = String>) -> String {
    let terms: String = terms.into_iter().map(|t| format!("{t} ")).collect();
    format!("VALUES ?{var} {{ {terms}}}")
}

fn iris<'a>(items: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    items.into_iter().map(|i| format!("<{i}>")).collect()
}

/// In chunks, so no query grows past what an endpoint takes.
fn chunked<T: Clone>(items: &[T]) -> impl Iterator<Item = Vec<T>> + '_ {
    items.chunks(LABELS_PER_QUERY).map(<[T]>::to_vec)
}

/// The classes (superclasses included), class labels and neighbours of `entities`, for both
/// sides. With `wikidata`, Wikidata's direct "instance of" and "subclass of" (`P31`, `P279`)
/// count as `rdf:type` and `rdfs:subClassOf`, and a thing with only superclasses (a class
/// itself, like "forest") is of the kinds above it.
fn read_context(store: &Store, side: &mut Side, entities: &[String], wikidata: bool) -> Result<()> {
    let (type_path, subclass_path) = if wikidata {
        (
            format!("(rdf:type|<{WDT_P31}>)"),
            format!("(rdfs:subClassOf|<{WDT_P279}>)"),
        )
    } else {
        ("rdf:type".to_owned(), "rdfs:subClassOf".to_owned())
    };
    let mut classes: HashSet<String> = HashSet::new();
    for chunk in chunked(entities) {
        let table = store.select(&format!(
            "SELECT DISTINCT ?e ?c WHERE {{ {} ?e ({type_path}|{subclass_path})/{subclass_path}* ?c FILTER(isIRI(?c)) }}",
            values("e", iris(&chunk))
        ))?;
        for r in 0..table.rows.len() {
            if let (Some(e), Some(c)) = (iri(table.get(r, "e")), iri(table.get(r, "c"))) {
                side.types
                    .entry(e.to_owned())
                    .or_default()
                    .insert(c.to_owned());
                classes.insert(c.to_owned());
            }
        }
        let table = store.select(&format!(
            "SELECT DISTINCT ?e ?n WHERE {{
               {}
               {{ ?e ?p ?n }} UNION {{ ?n ?p ?e }}
               FILTER(isIRI(?n) && ?n != ?e)
               FILTER(?p NOT IN (rdf:type, <{WDT_P31}>, rdf:subject, rdf:object, rdf:predicate,
                                 owl:sameAs, skos:exactMatch, skos:closeMatch))
             }}",
            values("e", iris(&chunk))
        ))?;
        for r in 0..table.rows.len() {
            if let (Some(e), Some(n)) = (iri(table.get(r, "e")), iri(table.get(r, "n"))) {
                side.neighbours
                    .entry(e.to_owned())
                    .or_default()
                    .insert(n.to_owned());
            }
        }
    }
    let classes: Vec<String> = classes.into_iter().collect();
    for chunk in chunked(&classes) {
        let table = store.select(&format!(
            "SELECT ?c ?label WHERE {{
               {} ?c rdfs:label|skos:prefLabel|skos:altLabel ?label
               FILTER(LANG(?label) IN (\"nl\", \"en\", \"\"))
             }}",
            values("c", iris(&chunk))
        ))?;
        for r in 0..table.rows.len() {
            if let (Some(c), Some((label, lang))) =
                (iri(table.get(r, "c")), literal(table.get(r, "label")))
            {
                side.type_labels
                    .entry(c.to_owned())
                    .or_default()
                    .push((label.to_owned(), lang.map(str::to_owned)));
            }
        }
    }
    Ok(())
}

/// Our entities of `classes` (and their subclasses) with their labels and context. A unit
/// counts as a `qudt:Unit` when a fact uses it (`qudt:hasUnit` has that range in QUDT), as
/// the graph does not type its units.
/// A link our graph states: (entity, predicate, their IRI).
type Stated = (String, String, String);

fn read_ours(store: &Store, classes: &[String]) -> Result<(Side, Vec<Stated>)> {
    let mut side = Side::default();
    let mut entities: HashSet<String> = HashSet::new();
    for class in classes {
        let query = if class == QUDT_UNIT {
            "SELECT DISTINCT ?e WHERE { ?x qudt:hasUnit ?e FILTER(isIRI(?e)) }".to_owned()
        } else {
            format!(
                "SELECT DISTINCT ?e WHERE {{ ?e a/rdfs:subClassOf* <{class}> FILTER(isIRI(?e)) }}"
            )
        };
        let table = store.select(&query)?;
        entities.extend(
            (0..table.rows.len()).filter_map(|r| iri(table.get(r, "e")).map(str::to_owned)),
        );
    }
    let mut entities: Vec<String> = entities.into_iter().collect();
    entities.sort();
    let mut confirmed = Vec::new();
    for chunk in chunked(&entities) {
        let table = store.select(&format!(
            "SELECT ?e ?label WHERE {{
               {} ?e skos:prefLabel|skos:altLabel|skos:hiddenLabel|rdfs:label ?label
               FILTER(LANG(?label) IN (\"nl\", \"en\", \"\"))
             }}",
            values("e", iris(&chunk))
        ))?;
        for r in 0..table.rows.len() {
            if let (Some(e), Some((label, lang))) =
                (iri(table.get(r, "e")), literal(table.get(r, "label")))
            {
                side.labels
                    .entry(e.to_owned())
                    .or_default()
                    .push((label.to_owned(), lang.map(str::to_owned)));
            }
        }
        let table = store.select(&format!(
            "SELECT ?e ?p ?x WHERE {{ {} {} ?e ?p ?x FILTER(isIRI(?x)) }}",
            values("e", iris(&chunk)),
            values("p", LINK_PREDICATES.split(' ').map(str::to_owned)),
        ))?;
        for r in 0..table.rows.len() {
            if let (Some(e), Some(p), Some(x)) = (
                iri(table.get(r, "e")),
                iri(table.get(r, "p")),
                iri(table.get(r, "x")),
            ) {
                confirmed.push((e.to_owned(), p.to_owned(), x.to_owned()));
            }
        }
    }
    read_context(store, &mut side, &entities, false)?;
    // Roots (classes with no superclass of their own, like fg:Entity) say nothing about kind.
    let mut roots: HashSet<String> = HashSet::new();
    let all: HashSet<&String> = side.types.values().flatten().collect();
    for class in all {
        let has_super = store.ask(&format!(
            "ASK {{ {} ?c rdfs:subClassOf ?super FILTER(?super != ?c) }}",
            values("c", iris([class]))
        ))?;
        if !has_super {
            roots.insert(class.clone());
        }
    }
    for types in side.types.values_mut() {
        types.retain(|c| !roots.contains(c));
    }
    Ok((side, confirmed))
}

/// The target's things: every labelled IRI of a file; from an endpoint, those whose label is
/// exactly one of ours (blocking, as Silk and LIMES do before comparing).
fn read_target(store: &Store, ours: &Side, blocked: bool) -> Result<Side> {
    let mut side = Side::default();
    let label_paths = "rdfs:label|skos:prefLabel|skos:altLabel|schema:name|schema:alternateName";
    let mut read = |query: String| -> Result<()> {
        let table = store.select(&query)?;
        for r in 0..table.rows.len() {
            if let (Some(e), Some((label, lang))) =
                (iri(table.get(r, "e")), literal(table.get(r, "label")))
            {
                let labels = side.labels.entry(e.to_owned()).or_default();
                let entry = (label.to_owned(), lang.map(str::to_owned));
                if !labels.contains(&entry) {
                    labels.push(entry);
                }
            }
        }
        Ok(())
    };
    if blocked {
        let mut wanted: Vec<String> = ours
            .labels
            .values()
            .flatten()
            .map(|(label, lang)| {
                let literal = match lang {
                    Some(lang) => oxigraph::model::Literal::new_language_tagged_literal_unchecked(
                        label.as_str(),
                        lang.as_str(),
                    ),
                    None => oxigraph::model::Literal::new_simple_literal(label.as_str()),
                };
                literal.to_string()
            })
            .collect();
        wanted.sort();
        wanted.dedup();
        for chunk in chunked(&wanted) {
            // The matching entities, then all their labels.
            read(format!(
                "SELECT DISTINCT ?e ?label WHERE {{
                   {} ?e {label_paths} ?found FILTER(isIRI(?e))
                   ?e {label_paths} ?label FILTER(LANG(?label) IN (\"nl\", \"en\", \"\"))
                 }}",
                values("found", chunk)
            ))?;
        }
    } else {
        read(format!(
            "SELECT ?e ?label WHERE {{
               ?e {label_paths} ?label
               FILTER(isIRI(?e) && LANG(?label) IN (\"nl\", \"en\", \"\"))
             }}"
        ))?;
    }
    let entities: Vec<String> = side.labels.keys().cloned().collect();
    read_context(store, &mut side, &entities, true)?;
    // A class is not a candidate for an entity of ours.
    let classes: HashSet<&String> = side.types.values().flatten().collect();
    let classes: HashSet<String> = classes.into_iter().cloned().collect();
    side.labels.retain(|e, _| !classes.contains(e));
    Ok(side)
}

/// Runs the link specification between `ours` (entities of `classes`) and `target`.
pub fn discover(
    ours: &Store,
    classes: &[String],
    target: &Store,
    blocked: bool,
    threshold: f64,
) -> Result<Linkset> {
    if classes.is_empty() {
        return Err(Error::Invalid(
            "name at least one class with --type".to_owned(),
        ));
    }
    let (our_side, confirmed) = read_ours(ours, classes)?;
    let their_side = read_target(target, &our_side, blocked)?;
    let their_index: Vec<&String> = their_side.labels.keys().collect();
    let lexicon = matching::lexicon_of(their_side.labels.iter().enumerate().flat_map(
        |(i, (_, labels))| {
            labels
                .iter()
                .map(move |(label, lang)| (label.clone(), lang_of(lang.as_deref()), i))
        },
    ));
    // Their classes by label, to read our class labels against.
    let their_classes: Vec<&String> = their_side.type_labels.keys().collect();
    let class_lexicon = matching::lexicon_of(their_side.type_labels.values().enumerate().flat_map(
        |(i, labels)| {
            labels
                .iter()
                .map(move |(label, lang)| (label.clone(), lang_of(lang.as_deref()), i))
        },
    ));
    // Our class → their classes of the same name.
    let mut same_kind: HashMap<&String, HashSet<&String>> = HashMap::new();
    for (class, labels) in &our_side.type_labels {
        for (label, _) in labels {
            for (i, similarity) in matching::compare(&class_lexicon, label) {
                if similarity.score >= 0.99 {
                    same_kind.entry(class).or_default().insert(their_classes[i]);
                }
            }
        }
    }

    // First pass: labels and types.
    let mut candidates: Vec<Candidate> = Vec::new();
    for (entity, labels) in &our_side.labels {
        // Their entity → (best similarity, our label, their labels).
        let mut best: HashMap<usize, (f64, String, Vec<String>)> = HashMap::new();
        for (label, lang) in labels {
            for (i, similarity) in matching::compare(&lexicon, label) {
                let shown = match lang {
                    Some(lang) => format!("\"{label}\"@{lang}"),
                    None => format!("\"{label}\""),
                };
                let entry = best.entry(i).or_insert((0.0, String::new(), Vec::new()));
                if similarity.score > entry.0 {
                    *entry = (similarity.score, shown, similarity.labels);
                }
            }
        }
        let our_types = our_side.types.get(entity);
        for (i, (label_score, our_label, their_labels)) in best {
            let theirs = their_index[i];
            let their_types = their_side.types.get(theirs);
            let (type_factor, type_evidence) = match (our_types, their_types) {
                (Some(o), Some(t)) if !o.is_empty() && !t.is_empty() => {
                    let shared: Vec<String> = o
                        .iter()
                        .flat_map(|c| same_kind.get(c).into_iter().flatten().map(move |k| (c, k)))
                        .filter(|(_, k)| t.contains(**k))
                        .map(|(c, k)| format!("{} ~ {}", short(c), short(k)))
                        .collect();
                    if shared.is_empty() {
                        let mut mine: Vec<String> = o.iter().map(|c| short(c)).collect();
                        let mut yours: Vec<String> = t.iter().map(|c| short(c)).collect();
                        mine.sort();
                        yours.sort();
                        (
                            TYPE_INCOMPATIBLE,
                            format!("incompatible ({} vs {})", mine.join(" "), yours.join(" ")),
                        )
                    } else {
                        let mut shared = shared;
                        shared.sort();
                        shared.dedup();
                        (
                            TYPE_COMPATIBLE,
                            format!("compatible ({})", shared.join(", ")),
                        )
                    }
                }
                _ => (TYPE_UNKNOWN, "unknown (one side has no types)".to_owned()),
            };
            candidates.push(Candidate {
                ours: entity.clone(),
                theirs: theirs.clone(),
                score: label_score * type_factor,
                label: label_score,
                type_factor,
                shared: 0,
                evidence: format!(
                    "label {our_label} ~ {} ({label_score:.2}); types {type_evidence}",
                    their_labels
                        .iter()
                        .map(|l| format!("\"{l}\""))
                        .collect::<Vec<_>>()
                        .join(" + ")
                ),
            });
        }
    }
    let compared = candidates.len();

    // Second pass: neighbours linked to neighbours.
    let mut anchors: HashSet<(String, String)> = confirmed
        .iter()
        .map(|(e, _, x)| (e.clone(), x.clone()))
        .collect();
    for c in &candidates {
        if c.label >= ANCHOR_LABEL && c.type_factor >= TYPE_COMPATIBLE {
            anchors.insert((c.ours.clone(), c.theirs.clone()));
        }
    }
    let empty = HashSet::new();
    for c in &mut candidates {
        let mine = our_side.neighbours.get(&c.ours).unwrap_or(&empty);
        let yours = their_side.neighbours.get(&c.theirs).unwrap_or(&empty);
        let mut shared: Vec<String> = anchors
            .iter()
            .filter(|(n, m)| mine.contains(n) && yours.contains(m))
            .map(|(n, m)| format!("{} = {}", short(n), short(m)))
            // A neighbour of ours that is the target's own IRI (schema:location dbr:…).
            .chain(mine.intersection(yours).map(|n| short(n)))
            .collect();
        shared.sort();
        c.shared = shared.len();
        let bonus = (NEIGHBOUR_BONUS * shared.len() as f64).min(MAX_NEIGHBOUR_BONUS);
        c.score = (c.score + bonus).min(1.0);
        if shared.is_empty() {
            c.evidence.push_str("; no shared neighbours");
        } else {
            let _ = write!(c.evidence, "; shared neighbours {}", shared.join(", "));
        }
    }
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.ours.cmp(&b.ours))
            .then_with(|| a.theirs.cmp(&b.theirs))
    });

    let target_things: HashSet<&String> = their_side.labels.keys().collect();
    let confirmed_pairs: HashSet<(&String, &String)> =
        confirmed.iter().map(|(e, _, x)| (e, x)).collect();
    let confirmed_out: Vec<Confirmed> = confirmed
        .iter()
        // Only links into the target dataset concern this run.
        .filter(|(_, _, x)| target_things.contains(x))
        .map(|(e, p, x)| {
            let found = candidates
                .iter()
                .find(|c| c.ours == *e && c.theirs == *x)
                .cloned();
            (e.clone(), p.clone(), x.clone(), found)
        })
        .collect();
    let mut confirmed_out = confirmed_out;
    confirmed_out.sort_by(|a, b| (&a.0, &a.2).cmp(&(&b.0, &b.2)));
    let (proposed, rest): (Vec<Candidate>, Vec<Candidate>) = candidates
        .into_iter()
        .filter(|c| !confirmed_pairs.contains(&(&c.ours, &c.theirs)))
        .partition(|c| c.score >= threshold);
    let near_misses = rest.into_iter().filter(|c| c.score >= NEAR_MISS).collect();
    Ok(Linkset {
        threshold,
        confirmed: confirmed_out,
        proposed,
        near_misses,
        compared,
    })
}
