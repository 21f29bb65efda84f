//! The mail outbox, for site admins: every message the site queued (answers to offline chat
//! messages, LC-10; later presence alerts), newest first, and whether it was sent. Until a
//! mail server is configured the outbox is where mail waits, and nothing in it is lost.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::SignedIn;
use super::context::ApiContext;
use super::directory::require_site_admin;
use super::error::{ApiError, ApiErrors, ApiQuery, ApiResult};
use crate::storage::backend::OutboxMail;

/// The outbox routes.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(list_outbox))
}

/// `GET /admin/outbox` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// Only messages with an id below this one (the last id of the previous page).
    pub before: Option<i64>,
    /// Messages per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
}

/// The mail outbox, newest first (site admins only).
#[utoipa::path(get, path = "/admin/outbox", tag = "admin", params(OutboxQuery),
    responses((status = OK, body = Vec<OutboxMail>), ApiErrors))]
async fn list_outbox(
    State(api): State<ApiContext>,
    caller: SignedIn,
    ApiQuery(query): ApiQuery<OutboxQuery>,
) -> ApiResult<Json<Vec<OutboxMail>>> {
    require_site_admin(caller.user())?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::Invalid(format!("limit: 1 to 200, not {limit}")));
    }
    let mail = api
        .site
        .db
        .read(move |slot| -> Result<_, ApiError> { Ok(slot.tx()?.list_mail(query.before, limit)?) })
        .await?;
    Ok(Json(mail))
}
