//! Reading the presence history (PR-15): every change with who made it, how and when.

use super::keys;
use crate::bindings::exports::helpdesk::chat::presence::{
    HistoryFilter, PresenceChange, PresenceHistoryPage, UserName,
};
use crate::bindings::helpdesk::chat::types::{CallContext, ProjectRole};
use crate::capabilities::{Directory, ScanRequest, Storage};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{administers, require_actor, require_project};
use crate::storage::decode_json;

/// The most changes one page holds.
pub const MAX_PAGE: u32 = 200;
/// The most stored entries one call reads while filtering by user; past that it returns
/// what it found with a cursor, so a call stays short however sparse the matches are.
const MAX_SCANNED: usize = 2_000;

/// The context project's history, newest first. Project and site admins see everyone's
/// changes and may filter by `user`; an agent sees only their own.
pub fn presence_history<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    filter: &HistoryFilter,
    before: Option<&str>,
    limit: Option<u32>,
) -> PluginResult<PresenceHistoryPage> {
    let user = filter.user.as_deref();
    let actor = require_actor(ctx)?.to_string();
    let project = require_project(host, ctx)?.to_string();
    let limit = crate::paging::page_size(limit, MAX_PAGE)?;
    let only = if administers(host, &actor, &project) {
        user.map(str::to_string)
    } else if host.has_project_role(&actor, &project, ProjectRole::Agent) {
        match user {
            None => Some(actor.clone()),
            Some(named) if named == actor => Some(actor.clone()),
            Some(_) => {
                return Err(PluginError::AccessDenied(
                    "agents see only their own presence history".into(),
                ));
            }
        }
    } else {
        return Err(PluginError::AccessDenied(format!(
            "only agents and admins of {project} see its presence history"
        )));
    };
    if let (Some(since), Some(until)) = (filter.since, filter.until)
        && until < since
    {
        return Err(PluginError::Invalid("until: before since".into()));
    }
    let (whole_start, whole_end) = keys::log_of(&project);
    let start = filter
        .since
        .map_or(whole_start.clone(), |since| keys::log_entry(&project, since, 0));
    let end = filter
        .until
        .map_or(whole_end, |until| keys::log_entry(&project, until, 0));
    let cursor_key = before
        .map(|cursor| decode_cursor(&project, cursor).filter(|key| *key >= whole_start))
        .map(|key| key.ok_or_else(|| PluginError::Invalid("before: not a cursor of this history".into())))
        .transpose()?;
    let mut changes = Vec::new();
    let mut cursor = cursor_key.filter(|key| *key < end);
    if before.is_some() && cursor.is_none() {
        return page_of(host, changes, None);
    }
    let mut scanned = 0;
    loop {
        let page = host.kv_scan(ScanRequest {
            start: &start,
            end: &end,
            limit: MAX_PAGE,
            reverse: true,
            cursor,
        })?;
        for entry in page.entries {
            scanned += 1;
            let change: PresenceChange = decode_json(&entry.key, &entry.value)?;
            if only.as_deref().is_none_or(|user| user == change.user) {
                changes.push(change);
            }
            if changes.len() == limit as usize || scanned >= MAX_SCANNED {
                let next = encode_cursor(&entry.key);
                return page_of(host, changes, next);
            }
        }
        match page.cursor {
            Some(next) => cursor = Some(next),
            None => return page_of(host, changes, None),
        }
    }
}

/// The page, with the display names of everyone its changes name.
fn page_of(
    directory: &impl Directory,
    changes: Vec<PresenceChange>,
    cursor: Option<String>,
) -> PluginResult<PresenceHistoryPage> {
    let mut ids: Vec<String> = changes
        .iter()
        .flat_map(|c| std::iter::once(c.user.clone()).chain(c.by.clone()))
        .collect();
    ids.sort();
    ids.dedup();
    let names = directory
        .users(&ids)?
        .into_iter()
        .flatten()
        .map(|user| UserName {
            user: user.id,
            display_name: user.display_name,
        })
        .collect();
    Ok(PresenceHistoryPage { changes, names, cursor })
}

/// A cursor for clients: the entry's time and number (`<ms>.<seq>`), not a storage key.
fn encode_cursor(key: &str) -> Option<String> {
    let (at, seq) = keys::parse_log_entry(key)?;
    Some(format!("{at}.{seq}"))
}

/// The storage key a cursor of this project's history stands for.
fn decode_cursor(project: &str, cursor: &str) -> Option<String> {
    let (at, seq) = cursor.split_once('.')?;
    Some(keys::log_entry(project, at.parse().ok()?, seq.parse().ok()?))
}
