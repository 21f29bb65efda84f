//! Shared set-up: a site on a fresh SQLite database with the demo site and the real plugin
//! (compiled once per test run, cached on disk), contexts for callers, and the sandbox probe.

#![allow(dead_code)]

use std::path::PathBuf;

use helpdesk_host::contract::PluginInstance;
use helpdesk_host::contract::exports::helpdesk::chat::presence::ChangeOutcome;
use helpdesk_host::contract::helpdesk::chat::types::{Actor, CallContext, Error as WitError};
use helpdesk_host::runtime::capabilities::WASI_GRANTS;
use helpdesk_host::runtime::host_state::HostState;
use helpdesk_host::runtime::{Access, CallError, Sandbox, SandboxLimits};
use helpdesk_host::site::{Site, SiteSettings};
use helpdesk_host::storage::StorageFailure;
use wasmtime::Store;

/// Where compiled components are cached between test runs.
pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("component-cache")
}

/// The plugin component built by `build.rs`.
pub fn plugin_wasm() -> Vec<u8> {
    std::fs::read(env!("HELPDESK_PLUGIN_WASM")).expect("the plugin component was built")
}

/// The sandbox probe component built by `build.rs`.
pub fn probe_wasm() -> Vec<u8> {
    std::fs::read(env!("HELPDESK_PROBE_WASM")).expect("the probe component was built")
}

/// Settings for a site in `dir` under `limits`.
pub fn site_settings(dir: &std::path::Path, limits: SandboxLimits) -> SiteSettings {
    SiteSettings {
        data_dir: dir.to_path_buf(),
        database: None,
        plugin: None,
        cache_dir: Some(cache_dir()),
        seed: None,
        limits,
        max_queued_jobs: 4096,
        streams: helpdesk_host::push::StreamLimits::default(),
        clock: helpdesk_host::clock::HostClock::default(),
    }
}

/// A site without HTTP, on a temporary directory.
pub struct TestHost {
    pub site: Site,
    pub dir: tempfile::TempDir,
}

impl TestHost {
    /// A fresh database with the demo site and the plugin loaded under `limits`.
    pub async fn start(limits: SandboxLimits) -> TestHost {
        Self::start_on(limits, None).await
    }

    /// The same on the PostgreSQL database `database` names (a node of a site there), or
    /// on SQLite in the temporary directory.
    pub async fn start_on(limits: SandboxLimits, database: Option<String>) -> TestHost {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = site_settings(dir.path(), limits);
        settings.database = database;
        let site = Site::open(&settings).await.unwrap();
        TestHost { site, dir }
    }

    /// Whether the plugin's storage holds `key`.
    pub async fn kv_has(&self, key: &str) -> bool {
        let key = key.to_string();
        self.site
            .db
            .read(move |slot| -> Result<_, StorageFailure> { Ok(slot.tx()?.kv_get(&key)?) })
            .await
            .unwrap()
            .is_some()
    }

    /// Calls a plugin export: a read on a snapshot, or a write as one job.
    pub async fn call<T: Send + 'static>(
        &self,
        access: Access,
        ctx: CallContext,
        export: impl Fn(&PluginInstance, &mut Store<HostState>, &CallContext) -> wasmtime::Result<Result<T, WitError>>
        + Send
        + Sync
        + 'static,
    ) -> Result<T, CallError> {
        let export = Box::new(move |plugin: &PluginInstance, store: &mut Store<HostState>| export(plugin, store, &ctx));
        self.site
            .plugin
            .call(&self.site.db, access, "test".into(), export)
            .await
    }

    /// `user` goes online (without an end) or offline in `project`.
    pub async fn set_online(&self, user: &str, project: &str, online: bool) -> Result<ChangeOutcome, CallError> {
        self.call(Access::Write, user_in(user, project), move |p, store, ctx| {
            if online {
                p.helpdesk_chat_presence().call_go_online(store, ctx, false, None)
            } else {
                p.helpdesk_chat_presence().call_go_offline(store, ctx, false)
            }
        })
        .await
    }
}

/// The context of `user` acting in `project`.
pub fn user_in(user: &str, project: &str) -> CallContext {
    CallContext {
        actor: Actor::User(user.into()),
        project: Some(project.into()),
        page: helpdesk_host::contract::helpdesk::chat::types::PageOrigin::Unknown,
        locale: None,
        languages: Vec::new(),
        session: None,
        address: None,
    }
}

wasmtime::component::bindgen!({
    world: "helpdesk:probe/sandbox-probe",
    path: ["../wit", "../probe/wit"],
    with: {
        "helpdesk:chat/types": helpdesk_host::contract::helpdesk::chat::types,
        "helpdesk:chat/storage": helpdesk_host::contract::helpdesk::chat::storage,
        "helpdesk:chat/issues": helpdesk_host::contract::helpdesk::chat::issues,
        "helpdesk:chat/mail": helpdesk_host::contract::helpdesk::chat::mail,
    },
});

/// The probe, compiled and pre-instantiated in a host's sandbox.
pub type ProbePre = SandboxProbePre<HostState>;

/// What the probe imports: storage, issues and mail of the contract, and WASI.
pub fn probe_grants() -> Vec<&'static str> {
    [
        "helpdesk:chat/types@0.3.0",
        "helpdesk:chat/storage@0.3.0",
        "helpdesk:chat/issues@0.3.0",
        "helpdesk:chat/mail@0.3.0",
    ]
    .into_iter()
    .chain(WASI_GRANTS.iter().copied())
    .collect()
}

/// Loads the probe built by `build.rs` into `sandbox`.
pub fn load_probe(sandbox: &Sandbox, cache_dir: Option<&std::path::Path>) -> ProbePre {
    let component = sandbox
        .load_component(&probe_wasm(), cache_dir, &probe_grants())
        .unwrap();
    ProbePre::new(sandbox.linker().instantiate_pre(&component).unwrap()).unwrap()
}

/// Runs one probe export as one write job; an `Err` result rolls the job back.
pub async fn run_probe<R: Send + 'static>(
    host: &TestHost,
    pre: &ProbePre,
    export: impl Fn(&exports::helpdesk::probe::faults::Guest, &mut Store<HostState>) -> wasmtime::Result<Result<R, String>>
    + Send
    + 'static,
) -> Result<R, CallError> {
    let sandbox = host.site.plugin.sandbox().clone();
    let pre = pre.clone();
    host.site
        .db
        .write(move |slot| {
            let mut store = sandbox.new_store("probe-test".into());
            let probe = pre
                .instantiate(&mut store)
                .map_err(|err| CallError::from_wasm(err, "probe-test"))?;
            let timeout = sandbox.limits().call_timeout;
            sandbox
                .run_in(&mut store, slot, "probe-test", timeout, |store| {
                    export(probe.helpdesk_probe_faults(), store)
                })?
                .map_err(CallError::Fault)
        })
        .await
}
