//! HTML pages for resources and documents: rendered on the server inside the site's frame
//! ([`layout::Page`]: header navigation, footer, the one style sheet and its strict
//! Content-Security-Policy), readable without scripts, in English or Dutch. The markup is
//! semantic with class names (`resource-header`, `properties`, `facts`, `fact`, `incoming`,
//! `formats`, …) that `web/site.css` styles. Every piece of data goes through [`escape`].

use super::{FORMATS, VOID_PATH};
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

const SKOS_PREF_LABEL: &str = "http://www.w3.org/2004/02/skos/core#prefLabel";
const NIF_ANCHOR_OF: &str =
    "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf";
const DCTERMS_TITLE: &str = "http://purl.org/dc/terms/title";
const QUDT_HAS_UNIT: &str = "http://qudt.org/schema/qudt/hasUnit";

/// The words of the page chrome: `(key, English, Dutch)`.
const WORDS: &[(&str, &str, &str)] = &[
    ("type", "Type", "Type"),
    ("properties", "Properties", "Eigenschappen"),
    ("statement", "Statement", "Bewering"),
    ("facts", "Facts", "Feiten"),
    ("incoming", "Incoming links", "Inkomende links"),
    ("shown", "Showing the first", "De eerste"),
    ("of", "of", "van de"),
    (
        "all",
        "all of them in the query editor",
        "allemaal in de query-editor",
    ),
    ("formats", "Other formats", "Andere formaten"),
    (
        "dataset",
        "Dataset description",
        "Beschrijving van de dataset",
    ),
    ("sparql", "SPARQL endpoint", "SPARQL-endpoint"),
    ("language", "Language", "Taal"),
    ("property", "Property", "Eigenschap"),
    ("subject", "Subject", "Onderwerp"),
    ("value", "Value", "Waarde"),
    ("unit", "Unit", "Eenheid"),
    ("time", "Time", "Tijd"),
    ("hedged", "Hedged", "Voorbehoud"),
    ("approximate", "approximate", "bij benadering"),
    ("planned", "Planned", "Gepland"),
    ("yes", "yes", "ja"),
    ("source", "Source", "Bron"),
    ("from", "From", "Van"),
    ("startTime", "since", "sinds"),
    ("pointInTime", "in", "in"),
    ("validAt", "as of", "geldig op"),
    ("period", "per period", "per periode"),
    ("terms", "Described resources", "Beschreven bronnen"),
    ("sentence", "sentence", "zin"),
    ("fact", "Fact", "Feit"),
    ("valueOf", "Facts that name it", "Feiten die het noemen"),
    (
        "sourceSentence",
        "The sentence it comes from",
        "De zin waar het vandaan komt",
    ),
    ("values", "values", "waarden"),
    (
        "fromSentence",
        "Facts from this sentence",
        "Feiten uit deze zin",
    ),
];

/// Whether a literal is a number of XSD (its lexical form is then shown grouped the page
/// language's way: "43,866" in English, "43.866" in Dutch, as the answer cards write it).
fn is_number(literal: &Literal) -> bool {
    const NUMERIC: &[&str] = &[
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    ];
    literal
        .datatype()
        .as_str()
        .strip_prefix("http://www.w3.org/2001/XMLSchema#")
        .is_some_and(|local| NUMERIC.contains(&local))
}

/// A literal's text for a reader: numbers grouped the page language's way, the rest as is.
fn literal_text(literal: &Literal, lang: &str) -> String {
    if is_number(literal) {
        if let Ok(value) = literal.value().parse::<f64>() {
            let lang = if lang == "nl" {
                crate::qa::lang::Lang::Nl
            } else {
                crate::qa::lang::Lang::En
            };
            return crate::qa::numbers::format_decimal(value, 9, lang);
        }
    }
    literal.value().to_owned()
}

/// A word of the page chrome in the page language.
fn text(lang: &str, key: &str) -> &'static str {
    WORDS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("", |(_, en, nl)| if lang == "nl" { nl } else { en })
}

/// The triples of one page, with the lookups the rendering needs. Triples are grouped by
/// subject once: a page looks up labels for each row, and scanning every triple per row made
/// large pages quadratic.
struct Index<'a> {
    triples: &'a [Triple],
    by_subject: std::collections::HashMap<&'a NamedOrBlankNode, Vec<&'a Triple>>,
}

impl<'a> Index<'a> {
    fn new(triples: &'a [Triple]) -> Self {
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

    fn outgoing(&self, subject: &'a NamedOrBlankNode) -> impl Iterator<Item = &'a Triple> + 'a {
        self.by_subject
            .get(subject)
            .map_or(&[][..], Vec::as_slice)
            .to_vec()
            .into_iter()
    }

    fn objects(&self, subject: &NamedOrBlankNode, predicate: &str) -> Vec<&'a Term> {
        self.by_subject
            .get(subject)
            .into_iter()
            .flatten()
            .filter(|t| t.predicate.as_str() == predicate)
            .map(|t| &t.object)
            .collect()
    }

    fn object(&self, subject: &NamedOrBlankNode, predicate: &str) -> Option<&'a Term> {
        self.objects(subject, predicate).into_iter().next()
    }

    /// `skos:prefLabel`, else `rdfs:label`, else `dcterms:title` (the dataset description), in
    /// the page language, else English, else any.
    fn label(&self, term: &Term, lang: &str) -> Option<String> {
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

fn as_subject(term: &Term) -> Option<NamedOrBlankNode> {
    match term {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        Term::Literal(_) => None,
    }
}

impl Context<'_> {
    /// `prefix:local` when a prefix fits, else the IRI.
    fn compact(&self, iri: &str) -> String {
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
    fn local_href(&self, iri: &str) -> Option<String> {
        let rest = iri.strip_prefix(self.base)?;
        let served = rest == "def/"
            || ["id/", "def/", "shape/"]
                .iter()
                .any(|p| rest.starts_with(p) && rest.len() > p.len());
        served.then(|| format!("/{rest}"))
    }

    /// A link to an IRI: our own ones to their page here, others out (Wikidata, DBpedia,
    /// QUDT, …); IRIs under the base that we do not serve (graph names) stay plain text.
    fn link(&self, iri: &NamedNode, index: &Index<'_>) -> String {
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
    fn sentence_name(&self, iri: &NamedNode, index: &Index<'_>) -> Option<String> {
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
    fn value(&self, term: &Term, index: &Index<'_>, depth: usize) -> String {
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
    fn properties_table(
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
    fn fact_details(&self, fact: &NamedOrBlankNode, index: &Index<'_>, subject: bool) -> String {
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
    fn fact_sources(&self, fact: &NamedOrBlankNode, index: &Index<'_>) -> String {
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
    fn page_footer(&self) -> String {
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
    fn languages(&self) -> String {
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
    fn header(&self, iri: &NamedNode, index: &Index<'_>) -> (String, String) {
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
    fn frame(&self, title: String, main: String) -> layout::Page {
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
    fn sentence(&self, iri: &NamedNode, text_of: &Literal, index: &Index<'_>) -> String {
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

/// A group of incoming links longer than this starts collapsed.
const COLLAPSE_OVER: usize = 5;

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
