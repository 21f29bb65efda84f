//! Agent presence (SPEC PR-1 … PR-6, PR-15): every answer comes from the plugin, and every
//! body is a WIT record. Reads run on snapshots beside the writes.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::{Caller, SignedIn};
use super::context::ApiContext;
use super::error::{ApiErrors, ApiJson, ApiPath, ApiQuery, ApiResult};
use super::params::ProjectPath;
use crate::contract::exports::helpdesk::chat::presence::{
    AgentPresenceIn, ChangeOutcome, ChatStatusEvent, HistoryFilter, OnlineAgentsPage, PresenceHistoryPage,
    PresenceSettings, ProjectPresenceView, PutOfflineOutcome,
};
use crate::runtime::Access::{Read, Write};

/// The presence routes.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(project_presence))
        .routes(routes!(online_agents))
        .routes(routes!(go_online))
        .routes(routes!(go_offline))
        .routes(routes!(put_offline))
        .routes(routes!(heartbeat))
        .routes(routes!(presence_settings, save_presence_settings))
        .routes(routes!(chat_status))
        .routes(routes!(presence_history))
        .routes(routes!(my_presence))
}

/// `POST /projects/{key}/presence/online` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoOnline {
    /// Act in every project where the actor is an agent, not only `{key}`; false when omitted.
    #[serde(default)]
    pub all_projects: bool,
    /// Go offline again by itself after this many minutes (1 to 10080); `null` to stay online.
    pub duration_minutes: Option<u32>,
}

/// `POST /projects/{key}/presence/offline` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoOffline {
    /// Act in every project where the actor is an agent, not only `{key}`; false when omitted.
    #[serde(default)]
    pub all_projects: bool,
}

/// A project's presence as its staff see it: the counter, the first agents online by name
/// and the viewer's own state (PR-3, PR-6).
#[utoipa::path(get, path = "/projects/{key}/presence", tag = "presence", params(ProjectPath),
    responses((status = OK, body = ProjectPresenceView), ApiErrors))]
async fn project_presence(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
) -> ApiResult<Json<ProjectPresenceView>> {
    let ctx = caller.in_project(&path.key);
    api.call(Read, ctx, |plugin, store, ctx| {
        plugin.helpdesk_chat_presence().call_project_presence(store, ctx)
    })
    .await
    .map(Json)
}

/// `GET /projects/{key}/presence/online-agents` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OnlineAgentsQuery {
    /// The cursor of the previous page (`more_online` or `cursor`); from the first agent when omitted.
    pub after: Option<String>,
    /// Agents per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
}

/// The agents online in a project, by name, a page at a time (PR-6).
#[utoipa::path(get, path = "/projects/{key}/presence/online-agents", tag = "presence",
    params(ProjectPath, OnlineAgentsQuery), responses((status = OK, body = OnlineAgentsPage), ApiErrors))]
async fn online_agents(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiQuery(query): ApiQuery<OnlineAgentsQuery>,
) -> ApiResult<Json<OnlineAgentsPage>> {
    let ctx = caller.in_project(&path.key);
    api.call(Read, ctx, move |plugin, store, ctx| {
        plugin.helpdesk_chat_presence().call_online_agents(
            store,
            ctx,
            query.after.as_deref(),
            query.limit.unwrap_or(50),
        )
    })
    .await
    .map(Json)
}

/// Goes online in the project, or in every project where the caller is an agent,
/// optionally for a while (PR-4).
#[utoipa::path(post, path = "/projects/{key}/presence/online", tag = "presence", params(ProjectPath),
    request_body = GoOnline, responses((status = OK, body = ChangeOutcome), ApiErrors))]
async fn go_online(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(body): ApiJson<GoOnline>,
) -> ApiResult<Json<ChangeOutcome>> {
    let ctx = caller.in_project(&path.key);
    api.call(Write, ctx, move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_presence()
            .call_go_online(store, ctx, body.all_projects, body.duration_minutes)
    })
    .await
    .map(Json)
}

/// The project's presence settings: its inactivity timeout (PR-9), for its staff.
#[utoipa::path(get, path = "/projects/{key}/presence/settings", tag = "presence", params(ProjectPath),
    responses((status = OK, body = PresenceSettings), ApiErrors))]
async fn presence_settings(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
) -> ApiResult<Json<PresenceSettings>> {
    api.call(Read, caller.in_project(&path.key), |plugin, store, ctx| {
        plugin.helpdesk_chat_presence().call_get_presence_settings(store, ctx)
    })
    .await
    .map(Json)
}

/// Saves the project's presence settings (project admins and site admins); a new timeout
/// applies from each agent's next activity or change.
#[utoipa::path(put, path = "/projects/{key}/presence/settings", tag = "presence", params(ProjectPath),
    request_body = PresenceSettings, responses((status = OK, body = PresenceSettings), ApiErrors))]
async fn save_presence_settings(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(settings): ApiJson<PresenceSettings>,
) -> ApiResult<Json<PresenceSettings>> {
    api.call(Write, caller.in_project(&path.key), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_presence()
            .call_save_presence_settings(store, ctx, settings)
    })
    .await
    .map(Json)
}

/// `POST /projects/{key}/presence/put-offline` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutOffline {
    /// The agent to put offline; every agent online in the project when omitted or null.
    #[serde(default)]
    pub agent: Option<String>,
}

/// Puts one agent of the project offline, or all of them (PR-8): only for a user who is
/// both an admin of the project and a site admin.
#[utoipa::path(post, path = "/projects/{key}/presence/put-offline", tag = "presence", params(ProjectPath),
    request_body = PutOffline, responses((status = OK, body = PutOfflineOutcome), ApiErrors))]
async fn put_offline(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(body): ApiJson<PutOffline>,
) -> ApiResult<Json<PutOfflineOutcome>> {
    let ctx = caller.in_project(&path.key);
    api.call(Write, ctx, move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_presence()
            .call_put_offline(store, ctx, body.agent.as_ref())
    })
    .await
    .map(Json)
}

/// Goes offline in the project, or in every project where the caller is an agent (PR-5).
#[utoipa::path(post, path = "/projects/{key}/presence/offline", tag = "presence", params(ProjectPath),
    request_body = GoOffline, responses((status = OK, body = ChangeOutcome), ApiErrors))]
async fn go_offline(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(body): ApiJson<GoOffline>,
) -> ApiResult<Json<ChangeOutcome>> {
    let ctx = caller.in_project(&path.key);
    api.call(Write, ctx, move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_presence()
            .call_go_offline(store, ctx, body.all_projects)
    })
    .await
    .map(Json)
}

/// Whether the project's chat is online: all a customer may know; anyone may ask (PR-2).
#[utoipa::path(get, path = "/projects/{key}/chat-status", tag = "presence", params(ProjectPath),
    responses((status = OK, body = ChatStatusEvent), ApiErrors))]
async fn chat_status(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ProjectPath>,
) -> ApiResult<Json<ChatStatusEvent>> {
    let ctx = caller.in_project(&path.key);
    let online = api
        .call(Read, ctx, |plugin, store, ctx| {
            plugin.helpdesk_chat_presence().call_chat_online(store, ctx)
        })
        .await?;
    Ok(Json(ChatStatusEvent {
        project: path.key,
        online,
    }))
}

/// The caller's own state in every project where they are an agent.
#[utoipa::path(get, path = "/presence/me", tag = "presence",
    responses((status = OK, body = Vec<AgentPresenceIn>), ApiErrors))]
async fn my_presence(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
) -> ApiResult<Json<Vec<AgentPresenceIn>>> {
    api.call(Read, caller.context(None), |plugin, store, ctx| {
        plugin.helpdesk_chat_presence().call_my_presence(store, ctx)
    })
    .await
    .map(Json)
}

/// `GET /projects/{key}/presence/history` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// Only this agent's changes.
    pub user: Option<String>,
    /// Only changes at or after this time (milliseconds since the epoch).
    pub since: Option<u64>,
    /// Only changes before this time (milliseconds since the epoch).
    pub until: Option<u64>,
    /// The cursor of the previous page.
    pub before: Option<String>,
    /// Changes per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
}

/// The project's presence history, newest first: who changed what, how and when (PR-15).
#[utoipa::path(get, path = "/projects/{key}/presence/history", tag = "presence",
    params(ProjectPath, HistoryQuery), responses((status = OK, body = PresenceHistoryPage), ApiErrors))]
async fn presence_history(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> ApiResult<Json<PresenceHistoryPage>> {
    let ctx = caller.in_project(&path.key);
    api.call(Read, ctx, move |plugin, store, ctx| {
        let filter = HistoryFilter {
            user: query.user.clone(),
            since: query.since,
            until: query.until,
        };
        plugin.helpdesk_chat_presence().call_presence_history(
            store,
            ctx,
            &filter,
            query.before.as_deref(),
            query.limit.unwrap_or(50),
        )
    })
    .await
    .map(Json)
}

/// A page's heartbeat while the person is using it: they are active (PR-9). A `POST`, so
/// that, like every action, it counts.
#[utoipa::path(post, path = "/activity", tag = "presence",
    responses((status = NO_CONTENT, description = "Noted."), ApiErrors))]
async fn heartbeat(_caller: SignedIn) -> ApiResult<axum::http::StatusCode> {
    // The caller's extractor passed the activity on (it is a POST).
    Ok(axum::http::StatusCode::NO_CONTENT)
}
