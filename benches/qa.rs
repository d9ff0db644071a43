//! Accuracy and latency of question answering: `cargo bench --bench qa`.
//!
//! Asks every question of `tests/cases/questions/{nl,en}.tsv` in-process (engine plan +
//! SPARQL + answer) many times and over HTTP on a bound socket, and prints accuracy per
//! language, the blind sets' figures per file, category and language (right, wrong, refused;
//! scored by `tests/score/`), and the latency percentiles. Plain `std::time::Instant`, no harness.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/score/mod.rs"]
mod score;

use factgraph::qa::{Engine, Lang};
use factgraph::{app, AppState};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

fn questions(lang: &str) -> Vec<(String, String)> {
    let path = format!(
        "{}/tests/cases/questions/{lang}.tsv",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (
                cols[0].to_owned(),
                cols.get(1).unwrap_or(&"-").trim().to_owned(),
            )
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name}: n={} p50={:.3} ms p99={:.3} ms max={:.3} ms",
        samples.len(),
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3
    );
}

/// The precision/recall trade-off over the blind questions: answers below a confidence are
/// treated as refusals. Precision is right answers over answers given (a wrong answer and an
/// answered unanswerable both count against it); recall is right answers over answerable
/// questions.
fn precision_recall(judged: &[(Option<f64>, bool, score::Verdict)]) {
    let answerable = judged.iter().filter(|(_, a, _)| *a).count();
    println!("precision/recall over the blind files (answers below the confidence refused):");
    println!("  min confidence  answered  right  wrong  precision  recall");
    for min in [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0] {
        let (mut answered, mut right, mut wrong) = (0, 0, 0);
        for (confidence, answerable, verdict) in judged {
            let Some(c) = confidence else { continue };
            if *c + 1e-9 < min {
                continue;
            }
            answered += 1;
            match (answerable, verdict) {
                (true, score::Verdict::Right) => right += 1,
                _ => wrong += 1,
            }
        }
        println!(
            "  {min:>14.2}  {answered:>8}  {right:>5}  {wrong:>5}  {:>8.1} %  {:>5.1} %",
            100.0 * right as f64 / answered.max(1) as f64,
            100.0 * right as f64 / answerable.max(1) as f64
        );
    }
}

fn main() {
    let state = AppState::shipped().unwrap();
    let started = Instant::now();
    let engine = Engine::build(&state.store).unwrap();
    println!(
        "engine built in {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    let mut all = Vec::new();
    for lang in ["nl", "en"] {
        let qs = questions(lang);
        let (mut answerable, mut correct, mut refusable, mut refused) = (0, 0, 0, 0);
        for (q, expected) in &qs {
            let a = engine
                .answer(&state.store, q, Lang::from_tag(lang))
                .unwrap();
            if expected == "-" {
                refusable += 1;
                refused += usize::from(!a.answered);
            } else {
                answerable += 1;
                let got: Vec<String> = a
                    .values
                    .iter()
                    .map(|v| match &v.iri {
                        Some(i) => format!(
                            "id:{}",
                            i.trim_start_matches("https://w3id.org/factgraph/id/")
                        ),
                        None => v.value.clone(),
                    })
                    .collect();
                let want: Vec<&str> = expected.split(" | ").collect();
                let same = |e: &str, g: &str| match (e.parse::<f64>(), g.parse::<f64>()) {
                    (Ok(x), Ok(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                    _ => e == g,
                };
                if a.answered
                    && got.len() == want.len()
                    && want.iter().all(|w| got.iter().any(|g| same(w, g)))
                {
                    correct += 1;
                }
            }
        }
        println!(
            "{lang}: accuracy {correct}/{answerable} answerable ({:.1} %), {refused}/{refusable} unanswerable refused",
            100.0 * correct as f64 / answerable.max(1) as f64
        );
        all.extend(qs.into_iter().map(|(q, _)| (q, lang)));
    }

    // The blind sets, scored as `tests/questions.rs` scores them: per file, category, language.
    let mut tally = score::Tally::default();
    // (confidence, answerable, verdict) of every blind question, for the trade-off below.
    let mut judged = Vec::new();
    for path in score::files() {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        for case in score::load(&path) {
            let a = engine
                .answer(&state.store, &case.question, Lang::from_tag(&case.lang))
                .unwrap();
            let verdict = score::judge(&case, &a);
            judged.push((
                a.answered.then_some(a.confidence),
                case.category != "unanswerable",
                verdict,
            ));
            tally.add(&file, &case, verdict);
        }
    }
    for line in tally.lines() {
        println!("{line}");
    }
    precision_recall(&judged);

    // In-process: every question 50 times (the store is read-only; no cache in the engine).
    let mut samples = Vec::new();
    let mut per_question = vec![Vec::new(); all.len()];
    for _ in 0..50 {
        for (i, (q, lang)) in all.iter().enumerate() {
            let t = Instant::now();
            let a = engine
                .answer(&state.store, q, Lang::from_tag(lang))
                .unwrap();
            samples.push(t.elapsed());
            per_question[i].push(t.elapsed());
            std::hint::black_box(a);
        }
    }
    report("in-process answer", samples);
    // The slowest questions by median, to see what the tail is made of.
    let mut medians: Vec<(Duration, &str)> = per_question
        .iter_mut()
        .zip(&all)
        .map(|(s, (q, _))| {
            s.sort();
            (s[s.len() / 2], q.as_str())
        })
        .collect();
    medians.sort_by_key(|m| std::cmp::Reverse(m.0));
    // Robust to a busy machine: each question's median time, then their percentiles.
    let mut typical: Vec<Duration> = medians.iter().map(|(d, _)| *d).collect();
    typical.sort();
    println!(
        "in-process, median per question: n={} p50={:.3} ms p99={:.3} ms max={:.3} ms",
        typical.len(),
        percentile(&typical, 0.50).as_secs_f64() * 1000.0,
        percentile(&typical, 0.99).as_secs_f64() * 1000.0,
        typical.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    );
    for (d, q) in medians.iter().take(5) {
        println!("  slowest: {:.3} ms  {q}", d.as_secs_f64() * 1000.0);
    }

    // Over HTTP on a bound socket, one connection per request.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let address = listener.local_addr().unwrap();
    runtime.spawn(async move { axum::serve(listener, app(state)).await });
    let mut samples = Vec::new();
    for _ in 0..5 {
        for (q, lang) in &all {
            let body = serde_json::json!({ "question": q, "lang": lang }).to_string();
            let request = format!(
                "POST /ask HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let t = Instant::now();
            let mut stream = std::net::TcpStream::connect(address).unwrap();
            stream.write_all(request.as_bytes()).unwrap();
            let mut response = Vec::new();
            stream.read_to_end(&mut response).unwrap();
            samples.push(t.elapsed());
            assert!(response.starts_with(b"HTTP/1.1 200"));
        }
    }
    report("HTTP POST /ask", samples);
}
