//! Activity (PR-9, PR-10): the host tells of a user's activity in any tab or on any device,
//! and each project where they are online moves its inactivity timeout on. Nothing is
//! recorded in the history: activity changes no state, it only postpones the timeout.

use super::changes::{clear_end_markers, set_end_markers};
use super::keys;
use super::record::{OnlineEntry, PresenceRecord};
use crate::bindings::helpdesk::chat::types::ProjectRole;
use crate::capabilities::{Clock, Directory, Storage, Wake};
use crate::error::PluginResult;
use crate::storage::{get_json, put_json};

/// `user` was active now: every project where they are online times out a full timeout
/// from now.
pub fn user_active<H: Clock + Directory + Storage + Wake>(host: &mut H, user: &str) -> PluginResult<()> {
    let now = host.now();
    for project in host.projects_with_role(user, ProjectRole::Agent) {
        let key = keys::agent(&project, user);
        let Some(mut record) = get_json::<PresenceRecord>(host, &key)? else {
            continue;
        };
        // Already timed out (or ended): only a new change brings them back.
        if !record.state_at(now).online {
            continue;
        }
        let idle_at = now + super::settings::inactivity_ms(host, &project)?;
        if record.idle_at == Some(idle_at) {
            continue;
        }
        if let Some(end) = record.ends_at() {
            clear_end_markers(host, &project, user, end)?;
        }
        record.idle_at = Some(idle_at);
        if let Some(end) = record.ends_at() {
            set_end_markers(host, &project, user, end)?;
        }
        if let Some(listed) = record.listed_as.clone()
            && let Some(mut entry) = get_json::<OnlineEntry>(host, &listed)?
        {
            entry.idle_at = Some(idle_at);
            put_json(host, &listed, &entry)?;
        }
        put_json(host, &key, &record)?;
    }
    Ok(())
}
