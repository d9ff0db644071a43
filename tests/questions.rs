//! Asks every question of `tests/cases/questions/` through the in-process engine.
//!
//! Two kinds of file: our own `{nl,en}.tsv` (question, expected values in the `id:` notation)
//! and the blind sets (`dev.tsv`, `round-*.tsv`: the format of `../shared/questions-dev.md`,
//! scored by `tests/score/`). Both are held by a ratchet, `ratchet.txt`: every question listed
//! there was answered right and must stay so, and no file may have more wrong answers than its
//! `wrong` line allows. Any wrong answer in our own files fails. `RATCHET=write cargo test
//! --test questions ratchet` rewrites the file after an improvement (review the diff).
//! A second ratchet, `ratchet-ranking.txt`, holds what the engine answers with its cue scorer
//! switched off (`Engine::without_cue_stage`): the ranking and decision stages that are to
//! replace it may only gain.
//! Also asks every example question of every template (`/questions`): each must be answered.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "score/mod.rs"]
mod score;

use factgraph::qa::{Answer, Engine, Lang};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::build(&common::state().store).expect("the engine builds"))
}

/// The engine without its cue scorer: what the ranking and decision stages answer alone.
fn ranking_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::build(&common::state().store)
            .expect("the engine builds")
            .without_cue_stage()
    })
}

const BASE: &str = "https://w3id.org/factgraph/";

/// A returned value in the notation of the files: `id:<slug>` for our IRIs, else the value.
fn notation(value: &factgraph::qa::Value) -> String {
    match &value.iri {
        Some(iri) => match iri.strip_prefix(BASE) {
            Some(rest) => format!("id:{}", rest.strip_prefix("id/").unwrap_or(rest)),
            None => iri.clone(),
        },
        None => value.value.clone(),
    }
}

fn same(expected: &str, got: &str) -> bool {
    match (expected.parse::<f64>(), got.parse::<f64>()) {
        (Ok(a), Ok(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
        _ => expected.trim() == got.trim(),
    }
}

/// True when the answer's values are exactly the expected ones (in any order).
fn matches(expected: &[&str], answer: &Answer) -> bool {
    let got: Vec<String> = answer.values.iter().map(notation).collect();
    answer.answered
        && got.len() == expected.len()
        && expected.iter().all(|e| got.iter().any(|g| same(e, g)))
}

/// Per question file, the questions answered right; `wrong` lines give each file's budget.
#[derive(Default, PartialEq)]
struct Ratchet {
    right: BTreeMap<String, BTreeSet<String>>,
    wrong: BTreeMap<String, usize>,
}

const RATCHET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/cases/questions/ratchet.txt"
);

/// The ratchet of the engine without its cue scorer (`ranking_engine`).
const RANKING_RATCHET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/cases/questions/ratchet-ranking.txt"
);

impl Ratchet {
    fn read(path: &str) -> Ratchet {
        let mut r = Ratchet::default();
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let cols: Vec<&str> = line.splitn(3, '\t').collect();
            match cols.as_slice() {
                ["wrong", file, n] => {
                    r.wrong.insert((*file).to_owned(), n.parse().unwrap());
                }
                ["right", file, id] => {
                    r.right
                        .entry((*file).to_owned())
                        .or_default()
                        .insert((*id).to_owned());
                }
                _ => panic!("{path}: bad line {line:?}"),
            }
        }
        r
    }

    fn write(&self, path: &str) {
        let mut out = String::from(
            "# Questions answered right (file, id or question), and each file's wrong answers at most.\n\
             # Written by `RATCHET=write cargo test --test questions ratchet`; see tests/questions.rs.\n",
        );
        for (file, n) in &self.wrong {
            out.push_str(&format!("wrong\t{file}\t{n}\n"));
        }
        for (file, ids) in &self.right {
            for id in ids {
                out.push_str(&format!("right\t{file}\t{id}\n"));
            }
        }
        std::fs::write(path, out).unwrap();
    }
}

/// Every question of every file, judged: (file, id, verdict, what was answered).
fn judge_all(engine: &Engine) -> Vec<(String, String, score::Verdict, String)> {
    let store = &common::state().store;
    let mut out = Vec::new();
    for lang in ["nl", "en"] {
        let file = format!("{lang}.tsv");
        let path = format!(
            "{}/tests/cases/questions/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (question, expected) = (cols[0], cols.get(1).copied().unwrap_or("-").trim());
            let answer = engine
                .answer(store, question, Lang::from_tag(lang))
                .unwrap();
            let verdict = match (expected, answer.answered) {
                ("-", false) => score::Verdict::Right,
                ("-", true) => score::Verdict::Wrong,
                (_, false) => score::Verdict::Refused,
                (e, true) => {
                    let expected: Vec<&str> = e.split(" | ").map(str::trim).collect();
                    if matches(&expected, &answer) {
                        score::Verdict::Right
                    } else {
                        score::Verdict::Wrong
                    }
                }
            };
            out.push((
                file.clone(),
                question.to_owned(),
                verdict,
                shown(expected, &answer),
            ));
        }
    }
    for path in score::files() {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        for case in score::load(&path) {
            let answer = engine
                .answer(store, &case.question, Lang::from_tag(&case.lang))
                .unwrap();
            let verdict = score::judge(&case, &answer);
            out.push((
                file.clone(),
                case.id.clone(),
                verdict,
                format!("{}: {}", case.id, shown(&case.expected, &answer)),
            ));
        }
    }
    out
}

fn shown(expected: &str, answer: &Answer) -> String {
    format!(
        "{} → expected {expected}, got {} [{}] {:?} ({:.2})",
        answer.question,
        if answer.answered {
            answer
                .values
                .iter()
                .map(notation)
                .collect::<Vec<_>>()
                .join(" | ")
        } else {
            "unanswered".to_owned()
        },
        answer.template.as_deref().unwrap_or("-"),
        answer.answer,
        answer.confidence
    )
}

#[test]
fn ratchet() {
    check_ratchet(RATCHET, engine(), true);
}

/// The stages meant to replace the cue scorer, alone: what they answer right may not be lost
/// either. Wrong answers in our own files are allowed here up to the file's budget (the cue
/// scorer still stands before them in the service).
#[test]
fn ratchet_ranking_alone() {
    check_ratchet(RANKING_RATCHET, ranking_engine(), false);
}

/// Judges every question with `engine` against the ratchet file at `path`; `strict` fails on
/// any wrong answer in our own files.
fn check_ratchet(path: &str, engine: &Engine, strict: bool) {
    let old = Ratchet::read(path);
    let mut now = Ratchet::default();
    let mut failures = Vec::new();
    let mut gains = Vec::new();
    for (file, id, verdict, shown) in judge_all(engine) {
        let was_right = old.right.get(&file).is_some_and(|ids| ids.contains(&id));
        match verdict {
            score::Verdict::Right => {
                now.right.entry(file.clone()).or_default().insert(id);
                if !was_right {
                    gains.push(format!("{file}: now right: {shown}"));
                }
            }
            score::Verdict::Wrong => {
                *now.wrong.entry(file.clone()).or_default() += 1;
                println!("{file}: WRONG {shown}");
                if was_right {
                    failures.push(format!("{file}: was right, now wrong: {shown}"));
                } else if strict && (file == "nl.tsv" || file == "en.tsv") {
                    failures.push(format!("{file}: wrong answer: {shown}"));
                }
            }
            score::Verdict::Refused => {
                println!("{file}: refused {shown}");
                if was_right {
                    failures.push(format!("{file}: was right, now refused: {shown}"));
                }
            }
        }
        now.wrong.entry(file).or_default();
    }
    for (file, n) in &now.wrong {
        let allowed = old.wrong.get(file).copied().unwrap_or(0);
        if *n > allowed {
            failures.push(format!(
                "{file}: {n} wrong answers, the ratchet allows {allowed}"
            ));
        }
    }
    for g in &gains {
        println!("{g}");
    }
    if std::env::var("RATCHET").as_deref() == Ok("write") {
        now.write(path);
        return;
    }
    assert!(
        failures.is_empty(),
        "{} regression(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    if !gains.is_empty()
        || now
            .wrong
            .iter()
            .any(|(f, n)| old.wrong.get(f).is_some_and(|o| n < o))
    {
        println!(
            "better than the ratchet: run `RATCHET=write cargo test --test questions ratchet`"
        );
    }
}

#[test]
fn answers_every_template_example() {
    let store = &common::state().store;
    let mut unanswered = Vec::new();
    for t in engine().templates() {
        for (lang, examples) in [(Lang::Nl, &t.examples.nl), (Lang::En, &t.examples.en)] {
            for example in examples {
                let a = engine().answer(store, example, Some(lang)).unwrap();
                if !a.answered {
                    unanswered.push(format!("{} ({}): {example}", t.id, lang.tag()));
                }
            }
        }
    }
    assert!(
        unanswered.is_empty(),
        "unanswered examples:\n{}",
        unanswered.join("\n")
    );
}

/// `Q='question' cargo test --test questions trace -- --ignored --nocapture` shows how the
/// engine read a question and scored the facts.
#[test]
#[ignore]
fn trace() {
    let q = std::env::var("Q").unwrap_or_default();
    for line in engine().trace(&q, None) {
        println!("{line}");
    }
}

/// `QS='question one
/// question two' [QL=nl|en] [RANKING=1] cargo test --test questions ask -- --ignored --nocapture`
/// prints the answers to questions, one per line (for probing wording the files do not have
/// yet); `RANKING=1` asks the engine without its cue stage.
#[test]
#[ignore]
fn ask() {
    let store = &common::state().store;
    let lang = std::env::var("QL").ok().and_then(|l| Lang::from_tag(&l));
    let engine = if std::env::var("RANKING").is_ok() {
        ranking_engine()
    } else {
        engine()
    };
    for q in std::env::var("QS").unwrap_or_default().lines() {
        let a = engine.answer(store, q, lang).unwrap();
        let values: Vec<String> = a.values.iter().map(notation).collect();
        println!(
            "{q} → {} [{}] {}",
            if a.answered {
                values.join(" | ")
            } else {
                "unanswered".to_owned()
            },
            a.template.as_deref().unwrap_or("-"),
            a.answer
        );
    }
}

/// On a large graph a question is scored only against the facts the index finds for it
/// (`Candidates`). Forced onto that path, the engine must answer every question of the files
/// exactly as the full scan does: same answer, values, SPARQL, sources and confidence.
#[test]
fn candidate_selection_answers_like_the_full_scan() {
    let store = &common::state().store;
    let mut indexed = Engine::build(store).unwrap();
    indexed.candidates = factgraph::qa::Candidates {
        scan_all_up_to: 0,
        keep: usize::MAX,
    };
    assert_eq!(engine().candidates, factgraph::qa::Candidates::default());
    let mut questions: Vec<(String, Lang)> = Vec::new();
    for lang in [Lang::Nl, Lang::En] {
        let path = format!(
            "{}/tests/cases/questions/{}.tsv",
            env!("CARGO_MANIFEST_DIR"),
            lang.tag()
        );
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            questions.push((line.split('\t').next().unwrap().to_owned(), lang));
        }
    }
    assert!(questions.len() > 300, "the files hold the questions");
    let mut differences = Vec::new();
    for (question, lang) in &questions {
        let full = engine().answer(store, question, Some(*lang)).unwrap();
        let found = indexed.answer(store, question, Some(*lang)).unwrap();
        if full != found {
            differences.push(format!(
                "{question}\n  full scan: {} {:?} ({:.2})\n  indexed:   {} {:?} ({:.2})",
                full.answered,
                full.answer,
                full.confidence,
                found.answered,
                found.answer,
                found.confidence
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} questions answered differently:\n{}",
        differences.len(),
        questions.len(),
        differences.join("\n")
    );
}

/// `QS='question' [QL=nl|en] cargo test --test questions rank -- --ignored --nocapture` shows
/// the facts the ranking stage puts first for each question, with the words each leaves
/// unexplained.
#[test]
#[ignore]
fn rank() {
    let e = engine();
    let lang = std::env::var("QL").ok().and_then(|l| Lang::from_tag(&l));
    for q in std::env::var("QS").unwrap_or_default().lines() {
        let l = lang.unwrap_or_else(|| factgraph::qa::detect(q));
        let terms = e.ranker.terms(q, l, &e.config.words.stop);
        println!(
            "{q}\n  terms: {:?}",
            terms.iter().map(|t| &t.word).collect::<Vec<_>>()
        );
        for c in e.ranker.rank(l, &terms).iter().take(3) {
            println!(
                "  {:.2} {} unexplained {:?}",
                c.score,
                e.index.facts[c.fact].iri.rsplit('/').next().unwrap_or(""),
                c.unexplained
            );
        }
    }
}
