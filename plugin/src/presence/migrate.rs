//! Bringing presence data written by an earlier plugin up to date.
//!
//! From 0.1: plugin 0.1 kept no online list; it read every agent record of a project on each
//! read. This builds the online list, its counters and the per-project duration markers
//! from the records, and numbers each project's history from where 0.1's one counter was.

use super::changes::{Change, write_change};
use super::keys;
use super::record::{OnlineEntry, PresenceRecord};
use crate::bindings::exports::helpdesk::chat::presence::ChangeCause;
use crate::bindings::helpdesk::chat::types::ProjectRole;
use crate::capabilities::{Clock, Directory, ScanRequest, Storage, Wake};
use crate::error::PluginResult;
use crate::storage::{decode_json, first_in, get_json, put_json};
use crate::version::Version;

/// Migrates presence data from plugin version `from` (`None`: nothing stored).
pub fn migrate<H: Clock + Directory + Storage + Wake>(host: &mut H, from: Option<Version>) -> PluginResult<()> {
    match from {
        Some(version)
            if version
                < (Version {
                    major: 0,
                    minor: 2,
                    patch: 0,
                }) =>
        {
            from_0_1(host)
        }
        _ => Ok(()),
    }
}

fn from_0_1<H: Clock + Directory + Storage + Wake>(host: &mut H) -> PluginResult<()> {
    let now = host.now();
    // New history entries must sort after old ones made in the same millisecond.
    if let Some(seq) = get_json::<u64>(host, keys::LOG_SEQ_0_1)? {
        for project in host.projects() {
            host.kv_set(&keys::log_seq(&project.key), seq.to_string().as_bytes())?;
        }
        host.kv_delete(keys::LOG_SEQ_0_1)?;
    }
    let (start, end) = keys::all_agents();
    let mut cursor = None;
    loop {
        let page = host.kv_scan(ScanRequest {
            start: &start,
            end: &end,
            limit: 500,
            reverse: false,
            cursor,
        })?;
        let mut online = Vec::new();
        for entry in page.entries {
            let record: PresenceRecord = decode_json(&entry.key, &entry.value)?;
            if record.online {
                let (project, user) = keys::parse_agent(&entry.key)?;
                online.push((entry.key, project, user, record));
            }
        }
        let ids: Vec<String> = online.iter().map(|(_, _, user, _)| user.clone()).collect();
        let users = host.users(&ids)?;
        for ((key, project, user, mut record), found) in online.into_iter().zip(users) {
            let name = found.map_or_else(|| user.clone(), |u| u.display_name);
            if !host.has_project_role(&user, &project, ProjectRole::Agent) {
                // 0.1 left such records out of every count; 0.2 takes them offline for good.
                let change = Change {
                    online: false,
                    until: None,
                    cause: ChangeCause::Admin,
                    by: None,
                    at: now,
                };
                write_change(host, &project, &user, Some(record), &change, &name)?;
                continue;
            }
            let entry = keys::online_entry(&project, &name, &user);
            put_json(
                host,
                &entry,
                &OnlineEntry {
                    user: user.clone(),
                    since: record.since,
                    until: record.until,
                    idle_at: None,
                },
            )?;
            host.kv_increment(&keys::online_count(&project), 1)?;
            if let Some(until) = record.until {
                host.kv_set(&keys::ends(&project, until, &user), b"")?;
            }
            record.listed_as = Some(entry);
            put_json(host, &key, &record)?;
        }
        match page.cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    // 0.1's scheduler slept on its own; 0.2 asks to be woken for the next duration's end.
    let ((due_start, _), (_, due_end)) = keys::due_split(0);
    if let Some(first) = first_in(host, &due_start, &due_end)?
        && let Ok((at, _, _)) = keys::parse_due(&first.key)
    {
        host.wake_at(at);
    }
    Ok(())
}
