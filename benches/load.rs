//! Load generator: runs a mix of SPARQL queries (and optionally questions) against one or more
//! SPARQL endpoints with N concurrent clients for a fixed time, and prints throughput and
//! p50/p99 latency per query, plus the ratio between the first target and the others.
//!
//! `cargo bench --bench load -- --target factgraph=http://127.0.0.1:7979/sparql \
//!     --target oxigraph=http://127.0.0.1:7878/query --clients 1,32 --seconds 5`
//!
//! Every request is a real HTTP request over loopback (ureq, keep-alive per client thread). A
//! non-2xx answer counts as an error; the run reports errors instead of hiding them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use clap::Parser;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// `name=url` of a SPARQL endpoint; the first is the one compared with the others.
    #[arg(long, required = true)]
    target: Vec<String>,
    /// Directory of `.rq` files (full PREFIX declarations, so any engine understands them).
    #[arg(long, default_value = "benches/queries")]
    queries: PathBuf,
    /// Concurrent clients, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,32")]
    clients: Vec<usize>,
    /// Seconds per query and client count.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Also run questions: `name=url` of an /ask route, with questions from `--questions`.
    #[arg(long)]
    ask: Option<String>,
    /// A TSV file whose first column holds questions (header line skipped).
    #[arg(long, default_value = "tests/cases/questions/en.tsv")]
    questions: PathBuf,
    /// Also run, against each target, the SPARQL that /ask generated for each question.
    #[arg(long)]
    ask_sparql: bool,
    /// Instead of one query at a time, every client cycles through all queries and (with
    /// `--ask`) the questions, so the server sees a mix at once.
    #[arg(long)]
    mixed: bool,
    /// Exit with status 1 when any request failed.
    #[arg(long)]
    fail_on_error: bool,
    /// Accept this as libtest does when `cargo bench` passes it.
    #[arg(long, hide = true)]
    bench: bool,
}

/// One kind of request, sent repeatedly.
#[derive(Clone)]
enum Work {
    Sparql(String),
    /// Several SPARQL queries, sent in turn.
    SparqlMix(Vec<String>),
    Ask(Vec<String>),
    /// SPARQL queries to the first URL and questions to the second, in turn.
    Mixed(Vec<String>, Vec<String>, String),
}

struct Outcome {
    requests: usize,
    errors: usize,
    first_error: Option<String>,
    latencies: Vec<Duration>,
    elapsed: Duration,
}

impl Outcome {
    fn throughput(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[index]
    }
}

fn send(agent: &ureq::Agent, url: &str, work: &Work, turn: usize) -> Result<(), String> {
    let response = match work {
        Work::Sparql(query) => agent
            .post(url)
            .header(
                "Accept",
                "application/sparql-results+json, text/turtle;q=0.9",
            )
            .content_type("application/sparql-query")
            .send(query.as_str()),
        Work::SparqlMix(queries) => agent
            .post(url)
            .header(
                "Accept",
                "application/sparql-results+json, text/turtle;q=0.9",
            )
            .content_type("application/sparql-query")
            .send(queries[turn % queries.len()].as_str()),
        Work::Ask(questions) => agent
            .get(url)
            .query("q", &questions[turn % questions.len()])
            .call(),
        Work::Mixed(queries, questions, ask_url) => {
            if turn.is_multiple_of(2) {
                agent
                    .post(url)
                    .header(
                        "Accept",
                        "application/sparql-results+json, text/turtle;q=0.9",
                    )
                    .content_type("application/sparql-query")
                    .send(queries[(turn / 2) % queries.len()].as_str())
            } else {
                agent
                    .get(ask_url)
                    .query("q", &questions[(turn / 2) % questions.len()])
                    .call()
            }
        }
    };
    let mut response = response.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response
        .body_mut()
        .read_to_vec()
        .map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("{status}: {}", String::from_utf8_lossy(&body)))
    }
}

fn run(url: &str, work: &Work, clients: usize, seconds: f64) -> Outcome {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|client| {
            let stop = stop.clone();
            let url = url.to_owned();
            let work = work.clone();
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                let mut latencies = Vec::new();
                let mut errors = 0;
                let mut first_error = None;
                let mut turn = client;
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    match send(&agent, &url, &work, turn) {
                        Ok(()) => latencies.push(t.elapsed()),
                        Err(e) => {
                            errors += 1;
                            first_error.get_or_insert(e);
                        }
                    }
                    turn += 1;
                }
                (latencies, errors, first_error)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut outcome = Outcome {
        requests: 0,
        errors: 0,
        first_error: None,
        latencies: Vec::new(),
        elapsed: Duration::ZERO,
    };
    for handle in handles {
        let (latencies, errors, first_error) = handle.join().unwrap();
        outcome.requests += latencies.len();
        outcome.errors += errors;
        outcome.latencies.extend(latencies);
        if outcome.first_error.is_none() {
            outcome.first_error = first_error;
        }
    }
    outcome.elapsed = started.elapsed();
    outcome.latencies.sort();
    outcome
}

/// The generated SPARQL relies on factgraph's predeclared prefixes; another engine needs them
/// declared. A prefix the query declares itself is left alone.
fn with_prefixes(query: &str) -> String {
    let mut prefixes = factgraph::store::Store::prefixes_for(factgraph::store::DEFAULT_BASE);
    prefixes.push((
        "qa".to_owned(),
        format!("{}def/qa#", factgraph::store::DEFAULT_BASE),
    ));
    let mut text = String::new();
    for (prefix, iri) in &prefixes {
        if !query.contains(&format!("PREFIX {prefix}:")) {
            text.push_str(&format!("PREFIX {prefix}: <{iri}>\n"));
        }
    }
    text.push_str(query);
    text
}

fn main() {
    let args = Args::parse();
    let targets: Vec<(String, String)> = args
        .target
        .iter()
        .map(|t| {
            let (name, url) = t.split_once('=').expect("--target name=url");
            (name.to_owned(), url.to_owned())
        })
        .collect();
    let mut files: Vec<_> = std::fs::read_dir(&args.queries)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rq"))
        .collect();
    files.sort();
    let mut work: Vec<(String, Work)> = files
        .iter()
        .map(|f| {
            (
                f.file_stem().unwrap().to_string_lossy().into_owned(),
                Work::Sparql(std::fs::read_to_string(f).unwrap()),
            )
        })
        .collect();
    let questions: Vec<String> = std::fs::read_to_string(&args.questions)
        .map(|text| {
            text.lines()
                .skip(1)
                .filter_map(|l| l.split('\t').next())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if args.ask_sparql {
        let (_, ask_url) = args
            .ask
            .as_deref()
            .and_then(|a| a.split_once('='))
            .expect("--ask-sparql needs --ask name=url");
        let agent = ureq::Agent::new_with_defaults();
        let generated: Vec<String> = questions
            .iter()
            .filter_map(|q| {
                let mut response = agent.get(ask_url).query("q", q).call().ok()?;
                let json: serde_json::Value =
                    serde_json::from_slice(&response.body_mut().read_to_vec().ok()?).ok()?;
                json["sparql"].as_str().map(with_prefixes)
            })
            .collect();
        println!(
            "{} of {} questions produced SPARQL",
            generated.len(),
            questions.len()
        );
        work.push((
            "ask-generated-sparql".to_owned(),
            Work::SparqlMix(generated),
        ));
    }
    if args.mixed {
        let (name, url) = &targets[0];
        let (_, ask_url) = args
            .ask
            .as_deref()
            .and_then(|a| a.split_once('='))
            .expect("--mixed needs --ask name=url");
        let queries = work
            .iter()
            .filter_map(|(_, w)| match w {
                Work::Sparql(q) => Some(q.clone()),
                _ => None,
            })
            .collect();
        let mixed = Work::Mixed(queries, questions.clone(), ask_url.to_owned());
        println!("| target | work | clients | requests/s | p50 ms | p99 ms | errors |");
        println!("|---|---|---|---|---|---|---|");
        let mut errors = 0;
        for &clients in &args.clients {
            let outcome = run(url, &mixed, clients, args.seconds);
            println!(
                "| {name} | /sparql + /ask mixed | {clients} | {:.0} | {:.2} | {:.2} | {}{} |",
                outcome.throughput(),
                outcome.percentile(0.5).as_secs_f64() * 1000.0,
                outcome.percentile(0.99).as_secs_f64() * 1000.0,
                outcome.errors,
                outcome
                    .first_error
                    .as_deref()
                    .map(|e| format!(" ({})", e.chars().take(80).collect::<String>()))
                    .unwrap_or_default()
            );
            errors += outcome.errors;
        }
        if args.fail_on_error && errors > 0 {
            std::process::exit(1);
        }
        return;
    }
    println!("| target | work | clients | requests/s | p50 ms | p99 ms | errors |");
    println!("|---|---|---|---|---|---|---|");
    let mut table: Vec<(String, String, usize, f64, f64)> = Vec::new();
    let mut row = |name: &str, label: &str, clients: usize, outcome: &Outcome| {
        println!(
            "| {name} | {label} | {clients} | {:.0} | {:.2} | {:.2} | {}{} |",
            outcome.throughput(),
            outcome.percentile(0.5).as_secs_f64() * 1000.0,
            outcome.percentile(0.99).as_secs_f64() * 1000.0,
            outcome.errors,
            outcome
                .first_error
                .as_deref()
                .map(|e| format!(" ({})", e.chars().take(80).collect::<String>()))
                .unwrap_or_default()
        );
        table.push((
            name.to_owned(),
            label.to_owned(),
            clients,
            outcome.throughput(),
            outcome.percentile(0.99).as_secs_f64(),
        ));
    };
    for &clients in &args.clients {
        for (label, work) in &work {
            for (name, url) in &targets {
                let outcome = run(url, work, clients, args.seconds);
                row(name, label, clients, &outcome);
            }
        }
        if let Some(ask) = &args.ask {
            let (name, url) = ask.split_once('=').expect("--ask name=url");
            let outcome = run(url, &Work::Ask(questions.clone()), clients, args.seconds);
            row(name, "ask", clients, &outcome);
        }
    }
    if targets.len() > 1 {
        println!();
        println!("| work | clients | {} ÷ other (throughput) |", targets[0].0);
        println!("|---|---|---|");
        for (name, label, clients, throughput, _) in &table {
            if name != &targets[0].0 {
                continue;
            }
            for (other, other_label, other_clients, other_throughput, _) in &table {
                if other != name && other_label == label && other_clients == clients {
                    println!(
                        "| {label} | {clients} | {:.2}× vs {other} |",
                        throughput / other_throughput
                    );
                }
            }
        }
    }
}
