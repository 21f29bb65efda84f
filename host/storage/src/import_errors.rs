//! How a storage refusal or failure reaches the plugin through an import: a broken rule of
//! the storage contract (a bad key, a limit) is the guest's WIT `error`; a failure of the
//! database or a write in a read-only call traps the call, which rolls it back.

use helpdesk_contract::ImportError;
use helpdesk_contract::helpdesk::chat::types::Error as WitError;

use crate::StoreError;

impl From<StoreError> for ImportError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Invalid(message) => ImportError::Refused(WitError::Invalid(message)),
            StoreError::LimitExceeded(message) => ImportError::Refused(WitError::LimitExceeded(message)),
            StoreError::ReadOnly => ImportError::failed(
                "the plugin tried to write during a read-only call (the WIT documents the export as read-only)",
            ),
            failure @ StoreError::Backend(_) => ImportError::failed(failure),
        }
    }
}
