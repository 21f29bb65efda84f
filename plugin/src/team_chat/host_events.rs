//! Team chat's rules for what happens on the host's side: who may read a company chat or a
//! room listing a group or company follows the directory, and a permission may follow a
//! group; so a user joining or leaving one has their streams asked again. (A project role
//! ending already has them asked again by presence, whose topics follow roles too.)

use crate::bindings::exports::helpdesk::chat::host_events::HostEvent;
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::Push;
use crate::error::PluginResult;

/// Asks again for the streams of the user whose memberships or roles changed.
pub fn on_host_event<H: Push>(host: &mut H, _ctx: &CallContext, event: &HostEvent) -> PluginResult<()> {
    let user = match event {
        HostEvent::GroupMembershipChanged(change) => &change.user,
        HostEvent::CompanyMembershipChanged(change) => &change.user,
        HostEvent::RoleGranted(_)
        | HostEvent::RoleRemoved(_)
        | HostEvent::SessionEnded(_)
        | HostEvent::AllSessionsEnded(_)
        | HostEvent::Activity(_)
        | HostEvent::UserRegistered(_) => return Ok(()),
    };
    host.access_changed(std::slice::from_ref(user));
    Ok(())
}
