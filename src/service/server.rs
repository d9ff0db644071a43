//! Serving the app on a socket: one single-threaded Tokio runtime per core, each serving whole
//! connections, with a graceful shutdown.
//!
//! Why not `axum::serve` on the multi-threaded runtime: on a cheap request most of the time went
//! to moving work between threads. Hyper hands a request body to the handler through a channel,
//! which wakes the connection's own task while it runs; the multi-threaded scheduler then
//! requeues the task and wakes another worker to steal it, so nearly every POST crossed threads
//! (futex wake, IPI) once or twice. Here a connection lives on one thread from accept to close,
//! and the connections are spread over the threads in turn, so every core still works. Queries
//! do not run on these threads: they go through `spawn_blocking` as before.
//!
//! Slow and idle clients are bounded here, where the connections are ([`ConnectionLimits`]):
//! a deadline for the request head (which is also the keep-alive idle time), a deadline for the
//! whole body, and a cap on open connections past which new ones get an immediate 503.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::runtime::{Builder, Handle};
use tokio::sync::{mpsc, watch};

/// How long clients may take, and how many may be connected at once.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// From the moment the service waits for a request (a new connection, or the end of the
    /// previous response on a kept-alive one) until its head has arrived; past it the
    /// connection is closed. This is the keep-alive idle timeout too.
    pub header_read_timeout: Duration,
    /// From the head until the last byte of the body; past it the request gets 408.
    pub body_read_timeout: Duration,
    /// Connections open at once; a new one beyond gets 503 and is closed at once.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            max_connections: default_max_connections(),
        }
    }
}

/// 1024, or fewer when the process may not open that many files: past the file-descriptor
/// limit `accept` fails and nobody gets in, so the cap stays 64 below it (for the store,
/// logs and the refusals themselves).
pub fn default_max_connections() -> usize {
    let soft = rlimit::Resource::NOFILE
        .get()
        .map_or(1024, |(soft, _)| soft);
    usize::try_from(soft.saturating_sub(64))
        .unwrap_or(usize::MAX)
        .clamp(1, 1024)
}

/// What a refused connection is told before it is closed.
const TOO_MANY_CONNECTIONS: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
content-type: text/plain; charset=utf-8\r\ncontent-length: 50\r\nretry-after: 1\r\n\
connection: close\r\n\r\ntoo many open connections; try again in a moment\r\n";

/// How long the runtimes get, after the last connection closed, to finish their other tasks.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` until `shutdown` resolves, then stops accepting, lets every request
/// in flight finish (idle keep-alive connections are closed) and returns. `threads` is the
/// number of connection threads (at least one); `ConnectInfo<SocketAddr>` is set on every
/// request, as `into_make_service_with_connect_info` does. `metrics` counts the connections.
pub fn serve(
    app: Router,
    listener: std::net::TcpListener,
    threads: usize,
    limits: ConnectionLimits,
    metrics: Arc<crate::service::metrics::Metrics>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut workers = Vec::new();
    let mut handles = Vec::new();
    for index in 0..threads.max(1) {
        // Queries are evaluated on this runtime's blocking threads: their stack must hold the
        // deepest algebra `nesting.rs` lets through.
        let runtime = Builder::new_current_thread()
            .enable_all()
            .thread_stack_size(crate::store::nesting::EVALUATION_STACK)
            .build()?;
        handles.push(runtime.handle().clone());
        let mut stop = stop_rx.clone();
        let thread = std::thread::Builder::new()
            .name(format!("factgraph-http-{index}"))
            .spawn(move || {
                // A current-thread runtime runs its tasks only while it is blocked on.
                runtime.block_on(async move {
                    let _ = stop.wait_for(|stopped| *stopped).await;
                });
                // Queries of connections that were cut are cancelled already; do not wait long.
                runtime.shutdown_timeout(SHUTDOWN_GRACE);
            })?;
        workers.push(thread);
    }
    let acceptor = Builder::new_current_thread().enable_all().build()?;
    drop(stop_rx);
    let settings = Arc::new(Settings {
        limits,
        metrics,
        open: AtomicUsize::new(0),
    });
    let served = acceptor.block_on(accept(app, listener, handles, settings, shutdown));
    let _ = stop_tx.send(true);
    for worker in workers {
        let _ = worker.join();
    }
    served
}

/// Accepts connections and hands them to the runtimes in turn until `shutdown`; then waits for
/// every connection to finish.
async fn accept(
    app: Router,
    listener: std::net::TcpListener,
    handles: Vec<Handle>,
    settings: Arc<Settings>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    // Every connection task holds a sender; when all are dropped the connections are done.
    let (open_tx, mut open_rx) = mpsc::channel::<()>(1);
    let (drain_tx, drain_rx) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    let mut next = 0;
    let lingering = Arc::new(tokio::sync::Semaphore::new(LINGERING));
    loop {
        let (stream, address) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Running out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Some(open) = OpenConnection::take(&settings) else {
            refuse(stream, &lingering);
            settings.metrics.connection_refused();
            continue;
        };
        // Answers are small and written at once; waiting to coalesce packets only adds latency.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY could not be set");
        }
        // The socket is registered again on the runtime that serves it.
        let stream = match stream.into_std() {
            Ok(stream) => stream,
            Err(error) => {
                tracing::warn!(%error, "handing a connection to a worker failed");
                continue;
            }
        };
        let handle = &handles[next % handles.len()];
        next = next.wrapping_add(1);
        handle.spawn(connection(
            app.clone(),
            stream,
            address,
            drain_rx.clone(),
            (open_tx.clone(), open),
        ));
    }
    drop(listener);
    let _ = drain_tx.send(true);
    drop(open_tx);
    // `None` once every connection task has dropped its sender.
    let _ = open_rx.recv().await;
    Ok(())
}

/// What the accept loop and the connections share.
struct Settings {
    limits: ConnectionLimits,
    metrics: Arc<crate::service::metrics::Metrics>,
    /// Connections open now.
    open: AtomicUsize,
}

/// One of the `max_connections` places, held by a connection until it closes.
struct OpenConnection(Arc<Settings>);

impl OpenConnection {
    fn take(settings: &Arc<Settings>) -> Option<Self> {
        let before = settings.open.fetch_add(1, Ordering::AcqRel);
        if before >= settings.limits.max_connections {
            settings.open.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        settings.metrics.connection_opened();
        Some(Self(settings.clone()))
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::AcqRel);
        self.0.metrics.connection_closed();
    }
}

/// Tells a connection over the cap why it is closed. The answer fits in the socket buffer of a
/// fresh connection; then the task reads what the client sent for a moment before closing, since
/// closing a socket with unread data resets it and the client might never see the answer. At
/// most `LINGERING` refusals wait like that; past them a connection is just closed.
fn refuse(stream: tokio::net::TcpStream, lingering: &Arc<tokio::sync::Semaphore>) {
    if let Err(error) = stream.try_write(TOO_MANY_CONNECTIONS) {
        tracing::debug!(%error, "telling a refused connection failed");
        return;
    }
    let Ok(permit) = lingering.clone().try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let _permit = permit;
        let mut stream = stream;
        let _ = tokio::io::AsyncWriteExt::shutdown(&mut stream).await;
        let mut sink = [0u8; 4096];
        let drain = async {
            while let Ok(read @ 1..) = tokio::io::AsyncReadExt::read(&mut stream, &mut sink).await {
                let _ = read;
            }
        };
        let _ = tokio::time::timeout(Duration::from_millis(500), drain).await;
    });
}

/// Refused connections that may wait at once for their client to read the refusal.
const LINGERING: usize = 64;

/// Marks an HTTP/1.1 request that came without `Host`, so `limits::Guard` refuses it (RFC 9112
/// section 3.2: a server must answer 400) where refusals are counted and logged.
#[derive(Debug, Clone, Copy)]
pub struct MissingHost;

/// Serves one connection (HTTP/1.1 with keep-alive and upgrades) on the current runtime.
async fn connection(
    app: Router,
    stream: std::net::TcpStream,
    address: SocketAddr,
    mut drain: watch::Receiver<bool>,
    open: (mpsc::Sender<()>, OpenConnection),
) {
    let body_timeout = open.1 .0.limits.body_read_timeout;
    let header_timeout = open.1 .0.limits.header_read_timeout;
    let stream = match tokio::net::TcpStream::from_std(stream) {
        Ok(stream) => stream,
        Err(error) => {
            tracing::warn!(%error, "registering a connection failed");
            return;
        }
    };
    let service = tower::ServiceExt::map_request(app, move |request: hyper::Request<Incoming>| {
        let missing_host = request.version() == hyper::Version::HTTP_11
            && !request.headers().contains_key(hyper::header::HOST);
        let mut request = request.map(|body| Body::new(DeadlineBody::new(body, body_timeout)));
        request.extensions_mut().insert(ConnectInfo(address));
        if missing_host {
            request.extensions_mut().insert(MissingHost);
        }
        request
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
        .with_upgrades();
    let mut connection = pin!(connection);
    tokio::select! {
        served = connection.as_mut() => {
            if let Err(error) = served {
                tracing::debug!(%error, "connection ended with an error");
            }
            return;
        }
        _ = drain.wait_for(|draining| *draining) => {}
    }
    // Finish the request in flight, if any, then close.
    connection.as_mut().graceful_shutdown();
    if let Err(error) = connection.await {
        tracing::debug!(%error, "connection ended with an error");
    }
}

/// The request body as hyper reads it, with a deadline for the whole of it: a client that
/// announces more than it sends, or trickles a chunked body, is answered 408 when the time is up
/// instead of holding the connection and the handler.
struct DeadlineBody {
    inner: Incoming,
    deadline: Instant,
    /// Made on the first poll that has to wait, so a request whose body is never read (or
    /// arrives at once) costs no timer.
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    timeout: Duration,
}

impl DeadlineBody {
    fn new(inner: Incoming, timeout: Duration) -> Self {
        Self {
            inner,
            deadline: Instant::now() + timeout,
            sleep: None,
            timeout,
        }
    }
}

/// The error a body reports when its deadline passes; `error.rs` answers it with 408.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive within {} s", .0.as_secs_f64())]
pub struct BodyTimeout(pub Duration);

impl http_body::Body for DeadlineBody {
    type Data = bytes::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline.into())));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout(this.timeout))))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
