//! Scores answers against the blind question sets (`tests/cases/questions/dev.tsv`,
//! `round-*.tsv`), with the rules of `../shared/questions-dev.md`, so the test ratchet and
//! `cargo bench --bench qa` count exactly the same way.
//!
//! Included with `#[path]` by `tests/questions.rs` and `benches/qa.rs`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use factgraph::qa::Answer;
use regex::{Regex, RegexBuilder};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One line of a blind set.
pub struct Case {
    pub id: String,
    pub lang: String,
    pub category: String,
    pub question: String,
    pub expected: String,
    pub kind: String,
    pub accept: Option<Regex>,
}

/// How one answer counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Right,
    /// Answered, but not with the expected value (or answered an unanswerable question).
    Wrong,
    /// Not answered although the article says it.
    Refused,
}

/// The blind sets in the repository: every `*.tsv` under `tests/cases/questions/` whose header
/// is the dev set's (`id lang category question …`), sorted by name.
pub fn files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/questions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .starts_with("id\tlang\tcategory\tquestion")
        })
        .collect();
    files.sort();
    files
}

pub fn load(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let col = |i: usize| cols.get(i).copied().unwrap_or("").trim().to_owned();
            let accept = col(6);
            Case {
                id: col(0),
                lang: col(1),
                category: col(2),
                question: col(3),
                expected: col(4),
                kind: col(5),
                accept: (!accept.is_empty()).then(|| {
                    RegexBuilder::new(&accept)
                        .case_insensitive(true)
                        .build()
                        .unwrap_or_else(|e| panic!("{}: bad accept pattern: {e}", col(0)))
                }),
            }
        })
        .collect()
}

/// The first number in `text` ("9000 MWh" → 9000, "15 years" → 15).
fn leading_number(text: &str) -> Option<f64> {
    let start = text.find(|c: char| c.is_ascii_digit() || c == '-')?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// The words an answer names things with: its values, their labels and the answer sentence.
fn named(answer: &Answer) -> String {
    let mut text = answer.answer.clone();
    text.push(' ');
    text.push_str(&named_values(answer));
    text.to_lowercase()
}

/// The words an answer's values name things with: the values, their labels and IRIs' local
/// names, without the answer sentence. An entity answer counts by these alone: a sentence that
/// mentions the expected thing beside a wrong value ("Audi — Audi runs the '360factory'
/// programme.") is a wrong answer.
fn named_values(answer: &Answer) -> String {
    let mut text = String::new();
    for v in &answer.values {
        text.push(' ');
        text.push_str(&v.value);
        if let Some(iri) = &v.iri {
            // The IRI's local name names the thing in English ("…/id/united-states"), so a
            // Dutch answer ("Verenigde Staten") counts for an English expected item.
            let local = iri.rsplit(['/', '#']).next().unwrap_or_default();
            text.push(' ');
            text.push_str(&local.replace('-', " "));
        }
        if let Some(label) = &v.label {
            text.push(' ');
            text.push_str(label);
        }
    }
    text.to_lowercase()
}

/// Whether a date value ("2023-07", "2023-07-01") is the expected "YYYY-MM" or "YYYY-H1/H2".
fn date_fits(expected: &str, got: &str) -> bool {
    if let Some((year, half)) = expected.split_once("-H") {
        let Some(rest) = got.strip_prefix(year).and_then(|r| r.strip_prefix('-')) else {
            return false;
        };
        let month: u32 = rest.get(..2).and_then(|m| m.parse().ok()).unwrap_or(0);
        return match half {
            "1" => (1..=6).contains(&month),
            "2" => (7..=12).contains(&month),
            _ => false,
        };
    }
    got.starts_with(expected)
}

fn yes_no(answer: &Answer) -> Option<bool> {
    let says: Vec<bool> = answer
        .values
        .iter()
        .filter_map(|v| match v.value.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        })
        .collect();
    match says.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Whether the answer to an answerable case is right, by the answer kind.
fn is_right(case: &Case, answer: &Answer) -> bool {
    let items = case.expected.split('|').count();
    if answer.values.len() > items.saturating_add(2).max(3) || answer.answer.chars().count() > 600 {
        return false;
    }
    if let Some(accept) = &case.accept {
        match case.kind.as_str() {
            "entity" => return accept.is_match(&named_values(answer)),
            "text" | "list" => return accept.is_match(&named(answer)),
            _ => {}
        }
    }
    match case.kind.as_str() {
        "number" => {
            let Some(want) = leading_number(&case.expected) else {
                return false;
            };
            answer
                .values
                .iter()
                .filter_map(|v| v.value.parse::<f64>().ok())
                .any(|got| (got - want).abs() <= 0.02 * want.abs().max(f64::EPSILON))
        }
        "year" => answer.values.iter().any(|v| {
            v.value == case.expected || v.value.starts_with(&format!("{}-", case.expected))
        }),
        "date" => answer
            .values
            .iter()
            .any(|v| date_fits(&case.expected, &v.value)),
        "boolean" => yes_no(answer) == Some(case.expected.eq_ignore_ascii_case("yes")),
        _ => {
            let text = if case.kind == "entity" {
                named_values(answer)
            } else {
                named(answer)
            };
            case.expected
                .split('|')
                .all(|item| text.contains(&item.trim().to_lowercase()))
        }
    }
}

pub fn judge(case: &Case, answer: &Answer) -> Verdict {
    match (case.category == "unanswerable", answer.answered) {
        (true, false) => Verdict::Right,
        (true, true) => Verdict::Wrong,
        (false, false) => Verdict::Refused,
        (false, true) if is_right(case, answer) => Verdict::Right,
        (false, true) => Verdict::Wrong,
    }
}

/// Counts per (file, category, language).
#[derive(Default)]
pub struct Tally {
    pub cells: BTreeMap<(String, String, String), [usize; 3]>,
}

impl Tally {
    pub fn add(&mut self, file: &str, case: &Case, verdict: Verdict) {
        let cell = self
            .cells
            .entry((file.to_owned(), case.category.clone(), case.lang.clone()))
            .or_default();
        cell[verdict as usize] += 1;
    }

    /// One line per cell: "dev.tsv direct nl: 30/33 right, 1 wrong, 2 refused".
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut file_totals: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
        for ((file, category, lang), [right, wrong, refused]) in &self.cells {
            let n = right + wrong + refused;
            out.push(format!(
                "{file} {category} {lang}: {right}/{n} right ({:.0} %), {wrong} wrong, {refused} refused",
                100.0 * *right as f64 / n.max(1) as f64
            ));
            let t = file_totals.entry(file).or_default();
            t[0] += right;
            t[1] += wrong;
            t[2] += refused;
        }
        for (file, [right, wrong, refused]) in file_totals {
            let n = right + wrong + refused;
            out.push(format!(
                "{file} all: {right}/{n} right, {wrong} wrong ({:.1} per 100), {refused} refused",
                100.0 * wrong as f64 / n.max(1) as f64
            ));
        }
        out
    }
}
