//! What one plugin store holds while a call runs: the database connection lent by the
//! storage worker, the events and log lines the call produced, WASI and the limits.

use rusqlite::Connection;
use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::clock::HostClock;
use crate::push::PushEvent;

/// The data of one call's store.
pub struct HostState {
    /// The connection, inside the call's savepoint.
    pub conn: Connection,
    /// Events the call published, delivered only after commit.
    pub events: Vec<PushEvent>,
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
    /// State for one call.
    pub fn new(conn: Connection, clock: HostClock, request_id: String, limits: StoreLimits) -> HostState {
        // No preopened directories, no environment, no sockets: the plugin's only way out
        // is the host's own interfaces. Its stderr is the host's, so a panic message shows
        // in the host's log.
        let wasi = WasiCtx::builder()
            .wall_clock(clock.wall_clock())
            .inherit_stderr()
            .build();
        HostState {
            conn,
            events: Vec::new(),
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
