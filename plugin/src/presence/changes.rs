//! Changing presence (PR-1, PR-4, PR-5): going online and offline, per project or in all
//! projects, optionally for a duration; and the one write path every change takes, which
//! keeps the record, the online list and its counter, the duration markers and the history
//! (PR-15) in step.

pub use super::record::{Announced, Change};
use super::record::{OnlineEntry, PresenceRecord, PresenceState};
use super::{events, keys, online_list};
use crate::bindings::exports::helpdesk::chat::presence::{AgentPresenceIn, ChangeCause, ChangeOutcome, PresenceChange};
use crate::bindings::helpdesk::chat::types::{CallContext, ProjectRole, Timestamp};
use crate::capabilities::{Clock, Directory, Push, Storage, Wake};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{require_actor, require_project};
use crate::storage::{get_json, put_json};

/// The longest online duration a user may ask for: one week.
pub const MAX_DURATION_MINUTES: u32 = 7 * 24 * 60;

/// Goes online in the context's project or in all the actor's projects (PR-4).
pub fn go_online<H: Clock + Directory + Storage + Push + Wake>(
    host: &mut H,
    ctx: &CallContext,
    all_projects: bool,
    duration_minutes: Option<u32>,
) -> PluginResult<ChangeOutcome> {
    let actor = require_actor(ctx)?.to_string();
    if let Some(minutes) = duration_minutes
        && (minutes == 0 || minutes > MAX_DURATION_MINUTES)
    {
        return Err(PluginError::Invalid(format!(
            "duration_minutes: must be from 1 to {MAX_DURATION_MINUTES}, not {minutes}"
        )));
    }
    let projects = target_projects(host, ctx, &actor, all_projects)?;
    let now = host.now();
    let change = Change {
        online: true,
        until: duration_minutes.map(|minutes| now + u64::from(minutes) * 60_000),
        cause: ChangeCause::Manual,
        by: Some(actor.clone()),
        at: now,
    };
    apply_to_projects(host, &actor, &projects, &change)
}

/// Goes offline in the context's project or in all the actor's projects (PR-5).
pub fn go_offline<H: Clock + Directory + Storage + Push + Wake>(
    host: &mut H,
    ctx: &CallContext,
    all_projects: bool,
) -> PluginResult<ChangeOutcome> {
    let actor = require_actor(ctx)?.to_string();
    let projects = target_projects(host, ctx, &actor, all_projects)?;
    let change = Change {
        online: false,
        until: None,
        cause: ChangeCause::Manual,
        by: Some(actor.clone()),
        at: host.now(),
    };
    apply_to_projects(host, &actor, &projects, &change)
}

/// The agent role of `user` in `project` has ended: if they were online there, they go
/// offline now, with the actor (if a user) as the one who did it (PR-1).
pub fn agent_role_ended<H: Clock + Directory + Storage + Push + Wake>(
    host: &mut H,
    ctx: &CallContext,
    project: &str,
    user: &str,
) -> PluginResult<()> {
    if host.has_project_role(user, project, ProjectRole::Agent) {
        return Err(PluginError::Conflict(format!("{user} is still an agent of {project}")));
    }
    let now = host.now();
    let previous = get_json::<PresenceRecord>(host, &keys::agent(project, user))?;
    if !previous.as_ref().is_some_and(|record| record.state_at(now).online) {
        return Ok(());
    }
    let change = Change {
        online: false,
        until: None,
        cause: ChangeCause::Admin,
        by: crate::permissions::acting_user(ctx).map(str::to_string),
        at: now,
    };
    let name = host.display_name(user);
    write_change(host, project, user, previous, &change, &name)?;
    announce(
        host,
        project,
        &[Announced {
            user: user.to_string(),
            display_name: name,
            change,
        }],
        now,
    )
}

/// Every session of `user` ended at once (a forced logout, PR-13): they are offline in every
/// project where they were online, recorded with cause `force-logout` and whoever did it.
pub fn all_sessions_ended<H: Clock + Directory + Storage + Push + Wake>(
    host: &mut H,
    ctx: &CallContext,
    user: &str,
) -> PluginResult<()> {
    let projects = host.projects_with_role(user, ProjectRole::Agent);
    let change = Change {
        online: false,
        until: None,
        cause: ChangeCause::ForceLogout,
        by: crate::permissions::acting_user(ctx).map(str::to_string),
        at: host.now(),
    };
    apply_to_projects(host, user, &projects, &change)?;
    Ok(())
}

/// The projects a go-online or go-offline acts on; only agents may be online (PR-1).
fn target_projects(
    directory: &impl Directory,
    ctx: &CallContext,
    actor: &str,
    all_projects: bool,
) -> PluginResult<Vec<String>> {
    if all_projects {
        let projects = directory.projects_with_role(actor, ProjectRole::Agent);
        if projects.is_empty() {
            return Err(PluginError::AccessDenied("you are not an agent in any project".into()));
        }
        return Ok(projects);
    }
    let project = require_project(directory, ctx)?;
    if !directory.has_project_role(actor, project, ProjectRole::Agent) {
        return Err(PluginError::AccessDenied(format!("you are not an agent of {project}")));
    }
    Ok(vec![project.to_string()])
}

/// Applies `change` to `user` in each project, skipping projects where it changes nothing.
pub fn apply_to_projects<H: Directory + Storage + Push + Wake>(
    host: &mut H,
    user: &str,
    projects: &[String],
    change: &Change,
) -> PluginResult<ChangeOutcome> {
    let mut outcome = ChangeOutcome {
        changed: Vec::new(),
        states: Vec::new(),
    };
    let mut name = None;
    for project in projects {
        let previous = get_json::<PresenceRecord>(host, &keys::agent(project, user))?;
        let before = previous
            .as_ref()
            .map_or(PresenceState::NEVER_ONLINE, |record| record.state_at(change.at));
        let unchanged = before.online == change.online && before.until == change.until;
        let state = if unchanged {
            before
        } else {
            let name = name.get_or_insert_with(|| host.display_name(user)).clone();
            let record = write_change(host, project, user, previous, change, &name)?;
            let announced = Announced {
                user: user.to_string(),
                display_name: name,
                change: change.clone(),
            };
            announce(host, project, &[announced], change.at)?;
            outcome.changed.push(project.clone());
            record.state_at(change.at)
        };
        outcome.states.push(AgentPresenceIn {
            project: project.clone(),
            online: state.online,
            until: state.until,
        });
    }
    Ok(outcome)
}

/// Tells the project's staff of each change, and customers whether the chat is online,
/// with the count as it is after the changes.
pub fn announce<H: Storage + Push + Wake>(
    host: &mut H,
    project: &str,
    changes: &[Announced],
    now: Timestamp,
) -> PluginResult<()> {
    let online_count = online_list::count(host, project, now)?;
    for announced in changes {
        events::publish_agent_change(host, project, announced, online_count)?;
    }
    events::announce_chat_status(host, project, online_count > 0, now)
}

/// Stores a change over the agent's `previous` record: the new record, their place in the
/// online list (under `display_name`) and its counter, the markers of an online duration
/// (and a wake-up for its end), and a history entry. Returns the new record.
pub fn write_change<H: Storage + Wake>(
    host: &mut H,
    project: &str,
    user: &str,
    previous: Option<PresenceRecord>,
    change: &Change,
    display_name: &str,
) -> PluginResult<PresenceRecord> {
    let key = keys::agent(project, user);
    if let Some(old_end) = previous.as_ref().and_then(PresenceRecord::ends_at) {
        clear_end_markers(host, project, user, old_end)?;
    }
    let before = previous
        .as_ref()
        .map_or(PresenceState::NEVER_ONLINE, |r| r.state_at(change.at));
    let since = if before.online == change.online {
        before.since
    } else {
        change.at
    };
    let was_listed = previous.and_then(|record| record.listed_as);
    if let Some(entry) = &was_listed {
        host.kv_delete(entry)?;
    }
    let idle_at = if change.online {
        Some(change.at + super::settings::inactivity_ms(host, project)?)
    } else {
        None
    };
    let listed_as = if change.online {
        let entry = keys::online_entry(project, display_name, user);
        put_json(
            host,
            &entry,
            &OnlineEntry {
                user: user.to_string(),
                since,
                until: change.until,
                idle_at,
            },
        )?;
        Some(entry)
    } else {
        None
    };
    let delta = i64::from(listed_as.is_some()) - i64::from(was_listed.is_some());
    if delta != 0 {
        host.kv_increment(&keys::online_count(project), delta)?;
    }
    let record = PresenceRecord {
        online: change.online,
        since,
        until: change.until,
        cause: change.cause,
        by: change.by.clone(),
        listed_as,
        idle_at,
    };
    put_json(host, &key, &record)?;
    if let Some(end) = record.ends_at() {
        set_end_markers(host, project, user, end)?;
    }
    let seq = host.kv_increment(&keys::log_seq(project), 1)?;
    let entry = PresenceChange {
        project: project.to_string(),
        user: user.to_string(),
        online: change.online,
        until: change.until,
        cause: change.cause,
        by: change.by.clone(),
        at: change.at,
    };
    put_json(host, &keys::log_entry(project, change.at, seq.max(0) as u64), &entry)?;
    Ok(record)
}

/// Marks when an online state ends by itself (a duration or the inactivity timeout): a due
/// marker for the scheduler, with a wake-up, and an end marker the online count subtracts.
pub fn set_end_markers<H: Storage + Wake>(host: &mut H, project: &str, user: &str, end: Timestamp) -> PluginResult<()> {
    host.kv_set(&keys::due(end, project, user), b"")?;
    host.kv_set(&keys::ends(project, end, user), b"")?;
    host.wake_at(end);
    Ok(())
}

/// Takes away the markers [`set_end_markers`] set.
pub fn clear_end_markers(host: &mut impl Storage, project: &str, user: &str, end: Timestamp) -> PluginResult<()> {
    host.kv_delete(&keys::due(end, project, user))?;
    host.kv_delete(&keys::ends(project, end, user))?;
    Ok(())
}
