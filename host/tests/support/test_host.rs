//! Shared set-up for the host's integration tests: a real SQLite database with the demo
//! site, and the real plugin component compiled once per test binary (cached on disk).

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use helpdesk_host::clock::HostClock;
use helpdesk_host::push::PushHub;
use helpdesk_host::runtime::{ChatPluginRuntime, Sandbox, SandboxLimits};
use helpdesk_host::storage::Database;

/// A host without HTTP: database, hub, clock, sandbox and plugin.
pub struct TestHost {
    pub db: Database,
    pub hub: PushHub,
    pub clock: HostClock,
    pub sandbox: Arc<Sandbox>,
    pub plugin: Arc<ChatPluginRuntime>,
    _dir: tempfile::TempDir,
}

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

impl TestHost {
    /// A fresh database with the demo site and the plugin loaded under `limits`.
    pub fn start(limits: SandboxLimits) -> TestHost {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.db");
        let site = helpdesk_host::demo::SiteFile::parse(helpdesk_host::demo::BUILT_IN).unwrap();
        let mut conn = helpdesk_host::storage::schema::open(&path).unwrap();
        helpdesk_host::demo::load_once(&mut conn, &site).unwrap();
        drop(conn);
        let hub = PushHub::default();
        let clock = HostClock::default();
        let db = Database::open(&path, hub.clone()).unwrap();
        let sandbox = Arc::new(Sandbox::new(limits, clock.clone()).unwrap());
        let plugin = ChatPluginRuntime::load(sandbox.clone(), &plugin_wasm(), Some(&cache_dir())).unwrap();
        TestHost {
            db,
            hub,
            clock,
            sandbox,
            plugin,
            _dir: dir,
        }
    }

    /// How many rows of the `kv` table have this key.
    pub async fn kv_has(&self, key: &str) -> bool {
        let key = key.to_string();
        self.db
            .run(move |conn| conn.query_row("SELECT count(*) FROM kv WHERE key = ?1", [key], |r| r.get::<_, i64>(0)))
            .await
            .unwrap()
            == 1
    }
}
