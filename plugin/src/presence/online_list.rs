//! A project's online list: one entry per agent online, ordered by display name, and a
//! counter of the entries. Reads cost the same whatever the number of agents in the
//! project and whatever the number online: the count is one counter minus the durations that
//! ended since the scheduler last ran (normally none), and a page is one bounded scan.

use super::keys;
use super::record::OnlineEntry;
use crate::bindings::exports::helpdesk::chat::presence::AgentPresence;
use crate::bindings::helpdesk::chat::types::Timestamp;
use crate::capabilities::{Directory, ScanRequest, Storage};
use crate::error::{PluginError, PluginResult};
use crate::storage::{decode_json, get_counter, scan_all};

/// How many agents are online in `project` at `now`.
pub fn count(storage: &mut impl Storage, project: &str, now: Timestamp) -> PluginResult<u32> {
    let listed = get_counter(storage, &keys::online_count(project))?;
    // Durations that ended but are not yet taken off the list (the scheduler runs at their
    // end, so these are few and brief).
    let (start, end) = keys::ended_by(project, now);
    let ended = scan_all(storage, &start, &end)?.len() as i64;
    Ok((listed - ended).clamp(0, i64::from(u32::MAX)) as u32)
}

/// Up to `limit` agents online in `project` at `now`, after the cursor `after`, ordered by
/// display name; and the cursor of the next page when more follow.
pub fn page<H: Directory + Storage>(
    host: &mut H,
    project: &str,
    now: Timestamp,
    after: Option<&str>,
    limit: u32,
) -> PluginResult<(Vec<AgentPresence>, Option<String>)> {
    let (start, end) = keys::online_list(project);
    if let Some(cursor) = after
        && (cursor < start.as_str() || cursor >= end.as_str())
    {
        return Err(PluginError::Invalid(
            "after: not a cursor of this project's online list".into(),
        ));
    }
    let wanted = limit as usize;
    let mut found: Vec<(String, OnlineEntry)> = Vec::with_capacity(wanted + 1);
    let mut cursor = after.map(str::to_string);
    // One more than asked tells whether a next page exists.
    while found.len() <= wanted {
        let page = host.kv_scan(ScanRequest {
            start: &start,
            end: &end,
            limit: (limit + 1).min(1000),
            reverse: false,
            cursor,
        })?;
        for entry in page.entries {
            let online: OnlineEntry = decode_json(&entry.key, &entry.value)?;
            let ended = online.ended_by(now);
            if !ended {
                found.push((entry.key, online));
            }
        }
        match page.cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let next = if found.len() > wanted {
        found.truncate(wanted);
        found.last().map(|(key, _)| key.clone())
    } else {
        None
    };
    let ids: Vec<String> = found.iter().map(|(_, entry)| entry.user.clone()).collect();
    let users = host.users(&ids)?;
    let agents = found
        .into_iter()
        .zip(users)
        .map(|((_, entry), user)| AgentPresence {
            display_name: user.map_or_else(|| entry.user.clone(), |u| u.display_name),
            user: entry.user,
            online: true,
            since: entry.since,
            until: entry.until,
        })
        .collect();
    Ok((agents, next))
}
