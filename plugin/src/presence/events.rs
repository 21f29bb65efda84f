//! The push events presence publishes (the WIT's `presence-event`), and their topics.

use super::record::Announced;
use crate::bindings::exports::helpdesk::chat::presence::{ChatStatusEvent, PresenceChangedEvent, PresenceEvent};
use crate::bindings::helpdesk::chat::types::Timestamp;
use crate::capabilities::{Push, Storage, Wake};
use crate::error::PluginResult;
use crate::publish::publish;
use crate::storage::{get_json, put_json};

/// The topic kind for a project's agent presence (staff only).
pub const PRESENCE_TOPIC: &str = "presence";
/// The topic kind for a project's chat going online or offline (anyone).
pub const CHAT_STATUS_TOPIC: &str = "chat-status";

/// The topic for a project's agent presence.
pub fn presence_topic(project: &str) -> String {
    format!("{PRESENCE_TOPIC}:{project}")
}

/// The topic for a project's chat going online or offline.
pub fn chat_status_topic(project: &str) -> String {
    format!("{CHAT_STATUS_TOPIC}:{project}")
}

/// Tells the project's staff that an agent's state changed, with the count of agents
/// online after the change.
pub fn publish_agent_change(
    push: &mut impl Push,
    project: &str,
    announced: &Announced,
    online_count: u32,
) -> PluginResult<()> {
    let change = &announced.change;
    let payload = PresenceChangedEvent {
        project: project.into(),
        user: announced.user.clone(),
        display_name: announced.display_name.clone(),
        online: change.online,
        until: change.until,
        cause: change.cause,
        by: change.by.clone(),
        at: change.at,
        online_count,
        chat_online: online_count > 0,
    };
    publish(push, &presence_topic(project), &PresenceEvent::PresenceChanged(payload))
}

/// Tells everyone watching the project whether its chat is online (PR-2), once per
/// change: the last state announced is stored, so however the change came about (an agent
/// acting, a duration ending, a role ending) customers hear of it exactly once. The
/// project's presence monitoring (PR-12) starts timing the change `at` its moment.
pub fn announce_chat_status<H: Storage + Push + Wake>(
    host: &mut H,
    project: &str,
    online: bool,
    at: Timestamp,
) -> PluginResult<()> {
    let key = super::keys::chat_announced(project);
    // Nothing announced yet means offline: every chat starts offline (PR-1).
    let announced = get_json::<bool>(host, &key)?.unwrap_or(false);
    if announced == online {
        return Ok(());
    }
    put_json(host, &key, &online)?;
    super::monitoring::chat_changed(host, project, online, at)?;
    let payload = ChatStatusEvent {
        project: project.into(),
        online,
    };
    publish(host, &chat_status_topic(project), &PresenceEvent::ChatStatus(payload))
}
