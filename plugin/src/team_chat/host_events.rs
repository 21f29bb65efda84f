//! Team chat's rules for what happens on the host's side: activity and logging out move
//! people's status (PR-14); who may read a company chat or a
//! room listing a group or company follows the directory, and a permission may follow a
//! group; so a user joining or leaving one has their streams asked again. (A project role
//! ending already has them asked again by presence, whose topics follow roles too.)

use crate::bindings::exports::helpdesk::chat::host_events::{
    CompanyMembership, GroupMembership, HostEvent, SessionEnd,
};
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Clock, Directory, Push, Storage, Wake};
use crate::error::PluginResult;

/// Asks again for the streams of the user whose memberships changed; follows activity and
/// logging out in people's status (PR-14).
pub fn on_host_event<H: Clock + Directory + Storage + Push + Wake>(
    host: &mut H,
    _ctx: &CallContext,
    event: &HostEvent,
) -> PluginResult<()> {
    match event {
        HostEvent::GroupMembershipChanged(GroupMembership { user, .. })
        | HostEvent::CompanyMembershipChanged(CompanyMembership { user, .. }) => {
            host.access_changed(std::slice::from_ref(user));
            Ok(())
        }
        HostEvent::Activity(activity) => super::people::user_active_at(host, &activity.user, activity.at),
        HostEvent::SessionEnded(SessionEnd { user, .. }) | HostEvent::AllSessionsEnded(user) => {
            super::people::signed_out(host, user)
        }
        HostEvent::RoleGranted(_) | HostEvent::RoleRemoved(_) | HostEvent::UserRegistered(_) => Ok(()),
    }
}
