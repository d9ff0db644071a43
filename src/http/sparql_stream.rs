//! Query results streamed to the client: the store writes on a blocking thread into a
//! `ChannelWriter` (64 KiB chunks over a bounded channel), under the query time limit and the
//! result size limit; a client that goes away cancels the query.

use crate::http::error::{Error, Result};
use crate::service::state::AppState;
use crate::store::error as store;
use crate::store::formats::Offer;
use crate::store::formats::{self, PlainJson};
use crate::store::{ParsedQuery, QueryOptions, ResultFormat};
use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use oxigraph::io::RdfFormat;
use oxigraph::sparql::results::QueryResultsFormat;
use oxigraph::sparql::CancellationToken;
use std::io::{self, Write};
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::mpsc;

/// What a streamed response holds until it is done: the query's cancellation and its slot.
struct CancelOnDrop {
    _cancel: Cancellation,
    /// The query's slot, given back when the response is done.
    _permit: tokio::sync::OwnedSemaphorePermit,
}

/// Bytes written by the serializer on a blocking thread, sent to the response in chunks.
struct ChannelWriter {
    tx: mpsc::Sender<Result<Chunk>>,
    buffer: Vec<u8>,
    /// Bytes handed to the channel so far, and how many the response may have.
    written: usize,
    limit: usize,
}

const CHUNK_SIZE: usize = 64 * 1024;

/// A piece of the serialized response; `last` marks the end of a complete result, so a result
/// that fits in one chunk is known whole before the response starts (and can be cached).
struct Chunk {
    bytes: Bytes,
    last: bool,
}

impl ChannelWriter {
    fn send_buffer(&mut self, last: bool) -> io::Result<()> {
        let bytes = Bytes::from(std::mem::take(&mut self.buffer));
        self.tx
            .blocking_send(Ok(Chunk { bytes, last }))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.written += data.len();
        if self.written > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!(
                    "the response is larger than the limit of {} bytes; add a LIMIT",
                    self.limit
                ),
            ));
        }
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK_SIZE {
            self.send_buffer(false)?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Serializers flush often; sending only full chunks keeps the number of messages low.
        Ok(())
    }
}

/// Runs the query on a blocking thread and streams the serialized results.
///
/// The status is chosen when the first chunk (or the whole small result) is ready, so errors
/// and time-outs before that get a proper status. Past the limit the query's cancellation token
/// fires, which stops Oxigraph's evaluation itself, not just the response.
pub(super) async fn stream_query(
    state: &AppState,
    query: ParsedQuery,
    mut options: QueryOptions,
    format: ResultFormat,
    media_type: &'static str,
    cache_key: Option<String>,
) -> Result<Response> {
    let permit = state.query_slots.acquire()?;
    let limit = state.config.query_timeout;
    let cancel = Cancellation::start(limit);
    options.cancel = Some(cancel.token.clone());
    let guard = CancelOnDrop {
        _cancel: cancel,
        _permit: permit,
    };
    let (tx, mut rx) = mpsc::channel::<Result<Chunk>>(4);
    let store = state.store.clone();
    let max_bytes = state.config.max_result_bytes;
    tokio::task::spawn_blocking(move || {
        let writer = ChannelWriter {
            tx: tx.clone(),
            buffer: Vec::new(),
            written: 0,
            limit: max_bytes,
        };
        let outcome = store
            .query_to_writer(&query, &options, format, writer)
            .and_then(|mut writer| Ok(writer.send_buffer(true)?));
        // The size limit surfaces as an I/O error of the writer; it is the query's fault.
        let outcome = outcome.map_err(|e| match e {
            store::Error::Io(e) if e.kind() == io::ErrorKind::FileTooLarge => {
                Error::QueryRejected(e.to_string())
            }
            other => Error::from(other),
        });
        if let Err(error) = outcome {
            // The receiver may be gone already; then nobody is left to tell.
            let _ = tx.blocking_send(Err(error));
        }
    });
    let timeout_error = |limit: Option<Duration>| Error::QueryTimeout(limit.unwrap_or_default());
    let first = match limit {
        Some(limit) => tokio::time::timeout(limit, rx.recv())
            .await
            .map_err(|_| timeout_error(Some(limit)))?,
        None => rx.recv().await,
    };
    let first = match first {
        Some(Ok(chunk)) => chunk,
        Some(Err(Error::QueryTimeout(_))) => return Err(timeout_error(limit)),
        Some(Err(error)) => return Err(error),
        None => return Err(Error::Internal("the query task ended silently".to_owned())),
    };
    if first.last {
        // The whole result is here: answer it in one piece, and remember it.
        if let Some(key) = cache_key {
            state.cache.insert(
                key,
                crate::service::cache::Cached {
                    media_type,
                    body: first.bytes.clone(),
                },
            );
        }
        return Ok(complete(media_type, first.bytes));
    }
    let rest = futures_util::stream::unfold((rx, guard), move |(mut rx, guard)| async move {
        let item = rx.recv().await?;
        let item = item.map(|chunk| chunk.bytes).map_err(|e| match e {
            Error::QueryTimeout(_) => timeout_error(limit),
            other => other,
        });
        Some((item, (rx, guard)))
    });
    let first = first.bytes;
    let body = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok::<_, Error>(first) }),
        rest,
    );
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, media_type)],
        Body::from_stream(body),
    )
        .into_response())
}

/// A response whose whole body is known.
pub(super) fn complete(media_type: &'static str, bytes: Bytes) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, media_type)], bytes).into_response()
}

/// Formats for SELECT and ASK, in order of preference.
pub(super) static RESULT_OFFERS: LazyLock<Vec<Offer<QueryResultsFormat>>> =
    LazyLock::new(formats::results_offers);

/// Formats for CONSTRUCT, DESCRIBE and the Service Description, in order of preference: every
/// RDF format, the quad formats included (a query's graph fits them as the default graph).
pub(super) static GRAPH_OFFERS: LazyLock<Vec<Offer<RdfFormat>>> = LazyLock::new(|| {
    formats::rdf_offers(
        &[
            RdfFormat::Turtle,
            RdfFormat::NTriples,
            formats::JSON_LD,
            RdfFormat::RdfXml,
            RdfFormat::NQuads,
            RdfFormat::TriG,
        ],
        PlainJson::NotOffered,
    )
});

/// A cancellation token that fires after the time limit, or when this is dropped (a finished
/// response, or a client that went away); dropping it also stops the timer.
pub(super) struct Cancellation {
    pub(super) token: CancellationToken,
    pub(super) timer: Option<tokio::task::AbortHandle>,
}

impl Cancellation {
    pub(super) fn start(limit: Option<std::time::Duration>) -> Self {
        let token = CancellationToken::new();
        let timer = limit.map(|limit| {
            let token = token.clone();
            tokio::spawn(async move {
                tokio::time::sleep(limit).await;
                token.cancel();
            })
            .abort_handle()
        });
        Cancellation { token, timer }
    }
}
