//! The home page `/`: what the dataset is, its size, and a question box that asks `/ask` and
//! shows the answer with its source (the answering happens in `web/ask.js`). Clients that want
//! JSON get a small index of the service's routes instead.

use crate::http::error::Result;
use crate::http::layout::{escape, Page, Section};
use crate::http::negotiate::negotiate;
use crate::linked_data::stats::DatasetStats;
use crate::service::state::AppState;
use crate::store::formats::Offer;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Debug, Clone, Copy)]
enum Representation {
    Html,
    Json,
}

/// HTML first: a client that says nothing (curl, a bookmark) gets the page.
const OFFERS: &[Offer<Representation>] = &[
    Offer::new("text/html", &["html"], Representation::Html),
    Offer::new("application/json", &["json"], Representation::Json),
];

/// The size of the graph, as the home page and the JSON index report it: the numbers the VoID
/// description publishes, under its names (`void:triples`, `void:entities`, and the
/// `void:entities` of the class partitions of `fg:Fact` and `fg:Sentence`), so the two never
/// disagree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub triples: u64,
    pub entities: u64,
    pub facts: u64,
    pub sentences: u64,
}

impl Figures {
    /// The figures of the dataset statistics computed at start-up (the store is read-only, so
    /// they stay true): no query per request. `base` names the classes as the store holds them.
    pub fn of(stats: &DatasetStats, base: &str) -> Self {
        let instances = |local: &str| {
            let class = format!("{base}def/{local}");
            stats
                .classes
                .iter()
                .find(|(c, _)| c.as_str() == class)
                .map_or(0, |(_, n)| *n)
        };
        Self {
            triples: stats.triples,
            entities: stats.entities,
            facts: instances("Fact"),
            sentences: instances("Sentence"),
        }
    }
}

async fn home(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response> {
    let mut question = None;
    let mut format = None;
    for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "q" => question = Some(value.into_owned()),
            "format" => format = Some(value.into_owned()),
            _ => {}
        }
    }
    let offer = negotiate(&headers, format.as_deref(), OFFERS)?;
    let figures = Figures::of(&state.dataset(), state.store.base());
    let mut response = match offer.value {
        Representation::Json => Json(index(&state, &headers, figures)).into_response(),
        Representation::Html => page(
            state.store.base(),
            figures,
            question.as_deref().unwrap_or(""),
        )
        .into_response(),
    };
    response
        .headers_mut()
        .insert(header::VARY, axum::http::HeaderValue::from_static("Accept"));
    Ok(response)
}

/// The JSON index: where things are, for programs that start at `/`.
fn index(state: &AppState, headers: &HeaderMap, figures: Figures) -> serde_json::Value {
    let origin = state.public_origin(headers);
    let route = |path: &str, description: &str| serde_json::json!({ "path": path, "url": format!("{origin}{path}"), "description": description });
    serde_json::json!({
        "name": "factgraph",
        "description": "The facts of one Dutch news article (December 2022) about Audi's plant in Brussels, as an RDF knowledge graph.",
        "dataset": figures,
        "routes": [
            route("/", "this index; the home page with the question box for browsers"),
            route("/ask", "answers a question in Dutch or English: GET /ask?q=…[&lang=nl|en]"),
            route("/questions", "the kinds of question /ask answers, with examples"),
            route("/reconcile", "a reconciliation service (Reconciliation Service API 0.2) for OpenRefine: GET for its manifest"),
            route("/questions/things", "every thing a fact names, with its names in Dutch and English (the question builder's list)"),
            route("/questions/about", "the questions /ask answers about one thing: GET /questions/about?thing=IRI[&lang=nl|en]"),
            route("/query", "the SPARQL query editor (HTML)"),
            route("/docs/fact-model", "the fact model: the shape of the graph every module relies on (HTML)"),
            route("/sparql", "the SPARQL 1.1 Protocol endpoint; without a query, its Service Description"),
            route("/.well-known/void", "the VoID description of the dataset, naming the dumps with their sizes"),
            route("/dumps/factgraph.nq.gz", "the whole dataset as N-Quads, gzip-compressed (also factgraph.nq, factgraph.ttl, factgraph.ttl.gz, and linkset-wikidata.ttl etc. for each linkset)"),
            route("/healthz", "health check"),
        ],
    })
}

fn page(base: &str, figures: Figures, question: &str) -> Page {
    // Each figure names the VoID term it is, so a reader can find the same number there.
    let figure = |value: u64, label: &str, term: &str| {
        format!(
            "<div><dt>{label}</dt><dd>{}</dd><dd class=\"figure-term\">{term}</dd></div>",
            group_digits(value)
        )
    };
    let main = format!(
        r#"<section class="intro" aria-labelledby="intro-heading">
<h1 id="intro-heading">The facts of one news article, as a knowledge graph</h1>
<p>A Dutch news article from December 2022 about Audi's plant in Brussels — electric-car production, solar roofs, CO₂ savings, rail freight, ownership, programmes and an award — turned into RDF: every statement with its value, unit, time, hedges and the sentence it comes from.</p>
<dl class="figures">{triples}{entities}{facts}{sentences}</dl>
<p class="hint">Counted as the dataset's <a href="/.well-known/void">VoID description</a> counts them.</p>
</section>
<section class="ask" id="ask-app" data-base="{base}" aria-labelledby="ask-heading">
<h2 id="ask-heading">Ask a question</h2>
<form id="ask-form" action="/" method="get" role="search">
<label for="q">Your question, in Dutch or English</label>
<div class="input-row">
<input id="q" name="q" type="search" value="{question}" autocomplete="off" spellcheck="false" aria-describedby="q-hint" required>
<button type="submit">Ask</button>
</div>
<p id="q-hint" class="hint">The answer comes from the graph, with the sentence of the article it rests on.</p>
</form>
<noscript><p class="hint">The question box needs JavaScript. The <a href="/query">SPARQL editor</a> and the <a href="/sparql">SPARQL endpoint</a> work without it.</p></noscript>
<div id="answer" class="answer-region" aria-live="polite"></div>
<form id="builder" class="builder" aria-labelledby="builder-heading" hidden>
<h3 id="builder-heading">Or build a question</h3>
<p class="hint" id="builder-hint">Pick a thing, then one of the questions the graph can answer about it; the question goes into the box above and is asked.</p>
<fieldset class="builder-lang">
<legend>Language of the question</legend>
<label><input type="radio" name="builder-lang" value="en" checked> English</label>
<label lang="nl"><input type="radio" name="builder-lang" value="nl"> Nederlands</label>
</fieldset>
<label for="thing-filter">1. Find a thing by name, in Dutch or English</label>
<input id="thing-filter" type="search" autocomplete="off" spellcheck="false" aria-describedby="thing-count">
<p id="thing-count" class="hint" aria-live="polite"></p>
<fieldset id="thing-choices" class="choices">
<legend>Things</legend>
<div id="thing-list"></div>
</fieldset>
<fieldset id="question-choices" class="choices" hidden>
<legend id="question-legend">2. Choose a question</legend>
<div id="question-list"></div>
</fieldset>
<p id="question-status" class="hint" aria-live="polite"></p>
<button type="submit" id="builder-ask" disabled>Ask this question</button>
</form>
<section id="examples" class="examples" aria-labelledby="examples-heading" hidden>
<h3 id="examples-heading">Example questions</h3>
<details id="example-details"><summary id="example-summary">Show the example questions</summary>
<div id="example-list"></div>
</details>
</section>
</section>"#,
        triples = figure(figures.triples, "triples", "void:triples"),
        entities = figure(figures.entities, "entities", "void:entities"),
        facts = figure(figures.facts, "facts", "fg:Fact instances"),
        sentences = figure(figures.sentences, "sentences", "fg:Sentence instances"),
        base = escape(base),
        question = escape(question),
    );
    let mut page = Page::new("Ask the article", Section::Ask, main);
    page.scripts.push("ask.js");
    page
}

/// `43866` → `43 866`, with a thin no-break space: readable in both languages of the page.
fn group_digits(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202F}');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_digits_in_threes() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(43866), "43\u{202F}866");
        assert_eq!(group_digits(1_234_567), "1\u{202F}234\u{202F}567");
    }
}
