//! The mail outbox in SQLite, the wake-up times, failed logins and the host's markers.

use rusqlite::{OptionalExtension, params};

use super::tx::SqliteTx;
use crate::backend::{LoginFailures, MailOutbox, MailRetry, Meta, OutboxMail, StoreError, WakeUps};

impl MailOutbox for SqliteTx {
    fn queue_mail(&mut self, to: &[String], subject: &str, body: &str, now_ms: i64) -> Result<(), StoreError> {
        self.write_conn()?.execute(
            "INSERT INTO mail_outbox (recipients, subject, body, created_ms) VALUES (?1, ?2, ?3, ?4)",
            params![to.join(", "), subject, body, now_ms],
        )?;
        Ok(())
    }

    fn list_mail(&mut self, before: Option<i64>, limit: u32) -> Result<Vec<OutboxMail>, StoreError> {
        let mut statement = self.conn().prepare_cached(&format!(
            "SELECT {MAIL_COLUMNS} FROM mail_outbox WHERE id < ?1 ORDER BY id DESC LIMIT ?2 + 0"
        ))?;
        let rows = statement.query_map(params![before.unwrap_or(i64::MAX), limit], mail_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn claim_due_mail(&mut self, now_ms: i64, lease_until_ms: i64, limit: u32) -> Result<Vec<OutboxMail>, StoreError> {
        let mut statement = self.write_conn()?.prepare_cached(&format!(
            "UPDATE mail_outbox SET next_attempt_ms = ?2 WHERE id IN (
                 SELECT id FROM mail_outbox WHERE sent_ms IS NULL AND next_attempt_ms <= ?1
                 ORDER BY id LIMIT ?3 + 0)
             RETURNING {MAIL_COLUMNS}"
        ))?;
        let rows = statement.query_map(params![now_ms, lease_until_ms, limit], mail_row)?;
        let mut claimed: Vec<OutboxMail> = rows.collect::<Result<_, _>>()?;
        claimed.sort_by_key(|mail| mail.id);
        Ok(claimed)
    }

    fn mail_sent(&mut self, id: i64, now_ms: i64) -> Result<(), StoreError> {
        self.write_conn()?.execute(
            "UPDATE mail_outbox SET sent_ms = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1",
            params![id, now_ms],
        )?;
        Ok(())
    }

    fn mail_failed(&mut self, id: i64, error: &str, retry: MailRetry) -> Result<(), StoreError> {
        let (next_attempt_ms, failed_ms) = retry.columns();
        self.write_conn()?.execute(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_ms = ?3, failed_ms = ?4
             WHERE id = ?1",
            params![id, error, next_attempt_ms, failed_ms],
        )?;
        Ok(())
    }
}

const MAIL_COLUMNS: &str = "id, recipients, subject, body, created_ms, sent_ms, attempts, last_error, failed_ms";

fn mail_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxMail> {
    let recipients: String = row.get(1)?;
    Ok(OutboxMail {
        id: row.get(0)?,
        to: recipients.split(", ").map(str::to_string).collect(),
        subject: row.get(2)?,
        body: row.get(3)?,
        queued_ms: row.get(4)?,
        sent_ms: row.get(5)?,
        attempts: row.get(6)?,
        last_error: row.get(7)?,
        failed_ms: row.get(8)?,
    })
}

impl WakeUps for SqliteTx {
    fn wake_at(&mut self, at_ms: i64) -> Result<(), StoreError> {
        self.write_conn()?
            .prepare_cached("INSERT OR IGNORE INTO wakeups (at) VALUES (?1)")?
            .execute(params![at_ms])?;
        self.earliest_wake = Some(self.earliest_wake.map_or(at_ms, |earliest| earliest.min(at_ms)));
        Ok(())
    }

    fn take_due(&mut self, now_ms: i64) -> Result<bool, StoreError> {
        Ok(self
            .write_conn()?
            .prepare_cached("DELETE FROM wakeups WHERE at <= ?1")?
            .execute(params![now_ms])?
            > 0)
    }

    fn next_wake(&mut self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT min(at) FROM wakeups")?
            .query_row([], |row| row.get(0))?)
    }
}

impl LoginFailures for SqliteTx {
    fn record_login_failure(&mut self, keys: &[String], now_ms: i64) -> Result<(), StoreError> {
        let conn = self.write_conn()?;
        for key in keys {
            conn.prepare_cached("INSERT INTO login_failures (key, at) VALUES (?1, ?2)")?
                .execute(params![key, now_ms])?;
        }
        Ok(())
    }

    fn login_failures(&mut self, key: &str, since_ms: i64) -> Result<Vec<i64>, StoreError> {
        let mut statement = self
            .conn()
            .prepare_cached("SELECT at FROM login_failures WHERE key = ?1 AND at >= ?2 ORDER BY at")?;
        let rows = statement.query_map(params![key, since_ms], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn clear_login_failures(&mut self, key: &str) -> Result<(), StoreError> {
        self.write_conn()?
            .prepare_cached("DELETE FROM login_failures WHERE key = ?1")?
            .execute(params![key])?;
        Ok(())
    }

    fn forget_login_failure(&mut self, key: &str, at_ms: i64) -> Result<(), StoreError> {
        self.write_conn()?
            .prepare_cached(
                "DELETE FROM login_failures WHERE rowid = \
                 (SELECT rowid FROM login_failures WHERE key = ?1 AND at = ?2 LIMIT 1)",
            )?
            .execute(params![key, at_ms])?;
        Ok(())
    }

    fn prune_login_failures(&mut self, before_ms: i64) -> Result<usize, StoreError> {
        Ok(self
            .write_conn()?
            .execute("DELETE FROM login_failures WHERE at < ?1", params![before_ms])?)
    }
}

impl Meta for SqliteTx {
    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row(params![key], |row| row.get(0))
            .optional()?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.write_conn()?.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}
