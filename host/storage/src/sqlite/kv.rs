//! The plugin's key-value space in the `kv` table.

use rusqlite::{OptionalExtension, params};

use super::tx::SqliteTx;
use crate::backend::{KvStore, StoreError};
use crate::kv_rules::{
    MAX_SCAN_LIMIT, add_to_counter, check_key, check_keys, check_scan, check_value, counter_value, page_of,
};
use helpdesk_contract::helpdesk::chat::storage::{Entry, ScanPage};

impl SqliteTx {
    fn kv_read(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT value FROM kv WHERE key = ?1")?
            .query_row(params![key], |row| row.get(0))
            .optional()?)
    }
}

impl KvStore for SqliteTx {
    fn kv_get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        check_key(key)?;
        self.kv_read(key)
    }

    fn kv_get_many(&mut self, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        check_keys(keys)?;
        keys.iter().map(|key| self.kv_read(key)).collect()
    }

    fn kv_set(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        check_key(key)?;
        check_value(value)?;
        self.write_conn()?
            .prepare_cached(
                "INSERT INTO kv (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![key, value])?;
        Ok(())
    }

    fn kv_delete(&mut self, key: &str) -> Result<bool, StoreError> {
        check_key(key)?;
        Ok(self
            .write_conn()?
            .prepare_cached("DELETE FROM kv WHERE key = ?1")?
            .execute(params![key])?
            > 0)
    }

    fn kv_increment(&mut self, key: &str, delta: i64) -> Result<i64, StoreError> {
        check_key(key)?;
        self.write_conn()?;
        // One writer at a time on SQLite: a read and a write in one transaction is atomic.
        let current = counter_value(key, self.kv_read(key)?.as_deref())?;
        let next = add_to_counter(current, delta)?;
        self.kv_set(key, next.to_string().as_bytes())?;
        Ok(next)
    }

    fn kv_scan(
        &mut self,
        start: &str,
        end: &str,
        limit: u32,
        reverse: bool,
        cursor: Option<&str>,
    ) -> Result<ScanPage, StoreError> {
        check_scan(start, end, cursor)?;
        let limit = limit.clamp(1, MAX_SCAN_LIMIT);
        // Read one more than asked, to know whether a next page exists.
        let fetch = i64::from(limit) + 1;
        let conn = self.conn();
        // `LIMIT ?3 + 0`, not `LIMIT ?3`: SQLite plans with a bare bound limit's value and
        // prepares the statement again whenever it changes; an expression keeps one plan.
        let mut statement = match (reverse, cursor.is_some()) {
            (false, false) => {
                conn.prepare_cached("SELECT key, value FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key LIMIT ?3 + 0")?
            }
            (false, true) => conn.prepare_cached(
                "SELECT key, value FROM kv WHERE key > ?4 AND key >= ?1 AND key < ?2 ORDER BY key LIMIT ?3 + 0",
            )?,
            (true, false) => conn.prepare_cached(
                "SELECT key, value FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key DESC LIMIT ?3 + 0",
            )?,
            (true, true) => conn.prepare_cached(
                "SELECT key, value FROM kv WHERE key < ?4 AND key >= ?1 AND key < ?2 ORDER BY key DESC LIMIT ?3 + 0",
            )?,
        };
        let read = |row: &rusqlite::Row<'_>| {
            Ok(Entry {
                key: row.get(0)?,
                value: row.get(1)?,
            })
        };
        let entries: Vec<Entry> = match cursor {
            Some(cursor) => statement
                .query_map(params![start, end, fetch, cursor], read)?
                .collect::<Result<_, _>>()?,
            None => statement
                .query_map(params![start, end, fetch], read)?
                .collect::<Result<_, _>>()?,
        };
        Ok(page_of(entries, limit))
    }
}
