//! Presence monitoring (PR-12): e-mail a project's chosen recipients when its chat has
//! stayed offline, or stayed online, past a threshold; with expected hours, only when it
//! stays offline inside them or online outside them.
//!
//! What is watched is a *condition*: the chat's state, or with expected hours whether that
//! state is as expected. A condition alerts once it has lasted the threshold, and only if
//! it is not the one alerted last; so a change undone within the threshold alerts nobody,
//! and flapping between two states can never alert the same state twice in a row.

use serde::{Deserialize, Serialize};

use super::keys;
use crate::bindings::exports::helpdesk::chat::presence::MonitoringSettings;
use crate::bindings::helpdesk::chat::types::{CallContext, Timestamp};
use crate::capabilities::{Clock, Directory, Log, Mail, Storage, Wake};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{administers, require_actor, require_project};
use crate::storage::{get_json, put_json};
use crate::weekly;

/// The threshold a project has until its admin sets one.
pub const DEFAULT_THRESHOLD_SECONDS: u32 = 60;
/// The thresholds an admin may set: ten seconds to a day.
pub const THRESHOLD_SECONDS: std::ops::RangeInclusive<u32> = 10..=86_400;
/// The most recipients one project alerts.
pub const MAX_RECIPIENTS: usize = 20;
/// The most projects one scheduler run checks; a backlog asks for another run at once.
const MAX_CHECKS_PER_RUN: u32 = 200;

/// What the monitoring watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Condition {
    /// The chat is online (no expected hours).
    Online,
    /// The chat is offline (no expected hours).
    Offline,
    /// The chat is online inside the expected hours, or offline outside them.
    AsExpected,
    /// The chat is online outside the expected hours.
    OnlineOutsideHours,
    /// The chat is offline inside the expected hours.
    OfflineInsideHours,
}

/// What a project's monitoring last saw.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct WatchState {
    /// The condition now.
    condition: Condition,
    /// Since when it holds.
    since: Timestamp,
    /// The condition last alerted (or taken as known when watching began).
    reported: Condition,
    /// When the monitoring looks again, if it must.
    check_at: Option<Timestamp>,
}

/// The project's monitoring settings, or the defaults (nobody alerted).
fn load(storage: &mut impl Storage, project: &str) -> PluginResult<MonitoringSettings> {
    Ok(
        get_json::<MonitoringSettings>(storage, &keys::monitoring(project))?.unwrap_or(MonitoringSettings {
            recipients: Vec::new(),
            threshold_seconds: DEFAULT_THRESHOLD_SECONDS,
            expected_hours: Vec::new(),
            time_zone: "UTC".into(),
        }),
    )
}

/// The context project's monitoring settings, for its admins and site admins.
pub fn get_monitoring<H: Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<MonitoringSettings> {
    let project = require_admin(host, ctx)?;
    load(host, &project)
}

/// Saves the context project's monitoring settings and starts watching from the chat's
/// state now.
pub fn save_monitoring<H: Clock + Directory + Storage + Wake>(
    host: &mut H,
    ctx: &CallContext,
    settings: MonitoringSettings,
) -> PluginResult<MonitoringSettings> {
    let project = require_admin(host, ctx)?;
    let settings = validate(settings)?;
    let before = load(host, &project)?;
    put_json(host, &keys::monitoring(&project), &settings)?;
    let state_key = keys::monitor_state(&project);
    let watched = get_json::<WatchState>(host, &state_key)?;
    if let Some(old) = watched.as_ref().and_then(|state| state.check_at) {
        host.kv_delete(&keys::monitor_due(old, &project))?;
    }
    host.kv_delete(&state_key)?;
    if !settings.recipients.is_empty() {
        let now = host.now();
        let online = super::online_list::count(host, &project, now)? > 0;
        let tz = weekly::zone(&settings.time_zone)?;
        let condition = condition(&settings, tz, online, now);
        // Watching that goes on (new recipients, a corrected address) keeps what it saw and
        // what it alerted: a condition already timed is not restarted, nor alerted twice.
        // The same kind of watching means hours on both sides or on neither.
        let same_kind = before.expected_hours.is_empty() == settings.expected_hours.is_empty();
        let mut state = match watched.filter(|_| same_kind && !before.recipients.is_empty()) {
            Some(mut state) => {
                if state.condition != condition {
                    state.condition = condition;
                    state.since = now;
                }
                state.check_at = None;
                state
            }
            // Watching begins: without hours the state now is no change; with them, a state
            // already outside them is worth an alert once it has lasted.
            None => WatchState {
                condition,
                since: now,
                reported: if settings.expected_hours.is_empty() {
                    condition
                } else {
                    Condition::AsExpected
                },
                check_at: None,
            },
        };
        plan_check(host, &project, &settings, tz, &mut state, now)?;
        put_json(host, &state_key, &state)?;
    }
    Ok(settings)
}

/// The project's chat went online or offline at `at`: the monitoring starts timing the new
/// condition. Alerts are sent only by the scheduler, once the threshold has passed.
pub fn chat_changed<H: Storage + Wake>(host: &mut H, project: &str, online: bool, at: Timestamp) -> PluginResult<()> {
    let settings = load(host, project)?;
    let state_key = keys::monitor_state(project);
    let (false, Some(mut state)) = (
        settings.recipients.is_empty(),
        get_json::<WatchState>(host, &state_key)?,
    ) else {
        return Ok(());
    };
    let tz = weekly::zone(&settings.time_zone)?;
    let condition = condition(&settings, tz, online, at);
    if condition == state.condition {
        return Ok(());
    }
    state.condition = condition;
    state.since = at;
    plan_check(host, project, &settings, tz, &mut state, at)?;
    put_json(host, &state_key, &state)
}

/// Checks every project whose monitoring is due, alerting where a condition has lasted.
pub fn run_due_checks<H: Clock + Directory + Storage + Mail + Wake + Log>(host: &mut H) -> PluginResult<()> {
    crate::due_markers::take_due_markers(
        host,
        keys::MONITOR_DUE_PREFIX,
        MAX_CHECKS_PER_RUN,
        |host, at, project, now| check(host, &project, at, now),
    )
}

/// Looks at the project's chat now: a condition that began (an expected-hours boundary
/// passing) is timed from that boundary, the time the check was planned for, however late
/// the host runs it; and one that has lasted the threshold is alerted.
fn check<H: Directory + Storage + Mail + Wake>(
    host: &mut H,
    project: &str,
    marked_at: Timestamp,
    now: Timestamp,
) -> PluginResult<()> {
    let settings = load(host, project)?;
    let state_key = keys::monitor_state(project);
    let Some(mut state) = get_json::<WatchState>(host, &state_key)? else {
        return Ok(());
    };
    // A marker the state has since replaced: the check it asked for was planned again.
    if settings.recipients.is_empty() || state.check_at != Some(marked_at) {
        return Ok(());
    }
    state.check_at = None;
    let tz = weekly::zone(&settings.time_zone)?;
    let online = super::online_list::count(host, project, now)? > 0;
    let condition = condition(&settings, tz, online, now);
    if condition != state.condition {
        // Changes of the chat itself are timed when they happen (`presence_changed`): what
        // changes here is the hours, at the boundary this check was planned for.
        state.condition = condition;
        state.since = marked_at.clamp(state.since, now);
    }
    let threshold = u64::from(settings.threshold_seconds) * 1000;
    if state.reported != state.condition && now >= state.since + threshold {
        if state.condition != Condition::AsExpected {
            alert(host, project, &settings, tz, &state)?;
        }
        state.reported = state.condition;
    }
    plan_check(host, project, &settings, tz, &mut state, now)?;
    put_json(host, &state_key, &state)
}

/// Marks when to look again: when the condition will have lasted the threshold (if it is
/// not yet alerted), or when the expected hours next begin or end, whichever comes first.
fn plan_check<H: Storage + Wake>(
    host: &mut H,
    project: &str,
    settings: &MonitoringSettings,
    tz: chrono_tz::Tz,
    state: &mut WatchState,
    now: Timestamp,
) -> PluginResult<()> {
    let threshold = u64::from(settings.threshold_seconds) * 1000;
    let lasted = (state.reported != state.condition).then(|| (state.since + threshold).max(now));
    let boundary = weekly::next_span_boundary(&settings.expected_hours, tz, now);
    let next = super::record::earliest(lasted, boundary);
    if next == state.check_at {
        return Ok(());
    }
    if let Some(old) = state.check_at {
        host.kv_delete(&keys::monitor_due(old, project))?;
    }
    if let Some(at) = next {
        host.kv_set(&keys::monitor_due(at, project), b"")?;
        host.wake_at(at);
    }
    state.check_at = next;
    Ok(())
}

/// E-mails each recipient, separately, that the condition has lasted the threshold.
fn alert<H: Directory + Mail>(
    host: &mut H,
    project: &str,
    settings: &MonitoringSettings,
    tz: chrono_tz::Tz,
    state: &WatchState,
) -> PluginResult<()> {
    let name = host.project_name(project);
    let what = match state.condition {
        Condition::Online => "is online",
        Condition::Offline => "is offline",
        Condition::OnlineOutsideHours => "is online outside its expected hours",
        Condition::OfflineInsideHours => "is offline during its expected hours",
        Condition::AsExpected => return Ok(()),
    };
    let subject = format!("[{project}] The chat {what}");
    let since = weekly::local_text(tz, state.since);
    let state_words = match state.condition {
        Condition::Online | Condition::OnlineOutsideHours => "at least one agent has been online",
        _ => "no agent has been online",
    };
    let body = format!(
        "The chat of {name} ({project}) {what}: {state_words} since {since}, \
         longer than the alert threshold of {threshold}.\n\n\
         You get this message because you are on the presence monitoring list of {project}. \
         Its admins change the list on the project's presence settings page.\n",
        threshold = duration_words(settings.threshold_seconds),
    );
    // One message each: recipients do not learn who else is on the list.
    for recipient in &settings.recipients {
        host.send_mail(std::slice::from_ref(recipient), &subject, &body)?;
    }
    Ok(())
}

/// "45 seconds", "1 minute", "1 minute 30 seconds", "2 hours".
fn duration_words(seconds: u32) -> String {
    let plural = |count: u32, unit: &str| {
        if count == 1 {
            format!("1 {unit}")
        } else {
            format!("{count} {unit}s")
        }
    };
    let parts: Vec<String> = [
        (seconds / 3600, "hour"),
        (seconds % 3600 / 60, "minute"),
        (seconds % 60, "second"),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, unit)| plural(count, unit))
    .collect();
    parts.join(" ")
}

/// The condition of a chat `online` or not at `now`.
fn condition(settings: &MonitoringSettings, tz: chrono_tz::Tz, online: bool, now: Timestamp) -> Condition {
    if settings.expected_hours.is_empty() {
        return if online { Condition::Online } else { Condition::Offline };
    }
    match (online, weekly::inside_spans(&settings.expected_hours, tz, now)) {
        (true, false) => Condition::OnlineOutsideHours,
        (false, true) => Condition::OfflineInsideHours,
        _ => Condition::AsExpected,
    }
}

/// Checks settings: addresses, threshold, hours and zone; recipients lose duplicates and
/// spans come in weekly order.
fn validate(mut settings: MonitoringSettings) -> PluginResult<MonitoringSettings> {
    if settings.recipients.len() > MAX_RECIPIENTS {
        return Err(PluginError::LimitExceeded(format!(
            "recipients: at most {MAX_RECIPIENTS}, not {}",
            settings.recipients.len()
        )));
    }
    let mut recipients: Vec<String> = Vec::with_capacity(settings.recipients.len());
    for address in &settings.recipients {
        let address =
            helpdesk_text_policy::email(address).map_err(|err| PluginError::Invalid(format!("recipients: {err}")))?;
        if !recipients.iter().any(|known| known.eq_ignore_ascii_case(&address)) {
            recipients.push(address);
        }
    }
    settings.recipients = recipients;
    if !THRESHOLD_SECONDS.contains(&settings.threshold_seconds) {
        return Err(PluginError::Invalid(format!(
            "threshold_seconds: from {} to {}, not {}",
            THRESHOLD_SECONDS.start(),
            THRESHOLD_SECONDS.end(),
            settings.threshold_seconds
        )));
    }
    settings.expected_hours = weekly::checked_spans(std::mem::take(&mut settings.expected_hours), "expected_hours")?;
    let time_zone = settings.time_zone.trim().to_string();
    weekly::zone(&time_zone).map_err(|err| PluginError::Invalid(format!("time_zone: {err}")))?;
    settings.time_zone = time_zone;
    Ok(settings)
}

/// The context project, when the actor administers it.
fn require_admin(directory: &impl Directory, ctx: &CallContext) -> PluginResult<String> {
    let project = require_project(directory, ctx)?.to_string();
    let actor = require_actor(ctx)?;
    if !administers(directory, actor, &project) {
        return Err(PluginError::AccessDenied(format!(
            "only admins of {project} see and change its presence monitoring"
        )));
    }
    Ok(project)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pr_12_thresholds_read_as_words() {
        assert_eq!(duration_words(60), "1 minute");
        assert_eq!(duration_words(45), "45 seconds");
        assert_eq!(duration_words(90), "1 minute 30 seconds");
        assert_eq!(duration_words(7200), "2 hours");
    }
}
