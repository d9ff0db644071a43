//! The shared frame of every HTML page: head, header with the site's navigation, footer, and the
//! one style sheet. Pages hand in their `<main>` content; nothing else writes `<html>`, so all
//! pages look and behave alike (the Linked Data pages can adopt it by building a [`Page`]).

use crate::http::assets;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::fmt::Write as _;

/// Which entry of the header's navigation a page belongs to (it is marked `aria-current`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Ask,
    Query,
    Dataset,
    /// A page outside the navigation (e.g. a resource page).
    Other,
}

/// One HTML page. `main` is trusted HTML built by the caller with [`escape`] around every value
/// that came from a request or from the graph.
#[derive(Debug, Clone)]
pub struct Page {
    pub title: String,
    /// The language of the page's own text (`lang` on `<html>`); parts in another language carry
    /// their own `lang`.
    pub lang: &'static str,
    pub section: Section,
    pub main: String,
    /// Extra style sheets (asset names), loaded before the site's own so it can override them.
    pub styles: Vec<&'static str>,
    /// Scripts (asset names), loaded with `defer` in this order.
    pub scripts: Vec<&'static str>,
    /// Other representations of the page's content (`<link rel="alternate">`).
    pub alternates: Vec<Alternate>,
}

/// Another representation of a page, e.g. the Turtle of a resource page.
#[derive(Debug, Clone)]
pub struct Alternate {
    pub media_type: &'static str,
    pub href: String,
    pub title: &'static str,
}

impl Page {
    pub fn new(title: impl Into<String>, section: Section, main: String) -> Self {
        Self {
            title: title.into(),
            lang: "en",
            section,
            main,
            styles: Vec::new(),
            scripts: Vec::new(),
            alternates: Vec::new(),
        }
    }

    /// The whole document.
    pub fn render(&self) -> String {
        let mut html = String::with_capacity(self.main.len() + 2048);
        html.push_str("<!DOCTYPE html>\n");
        let _ = write!(
            html,
            "<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{} · factgraph</title>\n\
             <link rel=\"icon\" href=\"data:,\">\n",
            escape(self.lang),
            escape(&self.title)
        );
        for alternate in &self.alternates {
            let _ = writeln!(
                html,
                "<link rel=\"alternate\" type=\"{}\" href=\"{}\" title=\"{}\">",
                escape(alternate.media_type),
                escape(&alternate.href),
                escape(alternate.title)
            );
        }
        for style in &self.styles {
            let _ = writeln!(
                html,
                "<link rel=\"stylesheet\" href=\"{}\">",
                escape(&assets::url(style))
            );
        }
        let _ = writeln!(
            html,
            "<link rel=\"stylesheet\" href=\"{}\">",
            escape(&assets::url("site.css"))
        );
        for script in &self.scripts {
            let _ = writeln!(
                html,
                "<script defer src=\"{}\"></script>",
                escape(&assets::url(script))
            );
        }
        html.push_str("</head>\n<body>\n");
        // The frame is written in English; on a page in another language it says so.
        let chrome_lang = if self.lang == "en" {
            ""
        } else {
            " lang=\"en\""
        };
        let _ = writeln!(
            html,
            "<a class=\"skip-link\" href=\"#main\"{chrome_lang}>Skip to the content</a>"
        );
        html.push_str(&self.header(chrome_lang));
        let _ = write!(html, "<main id=\"main\">\n{}\n</main>\n", self.main);
        let _ = write!(
            html,
            "<footer class=\"site-footer\"{chrome_lang}>\n{FOOTER}</footer>\n"
        );
        html.push_str("</body>\n</html>\n");
        html
    }

    fn header(&self, chrome_lang: &str) -> String {
        let mut nav = String::new();
        for (section, href, label) in [
            (Section::Ask, "/", "Ask"),
            (Section::Query, "/query", "Query"),
            (Section::Dataset, "/.well-known/void", "Dataset"),
        ] {
            let current = if section == self.section {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = write!(nav, "<li><a href=\"{href}\"{current}>{label}</a></li>");
        }
        format!(
            "<header class=\"site-header\"{chrome_lang}>\n<a class=\"brand\" href=\"/\">factgraph</a>\n\
             <nav aria-label=\"Main\"><ul>{nav}</ul></nav>\n</header>\n"
        )
    }
}

const FOOTER: &str = "<p>factgraph: the facts of one Dutch news \
    article (December 2022) about Audi's plant in Brussels, as an RDF knowledge graph. \
    <a href=\"/sparql\">SPARQL endpoint</a> · <a href=\"/.well-known/void\">dataset \
    description</a> · <a href=\"/healthz\">health</a></p>\n";

/// Pages load nothing from elsewhere and have no inline scripts; saying so to the browser turns
/// any injected markup that slipped past `escape` into inert text.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                (header::REFERRER_POLICY, "same-origin"),
            ],
            self.render(),
        )
            .into_response()
    }
}

/// Escapes text for HTML content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a value for a URL's query string (`application/x-www-form-urlencoded`).
pub fn encode_query_value(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn page_has_language_navigation_and_escaped_title() {
        let page = Page::new("<Query>", Section::Query, "<p>body</p>".to_owned());
        let html = page.render();
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(html.contains("<title>&lt;Query&gt; · factgraph</title>"));
        assert!(html.contains("<a href=\"/query\" aria-current=\"page\">Query</a>"));
        assert!(html.contains("<a href=\"/\">Ask</a>"));
        assert!(html.contains("<main id=\"main\">\n<p>body</p>"));
        assert!(html.contains("/assets/site.css?v="));
        assert!(html.contains("<header class=\"site-header\">"));
    }

    #[test]
    fn a_page_in_another_language_marks_the_english_frame() {
        let mut page = Page::new("Fabriek", Section::Other, "<p>tekst</p>".to_owned());
        page.lang = "nl";
        page.alternates.push(Alternate {
            media_type: "text/turtle",
            href: "?format=turtle&lang=nl".to_owned(),
            title: "Turtle",
        });
        let html = page.render();
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"nl\">"));
        assert!(html.contains("<header class=\"site-header\" lang=\"en\">"));
        assert!(html.contains("<footer class=\"site-footer\" lang=\"en\">"));
        assert!(html.contains(
            "<link rel=\"alternate\" type=\"text/turtle\" href=\"?format=turtle&amp;lang=nl\" title=\"Turtle\">"
        ));
    }
}
