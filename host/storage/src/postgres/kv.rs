//! The plugin's key-value space in the `kv` table.

use super::tx::PgTx;
use crate::backend::{KvStore, StoreError};
use crate::kv_rules::{
    MAX_SCAN_LIMIT, add_to_counter, check_key, check_keys, check_scan, check_value, counter_value, page_of,
};
use helpdesk_contract::helpdesk::chat::storage::{Entry, ScanPage};

impl PgTx {
    fn kv_read(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .row("SELECT value FROM kv WHERE key = $1", &[&key])?
            .map(|row| row.get(0)))
    }
}

impl KvStore for PgTx {
    fn kv_get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        check_key(key)?;
        self.kv_read(key)
    }

    fn kv_get_many(&mut self, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        check_keys(keys)?;
        // One round trip for the whole batch, answered in the order asked.
        let rows = self.rows(
            "SELECT k.key, kv.value FROM unnest($1::text[]) AS k(key) LEFT JOIN kv ON kv.key = k.key",
            &[&keys],
        )?;
        let found: std::collections::HashMap<String, Option<Vec<u8>>> =
            rows.into_iter().map(|row| (row.get(0), row.get(1))).collect();
        // A key asked for twice is answered twice, as on SQLite.
        Ok(keys.iter().map(|key| found.get(key).cloned().flatten()).collect())
    }

    fn kv_set(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        check_key(key)?;
        check_value(value)?;
        self.execute(
            "INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    fn kv_delete(&mut self, key: &str) -> Result<bool, StoreError> {
        check_key(key)?;
        Ok(self.execute("DELETE FROM kv WHERE key = $1", &[&key])? > 0)
    }

    fn kv_increment(&mut self, key: &str, delta: i64) -> Result<i64, StoreError> {
        check_key(key)?;
        self.check_writable()?;
        // Read and write in one SERIALIZABLE transaction: a concurrent increment on another
        // node makes one of them lose and run again, so no increment is lost.
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
        let sql = match (reverse, cursor.is_some()) {
            (false, false) => "SELECT key, value FROM kv WHERE key >= $1 AND key < $2 ORDER BY key LIMIT $3",
            (false, true) => {
                "SELECT key, value FROM kv WHERE key > $4 AND key >= $1 AND key < $2 ORDER BY key LIMIT $3"
            }
            (true, false) => "SELECT key, value FROM kv WHERE key >= $1 AND key < $2 ORDER BY key DESC LIMIT $3",
            (true, true) => {
                "SELECT key, value FROM kv WHERE key < $4 AND key >= $1 AND key < $2 ORDER BY key DESC LIMIT $3"
            }
        };
        let rows = match cursor {
            Some(cursor) => self.rows(sql, &[&start, &end, &fetch, &cursor])?,
            None => self.rows(sql, &[&start, &end, &fetch])?,
        };
        let entries: Vec<Entry> = rows
            .into_iter()
            .map(|row| Entry {
                key: row.get(0),
                value: row.get(1),
            })
            .collect();
        Ok(page_of(entries, limit))
    }
}
