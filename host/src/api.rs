//! The REST API (SPEC PL-7): one router per resource under `/api/v1`, sharing an
//! [`ApiContext`], with errors as [`error::ApiError`].

pub mod auth_routes;
pub mod directory_routes;
pub mod error;
pub mod issue_routes;
pub mod openapi;
pub mod presence_routes;
pub mod session;
pub mod stream;
pub mod test_clock;
pub mod validate;

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::Notify;
use tracing::Instrument;

use crate::clock::HostClock;
use crate::push::PushHub;
use crate::runtime::ChatPluginRuntime;
use crate::storage::Database;

/// What every handler shares.
#[derive(Clone)]
pub struct ApiContext {
    /// The site's database: directory, issues, plugin storage and push events.
    pub db: Database,
    /// The loaded chat plugin, which answers every chat and presence question.
    pub plugin: Arc<ChatPluginRuntime>,
    /// Hands committed push events to this node's open streams.
    pub hub: PushHub,
    /// The host clock; only `POST /api/v1/test/clock` moves it.
    pub clock: HostClock,
    /// Wakes the scheduler when something may have come due sooner.
    pub scheduler_wake: Arc<Notify>,
    /// Whether `POST /api/v1/test/clock` may move the clock.
    pub test_clock: bool,
    /// How often an open push stream checks that its session and permissions still hold.
    pub stream_recheck: std::time::Duration,
    /// Failed-login counts, against password guessing.
    pub login_throttle: Arc<crate::login_throttle::LoginThrottle>,
    /// Bounds how many password checks (deliberately slow) run at once.
    pub password_checks: Arc<tokio::sync::Semaphore>,
    /// Turns true when the host shuts down, so that open streams end.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}

impl ApiContext {
    /// Calls a plugin export for the current request, as one transaction.
    pub async fn call_plugin<T, F>(&self, export: F) -> Result<T, error::ApiError>
    where
        T: Send + 'static,
        F: FnOnce(
                &crate::runtime::bindings::ChatPlugin,
                &mut wasmtime::Store<crate::runtime::host_state::HostState>,
            ) -> wasmtime::Result<Result<T, crate::runtime::bindings::helpdesk::chat::types::Error>>
            + Send
            + 'static,
    {
        Ok(self.plugin.call(&self.db, error::current_request_id(), export).await?)
    }
}

/// The API routes, under `/api/v1`.
pub fn router() -> Router<ApiContext> {
    let v1 = Router::new()
        .merge(auth_routes::router())
        .merge(directory_routes::router())
        .merge(presence_routes::router())
        .merge(issue_routes::router())
        .merge(stream::router())
        .merge(test_clock::router())
        .merge(openapi::router());
    Router::new().nest("/api/v1", v1)
}

/// Gives every request an id (the client's `x-request-id` if sane, else a new one), tags
/// its log lines and error body with it, and returns it in `x-request-id`.
pub async fn request_id(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let span =
        tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path());
    let mut response = error::REQUEST_ID
        .scope(id.clone(), next.run(request))
        .instrument(span)
        .await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
