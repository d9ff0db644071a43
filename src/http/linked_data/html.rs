//! HTML pages for resources and documents: rendered on the server inside the site's frame
//! ([`layout::Page`]: header navigation, footer, the one style sheet and its strict
//! Content-Security-Policy), readable without scripts, in English or Dutch. The markup is
//! semantic with class names (`resource-header`, `properties`, `facts`, `fact`, `incoming`,
//! `formats`, …) that `web/site.css` styles. Every piece of data goes through [`escape`].

use super::context::{Context, Index, COLLAPSE_OVER};
use super::words::{text, NIF_ANCHOR_OF};
use crate::http::layout::{self, escape};
use crate::store::model::{vocab, NamedNode, NamedOrBlankNode, Term, Triple};
use std::fmt::Write;

/// The `id` of a described resource on a document page, so `/def/#Plant` and
/// `/def/qa#Template` point at its section: the IRI after the document's own, in letters, digits,
/// `-` and `_` (anything else becomes `-`), starting with a letter, unique on the page.
fn fragment_id(document: &str, iri: &str, taken: &[String]) -> String {
    let local = iri
        .strip_prefix(document)
        .unwrap_or(iri)
        .trim_start_matches(['#', '/']);
    let mut id: String = local
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.insert_str(0, "r-");
    }
    let mut unique = id.clone();
    let mut n = 2;
    while taken.contains(&unique) {
        unique = format!("{id}-{n}");
        n += 1;
    }
    unique
}

/// The page of one resource. A fact leads with its statement (the title) and the quoted
/// sentence with the evidence marked, then its details; a sentence leads with itself, the
/// evidence of its facts marked, and those facts; an entity lists the facts about it, each as
/// its readable statement with value, unit and time, and the facts whose value it is; then come
/// the raw properties and the links pointing at the resource.
/// `incoming` is the number of links into the resource in the whole graph; the description holds
/// at most [`crate::linked_data::describe::INCOMING`] of them, and the page says so when there are more.
pub fn resource_page(
    iri: &NamedNode,
    triples: &[Triple],
    incoming_total: usize,
    page: &Context<'_>,
) -> layout::Page {
    let index = Index::new(triples);
    let subject = NamedOrBlankNode::from(iri.clone());
    let this = Term::from(iri.clone());
    let (title, header) = page.header(iri, &index);
    let mut html = header;
    if index
        .object(&subject, vocab::rdf::SUBJECT.as_str())
        .is_some()
    {
        let _ = write!(
            html,
            "<section class=\"statement\">\n\
             <h2 class=\"visually-hidden\">{}</h2>\n{}\n{}\n</section>\n",
            text(page.lang, "statement"),
            page.fact_sources(&subject, &index),
            page.fact_details(&subject, &index, true)
        );
    }
    if let Some(Term::Literal(sentence)) = index.object(&subject, NIF_ANCHOR_OF) {
        html.push_str(&page.sentence(iri, sentence, &index));
    }
    let mut facts: Vec<&NamedOrBlankNode> = Vec::new();
    for t in triples {
        if t.predicate == vocab::rdf::SUBJECT
            && t.object == this
            && t.subject != subject
            && !facts.contains(&&t.subject)
        {
            facts.push(&t.subject);
        }
    }
    // The direct triples the listed facts state (`S P O` for a fact with those ends): the page
    // shows each fact once, as its statement, so these are left out of the property table and
    // the incoming links.
    let stated = |fact: &NamedOrBlankNode| -> Option<(Term, NamedNode, Term)> {
        let s = index.object(fact, vocab::rdf::SUBJECT.as_str())?.clone();
        let p = match index.object(fact, vocab::rdf::PREDICATE.as_str())? {
            Term::NamedNode(p) => p.clone(),
            _ => return None,
        };
        let o = index.object(fact, vocab::rdf::OBJECT.as_str())?.clone();
        Some((s, p, o))
    };
    let mut statements: Vec<(Term, NamedNode, Term)> =
        facts.iter().filter_map(|f| stated(f)).collect();
    if !facts.is_empty() {
        let _ = write!(
            html,
            "<section class=\"facts\">\n<h2>{} <span class=\"count\">({})</span></h2>\n",
            text(page.lang, "facts"),
            facts.len()
        );
        for fact in &facts {
            let heading = match fact {
                NamedOrBlankNode::NamedNode(n) => page.link(n, &index),
                NamedOrBlankNode::BlankNode(_) => text(page.lang, "fact").to_owned(),
            };
            // The sentence behind a toggle: the statement says the fact, and its own page
            // quotes the sentence up front; a list of quotes made an entity's page very long.
            let sources = page.fact_sources(fact, &index);
            let sources = if sources.is_empty() {
                sources
            } else {
                format!(
                    "<details class=\"fact-source\"><summary>{}</summary>{sources}</details>",
                    text(page.lang, "sourceSentence")
                )
            };
            let _ = write!(
                html,
                "<article class=\"fact\">\n<h3>{heading}</h3>\n{}\n{sources}\n</article>\n",
                page.fact_details(fact, &index, false),
            );
        }
        html.push_str("</section>\n");
    }
    // Facts whose value is this resource ("Audi owns the plant"), by their statements.
    let mut values_of: Vec<&NamedNode> = Vec::new();
    for triple in triples {
        if triple.predicate == vocab::rdf::OBJECT && triple.object == this {
            if let NamedOrBlankNode::NamedNode(n) = &triple.subject {
                let listed = facts
                    .iter()
                    .any(|f| matches!(f, NamedOrBlankNode::NamedNode(f) if f == n));
                if n != iri && !listed && !values_of.contains(&n) {
                    values_of.push(n);
                }
            }
        }
    }
    statements.extend(
        values_of
            .iter()
            .filter_map(|n| stated(&NamedOrBlankNode::from((*n).clone()))),
    );
    if !values_of.is_empty() {
        let _ = write!(
            html,
            "<section class=\"value-of\">\n<h2>{} <span class=\"count\">({})</span></h2>\n<ul>",
            text(page.lang, "valueOf"),
            values_of.len()
        );
        for fact in &values_of {
            let _ = write!(html, "<li>{}</li>", page.link(fact, &index));
        }
        html.push_str("</ul>\n</section>\n");
    }
    let is_stated = |s: &Term, p: &NamedNode, o: &Term| {
        statements
            .iter()
            .any(|(ss, pp, oo)| ss == s && pp == p && oo == o)
    };
    // The property table without the triples a fact above already states.
    let own: Vec<Triple> = triples
        .iter()
        .filter(|t| t.subject != subject || !is_stated(&this, &t.predicate, &t.object))
        .cloned()
        .collect();
    let own_index = Index::new(&own);
    let _ = write!(
        html,
        "<section class=\"properties\">\n<h2>{}</h2>\n{}\n</section>\n",
        text(page.lang, "properties"),
        page.properties_table(&subject, &own_index, &[vocab::rdf::TYPE.as_str()], 0)
    );
    // Links in, without the facts listed above (their rdf:subject, rdf:object) and the direct
    // triples they state; grouped by relation with counts, a long group collapsed.
    let facts_shown = |node: &NamedOrBlankNode| {
        facts.contains(&node)
            || matches!(node, NamedOrBlankNode::NamedNode(n) if values_of.contains(&n))
    };
    let incoming: Vec<&Triple> = triples
        .iter()
        .filter(|t| t.object == this)
        .filter(|t| {
            !(facts_shown(&t.subject)
                && (t.predicate == vocab::rdf::SUBJECT || t.predicate == vocab::rdf::OBJECT))
        })
        .filter(|t| !is_stated(&Term::from(t.subject.clone()), &t.predicate, &this))
        .collect();
    let all_in = triples.iter().filter(|t| t.object == this).count();
    if !incoming.is_empty() || incoming_total > all_in {
        let mut groups: Vec<(&NamedNode, Vec<&Triple>)> = Vec::new();
        for triple in &incoming {
            match groups.iter_mut().find(|(p, _)| *p == &triple.predicate) {
                Some((_, members)) => members.push(triple),
                None => groups.push((&triple.predicate, vec![triple])),
            }
        }
        let _ = write!(
            html,
            "<section class=\"incoming\">\n<h2>{} <span class=\"count\">({})</span></h2>\n",
            text(page.lang, "incoming"),
            incoming.len()
        );
        for (predicate, members) in groups {
            // A short group stays open; a long one is one line until opened.
            let open = if members.len() <= COLLAPSE_OVER {
                " open"
            } else {
                ""
            };
            // The summary is a control itself: the relation's name is text there, and its
            // page is linked inside.
            let name = index
                .label(&Term::from(predicate.clone()), page.lang)
                .unwrap_or_else(|| page.compact(predicate.as_str()));
            let _ = write!(
                html,
                "<details class=\"link-group\"{open}><summary>{} <span class=\"count\">({})</span></summary>\
                 <p class=\"relation\">{}</p><ul>",
                escape(&name),
                members.len(),
                page.link(predicate, &index)
            );
            // In reading order: "sentence 2" before "sentence 10".
            let mut items: Vec<(Vec<NaturalPart>, String)> = members
                .iter()
                .map(|triple| {
                    let subject = Term::from(triple.subject.clone());
                    let name = match &triple.subject {
                        NamedOrBlankNode::NamedNode(n) => index
                            .label(&subject, page.lang)
                            .or_else(|| page.sentence_name(n, &index))
                            .unwrap_or_else(|| n.as_str().to_owned()),
                        NamedOrBlankNode::BlankNode(b) => b.as_str().to_owned(),
                    };
                    (natural_key(&name), page.value(&subject, &index, 4))
                })
                .collect();
            items.sort();
            for (_, item) in items {
                let _ = write!(html, "<li>{item}</li>");
            }
            html.push_str("</ul></details>\n");
        }
        let shown = all_in;
        if incoming_total > shown {
            let query = format!("SELECT ?s ?p WHERE {{ ?s ?p {iri} }} ORDER BY ?s ?p");
            let _ = writeln!(
                html,
                "<p class=\"more\">{} {shown} {} {incoming_total}; <a href=\"/query?query={}\">{}</a>.</p>",
                text(page.lang, "shown"),
                text(page.lang, "of"),
                layout::encode_query_value(&query),
                text(page.lang, "all"),
            );
        }
        html.push_str("</section>\n");
    }
    html.push_str(&page.page_footer());
    page.frame(title, html)
}

/// A part of a [`natural_key`]: a run of digits as its number, or other text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum NaturalPart {
    Number(u64),
    Text(String),
}

/// A sort key that orders the numbers inside a text by value ("s2" before "s10").
fn natural_key(text: &str) -> Vec<NaturalPart> {
    let mut parts = Vec::new();
    let mut digits = String::new();
    let mut other = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !other.is_empty() {
                parts.push(NaturalPart::Text(std::mem::take(&mut other).to_lowercase()));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                parts.push(NaturalPart::Number(
                    std::mem::take(&mut digits).parse().unwrap_or(u64::MAX),
                ));
            }
            other.push(c);
        }
    }
    if !digits.is_empty() {
        parts.push(NaturalPart::Number(digits.parse().unwrap_or(u64::MAX)));
    }
    if !other.is_empty() {
        parts.push(NaturalPart::Text(other.to_lowercase()));
    }
    parts
}

/// A page for a document of several resources (the ontology, the dataset description): the
/// main subject first, then every other described IRI with its properties.
pub fn document_page(main: &NamedNode, triples: &[Triple], page: &Context<'_>) -> layout::Page {
    let index = Index::new(triples);
    let subject = NamedOrBlankNode::from(main.clone());
    let (title, header) = page.header(main, &index);
    let mut html = header;
    let _ = write!(
        html,
        "<section class=\"properties\">\n<h2>{}</h2>\n{}\n</section>\n",
        text(page.lang, "properties"),
        page.properties_table(&subject, &index, &[vocab::rdf::TYPE.as_str()], 0)
    );
    let mut others: Vec<&NamedNode> = Vec::new();
    for triple in triples {
        if let NamedOrBlankNode::NamedNode(n) = &triple.subject {
            if n != main && !others.contains(&n) {
                others.push(n);
            }
        }
    }
    if !others.is_empty() {
        let _ = write!(
            html,
            "<section class=\"described\">\n<h2>{}</h2>\n",
            text(page.lang, "terms")
        );
        let mut ids: Vec<String> = Vec::new();
        for other in others {
            let id = fragment_id(main.as_str(), other.as_str(), &ids);
            ids.push(id.clone());
            let _ = write!(
                html,
                "<section class=\"resource\" id=\"{}\">\n<h3>{}</h3>\n{}\n</section>\n",
                escape(&id),
                page.link(other, &index),
                page.properties_table(&other.clone().into(), &index, &[], 0)
            );
        }
        html.push_str("</section>\n");
    }
    html.push_str(&page.page_footer());
    page.frame(title, html)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::linked_data::context::marked;

    #[test]
    fn natural_order_reads_numbers_by_value() {
        let mut names = vec!["sentence 10", "sentence 2", "Sentence 1", "id:article/s21"];
        names.sort_by_key(|n| natural_key(n));
        assert_eq!(
            names,
            ["id:article/s21", "Sentence 1", "sentence 2", "sentence 10"]
        );
    }

    #[test]
    fn fragment_ids_are_the_local_names() {
        let def = "https://w3id.org/factgraph/def/";
        assert_eq!(fragment_id(def, &format!("{def}Plant"), &[]), "Plant");
        assert_eq!(
            fragment_id(&format!("{def}qa"), &format!("{def}qa#Template"), &[]),
            "Template"
        );
        assert_eq!(
            fragment_id(
                "https://w3id.org/factgraph/",
                "https://w3id.org/factgraph/id/article",
                &[]
            ),
            "id-article"
        );
        assert_eq!(
            fragment_id(def, "http://example.org/1:x", &[]),
            "http---example-org-1-x"
        );
        assert_eq!(fragment_id(def, &format!("{def}1x"), &[]), "r-1x");
        assert_eq!(
            fragment_id(def, &format!("{def}a.b"), &["a-b".to_owned()]),
            "a-b-2"
        );
    }

    #[test]
    fn marks_the_evidence_and_escapes_the_rest() {
        assert_eq!(
            marked(
                "Op de daken ligt zo'n 37.000 vierkante meter <zon>.",
                &["zo'n 37.000 vierkante meter"]
            ),
            "Op de daken ligt <mark>zo&#39;n 37.000 vierkante meter</mark> &lt;zon&gt;."
        );
        // Two pieces of evidence, overlapping, make one mark; missing evidence is ignored.
        assert_eq!(
            marked(
                "één twee drie vier",
                &["twee drie", "drie vier", "vijf", ""]
            ),
            "één <mark>twee drie vier</mark>"
        );
        assert_eq!(
            marked("één twee drie", &["één", "drie"]),
            "<mark>één</mark> twee <mark>drie</mark>"
        );
        assert_eq!(marked("a & b", &[]), "a &amp; b");
    }
}
