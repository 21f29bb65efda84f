//! The REST API (SPEC PL-7): one router per resource under `/api/v1`, sharing an
//! [`ApiContext`], with errors as [`error::ApiError`]. Each route is registered together with
//! its OpenAPI description, so the document describes exactly the routes served.

pub mod auth_routes;
pub mod caller;
pub mod context;
pub mod directory_routes;
pub mod error;
pub mod issue_routes;
pub mod openapi;
pub mod params;
pub mod presence_routes;
pub mod stream;
pub mod test_clock;

use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;
use utoipa_axum::router::OpenApiRouter;

pub use context::{ApiContext, ApiSettings};

/// The API routes under `/api/v1`, and the OpenAPI document describing them.
pub fn router() -> (Router<ApiContext>, utoipa::openapi::OpenApi) {
    let (v1, doc) = OpenApiRouter::with_openapi(openapi::base())
        .merge(auth_routes::router())
        .merge(directory_routes::router())
        .merge(presence_routes::router())
        .merge(issue_routes::router())
        .merge(stream::router())
        .merge(test_clock::router())
        .merge(openapi::router())
        .split_for_parts();
    (Router::new().nest("/api/v1", v1), doc)
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
    response
}
