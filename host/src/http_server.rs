//! The HTTP server: hyper with the limits a server on the open internet needs. A client
//! that sends its headers too slowly, or stays idle between requests, is disconnected after
//! the header timeout; a request body that trickles in is cut off after the body timeout
//! (see `app.rs`); and past a number of open connections new ones are turned away at once
//! instead of piling up, unless a connection held by an anonymous push stream can be
//! freed for them (the `make_room` the server is given).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// The limits of the HTTP server.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    /// How long a client may take to send a request's headers, and stay idle between
    /// requests on a kept-alive connection.
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body.
    pub body_timeout: Duration,
    /// The most connections open at once; more are closed as they arrive.
    pub max_connections: usize,
    /// The largest request body, in bytes.
    pub max_body_bytes: usize,
}

/// The most connections open at once unless the operator says otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            header_timeout: Duration::from_secs(15),
            body_timeout: Duration::from_secs(15),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_body_bytes: 256 * 1024,
        }
    }
}

/// How long open connections get to finish once the server stops.
const GRACE: Duration = Duration::from_secs(10);

/// How long a connection that made room waits for the freed place.
const ROOM_WAIT: Duration = Duration::from_secs(2);

/// Frees a connection when every place is taken: ends a stream whose connection then
/// closes (the oldest anonymous push stream); whether it found one.
pub type MakeRoom = Arc<dyn Fn() -> bool + Send + Sync>;

/// Serves `router` on `listener` until `shutdown` completes, then lets open connections
/// finish for a short grace period. When every connection is taken, `make_room` is asked to
/// free one before a new connection is turned away.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &HttpLimits,
    make_room: MakeRoom,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    let mut refusing = false;
    loop {
        let (stream, address) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, most likely: wait a moment rather than spin.
                    tracing::warn!(%err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let permit = match connections.clone().try_acquire_owned() {
            Ok(permit) => Some(permit),
            Err(_) if make_room() => None,
            Err(_) => {
                if !refusing {
                    tracing::warn!(
                        max = limits.max_connections,
                        "too many open connections; turning new ones away"
                    );
                    refusing = true;
                }
                drop(stream);
                continue;
            }
        };
        refusing = false;
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |mut request: axum::http::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo::<SocketAddr>(address));
                request
            });
        let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        let connections = connections.clone();
        tokio::spawn(async move {
            // A stream was ended to make room: its connection closes in a moment.
            let _permit = match permit {
                Some(permit) => permit,
                None => match tokio::time::timeout(ROOM_WAIT, connections.acquire_owned()).await {
                    Ok(Ok(permit)) => permit,
                    _ => return,
                },
            };
            if let Err(err) = connection.await {
                tracing::debug!(%err, %address, "connection ended with an error");
            }
        });
    }
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(GRACE) => tracing::warn!("connections still open after the grace period"),
    }
    Ok(())
}
