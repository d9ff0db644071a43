//! What a page is rendered with (`Context`: the language, the labels, the resource's triples
//! indexed by subject) and the parts of a resource page built from it.

use super::representations::{FORMATS, VOID_PATH};
use super::words::{
    literal_text, text, DCTERMS_TITLE, NIF_ANCHOR_OF, QUDT_HAS_UNIT, SKOS_PREF_LABEL,
};
use crate::builder::phrasing::capitalised;
use crate::http::layout::{self, escape, Alternate, Section};
use crate::store::formats;
use crate::store::model::{vocab, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use std::fmt::Write;

/// What every page needs to know besides its triples.
pub struct Context<'a> {
    /// `en` or `nl`.
    pub lang: &'static str,
    pub base: &'a str,
    pub prefixes: &'a [(String, String)],
    /// The entry of the site navigation the page belongs to.
    pub section: Section,
}

/// The triples of one page, with the lookups the rendering needs. Triples are grouped by
/// subject once: a page looks up labels for each row, and scanning every triple per row made
/// large pages quadratic.
pub(super) struct Index<'a> {
    triples: &'a [Triple],
    by_subject: std::collections::HashMap<&'a NamedOrBlankNode, Vec<&'a Triple>>,
}

impl<'a> Index<'a> {
    pub(super) fn new(triples: &'a [Triple]) -> Self {
        let mut by_subject: std::collections::HashMap<_, Vec<&Triple>> =
            std::collections::HashMap::new();
        for t in triples {
            by_subject.entry(&t.subject).or_default().push(t);
        }
        Index {
            triples,
            by_subject,
        }
    }

    pub(super) fn outgoing(
        &self,
        subject: &'a NamedOrBlankNode,
    ) -> impl Iterator<Item = &'a Triple> + 'a {
        self.by_subject
            .get(subject)
            .map_or(&[][..], Vec::as_slice)
            .to_vec()
            .into_iter()
    }

    pub(super) fn objects(&self, subject: &NamedOrBlankNode, predicate: &str) -> Vec<&'a Term> {
        self.by_subject
            .get(subject)
            .into_iter()
            .flatten()
            .filter(|t| t.predicate.as_str() == predicate)
            .map(|t| &t.object)
            .collect()
    }

    pub(super) fn object(&self, subject: &NamedOrBlankNode, predicate: &str) -> Option<&'a Term> {
        self.objects(subject, predicate).into_iter().next()
    }

    /// `skos:prefLabel`, else `rdfs:label`, else `dcterms:title` (the dataset description), in
    /// the page language, else English, else any.
    pub(super) fn label(&self, term: &Term, lang: &str) -> Option<String> {
        let subject = as_subject(term)?;
        for predicate in [SKOS_PREF_LABEL, vocab::rdfs::LABEL.as_str(), DCTERMS_TITLE] {
            let labels: Vec<_> = self
                .objects(&subject, predicate)
                .into_iter()
                .filter_map(|t| match t {
                    Term::Literal(l) => Some(l),
                    _ => None,
                })
                .collect();
            let pick = labels
                .iter()
                .find(|l| l.language() == Some(lang))
                .or_else(|| labels.iter().find(|l| l.language() == Some("en")))
                .or_else(|| labels.first());
            if let Some(label) = pick {
                return Some(label.value().to_owned());
            }
        }
        None
    }
}

pub(super) fn as_subject(term: &Term) -> Option<NamedOrBlankNode> {
    match term {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        Term::Literal(_) => None,
    }
}

impl Context<'_> {
    /// `prefix:local` when a prefix fits, else the IRI.
    pub(super) fn compact(&self, iri: &str) -> String {
        self.prefixes
            .iter()
            .filter(|(_, ns)| iri.starts_with(ns.as_str()) && iri.len() > ns.len())
            .max_by_key(|(_, ns)| ns.len())
            .map_or_else(
                || iri.to_owned(),
                |(prefix, ns)| format!("{prefix}:{}", &iri[ns.len()..]),
            )
    }

    /// The path of one of our IRIs on this service, if it is one we serve.
    pub(super) fn local_href(&self, iri: &str) -> Option<String> {
        let rest = iri.strip_prefix(self.base)?;
        let served = rest == "def/"
            || ["id/", "def/", "shape/"]
                .iter()
                .any(|p| rest.starts_with(p) && rest.len() > p.len());
        served.then(|| format!("/{rest}"))
    }

    /// A link to an IRI: our own ones to their page here, others out (Wikidata, DBpedia,
    /// QUDT, …); IRIs under the base that we do not serve (graph names) stay plain text.
    pub(super) fn link(&self, iri: &NamedNode, index: &Index<'_>) -> String {
        let term = Term::from(iri.clone());
        let text = index
            .label(&term, self.lang)
            .or_else(|| self.sentence_name(iri, index))
            .unwrap_or_else(|| self.compact(iri.as_str()));
        if let Some(href) = self.local_href(iri.as_str()) {
            format!(
                "<a class=\"internal\" href=\"{}\" title=\"{}\">{}</a>",
                escape(&href),
                escape(iri.as_str()),
                escape(&text)
            )
        } else if iri.as_str().starts_with(self.base) {
            format!(
                "<span class=\"iri\" title=\"{}\">{}</span>",
                escape(iri.as_str()),
                escape(&text)
            )
        } else {
            format!(
                "<a class=\"external\" rel=\"external\" href=\"{0}\" title=\"{0}\">{1}</a>",
                escape(iri.as_str()),
                escape(&text)
            )
        }
    }

    /// "sentence 10" for a sentence of the article (it has text and a position but no label).
    pub(super) fn sentence_name(&self, iri: &NamedNode, index: &Index<'_>) -> Option<String> {
        // fg:position has fg:Sentence as its domain: a position alone names a sentence (a
        // sentence linking in brings its position, not its whole text).
        let subject = NamedOrBlankNode::from(iri.clone());
        match index.object(&subject, &format!("{}def/position", self.base))? {
            Term::Literal(position) => Some(format!(
                "{} {}",
                text(self.lang, "sentence"),
                position.value()
            )),
            _ => None,
        }
    }

    /// A value: a link, a literal with its language or datatype, or a nested blank node.
    pub(super) fn value(&self, term: &Term, index: &Index<'_>, depth: usize) -> String {
        match term {
            Term::NamedNode(n) => self.link(n, index),
            Term::BlankNode(b) => {
                let subject = NamedOrBlankNode::from(b.clone());
                if depth < 4 && index.outgoing(&subject).next().is_some() {
                    self.properties_table(&subject, index, &[], depth + 1)
                } else {
                    format!("<span class=\"bnode\">_:{}</span>", escape(b.as_str()))
                }
            }
            Term::Literal(l) => match l.language() {
                Some(language) => format!(
                    "<span class=\"literal\" lang=\"{0}\">{1}</span> <span class=\"language\">@{0}</span>",
                    escape(language),
                    escape(l.value())
                ),
                None if l.datatype() == vocab::xsd::STRING => {
                    format!("<span class=\"literal\">{}</span>", escape(l.value()))
                }
                None => format!(
                    "<span class=\"literal\">{}</span> <span class=\"datatype\" title=\"{}\">{}</span>",
                    escape(&literal_text(l, self.lang)),
                    escape(l.datatype().as_str()),
                    escape(&self.compact(l.datatype().as_str()))
                ),
            },
        }
    }

    /// A table of a subject's properties, one row per property, values in a list.
    pub(super) fn properties_table(
        &self,
        subject: &NamedOrBlankNode,
        index: &Index<'_>,
        skip: &[&str],
        depth: usize,
    ) -> String {
        let mut rows: Vec<(&NamedNode, Vec<&Term>)> = Vec::new();
        for triple in index.outgoing(subject) {
            if skip.contains(&triple.predicate.as_str()) {
                continue;
            }
            match rows.iter_mut().find(|(p, _)| *p == &triple.predicate) {
                Some((_, values)) => values.push(&triple.object),
                None => rows.push((&triple.predicate, vec![&triple.object])),
            }
        }
        if rows.is_empty() {
            return String::new();
        }
        let mut html = String::from("<div class=\"table-wrap\"><table class=\"properties\">");
        let _ = write!(
            html,
            "<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            text(self.lang, "property"),
            text(self.lang, "value")
        );
        for (predicate, values) in rows {
            let _ = write!(
                html,
                "<tr><th scope=\"row\">{}</th><td>",
                self.link(predicate, index)
            );
            // A long list of values (the other names of a thing) is one line until opened.
            let long = values.len() > COLLAPSE_OVER;
            if long {
                let _ = write!(
                    html,
                    "<details class=\"long-values\"><summary>{} {}</summary>",
                    values.len(),
                    text(self.lang, "values")
                );
            }
            html.push_str("<ul class=\"values\">");
            for value in values {
                let _ = write!(html, "<li>{}</li>", self.value(value, index, depth));
            }
            html.push_str("</ul>");
            if long {
                html.push_str("</details>");
            }
            html.push_str("</td></tr>");
        }
        html.push_str("</tbody></table></div>");
        html
    }

    /// A fact's details: (subject,) property, value with unit, time, hedge and planned flags.
    /// On an entity's page the subject is the page itself and is left out.
    pub(super) fn fact_details(
        &self,
        fact: &NamedOrBlankNode,
        index: &Index<'_>,
        subject: bool,
    ) -> String {
        let fg = |local: &str| format!("{}def/{local}", self.base);
        let lang = self.lang;
        let mut html = String::from("<dl class=\"fact-details\">");
        let mut item = |class: &str, key: &str, value: String| {
            let _ = write!(
                html,
                "<div class=\"{class}\"><dt>{}</dt><dd>{value}</dd></div>",
                text(lang, key)
            );
        };
        // Readable values: the datatype of a literal is in the property table, not here.
        let values = |predicate: &str| {
            index
                .objects(fact, predicate)
                .into_iter()
                .map(|t| match t {
                    Term::Literal(l) => format!(
                        "<span class=\"literal\"{}>{}</span>",
                        l.language()
                            .map(|lang| format!(" lang=\"{}\"", escape(lang)))
                            .unwrap_or_default(),
                        escape(&literal_text(l, lang))
                    ),
                    _ => self.value(t, index, 0),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        if subject {
            item("subject", "subject", values(vocab::rdf::SUBJECT.as_str()));
        }
        item(
            "property",
            "property",
            values(vocab::rdf::PREDICATE.as_str()),
        );
        item("value", "value", values(vocab::rdf::OBJECT.as_str()));
        let unit = values(QUDT_HAS_UNIT);
        if !unit.is_empty() {
            item("unit", "unit", unit);
        }
        let times: Vec<String> = ["startTime", "pointInTime", "validAt", "period"]
            .iter()
            .filter_map(|key| {
                let value = values(&fg(key));
                (!value.is_empty()).then(|| format!("{} {value}", text(lang, key)))
            })
            .collect();
        if !times.is_empty() {
            item("time", "time", times.join("; "));
        }
        let approximate = index
            .object(fact, &fg("approximate"))
            .is_some_and(|t| matches!(t, Term::Literal(l) if l.value() == "true"));
        let hedge = values(&fg("hedge"));
        if approximate || !hedge.is_empty() {
            let mut value = text(lang, "approximate").to_owned();
            if !hedge.is_empty() {
                let _ = write!(value, " ({hedge})");
            }
            item("hedge", "hedged", value);
        }
        if index
            .object(fact, &fg("planned"))
            .is_some_and(|t| matches!(t, Term::Literal(l) if l.value() == "true"))
        {
            item("planned", "planned", text(lang, "yes").to_owned());
        }
        html.push_str("</dl>");
        html
    }

    /// The sentences a fact comes from, quoted, with the fact's evidence words marked.
    pub(super) fn fact_sources(&self, fact: &NamedOrBlankNode, index: &Index<'_>) -> String {
        let evidence: Vec<&str> = index
            .objects(fact, &format!("{}def/evidence", self.base))
            .into_iter()
            .filter_map(|t| match t {
                Term::Literal(l) => Some(l.value()),
                _ => None,
            })
            .collect();
        let mut html = String::new();
        for sentence in index.objects(fact, &format!("{}def/sourceSentence", self.base)) {
            let Some(subject) = as_subject(sentence) else {
                continue;
            };
            let quote = index.object(&subject, NIF_ANCHOR_OF);
            let cite = match sentence {
                Term::NamedNode(n) => self.local_href(n.as_str()),
                _ => None,
            };
            if let Some(Term::Literal(quote)) = quote {
                let _ = write!(
                    html,
                    "<figure class=\"source\"><blockquote{}{}><p>{}</p></blockquote>",
                    cite.as_ref()
                        .map(|c| format!(" cite=\"{}\"", escape(c)))
                        .unwrap_or_default(),
                    quote
                        .language()
                        .map(|l| format!(" lang=\"{}\"", escape(l)))
                        .unwrap_or_default(),
                    marked(quote.value(), &evidence)
                );
                let _ = write!(
                    html,
                    "<figcaption>{}: {}</figcaption></figure>",
                    text(self.lang, "source"),
                    self.value(sentence, index, 0)
                );
            } else {
                let _ = write!(
                    html,
                    "<p class=\"source\">{}: {}</p>",
                    text(self.lang, "source"),
                    self.value(sentence, index, 0)
                );
            }
        }
        html
    }

    /// The links at the foot of every resource page: the RDF representations and the dataset.
    pub(super) fn page_footer(&self) -> String {
        let mut html = format!(
            "<footer class=\"resource-footer\">\n<nav class=\"formats\" aria-labelledby=\"formats-heading\"><h2 id=\"formats-heading\">{}</h2><ul>",
            text(self.lang, "formats")
        );
        for format in FORMATS {
            let Some(name) = formats::rdf_name(format) else {
                continue;
            };
            let _ = write!(
                html,
                "<li><a href=\"?format={name}\" rel=\"alternate\">{}</a></li>",
                format.name()
            );
        }
        let _ = write!(
            html,
            "</ul></nav>\n<p class=\"dataset\"><a href=\"{VOID_PATH}\">{}</a> · <a href=\"/sparql\">{}</a></p>\n</footer>",
            text(self.lang, "dataset"),
            text(self.lang, "sparql"),
        );
        html
    }

    /// The language switch: both languages, the current one marked.
    pub(super) fn languages(&self) -> String {
        let mut html = format!("<p class=\"languages\">{}: ", text(self.lang, "language"));
        for (i, (lang, name)) in [("en", "English"), ("nl", "Nederlands")].iter().enumerate() {
            if i > 0 {
                html.push_str(" · ");
            }
            let current = if *lang == self.lang {
                " aria-current=\"true\""
            } else {
                ""
            };
            let _ = write!(
                html,
                "<a href=\"?lang={lang}\" hreflang=\"{lang}\" lang=\"{lang}\"{current}>{name}</a>"
            );
        }
        html.push_str("</p>\n");
        html
    }

    /// Title, IRI, types and the language switch of the page's subject.
    pub(super) fn header(&self, iri: &NamedNode, index: &Index<'_>) -> (String, String) {
        let subject = NamedOrBlankNode::from(iri.clone());
        let title = index
            .label(&Term::from(iri.clone()), self.lang)
            .or_else(|| self.sentence_name(iri, index))
            .unwrap_or_else(|| self.compact(iri.as_str()));
        let mut html = format!(
            "<header class=\"resource-header\">\n<h1>{}</h1>\n<p class=\"iri\"><code>{}</code></p>\n",
            escape(&title),
            escape(iri.as_str())
        );
        // Each class by its label as a name ("Plant"), linked to its page.
        let types: Vec<String> = index
            .objects(&subject, vocab::rdf::TYPE.as_str())
            .into_iter()
            .map(|t| match t {
                Term::NamedNode(class) => {
                    match (index.label(t, self.lang), self.local_href(class.as_str())) {
                        (Some(label), Some(href)) => format!(
                            "<a class=\"internal type\" href=\"{}\" title=\"{}\">{}</a>",
                            escape(&href),
                            escape(class.as_str()),
                            escape(&capitalised(&label))
                        ),
                        _ => self.value(t, index, 0),
                    }
                }
                _ => self.value(t, index, 0),
            })
            .collect();
        if !types.is_empty() {
            let _ = writeln!(
                html,
                "<p class=\"types\">{}: {}</p>",
                text(self.lang, "type"),
                types.join(", ")
            );
        }
        html.push_str(&self.languages());
        html.push_str("</header>\n");
        (title, html)
    }

    /// The site's frame around a page's content, with the RDF representations as alternates.
    pub(super) fn frame(&self, title: String, main: String) -> layout::Page {
        let mut page = layout::Page::new(title, self.section, main);
        page.lang = self.lang;
        for format in FORMATS {
            let Some(name) = formats::rdf_name(format) else {
                continue;
            };
            page.alternates.push(Alternate {
                media_type: formats::rdf_media_type(format),
                href: format!("?format={name}"),
                title: format.name(),
            });
        }
        page
    }
}

impl Context<'_> {
    /// A sentence of the article leads its page: quoted, with the evidence of every fact that
    /// rests on it marked, and those facts listed by their statements.
    pub(super) fn sentence(&self, iri: &NamedNode, text_of: &Literal, index: &Index<'_>) -> String {
        let this = Term::from(iri.clone());
        let source = format!("{}def/sourceSentence", self.base);
        let evidence_of = format!("{}def/evidence", self.base);
        let mut facts: Vec<&NamedNode> = Vec::new();
        let mut evidence: Vec<&str> = Vec::new();
        for triple in index.triples {
            if triple.predicate.as_str() != source || triple.object != this {
                continue;
            }
            let NamedOrBlankNode::NamedNode(fact) = &triple.subject else {
                continue;
            };
            if facts.contains(&fact) {
                continue;
            }
            facts.push(fact);
            for e in index.objects(&triple.subject, &evidence_of) {
                if let Term::Literal(l) = e {
                    evidence.push(l.value());
                }
            }
        }
        let mut html = format!(
            "<section class=\"statement sentence\">\n<h2 class=\"visually-hidden\">{}</h2>\n\
             <figure class=\"source\"><blockquote{}><p>{}</p></blockquote></figure>\n",
            text(self.lang, "statement"),
            text_of
                .language()
                .map(|l| format!(" lang=\"{}\"", escape(l)))
                .unwrap_or_default(),
            marked(text_of.value(), &evidence)
        );
        if !facts.is_empty() {
            let _ = write!(
                html,
                "<h2>{}</h2>\n<ul class=\"from-sentence\">",
                text(self.lang, "fromSentence")
            );
            for fact in facts {
                let _ = write!(html, "<li>{}</li>", self.link(fact, index));
            }
            html.push_str("</ul>\n");
        }
        html.push_str("</section>\n");
        html
    }
}

/// `text`, escaped, with every evidence string's first occurrence in `<mark>`. Overlapping or
/// touching occurrences are merged into one mark; evidence not found in the text is ignored.
pub fn marked(text: &str, evidence: &[&str]) -> String {
    let mut ranges: Vec<(usize, usize)> = evidence
        .iter()
        .filter(|e| !e.trim().is_empty())
        .filter_map(|e| text.find(e).map(|start| (start, start + e.len())))
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let mut html = String::with_capacity(text.len() + merged.len() * 13);
    let mut at = 0;
    for (start, end) in merged {
        // `find` returns character boundaries, so the slices are whole characters.
        html.push_str(&escape(text.get(at..start).unwrap_or_default()));
        let _ = write!(
            html,
            "<mark>{}</mark>",
            escape(text.get(start..end).unwrap_or_default())
        );
        at = end;
    }
    html.push_str(&escape(text.get(at..).unwrap_or_default()));
    html
}

/// A group of incoming links longer than this starts collapsed.
pub(super) const COLLAPSE_OVER: usize = 5;
