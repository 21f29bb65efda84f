//! Reading the presence history (PR-15): every change with who made it, how and when.

use super::keys;
use crate::bindings::exports::helpdesk::chat::presence::{PresenceChange, PresenceHistoryPage};
use crate::bindings::helpdesk::chat::types::{CallContext, ProjectRole};
use crate::capabilities::{Directory, ScanRequest, Storage};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{is_site_admin, require_actor, require_project};
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
    user: Option<&str>,
    before: Option<&str>,
    limit: u32,
) -> PluginResult<PresenceHistoryPage> {
    let actor = require_actor(ctx)?.to_string();
    let project = require_project(host, ctx)?.to_string();
    if limit == 0 || limit > MAX_PAGE {
        return Err(PluginError::Invalid(format!(
            "limit: from 1 to {MAX_PAGE}, not {limit}"
        )));
    }
    let sees_everyone =
        host.has_project_role(&actor, &project, ProjectRole::ProjectAdmin) || is_site_admin(host, &actor);
    let only = if sees_everyone {
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
    let (start, end) = keys::log_of(&project);
    if let Some(cursor) = before
        && (cursor < start.as_str() || cursor >= end.as_str())
    {
        return Err(PluginError::Invalid("before: not a cursor of this history".into()));
    }
    let mut changes = Vec::new();
    let mut cursor = before.map(str::to_string);
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
                return Ok(PresenceHistoryPage {
                    changes,
                    cursor: Some(entry.key),
                });
            }
        }
        match page.cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(PresenceHistoryPage { changes, cursor: None }),
        }
    }
}
