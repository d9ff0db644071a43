//! The web pages as a browser would load them: every asset a page links to is served, and the
//! fingerprinted URLs pages use may be cached for good.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

/// The `/assets/…` URLs in a page's `href` and `src` attributes.
fn asset_urls(html: &str) -> Vec<String> {
    html.split(['"'])
        .filter(|part| part.starts_with("/assets/"))
        .map(|part| part.replace("&amp;", "&"))
        .collect()
}

#[tokio::test]
async fn every_asset_a_page_links_is_served_and_cacheable_for_good() {
    // The pages with scripts link at least the style sheet and one script; the Linked Data
    // pages only the style sheet.
    for (page, assets) in [
        ("/", 2),
        ("/query", 2),
        ("/id/audi-brussels?format=html", 1),
        ("/def/?format=html", 1),
        ("/.well-known/void?format=html", 1),
    ] {
        let reply = common::get(page).await;
        assert_eq!(reply.status, 200, "{page}");
        let urls = asset_urls(&reply.body);
        assert!(urls.len() >= assets, "{page} links {urls:?}");
        for url in urls {
            assert!(
                url.contains("?v="),
                "{page} links {url} without a fingerprint"
            );
            let asset = common::get(&url).await;
            assert_eq!(asset.status, 200, "{url}");
            assert_eq!(
                asset.header("cache-control"),
                "public, max-age=31536000, immutable",
                "{url}"
            );
            let expected = if url.contains(".css") {
                "text/css"
            } else {
                "text/javascript"
            };
            assert!(asset.header("content-type").starts_with(expected), "{url}");
            assert!(!asset.body.is_empty(), "{url}");
        }
    }
}

#[tokio::test]
async fn the_editor_lists_examples_that_the_endpoint_accepts() {
    let reply = common::get("/query").await;
    let links: Vec<&str> = reply
        .body
        .split('"')
        .filter(|part| part.starts_with("/query?query="))
        .collect();
    assert!(links.len() >= 5, "{links:?}");
    for link in links {
        let query = link
            .replace("&amp;", "&")
            .replacen("/query?", "/sparql?", 1);
        let answer = common::get(&query).await;
        assert_eq!(answer.status, 200, "{query}: {}", answer.body);
    }
}

/// The question builder offers, about the plant, the solar roof and the rail line, in both
/// languages, only questions that `/ask` answers with the fact they were built for, and the
/// answer names the fact's other end or time.
#[tokio::test]
async fn every_builder_question_is_answered_with_its_fact() {
    let things = common::get("/questions/things").await.json();
    let listed: Vec<&str> = things["things"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["iri"].as_str().unwrap())
        .collect();
    for thing in [
        "audi-brussels",
        "audi-brussels-solar-roof",
        "hungary-rail-freight-line",
    ] {
        let iri = format!("https://w3id.org/factgraph/id/{thing}");
        assert!(listed.contains(&iri.as_str()), "{iri} not in {listed:?}");
        for lang in ["nl", "en"] {
            let about = common::get(&format!(
                "/questions/about?lang={lang}&thing={}",
                form_urlencoded::byte_serialize(iri.as_bytes()).collect::<String>()
            ))
            .await;
            assert_eq!(about.status, 200, "{}", about.body);
            let questions = about.json()["questions"].as_array().unwrap().clone();
            assert!(questions.len() >= 3, "{thing} {lang}: {questions:?}");
            for q in questions {
                let question = q["question"].as_str().unwrap();
                assert!(question.ends_with('?'), "{question}");
                let answer = common::get(&format!(
                    "/ask?lang={lang}&q={}",
                    form_urlencoded::byte_serialize(question.as_bytes()).collect::<String>()
                ))
                .await
                .json();
                assert_eq!(answer["answered"], true, "{question}: {answer}");
                assert_eq!(answer["facts"][0], q["fact"], "{question}: {answer}");
            }
        }
    }
}
