//! The push events presence publishes, and their topics.

use serde::Serialize;

use super::Change;
use super::record::ChangeCause;
use crate::error::{PluginError, PluginResult};
use crate::platform::{Platform, Timestamp};

/// The topic for a project's agent presence (staff only).
pub fn presence_topic(project: &str) -> String {
    format!("presence:{project}")
}

/// The topic for a project's chat going online or offline (anyone).
pub fn chat_status_topic(project: &str) -> String {
    format!("chat-status:{project}")
}

/// Payload of `presence-changed` on `presence:<project>`.
#[derive(Debug, Serialize)]
struct PresenceChanged<'a> {
    project: &'a str,
    user: &'a str,
    display_name: String,
    online: bool,
    until: Option<Timestamp>,
    cause: ChangeCause,
    by: Option<&'a str>,
    at: Timestamp,
    online_count: usize,
    chat_online: bool,
}

/// Payload of `chat-status` on `chat-status:<project>`.
#[derive(Debug, Serialize)]
struct ChatStatus<'a> {
    project: &'a str,
    online: bool,
}

/// Tells the project's staff that an agent's state changed, with the count of agents
/// online after the change.
pub fn publish_agent_change<P: Platform + ?Sized>(
    platform: &mut P,
    project: &str,
    user: &str,
    change: &Change,
    online_count: usize,
) -> PluginResult<()> {
    let display_name = platform.user(user).map_or_else(|| user.to_string(), |u| u.display_name);
    let payload = PresenceChanged {
        project,
        user,
        display_name,
        online: change.online,
        until: change.until,
        cause: change.cause,
        by: change.by.as_deref(),
        at: change.at,
        online_count,
        chat_online: online_count > 0,
    };
    publish(platform, &presence_topic(project), "presence-changed", &payload)
}

/// Tells everyone watching the project whether its chat is online (PR-2), once per
/// change: the last state announced is stored, so however the change came about (an agent
/// acting, a duration ending, a role ending) customers hear of it exactly once.
pub fn announce_chat_status<P: Platform + ?Sized>(platform: &mut P, project: &str, online: bool) -> PluginResult<()> {
    let key = super::keys::chat_announced(project);
    // Nothing announced yet means offline: every chat starts offline (PR-1).
    let announced = crate::storage::get_json::<bool, _>(platform, &key)?.unwrap_or(false);
    if announced == online {
        return Ok(());
    }
    crate::storage::put_json(platform, &key, &online)?;
    publish_chat_status(platform, project, online)
}

fn publish_chat_status<P: Platform + ?Sized>(platform: &mut P, project: &str, online: bool) -> PluginResult<()> {
    publish(
        platform,
        &chat_status_topic(project),
        "chat-status",
        &ChatStatus { project, online },
    )
}

fn publish<P: Platform + ?Sized, T: Serialize>(
    platform: &mut P,
    topic: &str,
    kind: &str,
    payload: &T,
) -> PluginResult<()> {
    let json = serde_json::to_string(payload)
        .map_err(|err| PluginError::Unavailable(format!("cannot encode {kind} event: {err}")))?;
    platform.publish(topic, kind, &json)
}
