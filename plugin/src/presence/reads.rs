//! Reading presence (PR-2, PR-3, PR-6): a project's presence for its staff, its online
//! agents page by page, whether its chat is online, and an agent's own state. Every read is
//! read-only and costs the same whatever the size of the project.

use super::record::{PresenceRecord, PresenceState};
use super::{keys, online_list};
use crate::bindings::exports::helpdesk::chat::presence::{
    AgentPresenceIn, ChatStatusEvent, OnlineAgentsPage, ProjectPresenceView, ViewerPresence,
};
use crate::bindings::helpdesk::chat::types::{CallContext, ProjectRole, Timestamp};
use crate::capabilities::{Clock, Directory, Storage};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{is_site_admin, require_actor, require_project};
use crate::storage::{decode_json, get_json};

/// How many online agents `project-presence` lists; `online-agents` pages through the rest.
pub const FIRST_PAGE: u32 = 50;
/// The most online agents one `online-agents` page holds.
pub const MAX_PAGE: u32 = 200;

/// The context project's presence for its staff (PR-3, PR-6).
pub fn project_presence<H: Clock + Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
) -> PluginResult<ProjectPresenceView> {
    let (actor, project, is_agent) = staff_context(host, ctx)?;
    let now = host.now();
    let online_count = online_list::count(host, &project, now)?;
    let (online_agents, more_online) = online_list::page(host, &project, now, None, FIRST_PAGE)?;
    let viewer = if is_agent {
        state_of(host, &project, &actor, now)?
    } else {
        PresenceState::NEVER_ONLINE
    };
    let may_put_offline = crate::permissions::may_put_offline(host, &actor, &project);
    Ok(ProjectPresenceView {
        project,
        chat_online: online_count > 0,
        online_count,
        online_agents,
        more_online,
        viewer: ViewerPresence {
            is_agent,
            online: viewer.online,
            until: viewer.until,
            may_put_offline,
        },
    })
}

/// The context project's online agents after `after`, `limit` at a time (PR-6).
pub fn online_agents<H: Clock + Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    after: Option<&str>,
    limit: Option<u32>,
) -> PluginResult<OnlineAgentsPage> {
    let limit = crate::paging::page_size(limit, MAX_PAGE)?;
    let (_, project, _) = staff_context(host, ctx)?;
    let now = host.now();
    let (agents, cursor) = online_list::page(host, &project, now, after, limit)?;
    Ok(OnlineAgentsPage { agents, cursor })
}

/// Whether the context project's chat is online (PR-2); anyone may ask.
pub fn chat_status<H: Clock + Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<ChatStatusEvent> {
    let project = require_project(host, ctx)?.to_string();
    let now = host.now();
    let online = online_list::count(host, &project, now)? > 0;
    Ok(ChatStatusEvent { project, online })
}

/// The actor's state in every project where they are an agent.
pub fn my_presence<H: Clock + Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
) -> PluginResult<Vec<AgentPresenceIn>> {
    let actor = require_actor(ctx)?.to_string();
    let now = host.now();
    let projects = host.projects_with_role(&actor, ProjectRole::Agent);
    let keys: Vec<String> = projects.iter().map(|project| keys::agent(project, &actor)).collect();
    let records = host.kv_get_many(&keys)?;
    projects
        .into_iter()
        .zip(keys.iter().zip(records))
        .map(|(project, (key, stored))| {
            let state = match stored {
                Some(bytes) => decode_json::<PresenceRecord>(key, &bytes)?.state_at(now),
                None => PresenceState::NEVER_ONLINE,
            };
            Ok(AgentPresenceIn {
                project,
                online: state.online,
                until: state.until,
            })
        })
        .collect()
}

/// One agent's state in one project at `now`.
pub fn state_of(storage: &mut impl Storage, project: &str, user: &str, now: Timestamp) -> PluginResult<PresenceState> {
    Ok(get_json::<PresenceRecord>(storage, &keys::agent(project, user))?
        .map_or(PresenceState::NEVER_ONLINE, |record| record.state_at(now)))
}

/// The actor, the context's project and whether the actor is an agent there; refused
/// unless the actor is staff of the project (an agent, a project admin or a site admin).
fn staff_context(directory: &impl Directory, ctx: &CallContext) -> PluginResult<(String, String, bool)> {
    let actor = require_actor(ctx)?;
    let project = require_project(directory, ctx)?;
    let is_agent = directory.has_project_role(actor, project, ProjectRole::Agent);
    let staff = is_agent
        || directory.has_project_role(actor, project, ProjectRole::ProjectAdmin)
        || is_site_admin(directory, actor);
    if !staff {
        return Err(PluginError::AccessDenied(format!(
            "only agents and admins of {project} see its agents' presence"
        )));
    }
    Ok((actor.to_string(), project.to_string(), is_agent))
}
