//! The `storage` import: the plugin's key-value space in the call's transaction.

use wasmtime::Result;

use super::guest_result;
use crate::contract::helpdesk::chat::storage::{self, ScanPage};
use crate::contract::helpdesk::chat::types::Error as WitError;
use crate::runtime::host_state::HostState;

type GuestResult<T> = Result<std::result::Result<T, WitError>>;

impl storage::Host for HostState {
    fn get(&mut self, key: String) -> GuestResult<Option<Vec<u8>>> {
        guest_result(self.tx()?.kv_get(&key))
    }

    fn get_many(&mut self, keys: Vec<String>) -> GuestResult<Vec<Option<Vec<u8>>>> {
        guest_result(self.tx()?.kv_get_many(&keys))
    }

    fn set(&mut self, key: String, value: Vec<u8>) -> GuestResult<()> {
        guest_result(self.tx()?.kv_set(&key, &value))
    }

    fn delete(&mut self, key: String) -> GuestResult<bool> {
        guest_result(self.tx()?.kv_delete(&key))
    }

    fn increment(&mut self, key: String, delta: i64) -> GuestResult<i64> {
        guest_result(self.tx()?.kv_increment(&key, delta))
    }

    fn scan(
        &mut self,
        start: String,
        end: String,
        limit: u32,
        reverse: bool,
        cursor: Option<String>,
    ) -> GuestResult<ScanPage> {
        guest_result(self.tx()?.kv_scan(&start, &end, limit, reverse, cursor.as_deref()))
    }
}
