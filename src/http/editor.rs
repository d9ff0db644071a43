//! The SPARQL query editor `/query` (also what a browser gets from `/sparql` without a query):
//! a form holding the first example query (the predeclared prefixes listed under a toggle),
//! example queries over the fact model, and `web/query.js`,
//! which adds highlighting, runs the query against `/sparql` and shows the results as a table.

use crate::http::error::Result;
use crate::http::layout::{encode_query_value, escape, Page, Section};
use crate::service::state::AppState;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::fmt::Write as _;

pub fn router() -> Router<AppState> {
    Router::new().route("/query", get(query_page))
}

/// Example queries over the fact model of `docs/fact-model.md`, without their prefix lines.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "Facts with the words they rest on",
        "SELECT ?fact ?label ?evidence ?sentence WHERE {
  ?fact a fg:Fact ;
        rdfs:label ?label ;
        fg:evidence ?evidence ;
        fg:sourceSentence ?s .
  ?s nif:anchorOf ?sentence .
  FILTER(LANG(?label) = \"en\")
}
ORDER BY ?fact
LIMIT 50",
    ),
    (
        "Quantities with unit and time",
        "SELECT ?fact ?subject ?property ?value ?unit ?time WHERE {
  ?fact a fg:Fact ;
        rdf:subject ?subject ;
        rdf:predicate ?property ;
        rdf:object ?value .
  FILTER(ISLITERAL(?value) && ISNUMERIC(?value))
  OPTIONAL { ?fact qudt:hasUnit ?unit }
  OPTIONAL { ?fact fg:pointInTime|fg:validAt|fg:startTime ?time }
}
ORDER BY ?fact",
    ),
    (
        "Entities with their Dutch and English names",
        "SELECT ?entity ?class ?nl ?en WHERE {
  ?entity a ?class ;
          skos:prefLabel ?nl, ?en .
  FILTER(LANG(?nl) = \"nl\" && LANG(?en) = \"en\")
  FILTER NOT EXISTS { ?entity a fg:Fact }
}
ORDER BY ?entity",
    ),
    (
        "Hedged and planned statements",
        "SELECT ?fact ?label ?hedge ?planned WHERE {
  ?fact a fg:Fact ;
        rdfs:label ?label .
  FILTER(LANG(?label) = \"en\")
  OPTIONAL { ?fact fg:hedge ?hedge }
  OPTIONAL { ?fact fg:planned ?planned }
  FILTER(BOUND(?hedge) || BOUND(?planned))
}
ORDER BY ?fact",
    ),
    (
        "The article, sentence by sentence",
        "SELECT ?position ?sentence ?text WHERE {
  ?sentence a fg:Sentence ;
            fg:position ?position ;
            nif:anchorOf ?text .
}
ORDER BY ?position",
    ),
    (
        "Triples per graph (one graph per file)",
        "SELECT ?graph (COUNT(*) AS ?triples) WHERE {
  GRAPH ?graph { ?s ?p ?o }
}
GROUP BY ?graph
ORDER BY ?graph",
    ),
    (
        "One fact as a graph (CONSTRUCT)",
        "CONSTRUCT { ?fact ?p ?o } WHERE {
  { SELECT ?fact WHERE { ?fact a fg:Fact } ORDER BY ?fact LIMIT 1 }
  ?fact ?p ?o .
}",
    ),
];

/// The `PREFIX` lines of the prefixes the endpoint predeclares. They are written out in the
/// editor so a query copied elsewhere still works.
pub fn prefix_block(state: &AppState) -> String {
    let mut block = String::new();
    for (prefix, iri) in state.store.prefixes() {
        let _ = writeln!(block, "PREFIX {prefix}: <{iri}>");
    }
    block
}

async fn query_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response> {
    let query = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(name, _)| name == "query")
        .map(|(_, value)| value.into_owned());
    Ok(page(&state, query.as_deref()).into_response())
}

/// The editor, holding `query` or, without one, the first example: the query itself, in view
/// at once. The predeclared prefixes are listed under a toggle instead of filling the box.
pub fn page(state: &AppState, query: Option<&str>) -> Page {
    let prefixes = prefix_block(state);
    let text = match query {
        Some(query) => query.to_owned(),
        None => format!("{}\n", EXAMPLES[0].1),
    };
    let mut examples = String::new();
    for (title, body) in EXAMPLES {
        let _ = write!(
            examples,
            "<li><a href=\"/query?query={}\">{}</a></li>",
            escape(&encode_query_value(&format!("{body}\n"))),
            escape(title)
        );
    }
    let prefix_count = state.store.prefixes().len();
    let prefix_map: serde_json::Map<String, serde_json::Value> = state
        .store
        .prefixes()
        .into_iter()
        .map(|(prefix, iri)| (prefix, serde_json::Value::String(iri)))
        .collect();
    let main = format!(
        r#"<h1>SPARQL query editor</h1>
<p>Queries run against the <a href="/sparql">SPARQL endpoint</a> of this service, where the prefixes listed below are predeclared: a query may use them without PREFIX lines. The shape of the graph is described in <a href="/docs/fact-model">the fact model</a>; its terms in <a href="/def/">the ontology</a>.</p>
<details class="prefixes">
<summary>Predeclared prefixes ({prefix_count})</summary>
<pre tabindex="0"><code>{prefix_lines}</code></pre>
</details>
<div class="editor-layout">
<form id="query-form" class="query-form" action="/sparql" method="get" data-base="{base}" data-prefixes="{prefix_map}">
<label for="query">Query</label>
<textarea id="query" name="query" rows="16" spellcheck="false" autocapitalize="off">
{text}</textarea>
<div class="actions">
<button type="submit">Run query</button>
<span class="hint">Ctrl+Enter runs the query; Tab leaves the editor.</span>
</div>
</form>
<nav class="example-queries" aria-labelledby="examples-heading">
<h2 id="examples-heading">Example queries</h2>
<ul>{examples}</ul>
</nav>
</div>
<p id="query-status" class="status" role="status" aria-live="polite"></p>
<div id="query-error" class="error" role="alert" hidden></div>
<section id="results" class="results" aria-labelledby="results-heading" hidden>
<h2 id="results-heading">Results</h2>
<p class="downloads" id="downloads"></p>
<div id="results-body" class="table-wrap" tabindex="0" aria-labelledby="results-heading"></div>
</section>"#,
        base = escape(state.store.base()),
        prefix_map = escape(&serde_json::Value::Object(prefix_map).to_string()),
        text = escape(&text),
        prefix_lines = escape(prefixes.trim_end()),
    );
    let mut page = Page::new("SPARQL query editor", Section::Query, main);
    page.styles.push("vendor/codemirror/codemirror.css");
    page.scripts.extend([
        "vendor/codemirror/codemirror.js",
        "vendor/codemirror/sparql.js",
        "query.js",
    ]);
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, DEFAULT_BASE};

    #[test]
    fn every_example_parses_with_and_without_the_prefix_lines() {
        let (store, _) = Store::load(&[], DEFAULT_BASE).unwrap();
        let state = AppState::new(store, Default::default()).unwrap();
        let prefixes = prefix_block(&state);
        for (title, body) in EXAMPLES {
            state
                .store
                .parse(body)
                .unwrap_or_else(|e| panic!("{title}: {e}"));
            state
                .store
                .parse(&format!("{prefixes}\n{body}"))
                .unwrap_or_else(|e| panic!("{title} with prefixes: {e}"));
        }
    }

    #[test]
    fn the_query_is_escaped_into_the_textarea() {
        let (store, _) = Store::load(&[], DEFAULT_BASE).unwrap();
        let state = AppState::new(store, Default::default()).unwrap();
        let html = page(&state, Some("SELECT * { ?s ?p \"</textarea><b>\" }")).render();
        assert!(html.contains("&lt;/textarea&gt;&lt;b&gt;"));
        assert!(!html.contains("</textarea><b>"));
    }
}
