//! Agent presence (SPEC PR-1 … PR-15): the routes the WIT binds (`@http` in
//! `wit/presence.wit`, generated), and the page heartbeat, which is the host's own.

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::SignedIn;
use super::context::ApiContext;
use super::error::{ApiErrors, ApiResult};

/// The routes generated from `wit/presence.wit`.
mod generated {
    include!(concat!(env!("OUT_DIR"), "/routes_presence.rs"));
}

/// The presence routes.
pub fn router() -> OpenApiRouter<ApiContext> {
    generated::generated_router().routes(routes!(heartbeat))
}

/// A page's heartbeat while the person is using it: they are active (PR-9). A `POST`, so
/// that, like every action, it counts.
#[utoipa::path(post, path = "/activity", tag = "presence",
    responses((status = NO_CONTENT, description = "Noted."), ApiErrors))]
async fn heartbeat(_caller: SignedIn) -> ApiResult<axum::http::StatusCode> {
    // The caller's extractor passed the activity on (it is a POST).
    Ok(axum::http::StatusCode::NO_CONTENT)
}
