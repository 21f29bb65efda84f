//! Agent presence (SPEC PR-1 … PR-6): every answer comes from the plugin.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::ApiContext;
use super::error::{ApiError, ApiJson, ApiPath, ApiQuery};
use super::session::{CurrentUser, MaybeUser};
use crate::runtime::bindings::exports::helpdesk::chat::presence as wit;
use crate::runtime::plugin::call_context;

/// The presence routes.
pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/projects/{key}/presence", get(project_presence))
        .route("/projects/{key}/presence/online", post(go_online))
        .route("/projects/{key}/presence/offline", post(go_offline))
        .route("/projects/{key}/chat-status", get(chat_status))
        .route("/projects/{key}/presence/history", get(presence_history))
        .route("/presence/me", get(my_presence))
}

/// One online agent.
#[derive(Serialize)]
pub struct AgentPresence {
    /// The agent's user id.
    pub user: String,
    /// The name other people see.
    pub display_name: String,
    /// Whether the agent is online now; always true in `online_agents`.
    pub online: bool,
    /// When the current state began (ms since the epoch).
    pub since: u64,
    /// When an online duration ends by itself (ms since the epoch); `None` without an end.
    pub until: Option<u64>,
}

/// The viewer's own state in the project.
#[derive(Serialize)]
pub struct ViewerPresence {
    /// Whether the viewer is an agent of the project, and so may go online there.
    pub is_agent: bool,
    /// Whether the viewer is online there; always false for a non-agent.
    pub online: bool,
    /// When the viewer's online duration ends (ms since the epoch); `None` without an end.
    pub until: Option<u64>,
}

/// `GET /projects/{key}/presence`.
#[derive(Serialize)]
pub struct ProjectPresence {
    /// The project's key.
    pub project: String,
    /// True exactly when at least one agent is online (PR-2).
    pub chat_online: bool,
    /// How many agents are online (the header counter, PR-3).
    pub online_count: u32,
    /// The agents online, ordered by display name (PR-6).
    pub online_agents: Vec<AgentPresence>,
    /// The viewer's own state in the project.
    pub viewer: ViewerPresence,
}

/// The actor's state in one project.
#[derive(Serialize)]
pub struct StateIn {
    /// The project's key.
    pub project: String,
    /// Whether the actor is online there.
    pub online: bool,
    /// When the actor's online duration ends (ms since the epoch); `None` without an end.
    pub until: Option<u64>,
}

/// What going online or offline changed.
#[derive(Serialize)]
pub struct ChangeOutcome {
    /// The projects whose state changed; those already in the asked-for state are left out.
    pub changed: Vec<String>,
    /// The actor's state in each project acted on, changed or not.
    pub states: Vec<StateIn>,
}

/// `POST /projects/{key}/presence/online` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoOnline {
    /// Act in every project where the actor is an agent, not only `{key}`; false when omitted.
    #[serde(default)]
    pub all_projects: bool,
    /// Go offline again by itself after this many minutes (1 to 10080); `None` to stay online.
    pub duration_minutes: Option<u32>,
}

/// `POST /projects/{key}/presence/offline` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoOffline {
    /// Act in every project where the actor is an agent, not only `{key}`; false when omitted.
    #[serde(default)]
    pub all_projects: bool,
}

/// `GET /projects/{key}/chat-status`.
#[derive(Serialize)]
pub struct ChatStatus {
    /// The project's key.
    pub project: String,
    /// Whether at least one agent is online, so customers can chat.
    pub online: bool,
}

fn state_in(state: wit::AgentPresenceIn) -> StateIn {
    StateIn {
        project: state.project,
        online: state.online,
        until: state.until,
    }
}

fn outcome(outcome: wit::ChangeOutcome) -> ChangeOutcome {
    ChangeOutcome {
        changed: outcome.changed,
        states: outcome.states.into_iter().map(state_in).collect(),
    }
}

async fn project_presence(
    State(ctx): State<ApiContext>,
    CurrentUser(user): CurrentUser,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<ProjectPresence>, ApiError> {
    let call = call_context(Some(&user.id), Some(&key));
    let found = ctx
        .call_plugin(move |plugin, store| plugin.helpdesk_chat_presence().call_project_presence(store, &call))
        .await?;
    Ok(Json(ProjectPresence {
        project: found.project,
        chat_online: found.chat_online,
        online_count: found.online_count,
        online_agents: found
            .online_agents
            .into_iter()
            .map(|a| AgentPresence {
                user: a.user,
                display_name: a.display_name,
                online: a.online,
                since: a.since,
                until: a.until,
            })
            .collect(),
        viewer: ViewerPresence {
            is_agent: found.viewer.is_agent,
            online: found.viewer.online,
            until: found.viewer.until,
        },
    }))
}

async fn go_online(
    State(ctx): State<ApiContext>,
    CurrentUser(user): CurrentUser,
    ApiPath(key): ApiPath<String>,
    ApiJson(body): ApiJson<GoOnline>,
) -> Result<Json<ChangeOutcome>, ApiError> {
    let call = call_context(Some(&user.id), Some(&key));
    let changed = ctx
        .call_plugin(move |plugin, store| {
            plugin
                .helpdesk_chat_presence()
                .call_go_online(store, &call, body.all_projects, body.duration_minutes)
        })
        .await?;
    if body.duration_minutes.is_some() {
        // A new duration may end before whatever the scheduler sleeps towards.
        ctx.scheduler_wake.notify_one();
    }
    Ok(Json(outcome(changed)))
}

async fn go_offline(
    State(ctx): State<ApiContext>,
    CurrentUser(user): CurrentUser,
    ApiPath(key): ApiPath<String>,
    ApiJson(body): ApiJson<GoOffline>,
) -> Result<Json<ChangeOutcome>, ApiError> {
    let call = call_context(Some(&user.id), Some(&key));
    let changed = ctx
        .call_plugin(move |plugin, store| {
            plugin
                .helpdesk_chat_presence()
                .call_go_offline(store, &call, body.all_projects)
        })
        .await?;
    Ok(Json(outcome(changed)))
}

async fn chat_status(
    State(ctx): State<ApiContext>,
    MaybeUser(user): MaybeUser,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<ChatStatus>, ApiError> {
    let call = call_context(user.as_ref().map(|u| u.id.as_str()), Some(&key));
    let online = ctx
        .call_plugin(move |plugin, store| plugin.helpdesk_chat_presence().call_chat_online(store, &call))
        .await?;
    Ok(Json(ChatStatus { project: key, online }))
}

async fn my_presence(
    State(ctx): State<ApiContext>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Vec<StateIn>>, ApiError> {
    let call = call_context(Some(&user.id), None);
    let states = ctx
        .call_plugin(move |plugin, store| plugin.helpdesk_chat_presence().call_my_presence(store, &call))
        .await?;
    Ok(Json(states.into_iter().map(state_in).collect()))
}

/// `GET /projects/{key}/presence/history` query.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// Only this agent's changes.
    pub user: Option<String>,
    /// The cursor of the previous page.
    pub before: Option<String>,
    /// Changes per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
}

/// One recorded presence change (PR-15).
#[derive(Serialize)]
pub struct PresenceChange {
    /// The project it happened in.
    pub project: String,
    /// The agent whose state changed.
    pub user: String,
    /// The state it changed to.
    pub online: bool,
    /// For an online state with a duration: when it ends (ms since the epoch).
    pub until: Option<u64>,
    /// How it came about: manual, schedule, duration-ended, inactivity, admin, force-logout.
    pub cause: &'static str,
    /// Who did it; `None` when nobody acted.
    pub by: Option<String>,
    /// When it happened (ms since the epoch).
    pub at: u64,
}

/// `GET /projects/{key}/presence/history` answer, newest first.
#[derive(Serialize)]
pub struct PresenceHistory {
    /// The changes, newest first.
    pub changes: Vec<PresenceChange>,
    /// Pass as `before` to read older changes; `None` at the end.
    pub cursor: Option<String>,
}

fn cause_name(cause: wit::ChangeCause) -> &'static str {
    match cause {
        wit::ChangeCause::Manual => "manual",
        wit::ChangeCause::Schedule => "schedule",
        wit::ChangeCause::DurationEnded => "duration-ended",
        wit::ChangeCause::Inactivity => "inactivity",
        wit::ChangeCause::Admin => "admin",
        wit::ChangeCause::ForceLogout => "force-logout",
    }
}

async fn presence_history(
    State(ctx): State<ApiContext>,
    CurrentUser(user): CurrentUser,
    ApiPath(key): ApiPath<String>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Json<PresenceHistory>, ApiError> {
    let call = call_context(Some(&user.id), Some(&key));
    let page = ctx
        .call_plugin(move |plugin, store| {
            plugin.helpdesk_chat_presence().call_presence_history(
                store,
                &call,
                query.user.as_ref(),
                query.before.as_deref(),
                query.limit.unwrap_or(50),
            )
        })
        .await?;
    Ok(Json(PresenceHistory {
        changes: page
            .changes
            .into_iter()
            .map(|c| PresenceChange {
                project: c.project,
                user: c.user,
                online: c.online,
                until: c.until,
                cause: cause_name(c.cause),
                by: c.by,
                at: c.at,
            })
            .collect(),
        cursor: page.cursor,
    }))
}
