//! Putting others offline (PR-8): a user who is both an admin of the project and a site
//! admin puts one of its agents offline, or all of them at once (the "door" in the online
//! list). Each change takes the one write path and is announced like any other, with cause
//! `admin` and the admin as the one who did it.

use super::changes::{Change, apply_to_projects};
use super::online_list;
use super::reads::MAX_PAGE;
use crate::bindings::exports::helpdesk::chat::presence::{ChangeCause, PutOfflineOutcome};
use crate::bindings::helpdesk::chat::types::{CallContext, ProjectRole};
use crate::capabilities::{Clock, Directory, Push, Storage, Wake};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{may_put_offline, require_actor, require_project};

/// Puts `agent`, or every agent online in the context project, offline.
pub fn put_offline<H: Clock + Directory + Storage + Push + Wake>(
    host: &mut H,
    ctx: &CallContext,
    agent: Option<&str>,
) -> PluginResult<PutOfflineOutcome> {
    let project = require_project(host, ctx)?.to_string();
    let actor = require_actor(ctx)?.to_string();
    if !may_put_offline(host, &actor, &project) {
        return Err(PluginError::AccessDenied(format!(
            "only a user who is both an admin of {project} and a site admin puts its agents offline"
        )));
    }
    let now = host.now();
    let agents = match agent {
        Some(agent) if host.has_project_role(agent, &project, ProjectRole::Agent) => vec![agent.to_string()],
        Some(agent) => return Err(PluginError::NotFound(format!("{agent} is no agent of {project}"))),
        None => everyone_online(host, &project, now)?,
    };
    let change = Change {
        online: false,
        until: None,
        cause: ChangeCause::Admin,
        by: Some(actor),
        at: now,
    };
    let mut changed = Vec::new();
    for user in agents {
        let outcome = apply_to_projects(host, &user, std::slice::from_ref(&project), &change)?;
        if !outcome.changed.is_empty() {
            changed.push(user);
        }
    }
    Ok(PutOfflineOutcome { agents: changed })
}

/// Every agent online in `project` at `now`, page by page.
fn everyone_online<H: Directory + Storage>(host: &mut H, project: &str, now: u64) -> PluginResult<Vec<String>> {
    let mut users = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (page, next) = online_list::page(host, project, now, after.as_deref(), MAX_PAGE)?;
        users.extend(page.into_iter().map(|agent| agent.user));
        match next {
            Some(cursor) => after = Some(cursor),
            None => return Ok(users),
        }
    }
}
