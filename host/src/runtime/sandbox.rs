//! The engine and the limits every plugin call runs under.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use blake2::{Blake2s256, Digest};
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store, StoreLimitsBuilder};

use super::capabilities;
use super::host_state::HostState;
use crate::clock::HostClock;
use crate::contract::helpdesk::chat::types::Error as WitError;
use crate::storage::{StorageFailure, TxSlot};

/// Why a call into a component did not succeed. Every case means its writes were rolled back.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The plugin refused: a stable WIT error for the client.
    #[error("the plugin refused: {}: {}", .0.code(), .0.message())]
    Plugin(WitError),
    /// The call ran past its deadline and was stopped.
    #[error("the plugin call ran out of time")]
    Timeout,
    /// The call trapped (a bug, or the memory limit); the host goes on serving.
    #[error("the plugin call failed: {0}")]
    Fault(String),
    /// The database could not run or commit the call.
    #[error(transparent)]
    Storage(#[from] StorageFailure),
}

impl CallError {
    /// A failure wasmtime reported: the deadline, or a trap (a bug, the memory limit, a
    /// failing import).
    pub fn from_wasm(err: wasmtime::Error, request_id: &str) -> CallError {
        if err.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::Interrupt) {
            tracing::warn!(request_id, "plugin call stopped at its deadline");
            return CallError::Timeout;
        }
        let message = format!("{err:#}");
        tracing::error!(request_id, error = %message, "plugin call trapped; its writes are rolled back");
        CallError::Fault(message)
    }
}

/// How often the engine's epoch advances; call deadlines are counted in these ticks.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// How much of a reused memory slot is reset in place rather than returned to the kernel.
const KEEP_RESIDENT_BYTES: usize = 4 << 20;

/// Limits for one plugin call.
#[derive(Debug, Clone)]
pub struct SandboxLimits {
    /// The longest a call may run before it is stopped.
    pub call_timeout: Duration,
    /// The most linear memory one call's instance may have.
    pub memory_bytes: usize,
    /// How many calls may have a live instance at once (the pooling allocator's size).
    pub concurrent_instances: u32,
    /// How many read calls run at once (one per storage reader thread); the pool must hold
    /// an instance for each of them and for the writer.
    pub readers: u32,
}

impl Default for SandboxLimits {
    fn default() -> Self {
        SandboxLimits {
            call_timeout: Duration::from_secs(2),
            memory_bytes: 64 << 20,
            concurrent_instances: 32,
            readers: std::thread::available_parallelism()
                .map_or(2, |n| n.get() as u32)
                .clamp(2, 16),
        }
    }
}

/// One engine, its epoch ticker and a linker with every capability the host offers.
pub struct Sandbox {
    engine: Engine,
    linker: Linker<HostState>,
    limits: SandboxLimits,
    clock: HostClock,
    _ticker: EpochTicker,
}

impl Sandbox {
    /// Builds the engine (pooling allocator, epoch interruption) and the linker.
    pub fn new(limits: SandboxLimits, clock: HostClock) -> anyhow::Result<Sandbox> {
        anyhow::ensure!(
            limits.concurrent_instances >= limits.readers + 4,
            "the instance pool ({}) must hold an instance per reader ({}) and a few for writes",
            limits.concurrent_instances,
            limits.readers
        );
        let mut pooling = PoolingAllocationConfig::new();
        pooling
            .total_component_instances(limits.concurrent_instances)
            .total_core_instances(limits.concurrent_instances * 4)
            .total_memories(limits.concurrent_instances * 4)
            .total_tables(limits.concurrent_instances * 4)
            .max_memory_size(limits.memory_bytes)
            // Every call gets a fresh instance in a reused slot. Resetting the first few
            // MiB by memset instead of madvise avoids a page fault per touched page and
            // TLB shootdowns on every call; a call's memory rarely grows past that.
            .linear_memory_keep_resident(KEEP_RESIDENT_BYTES)
            .table_keep_resident(KEEP_RESIDENT_BYTES / 16);
        let mut config = Config::new();
        config
            .epoch_interruption(true)
            // Calls are synchronous; turning the component-model concurrency machinery off
            // makes calls and stores several times cheaper.
            .concurrency_support(false)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
        let engine = Engine::new(&config)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        super::imports::link(&mut linker)?;
        let ticker = EpochTicker::start(engine.clone());
        Ok(Sandbox {
            engine,
            linker,
            limits,
            clock,
            _ticker: ticker,
        })
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The linker with every capability the host offers.
    pub fn linker(&self) -> &Linker<HostState> {
        &self.linker
    }

    /// The limits calls run under.
    pub fn limits(&self) -> &SandboxLimits {
        &self.limits
    }

    /// Compiles `wasm` (or loads the compiled form cached in `cache_dir`) and checks that
    /// it imports nothing beyond `grants`.
    pub fn load_component(&self, wasm: &[u8], cache_dir: Option<&Path>, grants: &[&str]) -> anyhow::Result<Component> {
        let component = self.compile(wasm, cache_dir)?;
        capabilities::check_imports(&self.engine, &component, grants)?;
        Ok(component)
    }

    /// Compiles `wasm`, or loads the compiled form cached in `cache_dir`.
    pub fn compile(&self, wasm: &[u8], cache_dir: Option<&Path>) -> anyhow::Result<Component> {
        match cache_dir {
            Some(dir) => self.load_cached(wasm, dir),
            None => Component::new(&self.engine, wasm)
                .map_err(anyhow::Error::from)
                .context("compiling the component"),
        }
    }

    fn load_cached(&self, wasm: &[u8], dir: &Path) -> anyhow::Result<Component> {
        let path = self.cache_path(wasm, dir);
        if path.exists() {
            // SAFETY: the file is one a host wrote with `precompile_component`, atomically
            // (so it is whole), for these exact wasm bytes and an engine with the same
            // compatibility hash (both are in its name). Wasmtime checks the header and
            // refuses a file from another engine configuration; we then recompile.
            match unsafe { Component::deserialize_file(&self.engine, &path) } {
                Ok(component) => return Ok(component),
                Err(err) => {
                    tracing::warn!(%err, path = %path.display(), "ignoring an unusable compiled component")
                }
            }
        }
        let compiled = self
            .engine
            .precompile_component(wasm)
            .map_err(anyhow::Error::from)
            .context("compiling the component")?;
        // The cache only saves time: failing to write it is worth a warning, not a failure.
        if let Err(err) = write_atomically(dir, &path, &compiled) {
            tracing::warn!(error = format!("{err:#}"), path = %path.display(), "cannot cache the compiled component");
        }
        // SAFETY: the bytes were produced by this engine just now.
        Ok(unsafe { Component::deserialize(&self.engine, &compiled) }?)
    }

    fn cache_path(&self, wasm: &[u8], dir: &Path) -> PathBuf {
        let mut engine_hash = std::collections::hash_map::DefaultHasher::new();
        self.engine.precompile_compatibility_hash().hash(&mut engine_hash);
        let mut digest = Blake2s256::new();
        digest.update(wasm);
        digest.update(engine_hash.finish().to_le_bytes());
        let name: String = digest.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect();
        dir.join(format!("component-{name}.cwasm"))
    }

    /// A fresh store for one call, without a transaction yet, with the deadline and memory
    /// limit set before anything runs in it.
    pub fn new_store(&self, request_id: String) -> Store<HostState> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(self.limits.memory_bytes)
            .instances(8)
            .trap_on_grow_failure(true)
            .build();
        let state = HostState::new(self.clock.clone(), request_id, limits);
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limits);
        self.arm_deadline(&mut store, self.limits.call_timeout);
        store.epoch_deadline_trap();
        store
    }

    /// Runs `call` in `store` with the job's transaction lent to it, `timeout` from now,
    /// and ends the lease whatever happens (a trapped store too).
    pub fn run_in<R>(
        &self,
        store: &mut Store<HostState>,
        slot: &mut TxSlot,
        request_id: &str,
        timeout: Duration,
        call: impl FnOnce(&mut Store<HostState>) -> wasmtime::Result<R>,
    ) -> Result<R, CallError> {
        // The import calls' spans (TRACE, from the bindings) nest under this one, so a slow
        // call can be taken apart import by import.
        let _span = tracing::debug_span!("plugin_call", request_id).entered();
        store.data_mut().tx = Some(slot.lend()?);
        self.arm_deadline(store, timeout);
        let result = call(store);
        // The lease ends with the call (a trapped store too), so the job has its
        // transaction to itself again.
        store.data_mut().tx = None;
        result.map_err(|err| CallError::from_wasm(err, request_id))
    }

    /// Gives the store `timeout` from now to finish: set again right before an export runs,
    /// so time spent waiting for the storage worker does not count against the call.
    pub fn arm_deadline(&self, store: &mut Store<HostState>, timeout: Duration) {
        let ticks = (timeout.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64;
        store.set_epoch_deadline(ticks);
    }
}

/// Writes `bytes` to `path` through a uniquely named temporary file in `dir`, so that
/// concurrent writers (several hosts, several tests) never see or clobber half a file.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut temporary = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut temporary, bytes)?;
    temporary.persist(path)?;
    Ok(())
}

/// Advances the engine's epoch on one thread for the whole engine.
struct EpochTicker {
    stop: Arc<AtomicBool>,
}

impl EpochTicker {
    fn start(engine: Engine) -> EpochTicker {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::Builder::new()
            .name("epoch-ticker".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })
            .ok();
        EpochTicker { stop }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
