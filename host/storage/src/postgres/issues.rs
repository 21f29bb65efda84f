//! Issues and their history in PostgreSQL.

use postgres::Row;

use super::tx::PgTx;
use crate::backend::{IssueStore, StoreError};
use helpdesk_contract::helpdesk::chat::issues::{HistoryEntry, HistoryKind, Issue};

fn kind_name(kind: HistoryKind) -> &'static str {
    match kind {
        HistoryKind::Comment => "comment",
        HistoryKind::Change => "change",
    }
}

fn issue_from_row(row: &Row) -> Issue {
    Issue {
        key: row.get(0),
        project: row.get(1),
        summary: row.get(2),
    }
}

impl IssueStore for PgTx {
    fn issue(&mut self, key: &str) -> Result<Option<Issue>, StoreError> {
        Ok(self
            .row("SELECT key, project, summary FROM issues WHERE key = $1", &[&key])?
            .as_ref()
            .map(issue_from_row))
    }

    fn list_issues(&mut self, projects: &[String], limit: u32) -> Result<Vec<Issue>, StoreError> {
        Ok(self
            .rows(
                "SELECT key, project, summary FROM issues WHERE project = ANY($1)
                 ORDER BY seq DESC LIMIT $2",
                &[&projects, &i64::from(limit)],
            )?
            .iter()
            .map(issue_from_row)
            .collect())
    }

    fn insert_issue(&mut self, project: &str, summary: &str, reporter: Option<&str>) -> Result<Issue, StoreError> {
        // The next number is read and taken in one SERIALIZABLE transaction: two nodes
        // numbering the same project at once conflict, and the loser runs again.
        let number: i64 = self
            .write_rows(
                "SELECT coalesce(max(number), 0) + 1 FROM issues WHERE project = $1",
                &[&project],
            )?
            .first()
            .map_or(1, |row| row.get(0));
        let key = format!("{project}-{number}");
        let inserted = self.execute(
            "INSERT INTO issues (key, project, summary, reporter, number) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING",
            &[&key, &project, &summary, &reporter, &number],
        )?;
        if inserted == 0 {
            // Another node took the number between the read and the insert, and the
            // database said so as a duplicate rather than a serialization failure: the
            // same conflict, so the job runs again and reads the next number.
            self.conflicted = true;
            self.failed = true;
            return Err(StoreError::Backend(format!(
                "issue number {key} was taken concurrently"
            )));
        }
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
        let rows = self.write_rows(
            "INSERT INTO issue_history (issue_key, author, kind, body, created_ms) VALUES ($1, $2, $3, $4, $5)
             RETURNING id",
            &[&issue, &author, &kind_name(kind), &body, &now_ms],
        )?;
        Ok(rows.first().map_or(0, |row| row.get::<_, i64>(0)) as u64)
    }

    fn history(
        &mut self,
        issue: &str,
        after: Option<u64>,
        limit: u32,
        kind: Option<HistoryKind>,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        let after = i64::try_from(after.unwrap_or(0)).unwrap_or(i64::MAX);
        let rows = self.rows(
            "SELECT id, author, kind, body, created_ms FROM issue_history
             WHERE issue_key = $1 AND id > $2 AND ($4::text IS NULL OR kind = $4) ORDER BY id LIMIT $3",
            &[&issue, &after, &i64::from(limit), &kind.map(kind_name)],
        )?;
        Ok(rows
            .iter()
            .map(|row| HistoryEntry {
                id: row.get::<_, i64>(0) as u64,
                author: row.get(1),
                kind: if row.get::<_, &str>(2) == "comment" {
                    HistoryKind::Comment
                } else {
                    HistoryKind::Change
                },
                body: row.get(3),
                created: row.get::<_, i64>(4) as u64,
            })
            .collect())
    }
}
