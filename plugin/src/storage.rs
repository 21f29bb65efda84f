//! Typed access to the host's key-value storage: JSON values, escaped key parts, and
//! range scans that follow cursors to the end.

use serde::{Serialize, de::DeserializeOwned};

use crate::bindings::helpdesk::chat::storage::Entry;
use crate::capabilities::{ScanRequest, Storage};
use crate::error::{PluginError, PluginResult};

/// Escapes one component of a key so that `/` always separates components, no key holds
/// the character [`prefix_end`] bounds ranges with, and ordering within a prefix is kept.
pub fn key_part(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        match ch {
            '%' => out.push_str("%25"),
            '/' => out.push_str("%2F"),
            RANGE_END => out.push_str("%FF"),
            _ => out.push(ch),
        }
    }
    out
}

/// The largest scalar value: appended to a prefix, it bounds every key with that prefix,
/// since [`key_part`] escapes it wherever a caller's text holds it.
const RANGE_END: char = '\u{10FFFF}';

/// Reverses [`key_part`].
pub fn decode_key_part(part: &str) -> PluginResult<String> {
    let mut out = String::with_capacity(part.len());
    let mut rest = part;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        match rest.get(at..at + 3) {
            Some("%25") => out.push('%'),
            Some("%2F") => out.push('/'),
            Some("%FF") => out.push(RANGE_END),
            _ => return Err(corrupt(format!("bad escape in key part {part:?}"))),
        }
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A timestamp as a fixed-width key component, so that key order is time order.
pub fn time_part(ms: u64) -> String {
    format!("{ms:020}")
}

/// The smallest key greater than every key starting with `prefix`.
pub fn prefix_end(prefix: &str) -> String {
    format!("{prefix}{RANGE_END}")
}

/// Reads and decodes a JSON value.
pub fn get_json<T: DeserializeOwned>(storage: &mut impl Storage, key: &str) -> PluginResult<Option<T>> {
    match storage.kv_get(key)? {
        None => Ok(None),
        Some(bytes) => decode_json(key, &bytes).map(Some),
    }
}

/// Decodes a stored JSON value; one that does not decode is corrupt.
pub fn decode_json<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> PluginResult<T> {
    serde_json::from_slice(bytes).map_err(|err| corrupt(format!("value under {key:?} does not decode: {err}")))
}

/// Encodes and stores a JSON value.
pub fn put_json<T: Serialize>(storage: &mut impl Storage, key: &str, value: &T) -> PluginResult<()> {
    let bytes =
        serde_json::to_vec(value).map_err(|err| PluginError::Unavailable(format!("cannot encode {key:?}: {err}")))?;
    storage.kv_set(key, &bytes)
}

/// Every entry with `start <= key < end`, in key order, following cursors.
///
/// For the small ranges the rules scan (one project's agents, the due list); callers with
/// unbounded ranges page through `kv_scan` themselves.
pub fn scan_all(storage: &mut impl Storage, start: &str, end: &str) -> PluginResult<Vec<Entry>> {
    let mut entries = Vec::new();
    let mut cursor = None;
    loop {
        let page = storage.kv_scan(ScanRequest {
            start,
            end,
            limit: 1000,
            reverse: false,
            cursor,
        })?;
        entries.extend(page.entries);
        match page.cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(entries),
        }
    }
}

/// The first entry with `start <= key < end`, if any.
pub fn first_in(storage: &mut impl Storage, start: &str, end: &str) -> PluginResult<Option<Entry>> {
    let page = storage.kv_scan(ScanRequest {
        start,
        end,
        limit: 1,
        reverse: false,
        cursor: None,
    })?;
    Ok(page.entries.into_iter().next())
}

/// The counter under `key` (0 when nothing is stored), read without changing it.
pub fn get_counter(storage: &mut impl Storage, key: &str) -> PluginResult<i64> {
    match storage.kv_get(key)? {
        None => Ok(0),
        Some(bytes) => std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| text.parse().ok())
            .ok_or_else(|| corrupt(format!("{key:?} does not hold a counter"))),
    }
}

/// Stored data that does not decode is a fault of the plugin or the store, not of the
/// caller: report it as `unavailable` so the call rolls back and nothing is written.
fn corrupt(message: String) -> PluginError {
    PluginError::Unavailable(format!("stored data is corrupt: {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_parts_round_trip_and_keep_separators_unique() {
        for raw in ["SUP", "a/b", "100%", "%2F", "", "\u{10FFFF}name", "%FF"] {
            let part = key_part(raw);
            assert!(!part.contains('/') && !part.contains(RANGE_END));
            assert_eq!(decode_key_part(&part).unwrap(), raw);
        }
    }

    #[test]
    fn a_part_holding_the_last_code_point_stays_inside_its_prefix() {
        let prefix = "presence/online/SUP/";
        let key = format!("{prefix}{}/u", key_part("\u{10FFFF}\u{10FFFF}"));
        assert!(prefix < key.as_str() && key < prefix_end(prefix));
    }

    #[test]
    fn time_parts_sort_as_numbers() {
        assert!(time_part(9) < time_part(10));
        assert!(time_part(999_999_999_999) < time_part(1_000_000_000_000));
    }

    #[test]
    fn a_bad_escape_is_reported_not_guessed() {
        assert!(decode_key_part("%zz").is_err());
    }
}
