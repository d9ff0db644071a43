//! `/docs/{name}`: the project's documentation that pages refer to (the fact model), rendered
//! from the Markdown in `docs/` into the site's frame, so a reference is a link, not a path.

use crate::http::error::{Error, Result};
use crate::http::layout::{Page, Section};
use crate::service::state::AppState;
use axum::extract::Path;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().route("/docs/{name}", get(document))
}

/// The documents served, by name: compiled in, like every other byte the pages need.
const DOCUMENTS: &[(&str, &str)] = &[("fact-model", include_str!("../../docs/fact-model.md"))];

async fn document(Path(name): Path<String>) -> Result<Page> {
    let markdown = DOCUMENTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "no document {name:?}; the documents are: {}",
                DOCUMENTS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    Ok(render(markdown))
}

/// The page of one Markdown document; its first heading is the title.
fn render(markdown: &str) -> Page {
    use pulldown_cmark::{html, Options, Parser};
    let title = markdown
        .lines()
        .find_map(|line| line.strip_prefix("# "))
        .unwrap_or("Documentation")
        .to_owned();
    let mut body = String::new();
    html::push_html(&mut body, Parser::new_ext(markdown, Options::ENABLE_TABLES));
    // Tables and code blocks scroll in their own frame on a narrow screen.
    // (focusable, so a keyboard can scroll them too).
    let body = body
        .replace(
            "<table>",
            "<div class=\"table-wrap\" tabindex=\"0\"><table>",
        )
        .replace("</table>", "</table></div>")
        .replace("<pre>", "<pre tabindex=\"0\">");
    Page::new(
        title,
        Section::Other,
        format!("<article class=\"document\">{body}</article>"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fact_model_renders_with_its_title_and_table() {
        let page = render(DOCUMENTS[0].1);
        assert!(page.title.starts_with("The fact model"));
        assert!(page.main.contains("<h1>The fact model"));
        assert!(page
            .main
            .contains("<div class=\"table-wrap\" tabindex=\"0\"><table>"));
        assert!(page.main.contains("<pre tabindex=\"0\"><code>"));
    }
}
