//! Online schedules (PR-7): each agent's weekly switch times, in their own time zone, that
//! put them online or offline in every project where they are an agent.
//!
//! A schedule stores the one switch it makes next, with a due marker for the scheduler. At
//! the marker's minute the scheduler applies the switch (cause `schedule`, at the switch's
//! minute, not at the run) and marks the next one. A manual change is simply a later change
//! of the same record, so it stands until the next switch writes over it.

use serde::{Deserialize, Serialize};

use super::changes::{Change, apply_to_projects};
use super::keys;
use super::record::PresenceRecord;
use crate::bindings::exports::helpdesk::chat::presence::{ChangeCause, OnlineSchedule, ScheduleView, ScheduledSwitch};
use crate::bindings::helpdesk::chat::log::Level;
use crate::bindings::helpdesk::chat::types::{CallContext, ProjectRole, Timestamp};
use crate::capabilities::{Clock, Directory, Log, Push, Storage, Wake};
use crate::error::{PluginError, PluginResult};
use crate::permissions::require_actor;
use crate::storage::{get_json, put_json};
use crate::weekly::{self, DAY_MINUTES};

/// The most switches one schedule holds: ten a day.
pub const MAX_SWITCHES: usize = 70;
/// The most schedules one scheduler run switches; a backlog asks for another run at once.
const MAX_SWITCHES_PER_RUN: u32 = 200;

/// What is stored per agent: the schedule and the switch it makes next.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredSchedule {
    schedule: OnlineSchedule,
    next: Option<ScheduledSwitch>,
}

/// The acting agent's schedule, with their time zone and next switch.
pub fn get_schedule<H: Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<ScheduleView> {
    let agent = require_agent_somewhere(host, ctx)?;
    let stored = get_json::<StoredSchedule>(host, &keys::schedule(&agent))?;
    let time_zone = time_zone_of(host, &agent);
    Ok(match stored {
        Some(stored) => ScheduleView {
            next_switch: stored.next.filter(|_| stored.schedule.enabled),
            schedule: stored.schedule,
            time_zone,
        },
        None => ScheduleView {
            schedule: OnlineSchedule {
                enabled: false,
                switches: Vec::new(),
            },
            time_zone,
            next_switch: None,
        },
    })
}

/// Saves the acting agent's schedule; it acts from its next switch on.
pub fn save_schedule<H: Clock + Directory + Storage + Push + Wake + Log>(
    host: &mut H,
    ctx: &CallContext,
    mut schedule: OnlineSchedule,
) -> PluginResult<ScheduleView> {
    let agent = require_agent_somewhere(host, ctx)?;
    validate(&mut schedule)?;
    // A switch whose minute has come but whose run has not (saving in the seconds after
    // it) is made first: saving acts from the next switch on, it does not undo one.
    if let Some(due) = get_json::<StoredSchedule>(host, &keys::schedule(&agent))?
        .filter(|stored| stored.schedule.enabled)
        .and_then(|stored| stored.next)
        .filter(|next| next.at <= host.now())
    {
        host.kv_delete(&keys::switch_due(due.at, &agent))?;
        switch_agent(host, &agent, due.at, host.now())?;
    }
    let time_zone = time_zone_of(host, &agent);
    let tz = weekly::zone(&time_zone).map_err(|_| {
        PluginError::Invalid(format!(
            "your time zone {time_zone:?} in the directory is no known IANA time zone; ask an admin to correct it"
        ))
    })?;
    let key = keys::schedule(&agent);
    if let Some(old) = get_json::<StoredSchedule>(host, &key)?.and_then(|stored| stored.next) {
        host.kv_delete(&keys::switch_due(old.at, &agent))?;
    }
    let next = if schedule.enabled {
        next_switch(tz, &schedule, host.now())
    } else {
        None
    };
    if let Some(next) = &next {
        host.kv_set(&keys::switch_due(next.at, &agent), b"")?;
        host.wake_at(next.at);
    }
    put_json(
        host,
        &key,
        &StoredSchedule {
            schedule: schedule.clone(),
            next,
        },
    )?;
    Ok(ScheduleView {
        schedule,
        time_zone,
        next_switch: next,
    })
}

/// Applies every schedule switch due by now, and asks to be woken for the next one.
pub fn run_due_switches<H: Clock + Directory + Storage + Push + Wake + Log>(host: &mut H) -> PluginResult<()> {
    crate::due_markers::take_due_markers(
        host,
        keys::SWITCH_DUE_PREFIX,
        MAX_SWITCHES_PER_RUN,
        |host, at, agent, now| switch_agent(host, &agent, at, now),
    )
}

/// Makes the switch due at `at` for `agent` (or, after a long stop, the last one due by
/// now), and marks the next.
fn switch_agent<H: Directory + Storage + Push + Wake + Log>(
    host: &mut H,
    agent: &str,
    at: Timestamp,
    now: Timestamp,
) -> PluginResult<()> {
    let key = keys::schedule(agent);
    let Some(mut stored) = get_json::<StoredSchedule>(host, &key)? else {
        return Ok(());
    };
    // A marker left by an earlier save or switch: the schedule has moved on.
    if !stored.schedule.enabled || stored.next.as_ref().map(|next| next.at) != Some(at) {
        return Ok(());
    }
    let time_zone = time_zone_of(host, agent);
    let tz = match weekly::zone(&time_zone) {
        Ok(tz) => tz,
        Err(err) => {
            host.log(Level::Warn, &format!("the schedule of {agent} stopped: {err}"));
            stored.next = None;
            return put_json(host, &key, &stored);
        }
    };
    // After a stop longer than a switch apart, only the switch in force now is made: the
    // ones in between would only be history of states nobody saw.
    if let Some(switch) = last_switch(tz, &stored.schedule, now) {
        apply_switch(host, agent, &switch)?;
    }
    stored.next = next_switch(tz, &stored.schedule, now);
    if let Some(next) = &stored.next {
        host.kv_set(&keys::switch_due(next.at, agent), b"")?;
        host.wake_at(next.at);
    }
    put_json(host, &key, &stored)
}

/// Puts `agent` online or offline in every project where they are an agent, as of the
/// switch's minute. A project where they changed state by hand after that minute (while the
/// switch waited for its run) keeps their change.
fn apply_switch<H: Directory + Storage + Push + Wake>(
    host: &mut H,
    agent: &str,
    switch: &ScheduledSwitch,
) -> PluginResult<()> {
    let mut projects = Vec::new();
    for project in host.projects_with_role(agent, ProjectRole::Agent) {
        let record = get_json::<PresenceRecord>(host, &keys::agent(&project, agent))?;
        if record.is_none_or(|record| record.since <= switch.at) {
            projects.push(project);
        }
    }
    let change = Change {
        online: switch.online,
        until: None,
        cause: ChangeCause::Schedule,
        by: None,
        at: switch.at,
    };
    apply_to_projects(host, agent, &projects, &change)?;
    Ok(())
}

/// The first switch of `schedule` strictly after `after`.
pub fn next_switch(tz: chrono_tz::Tz, schedule: &OnlineSchedule, after: Timestamp) -> Option<ScheduledSwitch> {
    switches_around(tz, schedule, after, 0..=8)
        .into_iter()
        .find(|switch| switch.at > after)
}

/// The last switch of `schedule` at or before `at`.
pub fn last_switch(tz: chrono_tz::Tz, schedule: &OnlineSchedule, at: Timestamp) -> Option<ScheduledSwitch> {
    switches_around(tz, schedule, at, -8..=0)
        .into_iter()
        .rev()
        .find(|switch| switch.at <= at)
}

fn switches_around(
    tz: chrono_tz::Tz,
    schedule: &OnlineSchedule,
    at: Timestamp,
    days: std::ops::RangeInclusive<i64>,
) -> Vec<ScheduledSwitch> {
    weekly::instants_around(tz, at, days, |day| {
        schedule
            .switches
            .iter()
            .filter(|switch| switch.day == day)
            .map(|switch| (switch.minute, switch.online))
            .collect()
    })
    .into_iter()
    .map(|(at, online)| ScheduledSwitch { at, online })
    .collect()
}

/// Checks a schedule and puts its switches in weekly order.
fn validate(schedule: &mut OnlineSchedule) -> PluginResult<()> {
    if schedule.switches.len() > MAX_SWITCHES {
        return Err(PluginError::Invalid(format!(
            "switches: at most {MAX_SWITCHES}, not {}",
            schedule.switches.len()
        )));
    }
    if let Some(bad) = schedule.switches.iter().find(|switch| switch.minute >= DAY_MINUTES) {
        return Err(PluginError::Invalid(format!(
            "switches: a minute of the day is 0 to {}, not {}",
            DAY_MINUTES - 1,
            bad.minute
        )));
    }
    schedule
        .switches
        .sort_by_key(|switch| (switch.day as u8, switch.minute));
    if let Some(pair) = schedule
        .switches
        .windows(2)
        .find(|pair| pair[0].day == pair[1].day && pair[0].minute == pair[1].minute)
    {
        return Err(PluginError::Invalid(format!(
            "switches: two on {} at {:02}:{:02}",
            weekly::weekday_name(pair[0].day),
            pair[0].minute / 60,
            pair[0].minute % 60
        )));
    }
    Ok(())
}

/// The actor, when they are an agent of at least one project: only agents go online.
fn require_agent_somewhere(directory: &impl Directory, ctx: &CallContext) -> PluginResult<String> {
    let actor = require_actor(ctx)?;
    if directory.projects_with_role(actor, ProjectRole::Agent).is_empty() {
        return Err(PluginError::AccessDenied(
            "only agents have an online schedule, and you are not an agent in any project".into(),
        ));
    }
    Ok(actor.to_string())
}

/// The user's time zone from the directory (UTC for a user it no longer has).
fn time_zone_of(directory: &impl Directory, user: &str) -> String {
    directory
        .user(user)
        .map_or_else(|| "UTC".to_string(), |user| user.time_zone)
}
