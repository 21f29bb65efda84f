//! The REST API (SPEC PL-7): one router per feature under `/api/v1`, sharing an
//! [`ApiContext`], with errors as [`error::ApiError`]. The routes that only forward to a
//! plugin export are generated from the WIT (`@http`, SPEC PL-9); the host's own routes
//! (sessions, directory, issues, the stream, passwords) are written here. Each route is
//! registered together with its OpenAPI description, so the document describes exactly the
//! routes served.

pub mod auth;
pub mod caller;
pub mod client_address;
pub mod context;
pub mod directory;
pub mod error;
pub mod generated_route_support;
pub mod issues;
pub mod live_chat;
pub mod openapi;
pub mod outbox;
pub mod params;
pub mod presence;
pub mod request_limits;
pub mod session_admin;
pub mod stream;
pub mod team_chat;
pub mod test_clock;

use std::time::Instant;

use axum::Router;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;
use utoipa_axum::router::OpenApiRouter;

pub use context::{ApiContext, ApiSettings};
use error::ApiError;

/// The API routes under `/api/v1`, and the OpenAPI document describing them.
pub fn router() -> (Router<ApiContext>, utoipa::openapi::OpenApi) {
    let (v1, doc) = OpenApiRouter::with_openapi(openapi::base())
        .merge(auth::router())
        .merge(directory::router())
        .merge(presence::router())
        .merge(team_chat::router())
        .merge(live_chat::router())
        .merge(issues::router())
        .merge(outbox::router())
        .merge(session_admin::router())
        .merge(stream::router())
        .merge(test_clock::router())
        .merge(openapi::router())
        .split_for_parts();
    let mut doc = doc;
    openapi::describe_stream_events(&mut doc);
    openapi::complete(&mut doc);
    // CORS answers preflights before routing, so it wraps the whole API; see `cors()`.
    let v1 = v1
        .fallback(no_such_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(live_chat::widget_cors())
        // API answers are about one user at one moment: no cache keeps them.
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        ));
    (Router::new().nest("/api/v1", v1), doc)
}

/// Under `/api/v1`, an unknown path is answered like every other error, in JSON with a code.
async fn no_such_route(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::NotFound(format!("no API route {method} {}", shown_path(&uri)))
}

/// A known path asked with a method it does not serve; axum keeps the `Allow` header.
async fn wrong_method(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{} does not take {method}", shown_path(&uri)))
}

/// The path as an error message may quote it: the client chose it, so it is cut short.
fn shown_path(uri: &Uri) -> String {
    const SHOWN: usize = 120;
    let path = uri.path();
    match path.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &path[..cut]),
        None => path.to_string(),
    }
}

/// Gives every request an id (the client's `x-request-id` if sane, else a new one) and a
/// deadline: its log lines and error body carry the id, it is answered `503 timeout` when it
/// takes longer than the request timeout, and storage does not start its jobs after that.
pub async fn request_context(State(api): State<ApiContext>, request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let span =
        tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path());
    let timeout = api.settings.request_timeout;
    let deadline = Instant::now() + timeout;
    let over_tls = api.settings.hsts_max_age.is_some() && {
        let peer = request
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        client_address::forwarded_https(peer, request.headers(), &api.settings.trusted_proxies)
    };
    let answer = async move {
        match tokio::time::timeout(timeout, crate::deadline::within(deadline, next.run(request))).await {
            Ok(response) => response,
            Err(_) => error::ApiError::Timeout.into_response(),
        }
    };
    let mut response = error::REQUEST_ID.scope(id.clone(), answer).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    // Only over TLS: a browser ignores the header over plain HTTP, and a site reached
    // without TLS must not tell browsers to insist on it.
    if over_tls
        && let Some(max_age) = api.settings.hsts_max_age
        && let Ok(value) = HeaderValue::from_str(&format!("max-age={}; includeSubDomains", max_age.as_secs()))
    {
        response
            .headers_mut()
            .insert(axum::http::header::STRICT_TRANSPORT_SECURITY, value);
    }
    response
}
