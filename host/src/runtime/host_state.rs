//! What one plugin store holds while a call runs: the transaction lent by the storage job
//! (none for the manifest, which needs no storage), the clock, WASI and the limits. The
//! imports never see it whole: each is linked with its own part (`imports::Capability`).

use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::clock::HostClock;
use crate::storage::SharedTx;

/// The data of one call's store.
pub struct HostState {
    /// The job's transaction, lent while the call runs in it.
    pub tx: Option<SharedTx>,
    /// The host clock (the same one WASI reports to the guest).
    pub clock: HostClock,
    /// The request this call serves, for the log.
    pub request_id: String,
    /// The memory and instance limits wasmtime enforces on this store.
    pub limits: StoreLimits,
    wasi: WasiCtx,
    table: ResourceTable,
}

impl HostState {
    /// State for one call, without a transaction yet.
    pub fn new(clock: HostClock, request_id: String, limits: StoreLimits) -> HostState {
        // No preopened directories, no environment, no sockets: the plugin's only way out
        // is the host's own interfaces. Its stderr is the host's, so a panic message shows
        // in the host's log.
        let wasi = WasiCtx::builder()
            .wall_clock(clock.wall_clock())
            .inherit_stderr()
            .build();
        HostState {
            tx: None,
            clock,
            request_id,
            limits,
            wasi,
            table: ResourceTable::new(),
        }
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
