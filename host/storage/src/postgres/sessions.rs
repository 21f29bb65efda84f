//! Login sessions in PostgreSQL, kept by the hash of their token.

use super::tx::PgTx;
use crate::backend::{PendingPasswords, SessionStore, StoreError, StoredSession};

impl SessionStore for PgTx {
    fn create_session(
        &mut self,
        session: &str,
        user: &str,
        widget_project: Option<&str>,
        created_ms: i64,
        expires_ms: i64,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO sessions (token_hash, user_id, widget_project, created_ms, expires_ms)
             VALUES ($1, $2, $3, $4, $5)",
            &[&session, &user, &widget_project, &created_ms, &expires_ms],
        )?;
        Ok(())
    }

    fn session_user(&mut self, session: &str, now_ms: i64) -> Result<Option<StoredSession>, StoreError> {
        Ok(self
            .row(
                "SELECT user_id, widget_project FROM sessions WHERE token_hash = $1 AND expires_ms > $2",
                &[&session, &now_ms],
            )?
            .map(|row| StoredSession {
                user: row.get(0),
                widget_project: row.get(1),
            }))
    }

    fn delete_session(&mut self, session: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .write_rows(
                "DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id",
                &[&session],
            )?
            .first()
            .map(|row| row.get(0)))
    }

    fn delete_sessions_of(&mut self, user: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .write_rows("DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash", &[&user])?
            .iter()
            .map(|row| row.get(0))
            .collect())
    }

    fn expired_sessions(&mut self, now_ms: i64, limit: u32) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self
            .rows(
                "SELECT user_id, token_hash FROM sessions WHERE expires_ms <= $1 ORDER BY expires_ms LIMIT $2",
                &[&now_ms, &i64::from(limit)],
            )?
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect())
    }
}

impl PendingPasswords for PgTx {
    fn keep_pending_password(&mut self, registration: &str, hash: &str, expires_ms: i64) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO pending_passwords (registration, password_hash, expires_ms) VALUES ($1, $2, $3)",
            &[&registration, &hash, &expires_ms],
        )?;
        Ok(())
    }

    fn take_pending_password(&mut self, registration: &str, now_ms: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .write_rows(
                "DELETE FROM pending_passwords WHERE registration = $1 AND expires_ms > $2 RETURNING password_hash",
                &[&registration, &now_ms],
            )?
            .first()
            .map(|row| row.get(0)))
    }

    fn prune_pending_passwords(&mut self, now_ms: i64) -> Result<usize, StoreError> {
        Ok(self.execute("DELETE FROM pending_passwords WHERE expires_ms <= $1", &[&now_ms])? as usize)
    }
}
