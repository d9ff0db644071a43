//! Bounds on how deeply a SPARQL request nests, checked before anything recurses over it.
//!
//! Two things recurse over a query: the parser (one set of stack frames per bracket or prefix
//! operator of the text) and everything that walks the parsed algebra afterwards (our own
//! visitors, `Clone`, `Display`, `Drop`, the optimiser and the evaluator). A 2 KB query of
//! nested braces used to overflow the stack of the thread that parsed it and abort the
//! process. So the text is scanned first, without recursion, and refused past
//! [`MAX_NESTING`]; and the algebra, whose depth also grows with chains that need no brackets
//! (`a UNION b UNION c …`, `?x + 1 + 1 …`, `:p/:p/:p …`, one OPTIONAL after another), is
//! measured without recursion and refused past [`MAX_ALGEBRA_DEPTH`]. A refused algebra is
//! taken apart iteratively, because even dropping it the ordinary way recurses.

use crate::store::error::{Error, Result};

/// Deepest nesting of brackets (`{`, `(`, `[`) plus runs of prefix operators (`!`, `^`, `+`,
/// `-`) that a query or update text may have. The parser needs a few KiB of stack a level, so
/// this fits the smallest stack a request runs on (2 MiB) many times over.
pub const MAX_NESTING: usize = 128;

/// Parses `text` with `parse` where the stack is known to suffice. The text is scanned first:
/// nesting past [`MAX_NESTING`] or more than [`MAX_OPERATORS`] operators is refused without
/// parsing. A shallow text with few operators is parsed on the calling thread; a longer or
/// deeper one (its algebra may be as deep as it has operators, and the parser recurses over it
/// and over every bracket) on a thread of its own whose stack is sized for that, at most
/// [`LARGE_PARSES`] at a time. `what` names the
/// request part ("query", "update") in messages.
pub fn parse_bounded<T: Send>(
    text: &str,
    what: &str,
    parse: impl FnOnce(&str) -> Result<T> + Send,
) -> Result<T> {
    let profile = profile(text);
    if profile.nesting > MAX_NESTING {
        return Err(Error::TooDeep {
            what: what.to_owned(),
            limit: MAX_NESTING,
            unit: "levels of brackets and prefix operators",
        });
    }
    if profile.nesting <= INLINE_NESTING && profile.operators <= INLINE_OPERATORS {
        return parse(text);
    }
    if profile.operators > MAX_OPERATORS {
        return Err(Error::TooDeep {
            what: what.to_owned(),
            limit: MAX_OPERATORS,
            unit: "operators and separators (in all, not only nested)",
        });
    }
    let _permit = LargeParse::acquire()?;
    let stack = PARSE_STACK_BASE
        + profile.nesting * PARSE_STACK_PER_LEVEL
        + profile.operators * PARSE_STACK_PER_OPERATOR;
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("factgraph-parse".to_owned())
            .stack_size(stack)
            .spawn_scoped(scope, || parse(text))
            .map_err(|e| Error::Internal(format!("starting a parser thread failed: {e}")))?
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("the SPARQL parser panicked".to_owned())))
    })
}

/// Stack of every thread that evaluates queries (the service's blocking threads, the command
/// line's main work): room for [`MAX_ALGEBRA_DEPTH`] levels of evaluation several times over.
/// Only the pages a thread touches are real memory.
pub const EVALUATION_STACK: usize = 64 << 20;

/// Texts with at most this many operators, nested at most [`INLINE_NESTING`] deep, are parsed
/// on the calling thread: even at the parser's deepest cost an operator (about 2.5 KiB, a
/// property path step in a debug build) and a bracket (about 28 KiB in a debug build, a group
/// such as `{ SELECT * WHERE {` or `FILTER NOT EXISTS {`) that stays well inside the smallest
/// stack a request runs on (2 MiB). Everyday queries nest a handful of levels.
const INLINE_OPERATORS: usize = 384;
const INLINE_NESTING: usize = 24;

/// Most operators and separators a query or update may have in all.
pub const MAX_OPERATORS: usize = 65_536;

/// Stack of a parser thread: a base, and room for one level of algebra per operator.
const PARSE_STACK_BASE: usize = 4 << 20;
const PARSE_STACK_PER_OPERATOR: usize = 4 << 10;
const PARSE_STACK_PER_LEVEL: usize = 48 << 10;

/// Large parses running at once; the stack they touch is real memory, so they are few.
const LARGE_PARSES: usize = 2;

static RUNNING_LARGE_PARSES: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);

/// A slot among the [`LARGE_PARSES`]; given back on drop.
struct LargeParse;

impl LargeParse {
    fn acquire() -> Result<Self> {
        use std::sync::atomic::Ordering;
        let taken = RUNNING_LARGE_PARSES.fetch_add(1, Ordering::AcqRel);
        if taken >= LARGE_PARSES {
            RUNNING_LARGE_PARSES.fetch_sub(1, Ordering::AcqRel);
            return Err(Error::Busy(format!(
                "{LARGE_PARSES} long or deeply nested requests are being parsed already; try again in a moment"
            )));
        }
        Ok(Self)
    }
}

impl Drop for LargeParse {
    fn drop(&mut self) {
        RUNNING_LARGE_PARSES.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// Deepest nesting of arrays and objects a JSON-LD request body may have. The JSON-LD parser
/// streams plain objects and arrays, but a value it has to hold before it can expand it (a
/// list inside an array inside a property, for one) is expanded by recursion with large
/// frames: about a hundred such levels fill 2 MiB in a debug build. Real documents nest a
/// dozen levels; writes run on threads with [`EVALUATION_STACK`], which holds this many.
pub const MAX_JSON_LD_NESTING: usize = 256;

/// Refuses a JSON-LD body that nests deeper than [`MAX_JSON_LD_NESTING`], scanning it without
/// recursion (strings skipped) before any parser sees it.
pub fn check_json_ld(body: &[u8]) -> Result<()> {
    if json_depth(body, MAX_JSON_LD_NESTING) > MAX_JSON_LD_NESTING {
        return Err(Error::TooDeep {
            what: "JSON-LD body".to_owned(),
            limit: MAX_JSON_LD_NESTING,
            unit: "levels of arrays and objects",
        });
    }
    Ok(())
}

/// The deepest nesting of `[` and `{` in a JSON text, outside strings; stops once past `limit`.
/// Malformed text is measured as far as it goes: the parser reports what is wrong with it.
fn json_depth(bytes: &[u8], limit: usize) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &byte in bytes {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > limit {
                    return deepest;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// What the scan of a text found: its deepest nesting of brackets and prefix operators, and
/// how many operators and separators it has in all (each may add a level to the algebra).
#[derive(Debug, PartialEq, Eq)]
struct Profile {
    nesting: usize,
    operators: usize,
}

/// Scans `text` without recursion, skipping strings, IRIs and comments the way the SPARQL
/// lexer does. Stops counting nesting once it passes [`MAX_NESTING`].
fn profile(text: &str) -> Profile {
    let bytes = text.as_bytes();
    let (mut i, mut brackets, mut run) = (0, 0usize, 0usize);
    let mut found = Profile {
        nesting: 0,
        operators: 0,
    };
    while i < bytes.len() {
        let byte = bytes[i];
        match byte {
            b'"' | b'\'' => {
                i = skip_string(bytes, i);
                run = 0;
                continue;
            }
            b'#' => {
                i = skip_comment(bytes, i);
                continue;
            }
            b'<' => {
                if let Some(end) = iri_end(bytes, i) {
                    i = end;
                    run = 0;
                    continue;
                }
                found.operators += 1;
                run = 0;
            }
            b'{' => {
                brackets += 1;
                found.operators += 1;
                run = 0;
            }
            b'(' | b'[' => {
                brackets += 1;
                run = 0;
            }
            b'}' | b')' | b']' => {
                brackets = brackets.saturating_sub(1);
                run = 0;
            }
            b'!' | b'^' | b'+' | b'-' => {
                run += 1;
                found.operators += 1;
            }
            b'.' | b';' | b',' | b'/' | b'|' | b'&' | b'=' | b'>' | b'*' => {
                found.operators += 1;
                run = 0;
            }
            _ if byte.is_ascii_whitespace() => {}
            _ if byte.is_ascii_alphabetic() => {
                let end = bytes[i..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric() && *b != b'_')
                    .map_or(bytes.len(), |offset| i + offset);
                if CHAIN_KEYWORDS
                    .iter()
                    .any(|k| k.as_bytes().eq_ignore_ascii_case(&bytes[i..end]))
                {
                    found.operators += 1;
                }
                i = end;
                run = 0;
                continue;
            }
            _ => run = 0,
        }
        found.nesting = found.nesting.max(brackets + run);
        if found.nesting > MAX_NESTING {
            return found;
        }
        i += 1;
    }
    found
}

/// Keywords that join what follows onto what came before (one more level of algebra each).
const CHAIN_KEYWORDS: &[&str] = &[
    "UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "VALUES", "GRAPH", "SERVICE", "LATERAL",
];

/// The index after the string literal starting at `start` (short or long form, escapes).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let long = bytes.get(start + 1) == Some(&quote) && bytes.get(start + 2) == Some(&quote);
    let mut i = start + if long { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote && !long => return i + 1,
            b if b == quote
                && bytes.get(i + 1) == Some(&quote)
                && bytes.get(i + 2) == Some(&quote) =>
            {
                return i + 3
            }
            b'\n' | b'\r' if !long => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn skip_comment(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |offset| start + offset + 1)
}

/// Where an IRIREF starting at `start` ends (after its `>`), or `None` if `<` is an operator
/// here: the lexer reads `<` as an IRI only when the characters up to `>` may stand in one.
fn iri_end(bytes: &[u8], start: usize) -> Option<usize> {
    for (offset, &b) in bytes[start + 1..].iter().enumerate() {
        match b {
            b'>' => return Some(start + offset + 2),
            b'<' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\' => return None,
            _ if b <= b' ' => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::depth::check_query;
    use spargebra::Query;

    fn nesting(text: &str) -> usize {
        profile(text).nesting
    }

    fn parse(text: &str) -> Result<Query> {
        parse_bounded(text, "query", |text| {
            spargebra::SparqlParser::new()
                .parse_query(text)
                .map_err(|e| Error::QuerySyntax(e.to_string()))
        })
        .and_then(check_query)
    }

    #[test]
    fn measures_json_nesting_outside_strings() {
        assert_eq!(json_depth(br#"{"a": [1, {"b": []}]}"#, 10), 4);
        assert_eq!(json_depth(br#"{"a": "[[[{{{\"[["}"#, 10), 1);
        assert_eq!(json_depth(b"]]]}}", 10), 0);
        assert_eq!(json_depth(b"[[[[[[", 3), 4);
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_JSON_LD_NESTING),
            "]".repeat(MAX_JSON_LD_NESTING)
        );
        assert!(check_json_ld(deep.as_bytes()).is_ok());
        let deeper = format!("[{deep}]");
        let refused = check_json_ld(deeper.as_bytes()).unwrap_err().to_string();
        assert!(
            refused.contains("JSON-LD body nests more than 256 levels"),
            "{refused}"
        );
    }

    #[test]
    fn counts_brackets_and_operator_runs_but_not_strings_iris_or_comments() {
        assert_eq!(nesting("ASK { { } }"), 2);
        assert_eq!(nesting("ASK { FILTER(!!!true) }"), 5);
        assert_eq!(nesting(r#"ASK { ?s ?p "{{{{(((" }"#), 1);
        assert_eq!(nesting("ASK { ?s ?p '''{{{\n''' }"), 1);
        assert_eq!(nesting("ASK { <http://x/(((> ?p ?o }"), 1);
        assert_eq!(nesting("ASK { # {{{{{\n }"), 1);
        // `<` followed by a space is the operator, and what follows still counts.
        assert_eq!(nesting("ASK { FILTER(?a < ((?b))) }"), 4);
        assert_eq!(nesting(r#"ASK { ?s ?p "a\"{{" }"#), 1);
    }

    #[test]
    fn refuses_deep_text_with_a_message_naming_the_limit() {
        let deep = format!("ASK {}{}", "{".repeat(1000), "}".repeat(1000));
        let error = parse(&deep).unwrap_err().to_string();
        assert!(error.contains("128"), "{error}");
        parse("ASK { { } }").unwrap();
    }

    #[test]
    fn refuses_long_chains_and_takes_them_apart_without_recursion() {
        // Flat texts whose algebra is as deep as they are long: parsed on a thread with room
        // for that, refused, and dropped without recursion (the usual drop would overflow).
        for chain in [
            format!("ASK {{ {} }}", vec!["{}"; 20_000].join(" UNION ")),
            format!("ASK {{ ?s {} ?o }}", vec!["a"; 20_000].join("|")),
            format!("ASK {{ FILTER({}) }}", vec!["1"; 20_000].join("+")),
        ] {
            let error = parse(&chain).unwrap_err().to_string();
            assert!(error.contains("256"), "{error}");
        }
        let short = format!("ASK {{ {} }}", vec!["{}"; 200].join(" UNION "));
        parse(&short).unwrap();
        let many = format!("ASK {{ {} }}", vec!["{}"; 70_000].join(" UNION "));
        let error = parse(&many).unwrap_err().to_string();
        assert!(error.contains("65536"), "{error}");
    }
}
