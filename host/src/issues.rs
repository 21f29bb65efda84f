//! The tracker's issues and issue history: the host's rules for them (the same for the REST
//! API, the site file and the plugin's `issues` import), over the store.

use crate::contract::helpdesk::chat::directory::User;
use crate::contract::helpdesk::chat::issues::{HistoryEntry, HistoryKind, Issue};
use crate::contract::helpdesk::chat::types::ProjectRole;
use crate::storage::{IssueRecords, StoreError};
use crate::validate::{self, TextRule};

/// The largest history entry body, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The most history entries one read returns.
pub const MAX_HISTORY_PAGE: u32 = 500;

/// A history entry's body: multiline text, at most 64 KiB (checked in bytes below).
const BODY: TextRule = TextRule {
    field: "body",
    max_chars: MAX_BODY_BYTES,
    multiline: true,
};

/// Why an issue operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The issue or project does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The input is unusable (for example an empty summary or body); the message says which field.
    #[error("{0}")]
    Invalid(String),
    /// A history body is over 64 KiB.
    #[error("{0}")]
    LimitExceeded(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The projects whose issues `user` may browse: every project for a site admin; the
/// projects where they are staff; and, for a licensed member, every project open to members.
pub fn browsable_projects(tx: &mut dyn IssueRecords, user: &User) -> Result<Vec<String>, StoreError> {
    let mut browsable = Vec::new();
    for project in tx.list_projects()? {
        if may_browse(tx, user, &project.key)? {
            browsable.push(project.key);
        }
    }
    Ok(browsable)
}

/// Whether `user` may browse the issues of `project` (the tracker's browse permission).
pub fn may_browse(tx: &mut dyn IssueRecords, user: &User, project: &str) -> Result<bool, StoreError> {
    if user.site_admin {
        return Ok(tx.project(project)?.is_some());
    }
    for role in [ProjectRole::Agent, ProjectRole::ProjectAdmin] {
        if tx.has_role(&user.id, project, role)? {
            return Ok(true);
        }
    }
    Ok(user.member && tx.members_browse(project)?)
}

/// Whether the user `user_id` may see the issue `key`: false for an unknown user or issue.
pub fn may_see_issue(tx: &mut dyn IssueRecords, user_id: &str, key: &str) -> Result<bool, StoreError> {
    let (Some(user), Some(issue)) = (tx.user(user_id)?, tx.issue(key)?) else {
        return Ok(false);
    };
    may_browse(tx, &user, &issue.project)
}

/// Creates an issue with the project's next number.
pub fn create_issue(
    tx: &mut dyn IssueRecords,
    project: &str,
    summary: &str,
    reporter: Option<&str>,
) -> Result<Issue, IssueError> {
    let summary = validate::text(summary, validate::SUMMARY).map_err(IssueError::Invalid)?;
    if tx.project(project)?.is_none() {
        return Err(IssueError::NotFound(format!("project {project} does not exist")));
    }
    Ok(tx.insert_issue(project, &summary, reporter)?)
}

/// Appends a history entry and returns its id.
pub fn append_history(
    tx: &mut dyn IssueRecords,
    issue: &str,
    author: Option<&str>,
    kind: HistoryKind,
    body: &str,
    now_ms: i64,
) -> Result<u64, IssueError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(IssueError::LimitExceeded(format!(
            "body: at most {MAX_BODY_BYTES} bytes"
        )));
    }
    let body = validate::text(body, BODY).map_err(IssueError::Invalid)?;
    if tx.issue(issue)?.is_none() {
        return Err(IssueError::NotFound(format!("issue {issue} does not exist")));
    }
    Ok(tx.append_history(issue, author, kind, &body, now_ms)?)
}

/// Up to `limit` entries after `after`, oldest first; only entries of `kind` when given
/// (the "comments only" view).
pub fn history(
    tx: &mut dyn IssueRecords,
    issue: &str,
    after: Option<u64>,
    limit: u32,
    kind: Option<HistoryKind>,
) -> Result<Vec<HistoryEntry>, IssueError> {
    if tx.issue(issue)?.is_none() {
        return Err(IssueError::NotFound(format!("issue {issue} does not exist")));
    }
    Ok(tx.history(issue, after, limit.min(MAX_HISTORY_PAGE), kind)?)
}
