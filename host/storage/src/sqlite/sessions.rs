//! Login sessions in SQLite, kept by the hash of their token.

use rusqlite::{OptionalExtension, params};

use super::tx::SqliteTx;
use crate::backend::{PendingPasswords, SessionStore, StoreError, StoredSession};

impl SessionStore for SqliteTx {
    fn create_session(
        &mut self,
        session: &str,
        user: &str,
        widget_project: Option<&str>,
        created_ms: i64,
        expires_ms: i64,
    ) -> Result<(), StoreError> {
        self.write_conn()?.execute(
            "INSERT INTO sessions (token_hash, user_id, widget_project, created_ms, expires_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![session, user, widget_project, created_ms, expires_ms],
        )?;
        Ok(())
    }

    fn session_user(&mut self, session: &str, now_ms: i64) -> Result<Option<StoredSession>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT user_id, widget_project FROM sessions WHERE token_hash = ?1 AND expires_ms > ?2")?
            .query_row(params![session, now_ms], |row| {
                Ok(StoredSession {
                    user: row.get(0)?,
                    widget_project: row.get(1)?,
                })
            })
            .optional()?)
    }

    fn delete_session(&mut self, session: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .write_conn()?
            .prepare_cached("DELETE FROM sessions WHERE token_hash = ?1 RETURNING user_id")?
            .query_row(params![session], |row| row.get(0))
            .optional()?)
    }

    fn delete_sessions_of(&mut self, user: &str) -> Result<Vec<String>, StoreError> {
        let mut statement = self
            .write_conn()?
            .prepare_cached("DELETE FROM sessions WHERE user_id = ?1 RETURNING token_hash")?;
        let rows = statement.query_map(params![user], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn expired_sessions(&mut self, now_ms: i64, limit: u32) -> Result<Vec<(String, String)>, StoreError> {
        let mut statement = self.conn().prepare_cached(
            "SELECT user_id, token_hash FROM sessions WHERE expires_ms <= ?1 ORDER BY expires_ms LIMIT ?2 + 0",
        )?;
        let rows = statement.query_map(params![now_ms, limit], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl PendingPasswords for SqliteTx {
    fn keep_pending_password(&mut self, registration: &str, hash: &str, expires_ms: i64) -> Result<(), StoreError> {
        self.write_conn()?.execute(
            "INSERT INTO pending_passwords (registration, password_hash, expires_ms) VALUES (?1, ?2, ?3)",
            params![registration, hash, expires_ms],
        )?;
        Ok(())
    }

    fn take_pending_password(&mut self, registration: &str, now_ms: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .write_conn()?
            .prepare_cached(
                "DELETE FROM pending_passwords WHERE registration = ?1 AND expires_ms > ?2 RETURNING password_hash",
            )?
            .query_row(params![registration, now_ms], |row| row.get(0))
            .optional()?)
    }

    fn prune_pending_passwords(&mut self, now_ms: i64) -> Result<usize, StoreError> {
        Ok(self
            .write_conn()?
            .execute("DELETE FROM pending_passwords WHERE expires_ms <= ?1", params![now_ms])?)
    }
}
