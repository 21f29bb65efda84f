//! The rules of the WIT `storage` interface that every backend keeps alike: key and value
//! limits, scan ranges, and counters stored as their decimal text.

use super::backend::StoreError;
use helpdesk_contract::helpdesk::chat::storage::{Entry, ScanPage};

/// The longest key, in bytes.
pub const MAX_KEY_BYTES: usize = 512;
/// The largest value, in bytes.
pub const MAX_VALUE_BYTES: usize = 1 << 20;
/// The most entries one scan page returns.
pub const MAX_SCAN_LIMIT: u32 = 1000;
/// The most keys one `get-many` reads.
pub const MAX_GET_MANY: usize = 1000;

/// An empty key is invalid; one over 512 bytes breaks the limit.
pub fn check_key(key: &str) -> Result<(), StoreError> {
    if key.is_empty() {
        return Err(StoreError::Invalid("key: must not be empty".into()));
    }
    if key.contains('\0') {
        // PostgreSQL's text cannot hold it; refused on every backend alike.
        return Err(StoreError::Invalid("key: must not contain the NUL character".into()));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(StoreError::LimitExceeded(format!(
            "key: {} bytes, the limit is {MAX_KEY_BYTES}",
            key.len()
        )));
    }
    Ok(())
}

/// A value over 1 MiB breaks the limit.
pub fn check_value(value: &[u8]) -> Result<(), StoreError> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(StoreError::LimitExceeded(format!(
            "value: {} bytes, the limit is {MAX_VALUE_BYTES}",
            value.len()
        )));
    }
    Ok(())
}

/// At most 1000 keys per `get-many`, each a valid key.
pub fn check_keys(keys: &[String]) -> Result<(), StoreError> {
    if keys.len() > MAX_GET_MANY {
        return Err(StoreError::LimitExceeded(format!("keys: at most {MAX_GET_MANY}")));
    }
    keys.iter().try_for_each(|key| check_key(key))
}

/// A scan's range must run forward, and a cursor must lie inside it.
pub fn check_scan(start: &str, end: &str, cursor: Option<&str>) -> Result<(), StoreError> {
    if start > end {
        return Err(StoreError::Invalid("scan: start is after end".into()));
    }
    if let Some(cursor) = cursor
        && (cursor < start || cursor >= end)
    {
        return Err(StoreError::Invalid("scan: the cursor is not within the range".into()));
    }
    Ok(())
}

/// A scan's page from the entries read, which a backend reads one more of than `limit`:
/// if that one came, there is a next page, starting after the last entry kept.
pub fn page_of(mut entries: Vec<Entry>, limit: u32) -> ScanPage {
    let cursor = if entries.len() > limit as usize {
        entries.truncate(limit as usize);
        entries.last().map(|entry| entry.key.clone())
    } else {
        None
    };
    ScanPage { entries, cursor }
}

/// The counter a stored value holds (a missing value counts as 0).
pub fn counter_value(key: &str, stored: Option<&[u8]>) -> Result<i64, StoreError> {
    match stored {
        None => Ok(0),
        Some(bytes) => std::str::from_utf8(bytes)
            .ok()
            .and_then(|text| text.parse().ok())
            .ok_or_else(|| StoreError::Invalid(format!("{key:?} does not hold a counter"))),
    }
}

/// `current + delta`, within the signed 64-bit range.
pub fn add_to_counter(current: i64, delta: i64) -> Result<i64, StoreError> {
    current
        .checked_add(delta)
        .ok_or_else(|| StoreError::LimitExceeded("increment: the counter would leave the 64-bit range".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pl_3_counters_are_decimal_text_and_stay_in_range() {
        assert_eq!(counter_value("k", None).unwrap(), 0);
        assert_eq!(counter_value("k", Some(b"-42")).unwrap(), -42);
        assert!(matches!(
            counter_value("k", Some(b"forty")),
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(add_to_counter(i64::MAX, 1), Err(StoreError::LimitExceeded(_))));
    }

    #[test]
    fn pl_3_keys_scans_and_batches_keep_their_limits() {
        assert!(matches!(check_key(""), Err(StoreError::Invalid(_))));
        assert!(matches!(check_key(&"k".repeat(513)), Err(StoreError::LimitExceeded(_))));
        assert!(matches!(
            check_value(&vec![0; MAX_VALUE_BYTES + 1]),
            Err(StoreError::LimitExceeded(_))
        ));
        assert!(matches!(check_scan("b", "a", None), Err(StoreError::Invalid(_))));
        assert!(matches!(check_scan("a", "b", Some("c")), Err(StoreError::Invalid(_))));
        assert!(matches!(
            check_keys(&vec!["k".into(); 1001]),
            Err(StoreError::LimitExceeded(_))
        ));
    }
}
