//! Presence planned ahead: an agent's weekly online schedule (PR-7) and a project's
//! presence monitoring (PR-12). The plugin holds the rules and the timing; these routes only
//! carry the WIT records.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::SignedIn;
use super::context::ApiContext;
use super::error::{ApiErrors, ApiJson, ApiPath, ApiResult};
use super::params::ProjectPath;
use crate::contract::exports::helpdesk::chat::presence::{MonitoringSettings, OnlineSchedule, ScheduleView};
use crate::runtime::Access::{Read, Write};

/// The schedule and monitoring routes.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(my_schedule, save_my_schedule))
        .routes(routes!(monitoring, save_monitoring))
}

/// The caller's weekly online schedule, their time zone and its next switch (PR-7); agents
/// only.
#[utoipa::path(get, path = "/presence/schedule", tag = "presence",
    responses((status = OK, body = ScheduleView), ApiErrors))]
async fn my_schedule(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
) -> ApiResult<Json<ScheduleView>> {
    api.call(Read, caller.context(None), |plugin, store, ctx| {
        plugin.helpdesk_chat_presence().call_get_schedule(store, ctx)
    })
    .await
    .map(Json)
}

/// Saves the caller's weekly online schedule: it switches them in every project where they
/// are an agent, from its next switch on (PR-7).
#[utoipa::path(put, path = "/presence/schedule", tag = "presence", request_body = OnlineSchedule,
    responses((status = OK, body = ScheduleView), ApiErrors))]
async fn save_my_schedule(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiJson(schedule): ApiJson<OnlineSchedule>,
) -> ApiResult<Json<ScheduleView>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_presence()
            .call_save_schedule(store, ctx, &schedule)
    })
    .await
    .map(Json)
}

/// The project's presence monitoring: recipients, threshold and expected hours (PR-12);
/// project admins and site admins only.
#[utoipa::path(get, path = "/projects/{key}/presence/monitoring", tag = "presence", params(ProjectPath),
    responses((status = OK, body = MonitoringSettings), ApiErrors))]
async fn monitoring(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
) -> ApiResult<Json<MonitoringSettings>> {
    api.call(Read, caller.in_project(&path.key), |plugin, store, ctx| {
        plugin.helpdesk_chat_presence().call_get_monitoring(store, ctx)
    })
    .await
    .map(Json)
}

/// Saves the project's presence monitoring; watching starts from the chat's state now
/// (PR-12). Alerts wait in the mail outbox like every other mail.
#[utoipa::path(put, path = "/projects/{key}/presence/monitoring", tag = "presence", params(ProjectPath),
    request_body = MonitoringSettings, responses((status = OK, body = MonitoringSettings), ApiErrors))]
async fn save_monitoring(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(settings): ApiJson<MonitoringSettings>,
) -> ApiResult<Json<MonitoringSettings>> {
    api.call(Write, caller.in_project(&path.key), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_presence()
            .call_save_monitoring(store, ctx, &settings)
    })
    .await
    .map(Json)
}
