//! Calls into the chat plugin, each in a fresh store inside one storage job.

use std::path::Path;
use std::sync::Arc;

use wasmtime::Store;

use super::bindings::helpdesk::chat::types::{CallContext, Error as WitError};
use super::bindings::{ChatPlugin, ChatPluginPre};
use super::capabilities::CHAT_PLUGIN_GRANTS;
use super::host_state::HostState;
use super::sandbox::Sandbox;
use crate::push::PushEvent;
use crate::storage::{Database, JobScope, StorageFailure};

/// Why a plugin call did not succeed. Every case means its writes were rolled back.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The plugin refused: a stable WIT error for the client.
    #[error("{0:?}")]
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

impl Sandbox {
    /// Runs `call` in a fresh store that holds the job's connection, and gives the
    /// connection back whatever happens. Returns the call's value and the events it
    /// published (to be delivered only if the caller keeps the job's writes).
    pub fn run_call<R>(
        &self,
        scope: &mut JobScope<'_>,
        request_id: &str,
        call: impl FnOnce(&mut Store<HostState>) -> wasmtime::Result<R>,
    ) -> Result<(R, Vec<PushEvent>), CallError> {
        let conn = scope.lend_conn()?;
        let mut store = self.new_store(conn, request_id.to_string());
        let result = call(&mut store);
        let state = store.into_data();
        scope.return_conn(state.conn);
        match result {
            Ok(value) => Ok((value, state.events)),
            Err(err) => Err(classify_failure(err, request_id)),
        }
    }
}

fn classify_failure(err: wasmtime::Error, request_id: &str) -> CallError {
    if err.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::Interrupt) {
        tracing::warn!(request_id, "plugin call stopped at its deadline");
        return CallError::Timeout;
    }
    let message = format!("{err:#}");
    tracing::error!(request_id, error = %message, "plugin call trapped; its writes are rolled back");
    CallError::Fault(message)
}

/// The chat plugin, compiled and pre-instantiated.
pub struct ChatPluginRuntime {
    sandbox: Arc<Sandbox>,
    pre: ChatPluginPre<HostState>,
}

impl ChatPluginRuntime {
    /// Loads the plugin component from `wasm`, refusing it if it imports more than granted.
    pub fn load(
        sandbox: Arc<Sandbox>,
        wasm: &[u8],
        cache_dir: Option<&Path>,
    ) -> anyhow::Result<Arc<ChatPluginRuntime>> {
        let component = sandbox.load_component(wasm, cache_dir, CHAT_PLUGIN_GRANTS)?;
        let pre = ChatPluginPre::new(sandbox.linker().instantiate_pre(&component)?)?;
        Ok(Arc::new(ChatPluginRuntime { sandbox, pre }))
    }

    /// The sandbox the plugin runs in.
    pub fn sandbox(&self) -> &Arc<Sandbox> {
        &self.sandbox
    }

    /// Runs one export call as one storage job: committed when the export returns `ok`,
    /// rolled back when it returns an error, traps or times out. Events go out after commit.
    pub async fn call<T, F>(self: &Arc<Self>, db: &Database, request_id: String, export: F) -> Result<T, CallError>
    where
        T: Send + 'static,
        F: FnOnce(&ChatPlugin, &mut Store<HostState>) -> wasmtime::Result<Result<T, WitError>> + Send + 'static,
    {
        let runtime = self.clone();
        db.transact(move |scope| runtime.call_in(scope, &request_id, export))
            .await
    }

    /// Runs one export call inside a job that is already running, so that the host's own
    /// writes and the plugin's share one transaction. An error fails the job, and with it
    /// both; events go out only if the job commits.
    pub fn call_in<T>(
        &self,
        scope: &mut JobScope<'_>,
        request_id: &str,
        export: impl FnOnce(&ChatPlugin, &mut Store<HostState>) -> wasmtime::Result<Result<T, WitError>>,
    ) -> Result<T, CallError> {
        let (result, events) = self.sandbox.run_call(scope, request_id, |store| {
            let plugin = self.pre.instantiate(&mut *store)?;
            export(&plugin, store)
        })?;
        let value = result.map_err(CallError::Plugin)?;
        scope.publish_after_commit(events);
        Ok(value)
    }
}

/// The WIT call context for an actor and a project.
pub fn call_context(actor: Option<&str>, project: Option<&str>) -> CallContext {
    CallContext {
        actor: actor.map(str::to_string),
        project: project.map(str::to_string),
    }
}
