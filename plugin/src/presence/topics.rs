//! Who may follow presence's push topics: `presence:<project>` for the project's staff (a
//! grant that ends with their role), `chat-status:<project>` for anyone.

use super::events::{CHAT_STATUS_TOPIC, PRESENCE_TOPIC};
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::Directory;
use crate::error::{PluginError, PluginResult};
use crate::permissions::{require_actor, require_existing_project, require_project_staff};

/// Authorizes `<kind>:<project>`; returns whether the grant may be withdrawn.
pub fn authorize<H: Directory>(host: &mut H, ctx: &CallContext, kind: &str, project: &str) -> PluginResult<bool> {
    require_existing_project(host, project)?;
    match kind {
        PRESENCE_TOPIC => {
            let actor = require_actor(ctx)?;
            require_project_staff(host, actor, project)?;
            Ok(true)
        }
        CHAT_STATUS_TOPIC => Ok(false),
        _ => Err(PluginError::Invalid(format!("unknown kind {kind:?}"))),
    }
}
