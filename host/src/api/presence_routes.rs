//! Agent presence (SPEC PR-1 … PR-6): every answer comes from the plugin.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::ApiContext;
use super::error::{ApiError, ApiJson, ApiPath, current_request_id};
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
        .route("/presence/me", get(my_presence))
}

/// One online agent.
#[derive(Serialize)]
pub struct AgentPresence {
    pub user: String,
    pub display_name: String,
    pub online: bool,
    pub since: u64,
    pub until: Option<u64>,
}

/// The viewer's own state in the project.
#[derive(Serialize)]
pub struct ViewerPresence {
    pub is_agent: bool,
    pub online: bool,
    pub until: Option<u64>,
}

/// `GET /projects/{key}/presence`.
#[derive(Serialize)]
pub struct ProjectPresence {
    pub project: String,
    pub chat_online: bool,
    pub online_count: u32,
    pub online_agents: Vec<AgentPresence>,
    pub viewer: ViewerPresence,
}

/// The actor's state in one project.
#[derive(Serialize)]
pub struct StateIn {
    pub project: String,
    pub online: bool,
    pub until: Option<u64>,
}

/// What going online or offline changed.
#[derive(Serialize)]
pub struct ChangeOutcome {
    pub changed: Vec<String>,
    pub states: Vec<StateIn>,
}

/// `POST /projects/{key}/presence/online` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoOnline {
    #[serde(default)]
    pub all_projects: bool,
    pub duration_minutes: Option<u32>,
}

/// `POST /projects/{key}/presence/offline` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoOffline {
    #[serde(default)]
    pub all_projects: bool,
}

/// `GET /projects/{key}/chat-status`.
#[derive(Serialize)]
pub struct ChatStatus {
    pub project: String,
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
        .plugin
        .call(&ctx.db, current_request_id(), move |plugin, store| {
            plugin
                .helpdesk_chat_presence()
                .call_project_presence(store, &call)
        })
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
        .plugin
        .call(&ctx.db, current_request_id(), move |plugin, store| {
            plugin.helpdesk_chat_presence().call_go_online(
                store,
                &call,
                body.all_projects,
                body.duration_minutes,
            )
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
        .plugin
        .call(&ctx.db, current_request_id(), move |plugin, store| {
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
        .plugin
        .call(&ctx.db, current_request_id(), move |plugin, store| {
            plugin
                .helpdesk_chat_presence()
                .call_chat_online(store, &call)
        })
        .await?;
    Ok(Json(ChatStatus {
        project: key,
        online,
    }))
}

async fn my_presence(
    State(ctx): State<ApiContext>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Vec<StateIn>>, ApiError> {
    let call = call_context(Some(&user.id), None);
    let states = ctx
        .plugin
        .call(&ctx.db, current_request_id(), move |plugin, store| {
            plugin
                .helpdesk_chat_presence()
                .call_my_presence(store, &call)
        })
        .await?;
    Ok(Json(states.into_iter().map(state_in).collect()))
}
