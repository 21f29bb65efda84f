//! Who may follow live chat's push topics: `conversation:<id>` for its customer (from an
//! allowed page) and its project's agents and admins; `inbox:<project>` for the project's
//! agents and admins; `notes:<id>` for the conversation's agents, admins and pulled-in
//! colleagues, never its customer (LC-18); `chat-personal:<user>` for that user. Every
//! grant ends when a role (or the conversation) does, so each is revocable.

use super::events::{CONVERSATION_TOPIC, INBOX_TOPIC, NOTES_TOPIC, PERSONAL_TOPIC};
use super::record;
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Directory, Storage};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{is_project_staff, require_actor, require_existing_project};

/// Authorizes `<kind>:<name>`; returns whether the grant may be withdrawn.
pub fn authorize<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    kind: &str,
    name: &str,
) -> PluginResult<bool> {
    match kind {
        CONVERSATION_TOPIC => {
            record::load_for(host, ctx, name)?;
            Ok(true)
        }
        INBOX_TOPIC => {
            require_existing_project(host, name)?;
            let user = require_actor(ctx)?;
            if is_project_staff(host, user, name) {
                Ok(true)
            } else {
                Err(PluginError::AccessDenied(format!(
                    "only agents and admins of {name} follow its chat inbox"
                )))
            }
        }
        NOTES_TOPIC => match record::load_for(host, ctx, name)?.1 {
            record::Side::Customer => Err(PluginError::NotFound(format!("conversation {name} does not exist"))),
            _ => Ok(true),
        },
        PERSONAL_TOPIC => {
            if require_actor(ctx)? == name {
                Ok(false)
            } else {
                Err(PluginError::AccessDenied("only its user follows their mentions".into()))
            }
        }
        _ => Err(PluginError::Invalid(format!("unknown kind {kind:?}"))),
    }
}
