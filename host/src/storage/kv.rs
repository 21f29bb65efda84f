//! The plugin's ordered key-value space, stored in the `kv` table (see the WIT `storage`
//! interface for the contract these functions keep).

use rusqlite::{Connection, OptionalExtension, params};

/// The longest key, in bytes.
pub const MAX_KEY_BYTES: usize = 512;
/// The largest value, in bytes.
pub const MAX_VALUE_BYTES: usize = 1 << 20;
/// The most entries one scan page returns.
pub const MAX_SCAN_LIMIT: u32 = 1000;

/// Why a storage operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum KvError {
    /// An empty key, a scan start after its end, or a cursor outside the scan's range.
    #[error("{0}")]
    Invalid(String),
    /// A key over 512 bytes or a value over 1 MiB.
    #[error("{0}")]
    LimitExceeded(String),
    /// The database failed.
    #[error("storage failed: {0}")]
    Storage(#[from] rusqlite::Error),
}

/// One page of a scan.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ScanPage {
    /// Keys and values in key order (descending for a reversed scan).
    pub entries: Vec<(String, Vec<u8>)>,
    /// Set when more entries remain: the last key returned, to pass back to continue.
    pub cursor: Option<String>,
}

fn check_key(key: &str) -> Result<(), KvError> {
    if key.is_empty() {
        return Err(KvError::Invalid("key: must not be empty".into()));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(KvError::LimitExceeded(format!(
            "key: {} bytes, the limit is {MAX_KEY_BYTES}",
            key.len()
        )));
    }
    Ok(())
}

/// The value under `key`.
pub fn get(conn: &Connection, key: &str) -> Result<Option<Vec<u8>>, KvError> {
    check_key(key)?;
    Ok(conn
        .prepare_cached("SELECT value FROM kv WHERE key = ?1")?
        .query_row(params![key], |row| row.get(0))
        .optional()?)
}

/// Stores `value` under `key`.
pub fn set(conn: &Connection, key: &str, value: &[u8]) -> Result<(), KvError> {
    check_key(key)?;
    if value.len() > MAX_VALUE_BYTES {
        return Err(KvError::LimitExceeded(format!(
            "value: {} bytes, the limit is {MAX_VALUE_BYTES}",
            value.len()
        )));
    }
    conn.prepare_cached(
        "INSERT INTO kv (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

/// Removes `key`; whether it existed.
pub fn delete(conn: &Connection, key: &str) -> Result<bool, KvError> {
    check_key(key)?;
    Ok(conn
        .prepare_cached("DELETE FROM kv WHERE key = ?1")?
        .execute(params![key])?
        > 0)
}

/// Up to `limit` entries with `start <= key < end`, continuing after `cursor` (the last key
/// of the previous page).
pub fn scan(
    conn: &Connection,
    start: &str,
    end: &str,
    limit: u32,
    reverse: bool,
    cursor: Option<&str>,
) -> Result<ScanPage, KvError> {
    if start > end {
        return Err(KvError::Invalid("scan: start is after end".into()));
    }
    if let Some(cursor) = cursor
        && (cursor < start || cursor >= end)
    {
        return Err(KvError::Invalid("scan: the cursor is not within the range".into()));
    }
    let limit = limit.clamp(1, MAX_SCAN_LIMIT);
    // Read one more than asked, to know whether a next page exists.
    let fetch = i64::from(limit) + 1;
    let mut statement = match (reverse, cursor.is_some()) {
        (false, false) => {
            conn.prepare_cached("SELECT key, value FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key LIMIT ?3")?
        }
        (false, true) => conn.prepare_cached(
            "SELECT key, value FROM kv WHERE key > ?4 AND key >= ?1 AND key < ?2 ORDER BY key LIMIT ?3",
        )?,
        (true, false) => {
            conn.prepare_cached("SELECT key, value FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key DESC LIMIT ?3")?
        }
        (true, true) => conn.prepare_cached(
            "SELECT key, value FROM kv WHERE key < ?4 AND key >= ?1 AND key < ?2 ORDER BY key DESC LIMIT ?3",
        )?,
    };
    let read = |row: &rusqlite::Row<'_>| Ok((row.get(0)?, row.get(1)?));
    let mut entries: Vec<(String, Vec<u8>)> = match cursor {
        Some(cursor) => statement
            .query_map(params![start, end, fetch, cursor], read)?
            .collect::<Result<_, _>>()?,
        None => statement
            .query_map(params![start, end, fetch], read)?
            .collect::<Result<_, _>>()?,
    };
    let cursor = if entries.len() > limit as usize {
        entries.truncate(limit as usize);
        entries.last().map(|(key, _)| key.clone())
    } else {
        None
    };
    Ok(ScanPage { entries, cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::storage::schema::open(&dir.path().join("kv.db")).unwrap();
        std::mem::forget(dir);
        conn
    }

    #[test]
    fn pl_3_scans_page_forward_and_backward() {
        let conn = db();
        for key in ["a/1", "a/2", "a/3", "b/1"] {
            set(&conn, key, key.as_bytes()).unwrap();
        }
        let first = scan(&conn, "a/", "a/\u{10FFFF}", 2, false, None).unwrap();
        assert_eq!(
            first.entries.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
            ["a/1", "a/2"]
        );
        let second = scan(&conn, "a/", "a/\u{10FFFF}", 2, false, first.cursor.as_deref()).unwrap();
        assert_eq!(second.entries.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["a/3"]);
        assert_eq!(second.cursor, None);
        let back = scan(&conn, "a/", "a/\u{10FFFF}", 2, true, None).unwrap();
        assert_eq!(
            back.entries.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
            ["a/3", "a/2"]
        );
        let back2 = scan(&conn, "a/", "a/\u{10FFFF}", 2, true, back.cursor.as_deref()).unwrap();
        assert_eq!(back2.entries.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["a/1"]);
    }

    #[test]
    fn pl_3_limits_are_errors_and_store_nothing() {
        let conn = db();
        assert!(matches!(
            set(&conn, &"k".repeat(MAX_KEY_BYTES + 1), b"v"),
            Err(KvError::LimitExceeded(_))
        ));
        assert!(matches!(
            set(&conn, "k", &vec![0; MAX_VALUE_BYTES + 1]),
            Err(KvError::LimitExceeded(_))
        ));
        assert!(matches!(set(&conn, "", b"v"), Err(KvError::Invalid(_))));
        assert!(matches!(
            scan(&conn, "b", "a", 10, false, None),
            Err(KvError::Invalid(_))
        ));
        assert!(matches!(
            scan(&conn, "a", "b", 10, false, Some("c")),
            Err(KvError::Invalid(_))
        ));
        let count: i64 = conn.query_row("SELECT count(*) FROM kv", [], |r| r.get(0)).unwrap();
        assert_eq!(count, 0);
    }
}
