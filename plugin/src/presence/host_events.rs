//! Presence's rules for what happens on the host's side: a user who loses a role may lose
//! what their open streams show, an agent who loses the agent role goes offline (PR-1), and
//! one logged out everywhere by force goes offline in every project (PR-13).

use super::changes::{agent_role_ended, all_sessions_ended};
use crate::bindings::exports::helpdesk::chat::host_events::HostEvent;
use crate::bindings::helpdesk::chat::types::{CallContext, ProjectRole};
use crate::capabilities::{Clock, Directory, Push, Storage, Wake};
use crate::error::PluginResult;

/// Applies presence's rules to a host event; events it has no rule for change nothing.
pub fn on_host_event<H: Clock + Directory + Storage + Push + Wake>(
    host: &mut H,
    ctx: &CallContext,
    event: &HostEvent,
) -> PluginResult<()> {
    match event {
        HostEvent::RoleRemoved(removed) => {
            if removed.role == ProjectRole::Agent {
                agent_role_ended(host, ctx, &removed.project, &removed.user)?;
            }
            // Staff follow `presence:<project>`; without the role they may no longer.
            host.access_changed(std::slice::from_ref(&removed.user));
            Ok(())
        }
        HostEvent::AllSessionsEnded(user) => all_sessions_ended(host, ctx, user),
        HostEvent::Activity(activity) => super::activity::user_active_at(host, &activity.user, activity.at),
        HostEvent::RoleGranted(_)
        | HostEvent::GroupMembershipChanged(_)
        | HostEvent::CompanyMembershipChanged(_)
        | HostEvent::SessionEnded(_)
        | HostEvent::UserRegistered(_) => Ok(()),
    }
}
