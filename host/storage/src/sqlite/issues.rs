//! Issues and their history in SQLite.

use rusqlite::{OptionalExtension, params};

use super::tx::SqliteTx;
use crate::backend::{IssueStore, StoreError};
use helpdesk_contract::helpdesk::chat::issues::{HistoryEntry, HistoryKind, Issue};

fn kind_name(kind: HistoryKind) -> &'static str {
    match kind {
        HistoryKind::Comment => "comment",
        HistoryKind::Change => "change",
    }
}

impl IssueStore for SqliteTx {
    fn issue(&mut self, key: &str) -> Result<Option<Issue>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT key, project, summary FROM issues WHERE key = ?1")?
            .query_row(params![key], |row| {
                Ok(Issue {
                    key: row.get(0)?,
                    project: row.get(1)?,
                    summary: row.get(2)?,
                })
            })
            .optional()?)
    }

    fn list_issues(&mut self, projects: &[String], limit: u32) -> Result<Vec<Issue>, StoreError> {
        let projects = serde_json::to_string(projects).map_err(|err| StoreError::Backend(err.to_string()))?;
        let mut statement = self.conn().prepare_cached(
            "SELECT key, project, summary FROM issues WHERE project IN (SELECT value FROM json_each(?1))
             ORDER BY rowid DESC LIMIT ?2",
        )?;
        let rows = statement.query_map(params![projects, limit], |row| {
            Ok(Issue {
                key: row.get(0)?,
                project: row.get(1)?,
                summary: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn insert_issue(&mut self, project: &str, summary: &str, reporter: Option<&str>) -> Result<Issue, StoreError> {
        let conn = self.write_conn()?;
        let number: i64 = conn.query_row(
            "SELECT coalesce(max(number), 0) + 1 FROM issues WHERE project = ?1",
            params![project],
            |row| row.get(0),
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

    fn append_history(
        &mut self,
        issue: &str,
        author: Option<&str>,
        kind: HistoryKind,
        body: &str,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let conn = self.write_conn()?;
        conn.execute(
            "INSERT INTO issue_history (issue_key, author, kind, body, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![issue, author, kind_name(kind), body, now_ms],
        )?;
        Ok(conn.last_insert_rowid() as u64)
    }

    fn history(
        &mut self,
        issue: &str,
        after: Option<u64>,
        limit: u32,
        kind: Option<HistoryKind>,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        let mut statement = self.conn().prepare_cached(
            "SELECT id, author, kind, body, created_ms FROM issue_history
             WHERE issue_key = ?1 AND id > ?2 AND (?4 IS NULL OR kind = ?4) ORDER BY id LIMIT ?3 + 0",
        )?;
        let after = i64::try_from(after.unwrap_or(0)).unwrap_or(i64::MAX);
        let rows = statement.query_map(params![issue, after, limit, kind.map(kind_name)], |row| {
            let kind: String = row.get(2)?;
            Ok(HistoryEntry {
                id: row.get::<_, i64>(0)? as u64,
                author: row.get(1)?,
                kind: if kind == "comment" {
                    HistoryKind::Comment
                } else {
                    HistoryKind::Change
                },
                body: row.get(3)?,
                created: row.get::<_, i64>(4)? as u64,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
