//! Where presence facts live in storage.
//!
//! - `presence/agent/<project>/<user>`: the agent's [`PresenceRecord`](super::record::PresenceRecord).
//! - `presence/due/<time>/<project>/<user>`: an online duration ending at `<time>`.
//! - `presence/log/<project>/<time>/<seq>`: the history of changes (PR-15).
//! - `presence/log-seq`: the last history sequence number.
//! - `presence/chat-announced/<project>`: whether customers were last told the chat is online.

use crate::error::{PluginError, PluginResult};
use crate::platform::Timestamp;
use crate::storage::{decode_key_part, key_part, prefix_end, time_part};

const DUE_PREFIX: &str = "presence/due/";

/// The record of one agent in one project.
pub fn agent(project: &str, user: &str) -> String {
    format!("presence/agent/{}/{}", key_part(project), key_part(user))
}

/// The range holding every agent record of a project.
pub fn agents_of(project: &str) -> (String, String) {
    let prefix = format!("presence/agent/{}/", key_part(project));
    let end = prefix_end(&prefix);
    (prefix, end)
}

/// The user id at the end of an agent record's key.
pub fn user_of_agent_key(key: &str) -> PluginResult<String> {
    let last = key.rsplit('/').next().unwrap_or_default();
    decode_key_part(last)
}

/// The due marker of a duration ending at `at`.
pub fn due(at: Timestamp, project: &str, user: &str) -> String {
    format!("{DUE_PREFIX}{}/{}/{}", time_part(at), key_part(project), key_part(user))
}

/// The range of due markers at or before `now`, and the range of those after it.
pub fn due_split(now: Timestamp) -> ((String, String), (String, String)) {
    let first_later = format!("{DUE_PREFIX}{}", time_part(now.saturating_add(1)));
    let end = prefix_end(DUE_PREFIX);
    ((DUE_PREFIX.to_string(), first_later.clone()), (first_later, end))
}

/// A due marker's time, project and user.
pub fn parse_due(key: &str) -> PluginResult<(Timestamp, String, String)> {
    let bad = || PluginError::Unavailable(format!("stored data is corrupt: bad due key {key:?}"));
    let rest = key.strip_prefix(DUE_PREFIX).ok_or_else(bad)?;
    let mut parts = rest.split('/');
    let (Some(at), Some(project), Some(user), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let at = at.parse().map_err(|_| bad())?;
    Ok((at, decode_key_part(project)?, decode_key_part(user)?))
}

/// The history entry `seq` of a project, at `at`.
pub fn log_entry(project: &str, at: Timestamp, seq: u64) -> String {
    format!("presence/log/{}/{}/{seq:012}", key_part(project), time_part(at))
}

/// Whether customers were last told that the project's chat is online.
pub fn chat_announced(project: &str) -> String {
    format!("presence/chat-announced/{}", key_part(project))
}

/// The range holding a project's history entries.
pub fn log_of(project: &str) -> (String, String) {
    let prefix = format!("presence/log/{}/", key_part(project));
    let end = prefix_end(&prefix);
    (prefix, end)
}

/// The counter that numbers history entries.
pub const LOG_SEQ: &str = "presence/log-seq";

#[cfg(test)]
mod tests {
    use super::*;

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
    fn agent_keys_give_back_their_user() {
        assert_eq!(user_of_agent_key(&agent("SUP", "a/b")).unwrap(), "a/b");
    }
}
