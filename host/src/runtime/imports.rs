//! The host's capabilities as the plugin sees them: the WIT imports, implemented over the
//! call's transaction and the host's own rules (`issues`, `outbox`, `validate`).
//!
//! Each import is linked with its own [`Capability`]: the one part of the transaction it
//! needs (`storage` the key-value space, `push` the push log, …), the clock and the request
//! id, and nothing else, as Spin gives each factor its own state. An import cannot reach
//! the sessions or the password hashes because its type has no way to name them.
//!
//! A refusal the guest should handle is a WIT `error` result; a failure of the host itself
//! (the database erroring, a read-only call writing) traps the call, which rolls it back.
//! Both travel as one [`ImportError`] (wasmtime's `trappable_error_type`), so an import
//! says `?` and the bindings decide which way it goes.

mod directory;
mod issues;
mod outbound;
mod storage;

use std::marker::PhantomData;
use std::sync::MutexGuard;

use wasmtime::component::{HasData, Linker};

use crate::clock::HostClock;
pub use crate::contract::ImportError;
use crate::contract::helpdesk::chat::types::{self, Error as WitError};
use crate::storage::{DirectoryStore, IssueRecords, KvStore, MailOutbox, PushLog, StoreError, Transaction, WakeUps};

use super::host_state::HostState;

/// What one import sees of its call: `S`, the part of the transaction its capability needs
/// (none for the manifest, which runs without storage), the clock and the request id.
pub struct Capability<'a, S: ?Sized> {
    /// The call's transaction, locked for the import call.
    tx: Option<MutexGuard<'a, dyn Transaction + 'static>>,
    /// Which part of it this capability reaches (none for a capability without storage).
    part: Option<for<'t> fn(&'t mut (dyn Transaction + 'static)) -> &'t mut S>,
    clock: &'a HostClock,
    request_id: &'a str,
}

impl<S: ?Sized> Capability<'_, S> {
    /// The capability's part of the transaction; a call without one traps if it asks.
    fn store(&mut self) -> wasmtime::Result<&mut S> {
        match (self.tx.as_deref_mut(), self.part) {
            (Some(tx), Some(part)) => Ok(part(tx)),
            _ => Err(wasmtime::Error::msg("this call has no storage")),
        }
    }
}

/// The marker wasmtime links an import with: the import's data is a [`Capability`] over `S`.
pub struct Grant<S: ?Sized>(PhantomData<fn() -> Box<S>>);

impl<S: ?Sized + 'static> HasData for Grant<S> {
    type Data<'a> = Capability<'a, S>;
}

/// Nothing of the transaction: for the imports that only log or define types.
pub type NoStore = ();

impl HostState {
    /// The capability over the part of the transaction `part` picks, for one import call.
    fn capability<S: ?Sized>(
        &mut self,
        part: for<'t> fn(&'t mut (dyn Transaction + 'static)) -> &'t mut S,
    ) -> Capability<'_, S> {
        Capability {
            // The job does not touch its transaction while the plugin runs, so this never
            // waits; a lock poisoned by a panic leaves the call without storage, and it traps.
            tx: self.tx.as_ref().and_then(|tx| tx.lock().ok()),
            part: Some(part),
            clock: &self.clock,
            request_id: &self.request_id,
        }
    }

    /// The capability over none of the transaction.
    fn bare(&mut self) -> Capability<'_, NoStore> {
        Capability {
            tx: None,
            part: None,
            clock: &self.clock,
            request_id: &self.request_id,
        }
    }
}

/// Links the imports of one contract version's bindings (`$bindings::helpdesk::chat`), each
/// with its own capability: the one list both served versions share.
macro_rules! link_imports {
    ($linker:expr, $($bindings:ident)::+) => {{
        use $($bindings)::+::helpdesk::chat::{directory, issues, log, mail, push, storage, types, wake};
        types::add_to_linker::<HostState, Grant<NoStore>>($linker, |s| s.bare())?;
        log::add_to_linker::<HostState, Grant<NoStore>>($linker, |s| s.bare())?;
        storage::add_to_linker::<HostState, Grant<dyn KvStore>>($linker, |s| s.capability(|tx| tx))?;
        directory::add_to_linker::<HostState, Grant<dyn DirectoryStore>>($linker, |s| s.capability(|tx| tx))?;
        issues::add_to_linker::<HostState, Grant<dyn IssueRecords>>($linker, |s| s.capability(|tx| tx))?;
        push::add_to_linker::<HostState, Grant<dyn PushLog>>($linker, |s| s.capability(|tx| tx))?;
        mail::add_to_linker::<HostState, Grant<dyn MailOutbox>>($linker, |s| s.capability(|tx| tx))?;
        wake::add_to_linker::<HostState, Grant<dyn WakeUps>>($linker, |s| s.capability(|tx| tx))?;
    }};
}

/// Links every import of both served contract versions, each with its own capability.
pub fn link(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    link_imports!(linker, crate::contract);
    // Plugins built against the frozen contract 0.2.0 find its imports too (SPEC PL-10).
    link_imports!(linker, crate::contract::v0_2);
    Ok(())
}

impl<S: ?Sized> types::Host for Capability<'_, S> {
    fn convert_error(&mut self, err: ImportError) -> wasmtime::Result<WitError> {
        match err {
            ImportError::Refused(refusal) => Ok(refusal),
            ImportError::Failed(failure) => Err(failure),
        }
    }
}

impl<S: ?Sized> crate::contract::v0_2::helpdesk::chat::types::Host for Capability<'_, S> {
    fn convert_error(
        &mut self,
        err: ImportError,
    ) -> wasmtime::Result<crate::contract::v0_2::helpdesk::chat::types::Error> {
        match err {
            ImportError::Refused(refusal) => older::convert(&refusal),
            ImportError::Failed(failure) => Err(failure),
        }
    }
}

/// A host failure inside an import: the call traps and is rolled back.
fn trap(failure: StoreError) -> wasmtime::Error {
    match ImportError::from(failure) {
        ImportError::Failed(failure) => failure,
        ImportError::Refused(refusal) => wasmtime::Error::msg(refusal.message().to_string()),
    }
}

/// The imports of the frozen contract 0.2.0, forwarded to the current ones (SPEC PL-10):
/// generated by `build.rs`.
pub mod older {
    include!(concat!(env!("OUT_DIR"), "/older_imports.rs"));
}
