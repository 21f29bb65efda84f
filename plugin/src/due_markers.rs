//! Markers of work due at a time: `<prefix><time>/<name>` keys that sort by time, one
//! prefix per kind of work (a schedule's next switch, a monitoring check, a status turning
//! to away). The scheduler takes those due, and asks to be woken for the next.

use crate::bindings::helpdesk::chat::log::Level;
use crate::bindings::helpdesk::chat::types::Timestamp;
use crate::capabilities::{Clock, Log, ScanRequest, Storage, Wake};
use crate::error::{PluginError, PluginResult};
use crate::storage::{decode_key_part, first_in, key_part, prefix_end, time_part};

/// The marker of `name`'s work due at `at`, under `prefix`.
pub fn marker(prefix: &str, at: Timestamp, name: &str) -> String {
    format!("{prefix}{}/{}", time_part(at), key_part(name))
}

/// The keys under `prefix` (each `<prefix><time>/…`) at or before `now`, and those after.
pub fn split_at(prefix: &str, now: Timestamp) -> ((String, String), (String, String)) {
    let first_later = format!("{prefix}{}", time_part(now.saturating_add(1)));
    let end = prefix_end(prefix);
    ((prefix.to_string(), first_later.clone()), (first_later, end))
}

/// The time and the one name of a `<prefix><time>/<name>` key.
pub fn parse_timed(prefix: &str, key: &str) -> PluginResult<(Timestamp, String)> {
    parse_marker(prefix, key, decode_key_part)
}

/// The time of a `<prefix><time>/<rest>` key, and what `name` reads from its rest.
pub fn parse_marker<N>(
    prefix: &str,
    key: &str,
    name: impl Fn(&str) -> PluginResult<N>,
) -> PluginResult<(Timestamp, N)> {
    let bad = || PluginError::Unavailable(format!("stored data is corrupt: bad marker {key:?}"));
    let rest = key.strip_prefix(prefix).ok_or_else(bad)?;
    let (at, rest) = rest.split_once('/').ok_or_else(bad)?;
    let at = at.parse().map_err(|_| bad())?;
    Ok((at, name(rest).map_err(|_| bad())?))
}

/// Takes the `<prefix><time>/<name>` markers due by now (at most `limit`, oldest first) and
/// hands each to `act` with its time, name and now; then asks to be woken for the next
/// marker (at once when more are due than one run takes).
pub fn take_due_markers<H: Clock + Storage + Wake + Log>(
    host: &mut H,
    prefix: &str,
    limit: u32,
    act: impl FnMut(&mut H, Timestamp, String, Timestamp) -> PluginResult<()>,
) -> PluginResult<()> {
    take_due(host, prefix, limit, decode_key_part, act)
}

/// As [`take_due_markers`], for markers whose rest after the time `name` reads (a duration's
/// marker names its project and its agent). Unreadable markers are dropped with a warning,
/// due ones and the next one alike, so one cannot stop the others nor the wake-up.
pub fn take_due<H: Clock + Storage + Wake + Log, N>(
    host: &mut H,
    prefix: &str,
    limit: u32,
    name: impl Fn(&str) -> PluginResult<N>,
    mut act: impl FnMut(&mut H, Timestamp, N, Timestamp) -> PluginResult<()>,
) -> PluginResult<()> {
    let now = host.now();
    let ((due_start, due_end), (later_start, later_end)) = split_at(prefix, now);
    let page = host.kv_scan(ScanRequest {
        start: &due_start,
        end: &due_end,
        limit,
        reverse: false,
        cursor: None,
    })?;
    for entry in page.entries {
        host.kv_delete(&entry.key)?;
        match parse_marker(prefix, &entry.key, &name) {
            Ok((at, named)) => act(host, at, named, now)?,
            Err(err) => host.log(Level::Warn, &format!("dropped unreadable marker: {err}")),
        }
    }
    if page.cursor.is_some() {
        host.wake_at(now);
        return Ok(());
    }
    while let Some(entry) = first_in(host, &later_start, &later_end)? {
        match parse_marker(prefix, &entry.key, &name) {
            Ok((at, _)) => {
                host.wake_at(at);
                break;
            }
            Err(err) => {
                host.log(Level::Warn, &format!("dropped unreadable marker: {err}"));
                host.kv_delete(&entry.key)?;
            }
        }
    }
    Ok(())
}
