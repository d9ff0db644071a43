//! Scale benchmark: writes synthetic graphs of the same shape as the shipped one (documents,
//! sentences with offsets, plants, models, yearly quantities, facts with qualifiers, labels in
//! nl and en) at about 10^4 … 10^7 triples, serves each with the release binary next to the
//! shipped graph, and measures load rate, start-up time, peak memory and query latency.
//!
//! `cargo bench --bench scale -- --sizes 10000,100000,1000000,10000000`
//!
//! Output: a Markdown table on stdout, and `target/scale/scale.svg`, a log-log plot.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use clap::Parser;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// Approximate numbers of synthetic triples, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "10000,100000,1000000,10000000"
    )]
    sizes: Vec<usize>,
    /// Requests per measured query.
    #[arg(long, default_value_t = 200)]
    repeat: usize,
    /// Keep the generated files in `target/scale/` (for profiling the server on them).
    #[arg(long)]
    keep: bool,
    /// Keep each graph in `oxigraph serve` (PyPI `oxigraph`, on the PATH; `tests/remote/run.sh`
    /// installs it) and run factgraph over it with `--sparql-endpoint`, as when the graph has
    /// outgrown one machine: the load column is then the engine's load over HTTP, and the
    /// memory columns are factgraph's and the engine's.
    #[arg(long)]
    remote: bool,
    #[arg(long, hide = true)]
    bench: bool,
}

const FG: &str = "https://w3id.org/factgraph/";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const NIF: &str = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#";
const DCTERMS: &str = "http://purl.org/dc/terms/";
const SCHEMA: &str = "http://schema.org/";

/// Writes one synthetic document: 20 sentences, 8 entities, 30 facts; about 480 triples.
fn write_document(out: &mut impl std::io::Write, d: usize) -> std::io::Result<usize> {
    let mut n = 0;
    let mut t = |out: &mut dyn std::io::Write, s: &str, p: &str, o: &str| {
        n += 1;
        writeln!(out, "{s} {p} {o} .")
    };
    let iri = |path: &str| format!("<{FG}{path}>");
    let lit = |text: &str, lang: &str| format!("\"{text}\"@{lang}");
    let typed = |value: &str, datatype: &str| format!("\"{value}\"^^<{XSD}{datatype}>");
    let doc = iri(&format!("id/scale/doc{d}"));
    t(out, &doc, &format!("<{RDF}type>"), &iri("def/Document"))?;
    t(out, &doc, &format!("<{SCHEMA}inLanguage>"), "\"nl\"")?;
    t(
        out,
        &doc,
        &format!("<{SCHEMA}datePublished>"),
        &typed(
            &format!("{}-{:02}", 2000 + d % 25, 1 + d % 12),
            "gYearMonth",
        ),
    )?;
    let plants: Vec<String> = (0..3)
        .map(|i| iri(&format!("id/scale/plant{d}-{i}")))
        .collect();
    let models: Vec<String> = (0..5)
        .map(|i| iri(&format!("id/scale/model{d}-{i}")))
        .collect();
    for (i, plant) in plants.iter().enumerate() {
        t(out, plant, &format!("<{RDF}type>"), &iri("def/Plant"))?;
        t(
            out,
            plant,
            &format!("<{SKOS}prefLabel>"),
            &lit(&format!("Fabriek {d}-{i}"), "nl"),
        )?;
        t(
            out,
            plant,
            &format!("<{SKOS}prefLabel>"),
            &lit(&format!("Plant {d}-{i}"), "en"),
        )?;
        t(
            out,
            plant,
            &format!("<{SKOS}altLabel>"),
            &lit(&format!("fabriek nummer {d}-{i}"), "nl"),
        )?;
    }
    for (i, model) in models.iter().enumerate() {
        t(
            out,
            model,
            &format!("<{RDF}type>"),
            &iri("def/VehicleModel"),
        )?;
        t(
            out,
            model,
            &format!("<{SKOS}prefLabel>"),
            &lit(&format!("Model {d}-{i}"), "nl"),
        )?;
        t(
            out,
            model,
            &format!("<{SKOS}prefLabel>"),
            &lit(&format!("Model {d}-{i}"), "en"),
        )?;
    }
    let mut offset = 0;
    for s in 1..=20 {
        let sentence = iri(&format!("id/scale/doc{d}/s{s}"));
        let text = format!(
            "In {} produceerde fabriek {d}-{} precies {} auto's van model {d}-{}.",
            2000 + s,
            s % 3,
            1000 * s + d,
            s % 5
        );
        let length = text.chars().count();
        t(
            out,
            &sentence,
            &format!("<{RDF}type>"),
            &iri("def/Sentence"),
        )?;
        t(
            out,
            &sentence,
            &format!("<{NIF}anchorOf>"),
            &lit(&text, "nl"),
        )?;
        t(
            out,
            &sentence,
            &format!("<{NIF}beginIndex>"),
            &typed(&offset.to_string(), "nonNegativeInteger"),
        )?;
        t(
            out,
            &sentence,
            &format!("<{NIF}endIndex>"),
            &typed(&(offset + length).to_string(), "nonNegativeInteger"),
        )?;
        t(out, &sentence, &format!("<{DCTERMS}isPartOf>"), &doc)?;
        t(
            out,
            &sentence,
            &iri("def/position"),
            &typed(&s.to_string(), "integer"),
        )?;
        offset += length + 1;
    }
    for f in 0..30 {
        let fact = iri(&format!("id/scale/fact{d}-{f}"));
        let subject = &plants[f % 3];
        let year = 2000 + f % 20;
        let (predicate, object) = if f % 3 == 0 {
            (iri("def/producesModel"), models[f % 5].clone())
        } else {
            (
                iri("def/electricVehiclesProduced"),
                typed(&(1000 * (f + 1) + d).to_string(), "integer"),
            )
        };
        t(out, subject, &predicate, &object)?;
        t(out, &fact, &format!("<{RDF}type>"), &iri("def/Fact"))?;
        t(out, &fact, &format!("<{RDF}subject>"), subject)?;
        t(out, &fact, &format!("<{RDF}predicate>"), &predicate)?;
        t(out, &fact, &format!("<{RDF}object>"), &object)?;
        t(
            out,
            &fact,
            &iri("def/sourceSentence"),
            &iri(&format!("id/scale/doc{d}/s{}", 1 + f % 20)),
        )?;
        t(
            out,
            &fact,
            &iri("def/pointInTime"),
            &typed(&year.to_string(), "gYear"),
        )?;
        t(
            out,
            &fact,
            &format!("<{RDFS}label>"),
            &lit(&format!("Feit {f} van document {d}"), "nl"),
        )?;
        t(
            out,
            &fact,
            &format!("<{RDFS}label>"),
            &lit(&format!("Fact {f} of document {d}"), "en"),
        )?;
    }
    Ok(n)
}

/// Writes documents until about `triples` triples; returns the exact count.
fn generate(path: &Path, triples: usize) -> usize {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut written = 0;
    let mut d = 0;
    while written < triples {
        written += write_document(&mut out, d).unwrap();
        d += 1;
    }
    out.flush().unwrap();
    written
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn peak_rss_mib(child: &Child) -> f64 {
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at =
        |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0;
    (at(0.5), at(0.99))
}

struct Row {
    triples: usize,
    load_ms: f64,
    ready_ms: f64,
    rss_mib: f64,
    /// The remote engine's peak memory, when there is one.
    engine_rss_mib: Option<f64>,
    sparql: (f64, f64),
    /// The HTML page of `fg:Plant`.
    page: (f64, f64),
    ask: (f64, f64),
    /// The answer text to each question of the files, in order.
    answers: Vec<String>,
}

/// The questions of `tests/cases/questions/*.tsv`, both languages interleaved.
fn question_list() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cases/questions");
    let read = |lang: &str| -> Vec<String> {
        std::fs::read_to_string(root.join(format!("{lang}.tsv")))
            .unwrap()
            .lines()
            .skip(1)
            .filter_map(|l| l.split('\t').next())
            .filter(|q| !q.trim().is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (nl, en) = (read("nl"), read("en"));
    let mut out = Vec::new();
    for i in 0..nl.len().max(en.len()) {
        out.extend(nl.get(i).cloned());
        out.extend(en.get(i).cloned());
    }
    out
}

/// `oxigraph serve` in memory on loopback with the shipped files and `file`, each in the named
/// graph factgraph would give it; returns the process and the time the uploads took.
fn start_engine(file: &Path) -> (Child, String, f64) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let port = free_port();
    let child = Command::new("oxigraph")
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--union-default-graph",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("oxigraph serve (pip install oxigraph==0.5.13)");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while agent
        .get(&format!("{base}/query?query=ASK%7B%7D"))
        .call()
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "oxigraph serve did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut files: Vec<PathBuf> = ["ontology", "data"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ttl"))
        .collect();
    files.push(file.to_owned());
    let started = Instant::now();
    for path in files {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let graph = format!("{FG}graph/{stem}");
        let content_type = if path.extension().is_some_and(|e| e == "nt") {
            "application/n-triples"
        } else {
            "text/turtle"
        };
        let body = std::fs::read(&path).unwrap();
        let response = agent
            .post(&format!("{base}/store"))
            .query("graph", &graph)
            .header("Content-Type", content_type)
            .send(body.as_slice())
            .unwrap();
        assert!(response.status().is_success(), "loading {}", path.display());
    }
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    (child, format!("{base}/query"), load_ms)
}

fn measure(file: &Path, triples: usize, repeat: usize, remote: bool) -> Row {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let port = free_port();
    let mut engine = remote.then(|| start_engine(file));
    let mut command = Command::new(env!("CARGO_BIN_EXE_factgraph"));
    match &engine {
        Some((_, endpoint, _)) => command.arg("--sparql-endpoint").arg(endpoint),
        None => command.arg("--data").arg(format!(
            "{},{},{}",
            root.join("ontology").display(),
            root.join("data").display(),
            file.display()
        )),
    };
    let started = Instant::now();
    let mut child = command
        .arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--query-timeout")
        .arg("0")
        // Measure the engine, not the response cache.
        .arg("--cache-bytes")
        .arg("0")
        .env("RUST_LOG", "factgraph=info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("graph loaded") {
                let _ = tx.send(line);
            }
        }
    });
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let base = format!("http://127.0.0.1:{port}");
    loop {
        if agent
            .get(&format!("{base}/healthz"))
            .call()
            .is_ok_and(|r| r.status() == 200)
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(900),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let ready_ms = started.elapsed().as_secs_f64() * 1000.0;
    let loaded = rx.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
    let load_ms = loaded
        .split("elapsed_ms=")
        .nth(1)
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| {
            v.trim_matches(|c: char| !c.is_ascii_digit())
                .parse::<f64>()
                .ok()
        })
        .unwrap_or(ready_ms);
    let load_ms = engine.as_ref().map_or(load_ms, |(_, _, ms)| *ms);
    let query = "SELECT ?v WHERE { ?plant <https://w3id.org/factgraph/def/electricVehiclesProduced> ?v . ?plant <http://www.w3.org/2004/02/skos/core#prefLabel> \"Audi Brussels plant\"@en }";
    let mut sparql = Vec::new();
    for _ in 0..repeat {
        let t = Instant::now();
        let mut response = agent
            .post(&format!("{base}/sparql"))
            .content_type("application/sparql-query")
            .send(query)
            .unwrap();
        let body = response.body_mut().read_to_string().unwrap();
        assert!(body.contains("43866"), "{body}");
        sparql.push(t.elapsed());
    }
    // A class page: every synthetic plant points at fg:Plant, so it is the largest page.
    let mut page = Vec::new();
    for _ in 0..repeat.min(100) {
        let t = Instant::now();
        let mut response = agent
            .get(&format!("{base}/def/Plant"))
            .header("Accept", "text/html")
            .call()
            .unwrap();
        let status = response.status();
        let body = response.body_mut().read_to_string().unwrap();
        assert!(
            status == 200 && body.contains("</html>"),
            "{status}: {body}"
        );
        page.push(t.elapsed());
    }
    // The synthetic facts must not change the answers about the article.
    let mut response = agent
        .get(&format!("{base}/ask"))
        .query(
            "q",
            "Hoeveel elektrische auto's rolden in 2021 in Brussel van de band?",
        )
        .call()
        .unwrap();
    let body = response.body_mut().read_to_string().unwrap();
    let mut ask = Vec::new();
    let mut answers = Vec::new();
    if response.status() != 404 {
        assert!(body.contains("43866"), "{body}");
        // Distinct questions from the question files, so that each is computed rather than
        // served from the answer cache.
        let questions = question_list();
        for i in 0..repeat.max(questions.len()) {
            let t = Instant::now();
            let mut response = agent
                .get(&format!("{base}/ask"))
                .header("Accept", "application/json")
                .query("q", &questions[i % questions.len()])
                .call()
                .unwrap();
            let body = response.body_mut().read_to_string().unwrap_or_default();
            ask.push(t.elapsed());
            if i < questions.len() {
                let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                answers.push(json["answer"].as_str().unwrap_or("").to_owned());
            }
        }
    }
    let rss_mib = peak_rss_mib(&child);
    child.kill().unwrap();
    child.wait().unwrap();
    let engine_rss_mib = engine.as_ref().map(|(e, _, _)| peak_rss_mib(e));
    if let Some((e, _, _)) = &mut engine {
        e.kill().unwrap();
        e.wait().unwrap();
    }
    Row {
        triples,
        load_ms,
        ready_ms,
        rss_mib,
        engine_rss_mib,
        sparql: percentiles(sparql),
        page: percentiles(page),
        ask: if ask.is_empty() {
            (f64::NAN, f64::NAN)
        } else {
            percentiles(ask)
        },
        answers,
    }
}

/// A log-log plot of load time, peak memory and query latency against size, as SVG.
fn plot(rows: &[Row]) -> String {
    let (w, h, m) = (640.0, 400.0, 60.0);
    let xs: Vec<f64> = rows.iter().map(|r| (r.triples as f64).log10()).collect();
    let series: [(&str, &str, Vec<f64>); 5] = [
        (
            "load ms",
            "#1f77b4",
            rows.iter().map(|r| r.load_ms).collect(),
        ),
        (
            "peak RSS MiB",
            "#d62728",
            rows.iter().map(|r| r.rss_mib).collect(),
        ),
        (
            "/sparql p50 ms",
            "#2ca02c",
            rows.iter().map(|r| r.sparql.0).collect(),
        ),
        (
            "/ask p50 ms",
            "#9467bd",
            rows.iter().map(|r| r.ask.0).collect(),
        ),
        (
            "/def/Plant page p50 ms",
            "#ff7f0e",
            rows.iter().map(|r| r.page.0).collect(),
        ),
    ];
    let all: Vec<f64> = series
        .iter()
        .flat_map(|s| s.2.iter().copied())
        .filter(|v| v.is_finite() && *v > 0.0)
        .map(f64::log10)
        .collect();
    let (ymin, ymax) = (
        all.iter().copied().fold(f64::MAX, f64::min).floor(),
        all.iter().copied().fold(f64::MIN, f64::max).ceil(),
    );
    let (xmin, xmax) = (
        xs.iter().copied().fold(f64::MAX, f64::min).floor(),
        xs.iter().copied().fold(f64::MIN, f64::max).ceil(),
    );
    let px = |x: f64| m + (x - xmin) / (xmax - xmin).max(1.0) * (w - 2.0 * m);
    let py = |y: f64| h - m - (y - ymin) / (ymax - ymin).max(1.0) * (h - 2.0 * m);
    let mut svg = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    let mut x = xmin;
    while x <= xmax {
        let _ = writeln!(svg, "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#ddd\"/><text x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">10^{x}</text>", px(x), py(ymin), py(ymax), h - m + 18.0);
        x += 1.0;
    }
    let mut y = ymin;
    while y <= ymax {
        let _ = writeln!(svg, "<line x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"#ddd\"/><text x=\"{3}\" y=\"{4}\" text-anchor=\"end\">10^{y}</text>", px(xmin), px(xmax), py(y), m - 6.0, py(y) + 4.0);
        y += 1.0;
    }
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">synthetic triples</text>",
        w / 2.0,
        h - 12.0
    );
    for (i, (name, colour, values)) in series.iter().enumerate() {
        let points: Vec<String> = xs
            .iter()
            .zip(values)
            .filter(|(_, v)| v.is_finite() && **v > 0.0)
            .map(|(x, v)| format!("{:.1},{:.1}", px(*x), py(v.log10())))
            .collect();
        let _ = writeln!(
            svg,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
            points.join(" ")
        );
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" fill=\"{colour}\">{name}</text>",
            m + 10.0,
            m - 30.0 + 14.0 * i as f64
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn main() {
    let args = Args::parse();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/scale");
    std::fs::create_dir_all(&dir).unwrap();
    // The shipped graph alone: the answers every larger graph should still give.
    let empty = dir.join("scale-0.nt");
    generate(&empty, 0);
    let baseline = measure(&empty, 0, args.repeat, args.remote);
    std::fs::remove_file(&empty).ok();
    let mut rows = Vec::new();
    for &size in &args.sizes {
        let file = dir.join(format!("scale-{size}.nt"));
        let triples = generate(&file, size);
        let row = measure(&file, triples, args.repeat, args.remote);
        eprintln!("measured {triples} triples");
        rows.push(row);
        if !args.keep {
            std::fs::remove_file(&file).ok();
        }
    }
    let memory = |r: &Row| match r.engine_rss_mib {
        Some(engine) => format!("{:.0} / {engine:.0}", r.rss_mib),
        None => format!("{:.0}", r.rss_mib),
    };
    let memory_header = if args.remote {
        "peak RSS, factgraph / engine (MiB)"
    } else {
        "peak RSS (MiB)"
    };
    println!("| synthetic triples | load (ms) | load rate (triples/s) | start-up to first answer (ms) | {memory_header} | /sparql p50 / p99 (ms) | /def/Plant page p50 / p99 (ms) | /ask p50 / p99 (ms) | answers as on the shipped graph alone |");
    println!("|---|---|---|---|---|---|---|---|---|");
    println!(
        "| 0 (shipped graph alone) | | | {:.0} | {} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} / {:.2} | |",
        baseline.ready_ms,
        memory(&baseline),
        baseline.sparql.0,
        baseline.sparql.1,
        baseline.page.0,
        baseline.page.1,
        baseline.ask.0,
        baseline.ask.1
    );
    let questions = question_list();
    for r in &rows {
        for (i, (a, b)) in r.answers.iter().zip(&baseline.answers).enumerate() {
            if a != b {
                eprintln!(
                    "{} triples: {:?}\n  alone: {b}\n  now:   {a}",
                    r.triples, questions[i]
                );
            }
        }
        let same = r
            .answers
            .iter()
            .zip(&baseline.answers)
            .filter(|(a, b)| a == b)
            .count();
        println!(
            "| {} | {:.0} | {:.0} | {:.0} | {} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} / {:.2} | {same} / {} |",
            r.triples,
            r.load_ms,
            r.triples as f64 / (r.load_ms / 1000.0),
            r.ready_ms,
            memory(r),
            r.sparql.0,
            r.sparql.1,
            r.page.0,
            r.page.1,
            r.ask.0,
            r.ask.1,
            baseline.answers.len()
        );
    }
    std::fs::write(dir.join("scale.svg"), plot(&rows)).unwrap();
    eprintln!("plot: {}", dir.join("scale.svg").display());
}
