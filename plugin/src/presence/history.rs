//! Reading the presence history (PR-15): every change with who made it, how and when.

use super::keys;
use super::record::PresenceChange;
use crate::error::{PluginError, PluginResult};
use crate::permissions::{require_actor, require_project};
use crate::platform::{CallContext, Platform, ProjectRole, ScanRequest};

/// The most changes one page holds.
pub const MAX_PAGE: u32 = 200;
/// The most stored entries one call reads while filtering by user; past that it returns
/// what it found with a cursor, so a call stays short however sparse the matches are.
const MAX_SCANNED: usize = 2_000;

/// One page of history, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPage {
    /// The changes, newest first.
    pub changes: Vec<PresenceChange>,
    /// Set when older changes may remain: pass it as `before` to read on.
    pub cursor: Option<String>,
}

/// The context project's history, newest first. Project and site admins see everyone's
/// changes and may filter by `user`; an agent sees only their own.
pub fn presence_history<P: Platform + ?Sized>(
    platform: &mut P,
    ctx: &CallContext,
    user: Option<&str>,
    before: Option<&str>,
    limit: u32,
) -> PluginResult<HistoryPage> {
    let actor = require_actor(ctx)?.to_string();
    let project = require_project(platform, ctx)?.to_string();
    if limit == 0 || limit > MAX_PAGE {
        return Err(PluginError::Invalid(format!(
            "limit: from 1 to {MAX_PAGE}, not {limit}"
        )));
    }
    let sees_everyone = platform.has_project_role(&actor, &project, ProjectRole::ProjectAdmin)
        || platform.user(&actor).is_some_and(|u| u.site_admin);
    let only = if sees_everyone {
        user.map(str::to_string)
    } else if platform.has_project_role(&actor, &project, ProjectRole::Agent) {
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
        let page = platform.kv_scan(ScanRequest {
            start: &start,
            end: &end,
            limit: MAX_PAGE,
            reverse: true,
            cursor,
        })?;
        for entry in page.entries {
            scanned += 1;
            let change: PresenceChange = serde_json::from_slice(&entry.value)
                .map_err(|err| PluginError::Unavailable(format!("stored data is corrupt: {}: {err}", entry.key)))?;
            if only.as_deref().is_none_or(|user| user == change.user) {
                changes.push(change);
            }
            if changes.len() == limit as usize || scanned >= MAX_SCANNED {
                return Ok(HistoryPage {
                    changes,
                    cursor: Some(entry.key),
                });
            }
        }
        match page.cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(HistoryPage { changes, cursor: None }),
        }
    }
}
