//! Agent presence (SPEC PR-1 … PR-6, PR-11): going online and offline, per project or in
//! all projects, optionally for a duration; who is online; whether a project's chat is online.
//!
//! Nothing here trusts a flag to be cleared on time: the state is computed from the stored
//! last change and the current time (see [`record::PresenceRecord::state_at`]). The
//! scheduler only materialises ended durations so that history and live clients learn of them.

pub mod events;
pub mod history;
pub mod keys;
pub mod record;

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{PluginError, PluginResult};
use crate::permissions::{require_actor, require_project, require_project_staff};
use crate::platform::{CallContext, LogLevel, Platform, ProjectRole, ScanRequest, Timestamp};
use crate::storage::{first_in, get_json, put_json, scan_all};
use record::{ChangeCause, PresenceChange, PresenceRecord, PresenceState};

/// The longest online duration a user may ask for: one week.
pub const MAX_DURATION_MINUTES: u32 = 7 * 24 * 60;

/// One agent's presence in one project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentPresence {
    /// The agent's user id.
    pub user: String,
    /// The agent's name as others see it (the user id when the user is unknown).
    pub display_name: String,
    /// The agent's state in the project at the time of the call.
    pub state: PresenceState,
}

/// The viewer's own relation to a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewerPresence {
    /// Whether the viewer is an agent of the project, and so may go online there.
    pub is_agent: bool,
    /// The viewer's own state there; always offline for a non-agent.
    pub state: PresenceState,
}

/// A project's presence as its staff see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectPresence {
    /// The project's key.
    pub project: String,
    /// The agents online now, ordered by display name, then user id (PR-6).
    pub online_agents: Vec<AgentPresence>,
    /// The acting user's own relation to the project.
    pub viewer: ViewerPresence,
}

impl ProjectPresence {
    /// True exactly when at least one agent is online (PR-2).
    pub fn chat_online(&self) -> bool {
        !self.online_agents.is_empty()
    }
}

/// The acting agent's state in one project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateIn {
    /// The project's key.
    pub project: String,
    /// The agent's state there at the time of the call.
    pub state: PresenceState,
}

/// What going online or offline changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeOutcome {
    /// The projects whose state changed.
    pub changed: Vec<String>,
    /// The actor's state in each project acted on.
    pub states: Vec<StateIn>,
}

/// Goes online in the context's project or in all the actor's projects (PR-4).
pub fn go_online<P: Platform + ?Sized>(
    platform: &mut P,
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
    let projects = target_projects(platform, ctx, &actor, all_projects)?;
    let now = platform.now();
    let until = duration_minutes.map(|minutes| now + u64::from(minutes) * 60_000);
    let change = Change {
        online: true,
        until,
        cause: ChangeCause::Manual,
        by: Some(actor.clone()),
        at: now,
    };
    apply_to_projects(platform, &actor, &projects, &change)
}

/// Goes offline in the context's project or in all the actor's projects (PR-5).
pub fn go_offline<P: Platform + ?Sized>(
    platform: &mut P,
    ctx: &CallContext,
    all_projects: bool,
) -> PluginResult<ChangeOutcome> {
    let actor = require_actor(ctx)?.to_string();
    let projects = target_projects(platform, ctx, &actor, all_projects)?;
    let now = platform.now();
    let change = Change {
        online: false,
        until: None,
        cause: ChangeCause::Manual,
        by: Some(actor.clone()),
        at: now,
    };
    apply_to_projects(platform, &actor, &projects, &change)
}

/// The context project's presence for its staff (PR-3, PR-6).
pub fn project_presence<P: Platform + ?Sized>(platform: &mut P, ctx: &CallContext) -> PluginResult<ProjectPresence> {
    let actor = require_actor(ctx)?.to_string();
    let project = require_project(platform, ctx)?.to_string();
    require_project_staff(platform, &actor, &project)?;
    let now = platform.now();
    let online_agents = online_agents(platform, &project, now)?;
    let is_agent = platform.has_project_role(&actor, &project, ProjectRole::Agent);
    let state = if is_agent {
        state_of(platform, &project, &actor, now)?
    } else {
        PresenceState::NEVER_ONLINE
    };
    Ok(ProjectPresence {
        project,
        online_agents,
        viewer: ViewerPresence { is_agent, state },
    })
}

/// Whether the context project's chat is online (PR-2); anyone may ask.
pub fn chat_online<P: Platform + ?Sized>(platform: &mut P, ctx: &CallContext) -> PluginResult<bool> {
    let project = require_project(platform, ctx)?.to_string();
    let now = platform.now();
    Ok(!online_agents(platform, &project, now)?.is_empty())
}

/// The actor's state in every project where they are an agent.
pub fn my_presence<P: Platform + ?Sized>(platform: &mut P, ctx: &CallContext) -> PluginResult<Vec<StateIn>> {
    let actor = require_actor(ctx)?.to_string();
    let now = platform.now();
    platform
        .projects_with_role(&actor, ProjectRole::Agent)
        .into_iter()
        .map(|project| {
            let state = state_of(platform, &project, &actor, now)?;
            Ok(StateIn { project, state })
        })
        .collect()
}

/// The agent role of `user` in the context's project has ended: if they were online
/// there, they go offline now, with the actor as the one who did it.
pub fn agent_role_ended<P: Platform + ?Sized>(platform: &mut P, ctx: &CallContext, user: &str) -> PluginResult<()> {
    let project = require_project(platform, ctx)?.to_string();
    if platform.has_project_role(user, &project, ProjectRole::Agent) {
        return Err(PluginError::Conflict(format!("{user} is still an agent of {project}")));
    }
    let now = platform.now();
    if !state_of(platform, &project, user, now)?.online {
        return Ok(());
    }
    let change = Change {
        online: false,
        until: None,
        cause: ChangeCause::Admin,
        by: ctx.actor.clone(),
        at: now,
    };
    write_change(platform, &project, user, &change)?;
    let online_count = online_agents(platform, &project, now)?.len();
    events::publish_agent_change(platform, &project, user, &change, online_count)?;
    events::announce_chat_status(platform, &project, online_count > 0)
}

/// The most ended durations one scheduler run materialises; more are left for the next
/// run, which is due at once, so a backlog never makes a run outgrow its time limit.
pub const MAX_DUE_PER_RUN: u32 = 200;

/// Materialises online durations that ended at or before now (PR-4): the agent's record
/// and history say when and why, and live clients are told. Returns when the next
/// duration ends (now, when more have already ended than one run takes).
pub fn end_due_durations<P: Platform + ?Sized>(platform: &mut P) -> PluginResult<Option<Timestamp>> {
    let now = platform.now();
    let ((due_start, due_end), (later_start, later_end)) = keys::due_split(now);
    let page = platform.kv_scan(ScanRequest {
        start: &due_start,
        end: &due_end,
        limit: MAX_DUE_PER_RUN,
        reverse: false,
        cursor: None,
    })?;
    let mut ended: BTreeMap<String, Vec<(String, Change)>> = BTreeMap::new();
    for entry in page.entries {
        platform.kv_delete(&entry.key)?;
        let (ended_at, project, user) = match keys::parse_due(&entry.key) {
            Ok(parsed) => parsed,
            Err(err) => {
                // One unreadable marker must not stop every later duration from ending.
                platform.log(
                    LogLevel::Warn,
                    &format!("dropped unreadable due marker {:?}: {err}", entry.key),
                );
                continue;
            }
        };
        let Some(record) = get_json::<PresenceRecord, _>(platform, &keys::agent(&project, &user))? else {
            continue;
        };
        // A marker can outlive its duration if a later change replaced it; only the
        // duration still recorded ends here.
        if !(record.online && record.until == Some(ended_at)) {
            continue;
        }
        let change = Change {
            online: false,
            until: None,
            cause: ChangeCause::DurationEnded,
            by: None,
            at: ended_at,
        };
        write_change(platform, &project, &user, &change)?;
        ended.entry(project).or_default().push((user, change));
    }
    for (project, changes) in ended {
        let online_count = online_agents(platform, &project, now)?.len();
        for (user, change) in &changes {
            events::publish_agent_change(platform, &project, user, change, online_count)?;
        }
        events::announce_chat_status(platform, &project, online_count > 0)?;
    }
    if page.cursor.is_some() {
        return Ok(Some(now));
    }
    loop {
        let Some(entry) = first_in(platform, &later_start, &later_end)? else {
            return Ok(None);
        };
        match keys::parse_due(&entry.key) {
            Ok((at, _, _)) => return Ok(Some(at)),
            Err(err) => {
                platform.log(
                    LogLevel::Warn,
                    &format!("dropped unreadable due marker {:?}: {err}", entry.key),
                );
                platform.kv_delete(&entry.key)?;
            }
        }
    }
}

/// The agents online in `project` at `now`, ordered by display name then id. Someone whose
/// agent role was taken away no longer counts, whatever their record says.
pub fn online_agents<P: Platform + ?Sized>(
    platform: &mut P,
    project: &str,
    now: Timestamp,
) -> PluginResult<Vec<AgentPresence>> {
    let (start, end) = keys::agents_of(project);
    let agents: BTreeSet<String> = platform
        .project_members(project, ProjectRole::Agent)
        .into_iter()
        .collect();
    let mut online = Vec::new();
    for entry in scan_all(platform, &start, &end)? {
        let user = keys::user_of_agent_key(&entry.key)?;
        if !agents.contains(&user) {
            continue;
        }
        let record: PresenceRecord = serde_json::from_slice(&entry.value)
            .map_err(|err| PluginError::Unavailable(format!("stored data is corrupt: {}: {err}", entry.key)))?;
        let state = record.state_at(now);
        if state.online {
            let display_name = platform
                .user(&user)
                .map(|u| u.display_name)
                .unwrap_or_else(|| user.clone());
            online.push(AgentPresence {
                user,
                display_name,
                state,
            });
        }
    }
    online.sort_by(|a, b| a.display_name.cmp(&b.display_name).then_with(|| a.user.cmp(&b.user)));
    Ok(online)
}

/// One agent's state in one project at `now`.
pub fn state_of<P: Platform + ?Sized>(
    platform: &mut P,
    project: &str,
    user: &str,
    now: Timestamp,
) -> PluginResult<PresenceState> {
    Ok(get_json::<PresenceRecord, _>(platform, &keys::agent(project, user))?
        .map_or(PresenceState::NEVER_ONLINE, |record| record.state_at(now)))
}

/// A state change to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// True to go online, false to go offline.
    pub online: bool,
    /// When an online duration ends by itself; `None` without an end or when going offline.
    pub until: Option<Timestamp>,
    /// Why the state changes; recorded in the history.
    pub cause: ChangeCause,
    /// Who made the change; `None` when nobody acted (for example a duration ending).
    pub by: Option<String>,
    /// When the change takes effect.
    pub at: Timestamp,
}

/// The projects a go-online or go-offline acts on; only agents may be online (PR-1).
fn target_projects<P: Platform + ?Sized>(
    platform: &P,
    ctx: &CallContext,
    actor: &str,
    all_projects: bool,
) -> PluginResult<Vec<String>> {
    if all_projects {
        let projects = platform.projects_with_role(actor, ProjectRole::Agent);
        if projects.is_empty() {
            return Err(PluginError::AccessDenied("you are not an agent in any project".into()));
        }
        return Ok(projects);
    }
    let project = require_project(platform, ctx)?;
    if !platform.has_project_role(actor, project, ProjectRole::Agent) {
        return Err(PluginError::AccessDenied(format!("you are not an agent of {project}")));
    }
    Ok(vec![project.to_string()])
}

/// Applies `change` to `user` in each project, skipping projects where it changes nothing.
pub fn apply_to_projects<P: Platform + ?Sized>(
    platform: &mut P,
    user: &str,
    projects: &[String],
    change: &Change,
) -> PluginResult<ChangeOutcome> {
    let mut outcome = ChangeOutcome {
        changed: Vec::new(),
        states: Vec::new(),
    };
    for project in projects {
        let before = state_of(platform, project, user, change.at)?;
        let unchanged = before.online == change.online && before.until == change.until;
        if !unchanged {
            write_change(platform, project, user, change)?;
            let count_after = online_agents(platform, project, change.at)?.len();
            events::publish_agent_change(platform, project, user, change, count_after)?;
            events::announce_chat_status(platform, project, count_after > 0)?;
            outcome.changed.push(project.clone());
        }
        let state = state_of(platform, project, user, change.at)?;
        outcome.states.push(StateIn {
            project: project.clone(),
            state,
        });
    }
    Ok(outcome)
}

/// Stores a change: the agent's record, its due marker and a history entry (PR-15).
fn write_change<P: Platform + ?Sized>(
    platform: &mut P,
    project: &str,
    user: &str,
    change: &Change,
) -> PluginResult<()> {
    let key = keys::agent(project, user);
    let previous = get_json::<PresenceRecord, _>(platform, &key)?;
    if let Some(PresenceRecord {
        until: Some(old_end), ..
    }) = &previous
    {
        platform.kv_delete(&keys::due(*old_end, project, user))?;
    }
    let before = previous
        .as_ref()
        .map_or(PresenceState::NEVER_ONLINE, |r| r.state_at(change.at));
    let since = if before.online == change.online {
        before.since
    } else {
        change.at
    };
    let record = PresenceRecord {
        online: change.online,
        since,
        until: change.until,
        cause: change.cause,
        by: change.by.clone(),
    };
    put_json(platform, &key, &record)?;
    if let (true, Some(end)) = (change.online, change.until) {
        platform.kv_set(&keys::due(end, project, user), b"")?;
    }
    let seq = get_json::<u64, _>(platform, keys::LOG_SEQ)?.unwrap_or(0) + 1;
    put_json(platform, keys::LOG_SEQ, &seq)?;
    let entry = PresenceChange {
        project: project.to_string(),
        user: user.to_string(),
        online: change.online,
        until: change.until,
        cause: change.cause,
        by: change.by.clone(),
        at: change.at,
    };
    put_json(platform, &keys::log_entry(project, change.at, seq), &entry)
}

#[cfg(test)]
mod tests;
