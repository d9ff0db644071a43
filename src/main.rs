//! The `factgraph` command: parse the command line, load the graph, then serve or run one command.

use clap::Parser;
use factgraph::config::{AskArgs, AskLang, Cli, Command, OutputFormat, QueryArgs, ServeArgs};
use factgraph::store::{ResultFormat, Store};
use factgraph::{app, AppState, ServiceConfig};
use oxigraph::io::{JsonLdProfileSet, RdfFormat};
use oxigraph::sparql::results::QueryResultsFormat;
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "factgraph=info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("factgraph: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let started = std::time::Instant::now();
    let (store, report) =
        Store::load(&cli.store.paths(), &cli.store.base_iri).map_err(|e| e.to_string())?;
    tracing::info!(
        files = report.files.len(),
        quads = report.quads,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "graph loaded"
    );
    match cli.command {
        None => serve(store, cli.serve),
        Some(Command::Serve(args)) => serve(store, args),
        Some(Command::Query(args)) => query(&store, args),
        Some(Command::Ask(args)) => ask(store, args),
    }
}

/// Answers one question and prints the answer and its source sentence, or the JSON.
fn ask(store: Store, args: AskArgs) -> Result<(), String> {
    let engine = factgraph::qa::Engine::build(&store).map_err(|e| e.to_string())?;
    let lang = args.lang.map(|l| match l {
        AskLang::Nl => factgraph::qa::Lang::Nl,
        AskLang::En => factgraph::qa::Lang::En,
    });
    let answer = engine
        .answer(&store, &args.question, lang)
        .map_err(|e| e.to_string())?;
    if args.json {
        let json = serde_json::to_string_pretty(&answer).map_err(|e| e.to_string())?;
        println!("{json}");
        return Ok(());
    }
    println!("{}", answer.answer);
    for source in &answer.sources {
        println!("  source: {}", source.sentence);
    }
    if !answer.answered && !answer.suggestions.is_empty() {
        println!("  try:");
        for s in &answer.suggestions {
            println!("    {s}");
        }
    }
    Ok(())
}

fn serve(store: Store, args: ServeArgs) -> Result<(), String> {
    let query_timeout = (args.query_timeout > 0.0)
        .then(|| Duration::try_from_secs_f64(args.query_timeout))
        .transpose()
        .map_err(|e| format!("invalid --query-timeout: {e}"))?;
    let state = AppState::new(store, ServiceConfig { query_timeout }).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.bind))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        println!(
            "factgraph is serving at http://{address}/ (SPARQL endpoint: http://{address}/sparql)"
        );
        axum::serve(listener, app(state))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| e.to_string())
    });
    // Queries of connections that were cut are cancelled already; do not wait long for them.
    runtime.shutdown_timeout(Duration::from_secs(5));
    served
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests can finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

fn query(store: &Store, args: QueryArgs) -> Result<(), String> {
    let parsed = store.parse(&args.query).map_err(|e| e.to_string())?;
    let format = match (args.format, parsed.kind().returns_graph()) {
        (None, false) | (Some(OutputFormat::Json), false) => {
            ResultFormat::Results(QueryResultsFormat::Json)
        }
        (Some(OutputFormat::Xml), false) => ResultFormat::Results(QueryResultsFormat::Xml),
        (Some(OutputFormat::Csv), false) => ResultFormat::Results(QueryResultsFormat::Csv),
        (Some(OutputFormat::Tsv), false) => ResultFormat::Results(QueryResultsFormat::Tsv),
        (None, true) | (Some(OutputFormat::Turtle), true) => ResultFormat::Graph(RdfFormat::Turtle),
        (Some(OutputFormat::Ntriples), true) => ResultFormat::Graph(RdfFormat::NTriples),
        (Some(OutputFormat::Jsonld), true) => ResultFormat::Graph(RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        }),
        (Some(OutputFormat::Rdfxml | OutputFormat::Xml), true) => {
            ResultFormat::Graph(RdfFormat::RdfXml)
        }
        (Some(other), graph) => {
            return Err(format!(
                "--format {other:?} does not fit a {} query",
                if graph {
                    "CONSTRUCT/DESCRIBE"
                } else {
                    "SELECT/ASK"
                }
            ))
        }
    };
    let stdout = std::io::stdout().lock();
    let written = store
        .query_to_writer(&parsed, &Default::default(), format, stdout)
        .and_then(|mut out| Ok(std::io::Write::write_all(&mut out, b"\n")?));
    match written {
        // A reader that stops early (`| head`) is not an error worth reporting.
        Err(factgraph::error::Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| e.to_string()),
    }
}
