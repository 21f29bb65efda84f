//! The `storage` import: the plugin's key-value space in the call's transaction.

use super::{Capability, ImportError};
use crate::contract::helpdesk::chat::storage::{self, ScanPage};
use crate::storage::KvStore;

impl storage::Host for Capability<'_, dyn KvStore> {
    fn get(&mut self, key: String) -> Result<Option<Vec<u8>>, ImportError> {
        Ok(self.store()?.kv_get(&key)?)
    }

    fn get_many(&mut self, keys: Vec<String>) -> Result<Vec<Option<Vec<u8>>>, ImportError> {
        Ok(self.store()?.kv_get_many(&keys)?)
    }

    fn set(&mut self, key: String, value: Vec<u8>) -> Result<(), ImportError> {
        Ok(self.store()?.kv_set(&key, &value)?)
    }

    fn delete(&mut self, key: String) -> Result<bool, ImportError> {
        Ok(self.store()?.kv_delete(&key)?)
    }

    fn increment(&mut self, key: String, delta: i64) -> Result<i64, ImportError> {
        Ok(self.store()?.kv_increment(&key, delta)?)
    }

    fn scan(
        &mut self,
        start: String,
        end: String,
        limit: u32,
        reverse: bool,
        cursor: Option<String>,
    ) -> Result<ScanPage, ImportError> {
        Ok(self.store()?.kv_scan(&start, &end, limit, reverse, cursor.as_deref())?)
    }
}
