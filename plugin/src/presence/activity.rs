//! Activity (PR-9, PR-10): the host tells of a user's activity in any tab or on any device,
//! and each project where they are online moves its inactivity timeout on. Nothing is
//! recorded in the history: activity changes no state, it only postpones the timeout.

use super::changes::{clear_end_markers, set_end_markers};
use super::keys;
use super::record::{OnlineEntry, PresenceRecord};
use crate::bindings::helpdesk::chat::types::{ProjectRole, Timestamp};
use crate::capabilities::{Clock, Directory, Storage, Wake};
use crate::error::PluginResult;
use crate::storage::{get_json, put_json};

/// `user` was active now: every project where they are online times out a full timeout
/// from now.
pub fn user_active<H: Clock + Directory + Storage + Wake>(host: &mut H, user: &str) -> PluginResult<()> {
    let now = host.now();
    user_active_at(host, user, now)
}

/// `user` was last active at `at` (at most now): every project where they are online times
/// out a full timeout from then, never sooner than it already did.
pub fn user_active_at<H: Clock + Directory + Storage + Wake>(
    host: &mut H,
    user: &str,
    at: Timestamp,
) -> PluginResult<()> {
    let now = host.now();
    let at = at.min(now);
    for project in host.projects_with_role(user, ProjectRole::Agent) {
        let key = keys::agent(&project, user);
        let Some(mut record) = get_json::<PresenceRecord>(host, &key)? else {
            continue;
        };
        // Offline when the activity happened, or ended since by the scheduled work (which
        // records it): only a new change brings them back. An activity told late whose
        // moment was still online extends the state, even if its old end has passed
        // unprocessed: they were never inactive that long.
        if !record.state_at(at).online {
            continue;
        }
        let idle_at = at + super::settings::inactivity_ms(host, &project)?;
        if record.idle_at.is_some_and(|known| known >= idle_at) {
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
