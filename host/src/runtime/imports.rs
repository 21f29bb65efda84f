//! The host's capabilities as the plugin sees them: the WIT imports, implemented over the
//! call's transaction and the host's own rules (`issues`, `outbox`, `validate`).
//!
//! A refusal the guest should handle is a WIT `error` result; a failure of the host itself
//! (the database erroring, a read-only call writing) traps the call, which rolls it back.

mod directory;
mod issues;
mod outbound;
mod storage;

use crate::contract::helpdesk::chat::types::{self, Error as WitError};
use crate::storage::StoreError;

use super::host_state::HostState;

impl types::Host for HostState {}

/// A store result as an import's result: refusals for the guest, failures as traps.
fn guest_result<T>(result: Result<T, StoreError>) -> wasmtime::Result<Result<T, WitError>> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(StoreError::Invalid(message)) => Ok(Err(WitError::Invalid(message))),
        Err(StoreError::LimitExceeded(message)) => Ok(Err(WitError::LimitExceeded(message))),
        Err(failure @ (StoreError::ReadOnly | StoreError::Backend(_))) => Err(trap(failure)),
    }
}

/// A host failure inside an import: the call traps and is rolled back.
fn trap(failure: StoreError) -> wasmtime::Error {
    match failure {
        StoreError::ReadOnly => wasmtime::Error::msg(
            "the plugin tried to write during a read-only call (the WIT documents the export as read-only)",
        ),
        other => wasmtime::Error::msg(other.to_string()),
    }
}
