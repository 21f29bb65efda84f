//! Who may follow live chat's push topics: `conversation:<id>` for its customer (from an
//! allowed page) and its project's agents and admins; `inbox:<project>` for the project's
//! agents and admins. Both grants end when a role ends, so both are revocable.

use super::events::{CONVERSATION_TOPIC, INBOX_TOPIC};
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
        _ => Err(PluginError::Invalid(format!("unknown kind {kind:?}"))),
    }
}
