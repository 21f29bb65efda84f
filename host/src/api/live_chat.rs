//! Live chat with customers (SPEC LC-1 … LC-11): the routes the WIT binds (`@http` in
//! `wit/live-chat.wit`, generated), the widget's logins and registrations (the host hashes
//! the passwords), and the CORS that lets the widget call from other sites.

pub mod widget_accounts;

use axum::http::{HeaderName, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa_axum::router::OpenApiRouter;

use super::caller::VISITOR_HEADER;
use super::context::ApiContext;

/// The routes generated from `wit/live-chat.wit`.
mod generated {
    include!(concat!(env!("OUT_DIR"), "/routes_live_chat.rs"));
}

/// The live chat routes.
pub fn router() -> OpenApiRouter<ApiContext> {
    generated::generated_router().merge(widget_accounts::router())
}

/// CORS for the API, which the widget calls from other sites' pages: any origin may ask,
/// and no answer ever allows credentials. So a browser sends no cookie with a cross-origin
/// call that needs a preflight (every write: they take JSON), and cross-site calls never
/// carry the session cookie anyway (`SameSite=Lax`); a visitor is known by the
/// `X-Visitor-Token` header and a customer of another site by a bearer token. Whether a page
/// may use the chat at all is the plugin's rule, from the page origin the browser sent (LC-3).
pub fn widget_cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::ACCEPT_LANGUAGE,
            HeaderName::from_static(VISITOR_HEADER),
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([HeaderName::from_static("x-request-id"), header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600))
}
