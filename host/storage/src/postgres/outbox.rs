//! The mail outbox in PostgreSQL, the wake-up times, failed logins and the host's markers.
//! What several nodes may reach for at once (due mail, due wake-ups) is taken with
//! `FOR UPDATE SKIP LOCKED`: one node gets each row, the others pass it by without waiting.

use postgres::Row;

use super::tx::PgTx;
use crate::backend::{LoginFailures, MailOutbox, MailRetry, Meta, OutboxMail, StoreError, WakeUps};

const MAIL_COLUMNS: &str = "id, recipients, subject, body, created_ms, sent_ms, attempts, last_error, failed_ms";

fn mail_from_row(row: &Row) -> OutboxMail {
    let recipients: &str = row.get(1);
    OutboxMail {
        id: row.get(0),
        to: recipients.split(", ").map(str::to_string).collect(),
        subject: row.get(2),
        body: row.get(3),
        queued_ms: row.get(4),
        sent_ms: row.get(5),
        attempts: row.get(6),
        last_error: row.get(7),
        failed_ms: row.get(8),
    }
}

impl MailOutbox for PgTx {
    fn queue_mail(&mut self, to: &[String], subject: &str, body: &str, now_ms: i64) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO mail_outbox (recipients, subject, body, created_ms) VALUES ($1, $2, $3, $4)",
            &[&to.join(", "), &subject, &body, &now_ms],
        )?;
        Ok(())
    }

    fn list_mail(&mut self, before: Option<i64>, limit: u32) -> Result<Vec<OutboxMail>, StoreError> {
        Ok(self
            .rows(
                &format!("SELECT {MAIL_COLUMNS} FROM mail_outbox WHERE id < $1 ORDER BY id DESC LIMIT $2"),
                &[&before.unwrap_or(i64::MAX), &i64::from(limit)],
            )?
            .iter()
            .map(mail_from_row)
            .collect())
    }

    fn claim_due_mail(&mut self, now_ms: i64, lease_until_ms: i64, limit: u32) -> Result<Vec<OutboxMail>, StoreError> {
        let mut claimed: Vec<OutboxMail> = self
            .write_rows(
                &format!(
                    "UPDATE mail_outbox SET next_attempt_ms = $2 WHERE id IN (
                         SELECT id FROM mail_outbox WHERE sent_ms IS NULL AND next_attempt_ms <= $1
                         ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
                     RETURNING {MAIL_COLUMNS}"
                ),
                &[&now_ms, &lease_until_ms, &i64::from(limit)],
            )?
            .iter()
            .map(mail_from_row)
            .collect();
        claimed.sort_by_key(|mail| mail.id);
        Ok(claimed)
    }

    fn mail_sent(&mut self, id: i64, now_ms: i64) -> Result<(), StoreError> {
        self.execute(
            "UPDATE mail_outbox SET sent_ms = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1",
            &[&id, &now_ms],
        )?;
        Ok(())
    }

    fn mail_failed(&mut self, id: i64, error: &str, retry: MailRetry) -> Result<(), StoreError> {
        let (next_attempt_ms, failed_ms) = retry.columns();
        self.execute(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_ms = $3, failed_ms = $4
             WHERE id = $1",
            &[&id, &error, &next_attempt_ms, &failed_ms],
        )?;
        Ok(())
    }
}

impl WakeUps for PgTx {
    fn wake_at(&mut self, at_ms: i64) -> Result<(), StoreError> {
        self.execute("INSERT INTO wakeups (at) VALUES ($1) ON CONFLICT DO NOTHING", &[&at_ms])?;
        self.earliest_wake = Some(self.earliest_wake.map_or(at_ms, |earliest| earliest.min(at_ms)));
        Ok(())
    }

    fn take_due(&mut self, now_ms: i64) -> Result<bool, StoreError> {
        // Two nodes woken for the same time: one takes the rows and runs the due work, the
        // other finds them locked, passes them by and does nothing.
        Ok(self.execute(
            "DELETE FROM wakeups WHERE at IN (
                 SELECT at FROM wakeups WHERE at <= $1 FOR UPDATE SKIP LOCKED)",
            &[&now_ms],
        )? > 0)
    }

    fn next_wake(&mut self) -> Result<Option<i64>, StoreError> {
        Ok(self.row("SELECT min(at) FROM wakeups", &[])?.and_then(|row| row.get(0)))
    }
}

impl LoginFailures for PgTx {
    fn record_login_failure(&mut self, keys: &[String], now_ms: i64) -> Result<(), StoreError> {
        for key in keys {
            self.execute("INSERT INTO login_failures (key, at) VALUES ($1, $2)", &[key, &now_ms])?;
        }
        Ok(())
    }

    fn login_failures(&mut self, key: &str, since_ms: i64) -> Result<Vec<i64>, StoreError> {
        Ok(self
            .rows(
                "SELECT at FROM login_failures WHERE key = $1 AND at >= $2 ORDER BY at",
                &[&key, &since_ms],
            )?
            .iter()
            .map(|row| row.get(0))
            .collect())
    }

    fn clear_login_failures(&mut self, key: &str) -> Result<(), StoreError> {
        self.execute("DELETE FROM login_failures WHERE key = $1", &[&key])?;
        Ok(())
    }

    fn forget_login_failure(&mut self, key: &str, at_ms: i64) -> Result<(), StoreError> {
        self.execute(
            "DELETE FROM login_failures WHERE id = (SELECT id FROM login_failures WHERE key = $1 AND at = $2 LIMIT 1)",
            &[&key, &at_ms],
        )?;
        Ok(())
    }

    fn prune_login_failures(&mut self, before_ms: i64) -> Result<usize, StoreError> {
        Ok(self.execute("DELETE FROM login_failures WHERE at < $1", &[&before_ms])? as usize)
    }
}

impl Meta for PgTx {
    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .row("SELECT value FROM meta WHERE key = $1", &[&key])?
            .map(|row| row.get(0)))
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
        Ok(())
    }
}
