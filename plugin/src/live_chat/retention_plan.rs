//! When each project's retention sweep runs next (see `retention.rs`): one sweep planned per
//! project at most, however often its settings are saved. Apart from the sweep itself so
//! that saving settings can plan one without depending on what a sweep does.

use super::keys;
use crate::bindings::helpdesk::chat::types::Timestamp;
use crate::capabilities::{Storage, Wake};
use crate::due_markers::marker;
use crate::error::PluginResult;
use crate::storage::{get_json, put_json};

/// The longest retention a project may set: ten years.
pub const MAX_RETENTION_DAYS: u32 = 3650;

/// Plans the sweep of `project` at `at`, in place of any planned before: a project has one
/// sweep planned at most, however often its settings are saved.
pub fn plan_sweep(host: &mut (impl Storage + Wake), project: &str, at: Timestamp) -> PluginResult<()> {
    let planned_key = keys::retention_planned(project);
    if let Some(before) = get_json::<Timestamp>(host, &planned_key)? {
        host.kv_delete(&marker(keys::RETENTION_DUE_PREFIX, before, project))?;
    }
    host.kv_set(&marker(keys::RETENTION_DUE_PREFIX, at, project), b"")?;
    put_json(host, &planned_key, &at)?;
    host.wake_at(at);
    Ok(())
}
