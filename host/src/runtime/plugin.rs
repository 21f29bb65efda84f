//! Calls into the chat plugin, each in a fresh store inside one storage job.
//!
//! A read call runs on a reader's snapshot, in parallel with writes and other reads. A write
//! call runs in the writer's transaction.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use wasmtime::Store;

use super::capabilities::{self, Refused};
use super::host_state::HostState;
use super::sandbox::{CallError, Sandbox};
use crate::contract::exports::helpdesk::chat::host_events::HostEvent;
use crate::contract::exports::helpdesk::chat::lifecycle::PluginManifest;
use crate::contract::helpdesk::chat::types::{Actor, CallContext, Error as WitError};
use crate::contract::{PluginInstance, PluginInstancePre};
use crate::storage::{Database, StorageFailure, TxSlot};

/// The key under which the host records the plugin version that last wrote the store.
pub const PLUGIN_VERSION_KEY: &str = "plugin-version";
/// How long a migration may run: it may rewrite the whole store in one call.
const MIGRATION_TIMEOUT: Duration = Duration::from_secs(600);

/// One export call on a plugin instance, returning the plugin's result. It may be made more
/// than once, each time in a fresh store and a new transaction, when the storage backend
/// runs a job again after losing a conflict (PostgreSQL); the plugin keeps no state between
/// calls, so each run answers from what is stored.
pub type Export<T> =
    Box<dyn Fn(&PluginInstance, &mut Store<HostState>) -> wasmtime::Result<Result<T, WitError>> + Send + Sync>;

/// Whether a call may write: reads run on snapshots beside the writes, in parallel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A read-only export (the WIT says which): it may not write.
    Read,
    /// An export that writes, in the writer's transaction.
    Write,
}

/// A store and an instance for one call.
struct Prepared {
    store: Store<HostState>,
    plugin: PluginInstance,
}

/// The chat plugin, compiled, granted and pre-instantiated.
pub struct ChatPluginRuntime {
    sandbox: Arc<Sandbox>,
    pre: PluginInstancePre<HostState>,
    version: capabilities::ContractVersion,
    manifest: PluginManifest,
}

impl ChatPluginRuntime {
    /// Loads the plugin component from `wasm`: reads its manifest, grants what it declares
    /// if this host offers it for this contract, and refuses a component that imports more
    /// than it declared (SPEC PL-4).
    pub fn load(
        sandbox: Arc<Sandbox>,
        wasm: &[u8],
        cache_dir: Option<&Path>,
    ) -> anyhow::Result<Arc<ChatPluginRuntime>> {
        let component = sandbox.compile(wasm, cache_dir)?;
        // Which contract it was built against decides everything after: read before linking.
        let version = capabilities::contract_of(sandbox.engine(), &component)?;
        // Nothing can be instantiated that imports what the host does not have at all.
        capabilities::check_imports(sandbox.engine(), &component, &capabilities::offered(version))?;
        let instance_pre = sandbox.linker().instantiate_pre(&component)?;
        let pre = match version {
            capabilities::ContractVersion::Current => {
                PluginInstancePre::Current(crate::contract::ChatPluginPre::new(instance_pre)?)
            }
            capabilities::ContractVersion::V0_2 => {
                PluginInstancePre::V0_2(crate::contract::v0_2::ChatPluginPre::new(instance_pre)?)
            }
        };
        let manifest = {
            let mut store = sandbox.new_store("manifest".into());
            let plugin = pre.instantiate(&mut store)?;
            plugin.helpdesk_chat_lifecycle().call_manifest(&mut store)?
        };
        let grants = capabilities::grant(version, &manifest.contract, &manifest.capabilities)?;
        capabilities::check_imports(sandbox.engine(), &component, &grants)?;
        tracing::info!(
            plugin = %manifest.name,
            version = %manifest.version,
            contract = version.package(),
            capabilities = ?manifest.capabilities,
            "plugin loaded and granted what it declared"
        );
        Ok(Arc::new(ChatPluginRuntime {
            sandbox,
            pre,
            version,
            manifest,
        }))
    }

    /// What the plugin declared about itself.
    pub fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    /// The contract the plugin was built against.
    pub fn contract_version(&self) -> capabilities::ContractVersion {
        self.version
    }

    /// The sandbox the plugin runs in.
    pub fn sandbox(&self) -> &Arc<Sandbox> {
        &self.sandbox
    }

    fn prepare(&self, request_id: &str) -> Result<Prepared, CallError> {
        let mut store = self.sandbox.new_store(request_id.to_string());
        let plugin = self
            .pre
            .instantiate(&mut store)
            .map_err(|err| CallError::from_wasm(err, request_id))?;
        Ok(Prepared { store, plugin })
    }

    /// Runs an export in `prepared`, with the job's transaction lent to it for the call.
    fn run_prepared<T, F>(
        &self,
        prepared: Prepared,
        slot: &mut TxSlot,
        request_id: &str,
        timeout: Duration,
        export: &F,
    ) -> Result<T, CallError>
    where
        F: Fn(&PluginInstance, &mut Store<HostState>) -> wasmtime::Result<Result<T, WitError>> + ?Sized,
    {
        let Prepared { mut store, plugin } = prepared;
        self.sandbox
            .run_in(&mut store, slot, request_id, timeout, |store| export(&plugin, store))?
            .map_err(CallError::Plugin)
    }

    /// Runs an export as one storage job: a read on a snapshot beside the writes (a write
    /// from it traps), or a write committed when the export returns `ok` and rolled back when
    /// it returns an error, traps or times out. A write's events go out after the commit.
    pub async fn call<T: Send + 'static>(
        self: &Arc<Self>,
        db: &Database,
        access: Access,
        request_id: String,
        export: Export<T>,
    ) -> Result<T, CallError> {
        let runtime = self.clone();
        let job = move |slot: &mut TxSlot| runtime.call_in(slot, &request_id, &export);
        match access {
            Access::Read => db.read(job).await,
            Access::Write => db.write(job).await,
        }
    }

    /// Runs an export inside a write job that is already running, so that the host's own
    /// writes and the plugin's share one transaction: an error fails the job, and with it
    /// both; events go out only if the job commits.
    pub fn call_in<T, F>(&self, slot: &mut TxSlot, request_id: &str, export: &F) -> Result<T, CallError>
    where
        F: Fn(&PluginInstance, &mut Store<HostState>) -> wasmtime::Result<Result<T, WitError>> + ?Sized,
    {
        let prepared = self.prepare(request_id)?;
        self.run_prepared(prepared, slot, request_id, self.sandbox.limits().call_timeout, export)
    }

    /// Tells the plugin a fact of the host's side inside a running write job (SPEC PL-3): the
    /// plugin's reaction commits or rolls back with the host's change.
    pub fn tell_in(
        &self,
        slot: &mut TxSlot,
        request_id: &str,
        ctx: &CallContext,
        event: &HostEvent,
    ) -> Result<(), CallError> {
        self.call_in(slot, request_id, &move |plugin, store| {
            plugin.helpdesk_chat_host_events().call_on_host_event(store, ctx, event)
        })
    }

    /// Brings the store up to the plugin's version, once, before serving: runs the plugin's
    /// `migrate` when the version that last wrote the store is another one, and records the
    /// new version in the same transaction. Returns the version migrated from, if it ran.
    pub async fn migrate_store(self: &Arc<Self>, db: &Database) -> anyhow::Result<Option<Option<String>>> {
        let runtime = self.clone();
        let version = self.manifest.version.clone();
        let migrated = db
            .write(move |slot| -> Result<Option<Option<String>>, CallError> {
                let previous = slot.tx()?.meta(PLUGIN_VERSION_KEY).map_err(StorageFailure::from)?;
                if previous.as_deref() == Some(version.as_str()) {
                    return Ok(None);
                }
                let prepared = runtime.prepare("migrate")?;
                let from = previous.clone();
                let migrate = |plugin: &PluginInstance, store: &mut Store<HostState>| {
                    plugin
                        .helpdesk_chat_lifecycle()
                        .call_migrate(store, &system_context(), from.as_deref())
                };
                runtime.run_prepared(prepared, slot, "migrate", MIGRATION_TIMEOUT, &migrate)?;
                slot.tx()?
                    .set_meta(PLUGIN_VERSION_KEY, &version)
                    .map_err(StorageFailure::from)?;
                Ok(Some(previous))
            })
            .await;
        match migrated {
            Ok(outcome) => Ok(outcome),
            Err(CallError::Plugin(refusal)) => Err(anyhow::anyhow!(
                "the plugin refused to take over this store: {}: {}",
                refusal.code(),
                refusal.message()
            )),
            Err(other) => Err(anyhow::anyhow!("migrating the store failed: {other}")),
        }
    }
}

impl From<Refused> for CallError {
    fn from(refused: Refused) -> Self {
        CallError::Fault(refused.to_string())
    }
}

/// The context of work the host does on nobody's behalf.
pub fn system_context() -> CallContext {
    CallContext {
        actor: Actor::System,
        project: None,
        page: crate::contract::helpdesk::chat::types::PageOrigin::Unknown,
        locale: None,
        languages: Vec::new(),
        session: None,
        address: None,
    }
}
