//! Forced logout (PR-13), for site admins: every session of a user ends at once — cookies
//! and bearer tokens stop working, the user's open push streams are closed as the change
//! commits, and the plugin hears `all-sessions-ended` in the same transaction (presence then
//! puts them offline in every project).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::SignedIn;
use super::context::ApiContext;
use super::directory::require_site_admin;
use super::error::{ApiError, ApiErrors, ApiPath, ApiResult, current_request_id};
use super::params::UserPath;

/// The session admin routes.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(end_sessions))
}

/// What a forced logout ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionsEnded {
    /// How many sessions (browsers, devices, scripts) were logged out.
    pub ended_sessions: usize,
}

/// Logs a user out everywhere at once (site admins only).
#[utoipa::path(post, path = "/directory/users/{id}/end-sessions", tag = "directory", params(UserPath),
    responses((status = OK, body = SessionsEnded), ApiErrors))]
async fn end_sessions(
    State(api): State<ApiContext>,
    caller: SignedIn,
    ApiPath(path): ApiPath<UserPath>,
) -> ApiResult<Json<SessionsEnded>> {
    require_site_admin(caller.user())?;
    let plugin = api.site.plugin.clone();
    let now = api.site.clock.now_ms();
    let request_id = current_request_id();
    let ctx = caller.caller.context(None);
    let ended = api
        .site
        .db
        .write(move |slot| -> Result<_, ApiError> {
            if slot.tx()?.user(&path.id)?.is_none() {
                return Err(ApiError::NotFound(format!("no user {}", path.id)));
            }
            Ok(crate::scheduler::end_all_sessions_in(
                &plugin,
                slot,
                &request_id,
                &ctx,
                &path.id,
                now,
            )?)
        })
        .await?;
    Ok(Json(SessionsEnded { ended_sessions: ended }))
}
