//! Where presence facts live in storage.
//!
//! - `presence/agent/<project>/<user>`: the agent's [`PresenceRecord`](super::record::PresenceRecord).
//! - `presence/online/<project>/<name>/<user>`: the project's online list, ordered by display
//!   name, one [`OnlineEntry`](super::record::OnlineEntry) per agent listed online.
//! - `presence/online-count/<project>`: a counter of the entries in the online list.
//! - `presence/ends/<project>/<time>/<user>`: an online duration in the project ending at `<time>`,
//!   so a read can leave out agents whose duration ended before the scheduler ran.
//! - `presence/due/<time>/<project>/<user>`: the same durations across projects, for the scheduler.
//! - `presence/log/<project>/<time>/<seq>`: the history of changes (PR-15).
//! - `presence/log-seq/<project>`: a counter numbering the project's history entries.
//! - `presence/chat-announced/<project>`: whether customers were last told the chat is online.
//! - `presence/schedule/<user>`: an agent's weekly online schedule and its next switch (PR-7).
//! - `presence/switch-due/<time>/<user>`: that next switch, for the scheduler.
//! - `presence/monitoring/<project>`: a project's monitoring settings (PR-12).
//! - `presence/monitor-state/<project>`: what the monitoring last saw and alerted.
//! - `presence/monitor-due/<time>/<project>`: when the monitoring looks again.

use crate::bindings::helpdesk::chat::types::Timestamp;
use crate::error::{PluginError, PluginResult};
use crate::storage::{decode_key_part, key_part, prefix_end, time_part};

/// Where the markers of online states ending by themselves live.
pub const DUE_PREFIX: &str = "presence/due/";
/// How much of a display name orders the online list; longer names are ordered by this much
/// and then by user id, which keeps every key well under the storage's 512 bytes.
const NAME_ORDER_CHARS: usize = 48;

/// The record of one agent in one project.
pub fn agent(project: &str, user: &str) -> String {
    format!("presence/agent/{}/{}", key_part(project), key_part(user))
}

/// Every agent record of every project (for migrations).
pub fn all_agents() -> (String, String) {
    let prefix = "presence/agent/".to_string();
    let end = prefix_end(&prefix);
    (prefix, end)
}

/// The project and user of an agent record's key.
pub fn parse_agent(key: &str) -> PluginResult<(String, String)> {
    let bad = || corrupt_key(key);
    let rest = key.strip_prefix("presence/agent/").ok_or_else(bad)?;
    let (project, user) = rest.split_once('/').ok_or_else(bad)?;
    Ok((decode_key_part(project)?, decode_key_part(user)?))
}

/// An agent's entry in the project's online list.
pub fn online_entry(project: &str, display_name: &str, user: &str) -> String {
    let name: String = display_name.chars().take(NAME_ORDER_CHARS).collect();
    format!(
        "presence/online/{}/{}/{}",
        key_part(project),
        key_part(&name),
        key_part(user)
    )
}

/// The range of a project's online list.
pub fn online_list(project: &str) -> (String, String) {
    let prefix = format!("presence/online/{}/", key_part(project));
    let end = prefix_end(&prefix);
    (prefix, end)
}

/// The counter of a project's online list.
pub fn online_count(project: &str) -> String {
    format!("presence/online-count/{}", key_part(project))
}

/// The marker of a duration in `project` ending at `at`.
pub fn ends(project: &str, at: Timestamp, user: &str) -> String {
    format!(
        "presence/ends/{}/{}/{}",
        key_part(project),
        time_part(at),
        key_part(user)
    )
}

/// The range of a project's duration markers ending at or before `now`.
pub fn ended_by(project: &str, now: Timestamp) -> (String, String) {
    let prefix = format!("presence/ends/{}/", key_part(project));
    let end = format!("{prefix}{}", time_part(now.saturating_add(1)));
    (prefix, end)
}

/// The due marker of a duration ending at `at`.
pub fn due(at: Timestamp, project: &str, user: &str) -> String {
    format!("{DUE_PREFIX}{}/{}/{}", time_part(at), key_part(project), key_part(user))
}

/// The range of due markers at or before `now`, and the range of those after it.
pub fn due_split(now: Timestamp) -> ((String, String), (String, String)) {
    crate::due_markers::split_at(DUE_PREFIX, now)
}

/// A due marker's time, project and user.
pub fn parse_due(key: &str) -> PluginResult<(Timestamp, String, String)> {
    let (at, (project, user)) = crate::due_markers::parse_marker(DUE_PREFIX, key, parse_due_name)?;
    Ok((at, project, user))
}

/// The project and agent a due marker names after its time.
pub fn parse_due_name(rest: &str) -> PluginResult<(String, String)> {
    let (project, user) = rest.split_once('/').ok_or_else(|| corrupt_key(rest))?;
    if user.contains('/') {
        return Err(corrupt_key(rest));
    }
    Ok((decode_key_part(project)?, decode_key_part(user)?))
}

/// The history entry `seq` of a project, at `at`.
pub fn log_entry(project: &str, at: Timestamp, seq: u64) -> String {
    format!("presence/log/{}/{}/{seq:012}", key_part(project), time_part(at))
}

/// The time and number of a history entry's key.
pub fn parse_log_entry(key: &str) -> Option<(Timestamp, u64)> {
    let mut parts = key.rsplit('/');
    let seq = parts.next()?.parse().ok()?;
    let at = parts.next()?.parse().ok()?;
    Some((at, seq))
}

/// The range holding a project's history entries.
pub fn log_of(project: &str) -> (String, String) {
    let prefix = format!("presence/log/{}/", key_part(project));
    let end = prefix_end(&prefix);
    (prefix, end)
}

/// The counter that numbers a project's history entries.
pub fn log_seq(project: &str) -> String {
    format!("presence/log-seq/{}", key_part(project))
}

/// The one counter plugin 0.1 numbered every project's history with.
pub const LOG_SEQ_0_1: &str = "presence/log-seq";

/// Whether customers were last told that the project's chat is online.
pub fn chat_announced(project: &str) -> String {
    format!("presence/chat-announced/{}", key_part(project))
}

fn corrupt_key(key: &str) -> PluginError {
    PluginError::Unavailable(format!("stored data is corrupt: bad presence key {key:?}"))
}

/// A project's presence settings (PR-9).
pub fn settings(project: &str) -> String {
    format!("presence/settings/{}", key_part(project))
}

/// An agent's online schedule (PR-7).
pub fn schedule(user: &str) -> String {
    format!("presence/schedule/{}", key_part(user))
}

/// Where the markers of agents' next scheduled switches live.
pub const SWITCH_DUE_PREFIX: &str = "presence/switch-due/";

/// The marker of an agent's next scheduled switch, at `at`.
pub fn switch_due(at: Timestamp, user: &str) -> String {
    crate::due_markers::marker(SWITCH_DUE_PREFIX, at, user)
}

/// A project's presence monitoring settings (PR-12).
pub fn monitoring(project: &str) -> String {
    format!("presence/monitoring/{}", key_part(project))
}

/// What a project's monitoring last saw and alerted.
pub fn monitor_state(project: &str) -> String {
    format!("presence/monitor-state/{}", key_part(project))
}

/// Where the markers of projects' next monitoring checks live.
pub const MONITOR_DUE_PREFIX: &str = "presence/monitor-due/";

/// The marker of a project's next monitoring check, at `at`.
pub fn monitor_due(at: Timestamp, project: &str) -> String {
    crate::due_markers::marker(MONITOR_DUE_PREFIX, at, project)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::due_markers::{parse_timed, split_at};

    #[test]
    fn due_keys_round_trip_and_split_at_now() {
        let key = due(1_500, "S/P", "ann");
        assert_eq!(parse_due(&key).unwrap(), (1_500, "S/P".into(), "ann".into()));
        let ((start, end), (later, _)) = due_split(1_500);
        assert!(start.as_str() <= key.as_str() && key.as_str() < end.as_str());
        assert!(key.as_str() < later.as_str());
        let ((_, end_before), _) = due_split(1_499);
        assert!(key.as_str() >= end_before.as_str());
    }

    #[test]
    fn agent_keys_give_back_their_project_and_user() {
        assert_eq!(parse_agent(&agent("SUP", "a/b")).unwrap(), ("SUP".into(), "a/b".into()));
    }

    #[test]
    fn pr_6_the_online_list_orders_by_name_then_user_and_stays_in_range() {
        let (start, end) = online_list("SUP");
        let alice = online_entry("SUP", "Alice Agent", "zed");
        let bob = online_entry("SUP", "Bob Agent", "amy");
        assert!(alice < bob, "by name first");
        assert!(
            online_entry("SUP", "Same", "a") < online_entry("SUP", "Same", "b"),
            "then by user"
        );
        for key in [&alice, &bob] {
            assert!(start.as_str() <= key.as_str() && key.as_str() < end.as_str());
        }
        let long = online_entry("SUP", &"%/".repeat(100), &"u".repeat(64));
        assert!(long.len() < 512, "{} bytes", long.len());
    }

    #[test]
    fn pr_4_ended_by_covers_durations_up_to_now_only() {
        let (start, end) = ended_by("SUP", 1_000);
        let ended = ends("SUP", 1_000, "ann");
        let running = ends("SUP", 1_001, "ann");
        assert!(start.as_str() <= ended.as_str() && ended.as_str() < end.as_str());
        assert!(running.as_str() >= end.as_str());
    }

    #[test]
    fn pr_7_pr_12_timed_markers_round_trip_and_split_at_now() {
        let switch = switch_due(2_000, "a/b");
        assert_eq!(parse_timed(SWITCH_DUE_PREFIX, &switch).unwrap(), (2_000, "a/b".into()));
        let ((start, end), (later, _)) = split_at(SWITCH_DUE_PREFIX, 2_000);
        assert!(start.as_str() <= switch.as_str() && switch.as_str() < end.as_str());
        assert!(switch.as_str() < later.as_str());
        let check = monitor_due(3_000, "SUP");
        assert_eq!(parse_timed(MONITOR_DUE_PREFIX, &check).unwrap(), (3_000, "SUP".into()));
        let ((_, end), _) = split_at(MONITOR_DUE_PREFIX, 2_999);
        assert!(check.as_str() >= end.as_str());
        assert!(parse_timed(SWITCH_DUE_PREFIX, "presence/switch-due/x/y").is_err());
    }
}
