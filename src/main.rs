//! The `factgraph` command: parse the command line, load the graph, then serve or run one command.

use clap::{Parser, ValueEnum};
use factgraph::config::{
    federation_endpoints, AskArgs, AskLang, Cli, Command, LinkArgs, OutputFormat, QueryArgs,
    ServeArgs,
};
use factgraph::store::formats;
use factgraph::store::{Federation, ResultFormat, Store};
use factgraph::{app, AppState};
use std::process::ExitCode;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "factgraph=info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only help a person at a terminal; log files and parsers want plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    // `factgraph query` evaluates on this thread, so it gets the stack the service gives its
    // query threads (see nesting.rs).
    let outcome = std::thread::Builder::new()
        .name("factgraph-main".to_owned())
        .stack_size(factgraph::store::nesting::EVALUATION_STACK)
        .spawn(move || run(cli))
        .map_err(|e| format!("cannot start: {e}"))
        .and_then(|worker| {
            worker
                .join()
                .unwrap_or_else(|_| Err("the command panicked".to_owned()))
        });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("factgraph: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let serve_args = match &cli.command {
        Some(Command::Serve(args)) => args.clone(),
        _ => cli.serve.clone(),
    };
    let started = std::time::Instant::now();
    let trust = cli.store.trust()?;
    let store = match (&cli.store.sparql_endpoint, &cli.store.store) {
        (Some(url), _) => {
            let service = serve_args.service_config()?;
            let store = Store::remote_trusting(
                url,
                &cli.store.base_iri,
                service.query_timeout,
                cli.store.graphs.clone(),
                service.max_result_bytes as u64,
                &trust,
            )
            .map_err(|e| e.to_string())?;
            let graphs = store.served_graphs();
            tracing::info!(
                endpoint = url.as_str(),
                graphs = graphs.len(),
                "serving a remote SPARQL endpoint"
            );
            store
        }
        (None, Some(dir)) => open_store(dir, &cli.store.paths(), &cli.store.base_iri)?,
        (None, None) => {
            let (store, report) =
                Store::load(&cli.store.paths(), &cli.store.base_iri).map_err(|e| e.to_string())?;
            tracing::info!(
                files = report.files.len(),
                quads = report.quads,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "graph loaded"
            );
            store
        }
    };
    match cli.command {
        None | Some(Command::Serve(_)) => serve(store, serve_args, &trust),
        Some(Command::Query(args)) => query(&store, args),
        Some(Command::Ask(args)) => ask(store, args),
        Some(Command::Link(args)) => link(&store, args, &trust),
    }
}

/// Proposes links between our entities of the given classes and the target's, and writes the
/// linkset; a one-line summary goes to standard error. An `https://` target is verified
/// against `trust` (the system's certificates plus `--ca-file`), as `--sparql-endpoint` is.
fn link(store: &Store, args: LinkArgs, trust: &factgraph::store::tls::Trust) -> Result<(), String> {
    let prefixes = store.prefixes();
    let classes = args
        .types
        .iter()
        .map(|name| {
            let expanded = match name.split_once(':') {
                Some((prefix, local)) if !name.contains("://") => prefixes
                    .iter()
                    .find(|(p, _)| p == prefix)
                    .map(|(_, namespace)| format!("{namespace}{local}"))
                    .ok_or_else(|| format!("--type {name}: unknown prefix {prefix:?}"))?,
                _ => name.clone(),
            };
            oxigraph::model::NamedNode::new(&expanded)
                .map(|n| n.into_string())
                .map_err(|e| format!("--type {name}: not a class IRI ({e})"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let remote = args.target.starts_with("http://") || args.target.starts_with("https://");
    let target = if remote {
        Store::remote_trusting(
            &args.target,
            store.base(),
            Some(std::time::Duration::from_secs(60)),
            Vec::new(),
            factgraph::store::DEFAULT_MAX_ANSWER_BYTES,
            trust,
        )
    } else {
        Store::load(&[std::path::PathBuf::from(&args.target)], store.base()).map(|(s, _)| s)
    }
    .map_err(|e| format!("--target {}: {e}", args.target))?;
    let linkset = factgraph::link::discover(store, &classes, &target, remote, args.threshold)
        .map_err(|e| e.to_string())?;
    let turtle = linkset.to_turtle(&prefixes, "this graph", &args.target);
    match &args.out {
        Some(path) => {
            std::fs::write(path, turtle).map_err(|e| format!("--out {}: {e}", path.display()))?
        }
        None => print!("{turtle}"),
    }
    eprintln!("{}", linkset.summary());
    Ok(())
}

/// Answers one question and prints the answer and its source sentence, or the JSON.
fn ask(store: Store, args: AskArgs) -> Result<(), String> {
    let engine = factgraph::qa::Engine::build(&store).map_err(|e| e.to_string())?;
    let lang = args.lang.map(|l| match l {
        AskLang::Nl => factgraph::qa::Lang::Nl,
        AskLang::En => factgraph::qa::Lang::En,
    });
    if args.explain {
        for line in engine.trace(&args.question, lang) {
            println!("{line}");
        }
        println!();
    }
    let answer = engine
        .answer(&store, &args.question, lang)
        .map_err(|e| e.to_string())?;
    if args.json {
        let body = factgraph::answer_json(&engine, &store, &answer)?;
        let json = serde_json::to_string_pretty(&body).map_err(|e| e.to_string())?;
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

/// Opens the on-disk store of `--store`, loading `paths` into it on its first start.
#[cfg(feature = "rocksdb")]
fn open_store(
    dir: &std::path::Path,
    paths: &[std::path::PathBuf],
    base: &str,
) -> Result<Store, String> {
    let started = std::time::Instant::now();
    let (store, report) = Store::open(dir, paths, base).map_err(|e| e.to_string())?;
    match report {
        Some(report) => tracing::info!(
            store = %dir.display(),
            files = report.files.len(),
            quads = report.quads,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "new persistent store: graph loaded"
        ),
        None => tracing::info!(
            store = %dir.display(),
            quads = store.len().map_err(|e| e.to_string())?,
            "persistent store opened as it is"
        ),
    }
    Ok(store)
}

#[cfg(not(feature = "rocksdb"))]
fn open_store(
    dir: &std::path::Path,
    _paths: &[std::path::PathBuf],
    _base: &str,
) -> Result<Store, String> {
    Err(format!(
        "--store {}: this binary was built without the on-disk store; build it with \
         `cargo build --release --features rocksdb`",
        dir.display()
    ))
}

fn serve(
    store: Store,
    args: ServeArgs,
    trust: &factgraph::store::tls::Trust,
) -> Result<(), String> {
    let config = args.service_config()?;
    let connection_limits = args.connection_limits()?;
    let write_token = args.write_token()?;
    let reindex_interval = args.reindex_interval()?;
    if write_token.is_some() && !store.is_persistent() {
        // Better to stop than to start a service whose operator expects writes to work.
        return Err(
            "a write token is set but the graph is not a persistent store: writes need \
             --store DIR (and a build with the rocksdb feature)"
                .to_owned(),
        );
    }
    let query_timeout = config.query_timeout;
    let endpoints = federation_endpoints(&args.federate)?;
    for endpoint in &endpoints {
        tracing::info!(%endpoint, "SERVICE calls to this endpoint are allowed");
    }
    let mut state = AppState::new(store, config)
        .map_err(|e| e.to_string())?
        .with_federation(Federation::new(
            endpoints,
            // A SERVICE call cannot usefully outlast the query that makes it.
            query_timeout,
            trust,
        ));
    if let Some(token) = &write_token {
        state = state.with_write_token(token);
        tracing::info!("writes are accepted with the write token (SPARQL Update, /store)");
    }
    if let Some(every) = reindex_interval {
        state.reindex_every(every).map_err(|e| e.to_string())?;
        tracing::info!(
            seconds = every.as_secs_f64(),
            "the question index and dataset description are rebuilt periodically"
        );
    }
    let listener = std::net::TcpListener::bind(args.bind)
        .map_err(|e| format!("cannot listen on {}: {e}", args.bind))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "factgraph is serving at http://{address}/ (SPARQL endpoint: http://{address}/sparql)"
    );
    // One connection thread per core; queries run on each runtime's blocking threads.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let metrics = state.metrics.clone();
    factgraph::serve(
        app(state),
        listener,
        threads,
        connection_limits,
        metrics,
        shutdown_signal(),
    )
    .map_err(|e| e.to_string())
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
    let graph = parsed.kind().returns_graph();
    let format = match args.format {
        // The HTTP routes' defaults too.
        None if graph => Some(ResultFormat::Graph(formats::PREFERRED_RDF)),
        None => Some(ResultFormat::Results(formats::PREFERRED_RESULTS)),
        // On the command line `json` is SPARQL JSON results only; a graph is `jsonld`.
        Some(OutputFormat::Json) if graph => None,
        Some(named) => named.to_possible_value().and_then(|value| {
            if graph {
                formats::rdf_named(value.get_name()).map(ResultFormat::Graph)
            } else {
                formats::results_named(value.get_name()).map(ResultFormat::Results)
            }
        }),
    };
    let Some(format) = format else {
        // Only a named format can fail to fit; it is written as before (`Json`).
        let named = args.format.map(|f| format!("{f:?}")).unwrap_or_default();
        return Err(format!(
            "--format {named} does not fit a {} query",
            if graph {
                "CONSTRUCT/DESCRIBE"
            } else {
                "SELECT/ASK"
            }
        ));
    };
    let stdout = std::io::stdout().lock();
    let written = store
        .query_to_writer(&parsed, &Default::default(), format, stdout)
        .and_then(|mut out| Ok(std::io::Write::write_all(&mut out, b"\n")?));
    match written {
        // A reader that stops early (`| head`) is not an error worth reporting.
        Err(factgraph::store::Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| e.to_string()),
    }
}
