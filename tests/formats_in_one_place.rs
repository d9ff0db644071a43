//! Keeps the invariant "media types and format names are written in src/store/formats.rs only":
//! every string literal in `src/**/*.rs` outside `src/store/formats.rs` is checked against the media
//! types and `format=` names of its tables, so a route cannot grow its own copy of the table
//! again. Comments and `#[cfg(test)]` items are not read: tests name media types as clients
//! send them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Literals that must stay where they are, by file: media types (their essence) and names that
/// are the same words as a format's but mean something else there.
const ALLOWED: &[(&str, &str, &str)] = &[
    // JSON APIs answer and read plain JSON, not SPARQL results or JSON-LD.
    (
        "src/http/ask.rs",
        "application/json",
        "/ask and the question builder's /questions/… are JSON APIs",
    ),
    (
        "src/http/ops.rs",
        "application/json",
        "the OpenAPI document is JSON",
    ),
    (
        "src/http/home.rs",
        "application/json",
        "the route index is JSON",
    ),
    (
        "src/http/home.rs",
        "json",
        "format=json asks for the route index",
    ),
    // text/plain bodies that are not N-Triples.
    (
        "src/http/error.rs",
        "text/plain",
        "error bodies are plain text",
    ),
    ("src/http/assets.rs", "text/plain", "a text asset"),
    ("src/http/ops.rs", "text/plain", "Prometheus's text format"),
    // The prefix `rdf:`, not the format name.
    ("src/store/backend.rs", "rdf", "the rdf: prefix"),
    ("src/linked_data/jsonld.rs", "rdf", "the rdf: prefix"),
];

#[test]
fn media_types_and_format_names_are_written_in_src_formats_rs_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let media_types: BTreeSet<String> = factgraph::store::formats::media_types()
        .map(str::to_ascii_lowercase)
        .collect();
    let names: BTreeSet<&str> = factgraph::store::formats::names().collect();
    assert!(media_types.contains("text/turtle") && names.contains("turtle"));

    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 20, "src/ has {} .rs files?", files.len());
    let mut found = Vec::new();
    let mut used = BTreeSet::new();
    for file in files {
        let relative = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if relative == "src/store/formats.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, literal) in literals_outside_tests(&text) {
            let mut hits: Vec<String> = literal
                .split(',')
                .filter_map(|piece| piece.split(';').next())
                .map(|piece| piece.trim().to_ascii_lowercase())
                .filter(|essence| media_types.contains(essence))
                .collect();
            if names.contains(literal.as_str()) {
                hits.push(literal.clone());
            }
            for hit in hits {
                let allowed = ALLOWED
                    .iter()
                    .position(|(f, what, _)| *f == relative && *what == hit);
                match allowed {
                    Some(i) => {
                        used.insert(i);
                    }
                    None => found.push(format!("{relative}:{line}: {literal:?} names {hit}")),
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "media types and format names belong in src/store/formats.rs (take them from its tables, \
         or allow-list a literal that means something else there, saying why):\n{}",
        found.join("\n")
    );
    let stale: Vec<_> = ALLOWED
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(_, (file, what, _))| format!("{file}: {what}"))
        .collect();
    assert!(
        stale.is_empty(),
        "allowed but no longer there, remove: {stale:?}"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literals of Rust source (with their line), leaving out comments and the items
/// under `#[cfg(test)]`. A small lexer: enough for this code base's strings (plain, raw, byte),
/// char literals and lifetimes, and nested block comments.
fn literals_outside_tests(source: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = source.chars().collect();
    // Code with every literal and comment blanked (newlines kept), for finding test items.
    let mut code: Vec<char> = Vec::with_capacity(chars.len());
    // (offset in `code`, line, text)
    let mut literals = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                code.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    code.extend("  ".chars());
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    code.extend("  ".chars());
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    code.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == '"' || raw_start(&chars, i).is_some() {
            let start_line = line;
            let offset = code.len();
            let mut text = String::new();
            if let Some((hashes, opening)) = raw_start(&chars, i) {
                code.extend(std::iter::repeat_n(' ', opening));
                i += opening;
                let closing: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let closing: Vec<char> = closing.chars().collect();
                while i < chars.len() && !chars[i..].starts_with(&closing) {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    text.push(chars[i]);
                    code.push(blank(chars[i]));
                    i += 1;
                }
                code.extend(std::iter::repeat_n(' ', closing.len()));
                i += closing.len();
            } else {
                code.push(' ');
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        // A line continuation (`\` and the newline) joins the lines.
                        if chars.get(i + 1) == Some(&'\n') {
                            line += 1;
                            code.extend(" \n".chars());
                            i += 2;
                            while i < chars.len() && chars[i].is_whitespace() {
                                code.push(blank(chars[i]));
                                if chars[i] == '\n' {
                                    line += 1;
                                }
                                i += 1;
                            }
                            continue;
                        }
                        text.push(chars[i + 1]);
                        code.extend("  ".chars());
                        i += 2;
                        continue;
                    }
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    text.push(chars[i]);
                    code.push(blank(chars[i]));
                    i += 1;
                }
                code.push(' ');
                i += 1;
            }
            literals.push((offset, start_line, text));
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a): only the former closes.
            let close = if next == Some('\\') {
                (i + 3..chars.len()).find(|&j| chars[j] == '\'')
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            let end = close.map_or(i + 1, |j| j + 1);
            code.extend(std::iter::repeat_n(' ', end - i));
            i = end;
        } else {
            if c == '\n' {
                line += 1;
            }
            code.push(c);
            i += 1;
        }
    }
    // `code` has one char per source char, so offsets agree; find the test items in it.
    let mut skipped = Vec::new();
    let marker: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut at = 0;
    while at + marker.len() <= code.len() {
        if code[at..].starts_with(&marker) {
            let start = at;
            let mut j = at + marker.len();
            let mut depth = 0;
            while j < code.len() {
                match code[j] {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ';' if depth == 0 => break,
                    _ => {}
                }
                j += 1;
            }
            skipped.push(start..j + 1);
            at = j + 1;
        } else {
            at += 1;
        }
    }
    literals
        .into_iter()
        .filter(|(offset, _, _)| !skipped.iter().any(|range| range.contains(offset)))
        .map(|(_, line, text)| (line, text))
        .collect()
}

/// Where a raw or byte string starts at `i` (`r"`, `r#"`, `b"`, `br#"`): the number of `#`s and
/// the length of the opening, for raw strings; `None` otherwise (a plain `"` is handled apart,
/// a byte string `b"…"` as a plain one after its `b`).
fn raw_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    // Only at the start of a token: `for"` is not a raw string.
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    j += hashes;
    (chars.get(j) == Some(&'"')).then_some((hashes, j + 1 - i))
}

#[test]
fn the_lexer_reads_literals_and_skips_comments_and_tests() {
    let source = r####"
        // "text/turtle" in a comment
        /* "application/n-triples" /* nested */ still comment */
        const A: &str = "one";
        const B: &str = r#"two "quoted""#;
        fn f<'a>(x: &'a str) -> [char; 3] { ['x', '\'', '\u{e9}'] }
        const C: &str = "th\"ree";
        const D: &str = "fo\
            ur";
        #[cfg(test)]
        mod tests { const E: &str = "five"; }
        const F: &str = "six";
    "####;
    let found: Vec<String> = literals_outside_tests(source)
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    assert_eq!(found, ["one", "two \"quoted\"", "th\"ree", "four", "six"]);
}
