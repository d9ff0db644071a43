//! Keeps the layer rules of ARCHITECTURE.md: it reads every file of `src/` (comments, strings
//! and `#[cfg(test)]` modules left out), finds which modules each one names, and fails on
//!
//! - an import cycle between files (a file that names a module that names it back, at any
//!   distance);
//! - a module that names a higher layer: `http/` → `service/` → the domain (`qa/`,
//!   `linked_data/`, `reconcile/`, `link/`, `builder/`) → `store/`, with `lib.rs`, `main.rs`
//!   and `config.rs` on top;
//! - a crate used outside its layer: axum, tower, hyper and tokio (serving HTTP) only in
//!   `http/`, `service/`, `lib.rs` and `main.rs`; Oxigraph's store, spargebra, ureq and rustls
//!   (the storage, the query algebra, outgoing connections) only in `store/`;
//! - a file outside `qa/` over 600 lines.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layer of a module by its first segment: a module may name its own layer and lower ones.
fn layer(module: &[String]) -> usize {
    match module.first().map(String::as_str) {
        Some("store") => 0,
        Some("qa" | "linked_data" | "reconcile" | "link" | "builder") => 1,
        Some("service") => 2,
        Some("http") => 3,
        // lib.rs, main.rs, config.rs.
        _ => 4,
    }
}

/// Crates (or paths of a crate) a file may name only inside the given top-level folders (or
/// the files `lib.rs` and `main.rs`).
const CONFINED: &[(&str, &[&str])] = &[
    ("axum", &["http", "service", "lib", "main"]),
    ("tower", &["http", "service", "lib", "main"]),
    ("hyper", &["http", "service", "lib", "main"]),
    ("tokio", &["http", "service", "lib", "main"]),
    ("oxigraph::store", &["store"]),
    ("spargebra", &["store"]),
    ("ureq", &["store"]),
    ("rustls", &["store"]),
];

const MAX_LINES: usize = 600;

struct File {
    path: PathBuf,
    /// The source with comments, literals and test modules blanked out.
    code: String,
    lines: usize,
}

#[test]
fn layers_hold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = read_tree(&root);
    assert!(files.len() > 40, "src/ has only {} modules?", files.len());
    let mut problems = Vec::new();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, file) in &files {
        let shown = file.path.strip_prefix(&root).unwrap().display().to_string();
        for target in references(module, &file.code, &files) {
            if layer(&target) > layer(module) {
                problems.push(format!("{shown} names {} in a higher layer", name(&target)));
            }
            edges.entry(module.clone()).or_default().insert(target);
        }
        let top = match module.first().map(String::as_str) {
            None => "lib",
            Some("main.rs") => "main",
            Some(first) => first,
        };
        for (krate, allowed) in CONFINED {
            if !allowed.contains(&top) && names_crate(&file.code, krate) {
                problems.push(format!(
                    "{shown} uses {krate}, which belongs to {allowed:?}"
                ));
            }
        }
        if top != "qa" && file.lines > MAX_LINES {
            problems.push(format!(
                "{shown} has {} lines (at most {MAX_LINES})",
                file.lines
            ));
        }
    }
    for cycle in cycles(&edges) {
        let names: Vec<String> = cycle.iter().map(|m| name(m)).collect();
        problems.push(format!("import cycle: {}", names.join(" → ")));
    }
    assert!(
        problems.is_empty(),
        "layer rules broken:\n{}",
        problems.join("\n")
    );
}

/// The checker itself: a cycle, a higher layer and a confined crate are found in code, and
/// not in comments or strings.
#[test]
fn the_checker_sees_what_it_should() {
    let code = blank("use crate::http::x; // crate::service::y\nlet s = \"crate::qa::z\";");
    assert!(code.contains("crate::http::x"));
    assert!(!code.contains("service") && !code.contains("qa"));
    let raw = blank("let q = r#\"use axum;\"#; let c = '\"'; fn f<'a>(x: &'a str) {}");
    assert!(!names_crate(&raw, "axum"), "{raw}");
    assert!(raw.contains("fn f<'a>"), "{raw}");
    let tests = blank("fn a() {}\n#[cfg(test)]\nmod tests {\n    use crate::http::y;\n}\n");
    assert!(!tests.contains("http"), "{tests}");
    let modules: BTreeMap<Vec<String>, File> = ["store", "http", "http/error"]
        .iter()
        .map(|m| {
            (
                path(m),
                File {
                    path: PathBuf::new(),
                    code: String::new(),
                    lines: 0,
                },
            )
        })
        .collect();
    let found = references(
        &path("store"),
        "use crate::http::error::{Error, Result};",
        &modules,
    );
    assert_eq!(found, BTreeSet::from([path("http/error")]));
    let mut edges = BTreeMap::new();
    edges.insert(path("a"), BTreeSet::from([path("b")]));
    edges.insert(path("b"), BTreeSet::from([path("c")]));
    edges.insert(path("c"), BTreeSet::from([path("a")]));
    assert_eq!(cycles(&edges).len(), 1);
    edges.insert(path("c"), BTreeSet::new());
    assert!(cycles(&edges).is_empty());
}

fn path(module: &str) -> Vec<String> {
    module.split('/').map(str::to_owned).collect()
}

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "lib".to_owned()
    } else {
        module.join("::")
    }
}

/// Every `.rs` file under `root` by module path (`store/mod.rs` is `store`, `lib.rs` and
/// `main.rs` the root); files named `tests.rs` are test modules and left out.
fn read_tree(root: &Path) -> BTreeMap<Vec<String>, File> {
    let mut paths = Vec::new();
    walk(root, &mut paths);
    let mut files = BTreeMap::new();
    for path in paths {
        let relative = path.strip_prefix(root).unwrap().with_extension("");
        let mut module: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match module.last().map(String::as_str) {
            Some("tests") => continue,
            Some("mod" | "lib" | "main") => {
                module.pop();
            }
            _ => {}
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let file = File {
            lines: text.lines().count(),
            code: blank(&text),
            path,
        };
        // main.rs is a crate of its own; it names the library as `factgraph::`, so only its
        // crates are checked. It shares the root's key with lib.rs, so it gets its own.
        let key = if file.path.ends_with("main.rs") {
            vec!["main.rs".to_owned()]
        } else {
            module
        };
        files.insert(key, file);
    }
    files
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file with comments, string and character literals replaced by spaces (so
/// line numbers stay), and `#[cfg(test)]` items removed.
fn blank(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let starts = |s: &str| rest.iter().take(s.len()).copied().eq(s.chars());
        if starts("//") {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if starts("/*") {
            let end = find(&chars, i + 2, "*/").map_or(chars.len(), |e| e + 2);
            push_blank(&mut out, &chars[i..end]);
            i = end;
        } else if let Some(hashes) = raw_string_start(&chars, i) {
            let open = i + hashes + 2 + usize::from(chars[i] == 'b');
            let close = format!("\"{}", "#".repeat(hashes));
            let end = find(&chars, open, &close).map_or(chars.len(), |e| e + close.len());
            push_blank(&mut out, &chars[i..end]);
            i = end;
        } else if chars[i] == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(chars.len());
            push_blank(&mut out, &chars[i..end]);
            i = end;
        } else if let Some(len) = char_literal(rest) {
            push_blank(&mut out, &chars[i..i + len]);
            i += len;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    without_test_items(&out)
}

fn push_blank(out: &mut String, chars: &[char]) {
    out.extend(chars.iter().map(|&c| if c == '\n' { '\n' } else { ' ' }));
}

fn find(chars: &[char], from: usize, needle: &str) -> Option<usize> {
    let needle: Vec<char> = needle.chars().collect();
    (from..chars.len().saturating_sub(needle.len() - 1))
        .find(|&i| chars[i..i + needle.len()] == needle[..])
}

/// `r"`, `r#"`, `br##"`…: the number of hashes, when a raw string starts at `i`.
fn raw_string_start(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i + usize::from(chars.get(i) == Some(&'b'));
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    (chars.get(j + hashes) == Some(&'"')).then_some(hashes)
}

/// The length of a character literal starting here ('x', '\n', '\'', '\u{1F600}'); a
/// lifetime ('a) is not one.
fn char_literal(rest: &[char]) -> Option<usize> {
    if rest.first() != Some(&'\'') {
        return None;
    }
    if rest.get(1) == Some(&'\\') {
        let close = rest.iter().skip(2).position(|&c| c == '\'')?;
        return Some(close + 3);
    }
    (rest.get(2) == Some(&'\'')).then_some(3)
}

/// Removes every item marked `#[cfg(test)]` (a module with its braces, or a declaration).
fn without_test_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let brace = after.find('{');
        let semicolon = after.find(';');
        let end = match (brace, semicolon) {
            (Some(b), Some(s)) if s < b => s + 1,
            (Some(b), _) => {
                let mut depth = 0usize;
                let mut end = after.len();
                for (i, c) in after[b..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = b + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (None, Some(s)) => s + 1,
            (None, None) => after.len(),
        };
        out.extend(
            after[..end]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' }),
        );
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Whether the code names `krate` as the start of a path (`axum::`, `use axum;`).
fn names_crate(code: &str, krate: &str) -> bool {
    code.match_indices(krate).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = &code[at + krate.len()..];
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            && (after.starts_with("::") || after.starts_with(';') || after.starts_with(" as"))
    })
}

/// The modules of the crate that `code` (of `module`) names: through `crate::`, `super::`,
/// `self::` and its own child modules, in `use` trees and inline paths.
fn references(
    module: &[String],
    code: &str,
    files: &BTreeMap<Vec<String>, File>,
) -> BTreeSet<Vec<String>> {
    let children: BTreeSet<String> = declared_children(code);
    let mut found = BTreeSet::new();
    let mut resolve = |path: Vec<String>| {
        if let Some(target) = resolve(module, &path, &children, files) {
            if target != module {
                found.insert(target);
            }
        }
    };
    for tree in use_trees(code) {
        for path in expand(&tree) {
            resolve(path);
        }
    }
    for path in inline_paths(code) {
        resolve(path);
    }
    found
}

fn declared_children(code: &str) -> BTreeSet<String> {
    let words: Vec<&str> = code.split(|c: char| c.is_whitespace()).collect();
    words
        .windows(2)
        .filter(|w| w[0] == "mod" && w[1].ends_with(';'))
        .map(|w| w[1].trim_end_matches(';').to_owned())
        .collect()
}

/// The text of every `use …;` (without `use` and `;`).
fn use_trees(code: &str) -> Vec<String> {
    let mut trees = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            rest = after;
            continue;
        }
        let end = after.find(';').unwrap_or(after.len());
        trees.push(
            after[..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        );
        rest = &after[end..];
    }
    trees
}

/// `a::{b, c::{d, e}}` as the paths `a::b`, `a::c::d`, `a::c::e` (`self` inside braces is the
/// prefix itself; `as` renames are dropped).
fn expand(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim();
    match tree.find('{') {
        None => {
            let path = tree.split(" as ").next().unwrap_or(tree);
            vec![segments(path)]
        }
        Some(open) => {
            let prefix = segments(&tree[..open]);
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let mut out = Vec::new();
            for part in split_top_level(inner) {
                for mut path in expand(part) {
                    if path.first().is_some_and(|s| s == "self") {
                        path.remove(0);
                    }
                    let mut full = prefix.clone();
                    full.extend(path);
                    out.push(full);
                }
            }
            out
        }
    }
}

fn split_top_level(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

fn segments(path: &str) -> Vec<String> {
    path.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Paths written in the code that start with `crate::`, `super::` or `self::`, or with a
/// lower-case word followed by `::` (a child module, if the file declares one so named).
fn inline_paths(code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut paths = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0
            || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == ':');
        if starts_word && (chars[i].is_alphabetic() || chars[i] == '_') {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_alphanumeric()
                    || chars[j] == '_'
                    || (chars[j] == ':' && chars.get(j + 1) == Some(&':'))
                    || (chars[j] == ':' && j > 0 && chars[j - 1] == ':'))
            {
                j += 1;
            }
            let text: String = chars[i..j].iter().collect();
            if text.contains("::") {
                paths.push(segments(&text));
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    paths
}

/// The module a path names: the longest prefix of its absolute form that is a file.
fn resolve(
    module: &[String],
    path: &[String],
    children: &BTreeSet<String>,
    files: &BTreeMap<Vec<String>, File>,
) -> Option<Vec<String>> {
    let first = path.first()?;
    let mut absolute: Vec<String> = match first.as_str() {
        "crate" => Vec::new(),
        "self" => module.to_vec(),
        "super" => module.to_vec(),
        child if children.contains(child) => module.to_vec(),
        _ => return None,
    };
    let mut rest = path;
    while let Some(head) = rest.first() {
        match head.as_str() {
            "crate" | "self" => rest = &rest[1..],
            "super" => {
                absolute.pop();
                rest = &rest[1..];
            }
            _ => break,
        }
    }
    absolute.extend(rest.iter().cloned());
    (0..=absolute.len())
        .rev()
        .map(|n| absolute[..n].to_vec())
        .find(|prefix| files.contains_key(prefix))
}

/// Every cycle of the graph, one per strongly connected component of more than one module
/// (Tarjan's algorithm, iterative).
fn cycles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    let nodes: Vec<&Vec<String>> = edges
        .keys()
        .chain(edges.values().flatten())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let id: BTreeMap<&Vec<String>, usize> =
        nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let next: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            edges
                .get(*n)
                .map_or(Vec::new(), |s| s.iter().map(|t| id[t]).collect())
        })
        .collect();
    let n = nodes.len();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut found, mut counter) = (Vec::new(), Vec::new(), 0);
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work = vec![(start, 0usize)];
        while let Some((v, child)) = work.pop() {
            if child == 0 {
                index[v] = counter;
                low[v] = counter;
                counter += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = next[v].get(child) {
                work.push((v, child + 1));
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(nodes[w].clone());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.reverse();
                    found.push(component);
                }
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
        }
    }
    found
}
