//! The tracker's issues and issue history, kept in SQLite.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// The longest issue summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 255;
/// The largest history entry body, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The most history entries one read returns.
pub const MAX_HISTORY_PAGE: u32 = 500;

/// An issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// The project key and a number (for example `SUP-12`).
    pub key: String,
    /// The key of the project the issue belongs to.
    pub project: String,
    /// A one-line title; 1 to 255 characters.
    pub summary: String,
}

/// One history entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// Increasing across the site; pass the last one seen as `after` to read on.
    pub id: i64,
    /// The user who wrote it; `None` when written on nobody's behalf.
    pub author: Option<String>,
    /// `comment` or `change`.
    pub kind: String,
    /// The text; at most 64 KiB.
    pub body: String,
    /// When it was added (ms since the epoch).
    pub created_ms: i64,
}

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
    /// The database failed.
    #[error("storage failed: {0}")]
    Storage(#[from] rusqlite::Error),
}

/// The issue with this key.
pub fn get_issue(conn: &Connection, key: &str) -> rusqlite::Result<Option<Issue>> {
    conn.prepare_cached("SELECT key, project, summary FROM issues WHERE key = ?1")?
        .query_row(params![key], |row| {
            Ok(Issue {
                key: row.get(0)?,
                project: row.get(1)?,
                summary: row.get(2)?,
            })
        })
        .optional()
}

/// Creates an issue with the project's next number.
pub fn create_issue(
    conn: &Connection,
    project: &str,
    summary: &str,
    reporter: Option<&str>,
) -> Result<Issue, IssueError> {
    let summary = summary.trim();
    if summary.is_empty() {
        return Err(IssueError::Invalid("summary: must not be empty".into()));
    }
    if summary.chars().count() > MAX_SUMMARY_CHARS {
        return Err(IssueError::Invalid(format!(
            "summary: at most {MAX_SUMMARY_CHARS} characters"
        )));
    }
    if crate::directory::get_project(conn, project)?.is_none() {
        return Err(IssueError::NotFound(format!("project {project} does not exist")));
    }
    let number: i64 = conn.query_row(
        "SELECT coalesce(max(number), 0) + 1 FROM issues WHERE project = ?1",
        params![project],
        |r| r.get(0),
    )?;
    let key = format!("{project}-{number}");
    conn.execute(
        "INSERT INTO issues (key, project, summary, reporter, number) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![key, project, summary, reporter, number],
    )?;
    Ok(Issue {
        key,
        project: project.into(),
        summary: summary.into(),
    })
}

/// Appends a history entry and returns its id.
pub fn append_history(
    conn: &Connection,
    issue: &str,
    author: Option<&str>,
    kind: &str,
    body: &str,
    now_ms: i64,
) -> Result<i64, IssueError> {
    if body.trim().is_empty() {
        return Err(IssueError::Invalid("body: must not be empty".into()));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(IssueError::LimitExceeded(format!(
            "body: at most {MAX_BODY_BYTES} bytes"
        )));
    }
    if get_issue(conn, issue)?.is_none() {
        return Err(IssueError::NotFound(format!("issue {issue} does not exist")));
    }
    conn.execute(
        "INSERT INTO issue_history (issue_key, author, kind, body, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![issue, author, kind, body, now_ms],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Up to `limit` entries after `after`, oldest first; only entries of `kind` when given
/// (the "comments only" view).
pub fn history(
    conn: &Connection,
    issue: &str,
    after: Option<i64>,
    limit: u32,
    kind: Option<&str>,
) -> Result<Vec<HistoryEntry>, IssueError> {
    if get_issue(conn, issue)?.is_none() {
        return Err(IssueError::NotFound(format!("issue {issue} does not exist")));
    }
    let mut statement = conn.prepare_cached(
        "SELECT id, author, kind, body, created_ms FROM issue_history
         WHERE issue_key = ?1 AND id > ?2 AND (?4 IS NULL OR kind = ?4) ORDER BY id LIMIT ?3",
    )?;
    let rows = statement.query_map(
        params![issue, after.unwrap_or(0), limit.min(MAX_HISTORY_PAGE), kind],
        |row| {
            Ok(HistoryEntry {
                id: row.get(0)?,
                author: row.get(1)?,
                kind: row.get(2)?,
                body: row.get(3)?,
                created_ms: row.get(4)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}
