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

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;
use tokio::runtime::{Builder, Handle};
use tokio::sync::{mpsc, watch};

/// How long the runtimes get, after the last connection closed, to finish their other tasks.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` until `shutdown` resolves, then stops accepting, lets every request
/// in flight finish (idle keep-alive connections are closed) and returns. `threads` is the
/// number of connection threads (at least one); `ConnectInfo<SocketAddr>` is set on every
/// request, as `into_make_service_with_connect_info` does.
pub fn serve(
    app: Router,
    listener: std::net::TcpListener,
    threads: usize,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut workers = Vec::new();
    let mut handles = Vec::new();
    for index in 0..threads.max(1) {
        let runtime = Builder::new_current_thread().enable_all().build()?;
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
    let served = acceptor.block_on(accept(app, listener, handles, shutdown));
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
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    // Every connection task holds a sender; when all are dropped the connections are done.
    let (open_tx, mut open_rx) = mpsc::channel::<()>(1);
    let (drain_tx, drain_rx) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    let mut next = 0;
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
            open_tx.clone(),
        ));
    }
    drop(listener);
    let _ = drain_tx.send(true);
    drop(open_tx);
    // `None` once every connection task has dropped its sender.
    let _ = open_rx.recv().await;
    Ok(())
}

/// Serves one connection (HTTP/1.1 with keep-alive and upgrades) on the current runtime.
async fn connection(
    app: Router,
    stream: std::net::TcpStream,
    address: SocketAddr,
    mut drain: watch::Receiver<bool>,
    _open: mpsc::Sender<()>,
) {
    let stream = match tokio::net::TcpStream::from_std(stream) {
        Ok(stream) => stream,
        Err(error) => {
            tracing::warn!(%error, "registering a connection failed");
            return;
        }
    };
    let service = tower::ServiceExt::map_request(app, move |request: hyper::Request<Incoming>| {
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(address));
        request
    });
    let connection = hyper::server::conn::http1::Builder::new()
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
