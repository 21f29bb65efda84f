//! Who may follow team chat's push topics: `team-chat:<chat>` those who may read the chat,
//! `team-inbox:<user>` that user, `team-lists:site` and `team-people:site` everyone who may
//! see team chat. Every
//! grant ends when the settings, a room's list, a group or a company change it, so all are
//! revocable.

use super::access::require;
use super::chats::load_readable;
use super::events::{CHAT_TOPIC, INBOX_TOPIC, LISTS_TOPIC, PEOPLE_TOPIC};
use crate::bindings::exports::helpdesk::chat::team_chat::ChatPermission;
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Directory, Issues, Storage};
use crate::error::{PluginError, PluginResult};

/// Authorizes `<kind>:<name>`; every grant may be withdrawn.
pub fn authorize<H: Directory + Issues + Storage>(
    host: &mut H,
    ctx: &CallContext,
    kind: &str,
    name: &str,
) -> PluginResult<bool> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    match kind {
        CHAT_TOPIC => {
            load_readable(host, &viewer, name)?;
        }
        INBOX_TOPIC if name == viewer.user => {}
        INBOX_TOPIC => {
            return Err(PluginError::AccessDenied(
                "only its user follows a team-chat list".into(),
            ));
        }
        LISTS_TOPIC | PEOPLE_TOPIC if name == "site" => {}
        _ => return Err(PluginError::Invalid(format!("unknown topic {kind}:{name}"))),
    }
    Ok(true)
}
