//! Who a note pulled into a conversation (LC-18): marks that `notes` sets and
//! `record::side_of` reads, so a colleague reads along while the conversation is open.

use super::keys;
use crate::capabilities::Storage;
use crate::error::PluginResult;
use crate::storage::{get_json, prefix_end, scan_all};

/// Whether `user` was pulled into the conversation.
pub fn is_pulled_in(storage: &mut impl Storage, conversation: &str, user: &str) -> PluginResult<bool> {
    Ok(get_json::<serde_json::Value>(storage, &keys::pulled_in(conversation, user))?.is_some())
}

/// Marks `user` as pulled into the conversation.
pub fn mark(storage: &mut impl Storage, conversation: &str, user: &str) -> PluginResult<()> {
    storage.kv_set(&keys::pulled_in(conversation, user), b"1")
}

/// Forgets everyone pulled into the conversation (with the conversation).
pub fn forget_all(storage: &mut impl Storage, conversation: &str) -> PluginResult<()> {
    let prefix = keys::pulled_in_prefix(conversation);
    for entry in scan_all(storage, &prefix, &prefix_end(&prefix))? {
        storage.kv_delete(&entry.key)?;
    }
    Ok(())
}
