//! The state every handler shares (`AppState`): the store, the limits, the caches, what is
//! derived from the graph (dataset counts, question engine, dumps), and the write/refresh cycle.

use crate::builder::graph::Graph;
use crate::linked_data;
use crate::qa;
use crate::reconcile::schema::Schema;
use crate::service::access::{WriteAccess, WriteGrant, WriteToken};
use crate::service::error::Error;
use crate::service::{cache, limits, metrics};
use crate::store;
use axum::http::{header, HeaderMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// Settings of a running service that handlers read. The defaults are the safe ones a public
/// endpoint should start from; `config::ServeArgs` maps the command line onto them.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// Stop queries after this long; `None` means no limit.
    pub query_timeout: Option<Duration>,
    /// Largest request body accepted (413 beyond).
    pub max_body_bytes: usize,
    /// Longest path and query string accepted (414 beyond).
    pub max_url_bytes: usize,
    /// Largest request head, request line and headers (431 beyond).
    pub max_header_bytes: usize,
    /// Queries (SPARQL and questions) running at once (503 beyond).
    pub max_concurrent_queries: usize,
    /// Largest SPARQL response streamed to a client; past it the response is cut off.
    pub max_result_bytes: usize,
    /// Requests a second per client address; `None` means no rate limit.
    pub rate_limit: Option<f64>,
    /// Bytes of complete responses kept for repeated requests (embedded store only); 0 disables.
    pub cache_bytes: usize,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            query_timeout: Some(Duration::from_secs(30)),
            max_body_bytes: 1 << 20,
            max_url_bytes: 16 << 10,
            max_header_bytes: 32 << 10,
            max_concurrent_queries: 32,
            max_result_bytes: 256 << 20,
            rate_limit: None,
            cache_bytes: 64 << 20,
        }
    }
}

/// Everything a handler needs, shared by all requests. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: store::Store,
    pub config: Arc<ServiceConfig>,
    pub query_slots: limits::QuerySlots,
    pub rate: Option<Arc<limits::RateLimiter>>,
    pub metrics: Arc<metrics::Metrics>,
    /// Complete responses of repeated requests; see `cache.rs`.
    pub cache: Arc<cache::ResponseCache>,
    /// The SPARQL endpoints SERVICE may call; none unless `--federate` names them.
    pub federation: store::Federation,
    /// Counts for the dataset description, computed at start-up and again after each write.
    dataset: Arc<RwLock<Arc<linked_data::stats::DatasetStats>>>,
    /// The question-answering engine, built from the graph at start-up and again after each
    /// write.
    qa: Arc<RwLock<Arc<qa::model::Engine>>>,
    /// The dumps of the data as it is now (made on first use), replaced after each write.
    dumps: Arc<RwLock<Arc<linked_data::dump::Generation>>>,
    /// What is read from the graph on first use and kept until the next write.
    on_demand: Arc<RwLock<Arc<OnDemand>>>,
    /// The write token's digest; `None` (the default) makes the service read-only.
    pub write_access: Option<WriteAccess>,
    /// Held by the one write running at a time, so a write's checks (does the graph exist?)
    /// and its commit see no other write in between.
    write_lock: Arc<Mutex<()>>,
}

/// What the service computes from the graph: the dataset counts and the question engine. The
/// two read the store independently, so they run side by side (on a large graph each takes
/// seconds).
fn derive(
    store: &store::Store,
) -> (
    store::error::Result<linked_data::stats::DatasetStats>,
    qa::error::Result<qa::model::Engine>,
) {
    std::thread::scope(|scope| {
        let counting = scope.spawn(|| linked_data::stats::DatasetStats::compute(store));
        let engine = qa::model::Engine::build(store);
        let dataset = counting.join().unwrap_or_else(|_| {
            Err(store::error::Error::Internal(
                "counting the dataset panicked".to_owned(),
            ))
        });
        (dataset, engine)
    })
}

impl AppState {
    /// Builds the state: the dataset counts and the question-answering engine are computed from
    /// the store's graph here, once, so a broken graph stops the start-up instead of a request.
    pub fn new(store: store::Store, config: ServiceConfig) -> Result<Self, store::LoadError> {
        let (dataset, qa) = derive(&store);
        let dataset = dataset.map_err(|e| store::LoadError::Dataset(e.to_string()))?;
        let qa = qa.map_err(|e| store::LoadError::Questions(e.to_string()))?;
        // A remote engine's data may change behind our back, so nothing is kept for it.
        let cache_bytes = if store.remote_url().is_some() {
            0
        } else {
            config.cache_bytes
        };
        Ok(Self {
            store,
            query_slots: limits::QuerySlots::new(config.max_concurrent_queries),
            rate: config
                .rate_limit
                .map(|rate| Arc::new(limits::RateLimiter::new(rate))),
            metrics: Arc::default(),
            cache: Arc::new(cache::ResponseCache::new(cache_bytes)),
            config: Arc::new(config),
            federation: store::Federation::default(),
            dataset: Arc::new(RwLock::new(Arc::new(dataset))),
            qa: Arc::new(RwLock::new(Arc::new(qa))),
            dumps: Arc::default(),
            on_demand: Arc::default(),
            write_access: None,
            write_lock: Arc::default(),
        })
    }

    /// Accepts writes with this bearer token (they still need a persistent store).
    pub fn with_write_token(mut self, token: &WriteToken) -> Self {
        self.write_access = Some(WriteAccess::new(token));
        self
    }

    /// The dataset statistics as of the last write.
    pub fn dataset(&self) -> Arc<linked_data::stats::DatasetStats> {
        // A poisoned lock only means a refresh panicked; the value in it is still whole.
        self.dataset
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The dumps of the data as of the last write, and when that write was (their
    /// `Last-Modified`, also that of the VoID and Service Description documents).
    pub fn dumps(&self) -> Arc<linked_data::dump::Generation> {
        self.dumps.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The question builder's view of the graph (facts, names, kinds), read on first use
    /// after a write: `/questions/things` and `/questions/about` run no query of their own.
    pub(crate) fn builder_graph(&self) -> store::error::Result<Arc<Graph>> {
        let current = self
            .on_demand
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        kept(&current.builder, || Graph::read(&self.store))
    }

    /// The classes and properties reconciliation names, read on first use after a write.
    pub(crate) fn reconcile_schema(&self) -> crate::reconcile::error::Result<Arc<Schema>> {
        let current = self
            .on_demand
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        kept(&current.schema, || Schema::read(&self.store))
    }

    /// The question-answering engine as of the last write.
    pub fn qa(&self) -> Arc<qa::model::Engine> {
        self.qa.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Runs a write on a blocking thread with a query slot, one write at a time, and counts the
    /// dataset again once it is committed. The grant (from `http::auth::authorize_write`) is
    /// what lets it run. The outer `Result` is the service's (no slot, a failed task), the
    /// inner the work's.
    pub async fn write<T, E>(
        &self,
        grant: WriteGrant,
        work: impl FnOnce(&store::Store) -> Result<T, E> + Send + 'static,
    ) -> Result<Result<T, E>, Error>
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        self.blocking(move |state| {
            let _grant = grant;
            let _one_at_a_time = state.write_lock.lock().unwrap_or_else(|e| e.into_inner());
            let outcome = work(&state.store);
            if outcome.is_ok() {
                state.refresh();
            }
            outcome
        })
        .await
    }

    /// Runs read work on a blocking thread with a query slot. The slot moves into the thread:
    /// it stays taken until the work ends, even when the client has gone away (dropping the
    /// request's future would otherwise free it while the work still runs). The outer
    /// `Result` is the service's, the inner the work's.
    pub async fn blocking<T, E>(
        &self,
        work: impl FnOnce(&AppState) -> Result<T, E> + Send + 'static,
    ) -> Result<Result<T, E>, Error>
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let slot = self.query_slots.acquire()?;
        let state = self.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            work(&state)
        })
        .await?;
        Ok(outcome)
    }

    /// Rebuilds the question index and the dataset description every `every`, on a thread of
    /// its own, for a graph that changes behind the service (a remote engine that others load).
    /// A rebuild runs like a write's refresh, one at a time with writes; until it finishes the
    /// previous index answers.
    pub fn reindex_every(&self, every: Duration) -> std::io::Result<()> {
        let state = self.clone();
        std::thread::Builder::new()
            .name("factgraph-reindex".to_owned())
            .spawn(move || loop {
                std::thread::sleep(every);
                let started = std::time::Instant::now();
                {
                    let _one_at_a_time = state.write_lock.lock().unwrap_or_else(|e| e.into_inner());
                    state.refresh();
                }
                tracing::info!(
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "rebuilt the question index and dataset description"
                );
            })
            .map(|_| ())
    }

    /// After a write: forgets the cached responses and the dumps, counts the dataset again and
    /// rebuilds the question engine, so nothing answers from the graph as it was. If a recount
    /// fails the previous one stays (and the failure is logged): the write itself has
    /// succeeded. Blocking: call it on the write's blocking task.
    fn refresh(&self) {
        self.cache.clear();
        // New validators from now on, and dumps made again on their next use.
        {
            *self.on_demand.write().unwrap_or_else(|e| e.into_inner()) = Arc::default();
            let mut dumps = self.dumps.write().unwrap_or_else(|e| e.into_inner());
            *dumps = Arc::new(linked_data::dump::Generation::after(&dumps));
        }
        if let Err(e) = self.store.refresh_graphs() {
            tracing::error!(error = %e, "listing the engine's graphs again failed");
        }
        let (dataset, qa) = derive(&self.store);
        match dataset {
            Ok(fresh) => {
                *self.dataset.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(fresh);
            }
            Err(e) => tracing::error!(error = %e, "recounting the dataset after a write failed"),
        }
        match qa {
            Ok(fresh) => *self.qa.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(fresh),
            Err(e) => tracing::error!(error = %e, "rebuilding the question engine failed"),
        }
    }

    /// Allows SERVICE calls to the given endpoints.
    pub fn with_federation(mut self, federation: store::Federation) -> Self {
        self.federation = federation;
        self
    }

    /// Loads the shipped graph with the default base; what the tests and `cargo run` use.
    pub fn shipped() -> Result<Self, store::LoadError> {
        let (store, _) = store::Store::load(&store::shipped_data_paths(), store::DEFAULT_BASE)?;
        Self::new(store, ServiceConfig::default())
    }

    /// `scheme://host[:port]` as the client addressed us, for links in responses. Behind a proxy
    /// the `X-Forwarded-Proto` header gives the scheme.
    pub fn public_origin(&self, headers: &HeaderMap) -> String {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
            })
            .unwrap_or("localhost");
        let scheme = match headers
            .get("x-forwarded-proto")
            .and_then(|h| h.to_str().ok())
        {
            Some("https") => "https",
            _ => "http",
        };
        format!("{scheme}://{host}")
    }
}

/// What is read from the graph on first use and kept until the next write replaces it whole
/// (a reader still holding the old one fills the old one, never the new).
#[derive(Default)]
struct OnDemand {
    builder: Mutex<Option<Arc<Graph>>>,
    schema: Mutex<Option<Arc<Schema>>>,
}

/// The value in `slot`, read by `read` the first time (a failure is not kept). The lock is
/// held while reading, so concurrent first uses read once.
fn kept<T, E>(
    slot: &Mutex<Option<Arc<T>>>,
    read: impl FnOnce() -> Result<T, E>,
) -> Result<Arc<T>, E> {
    let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(value) = slot.as_ref() {
        return Ok(value.clone());
    }
    let value = Arc::new(read()?);
    *slot = Some(value.clone());
    Ok(value)
}
