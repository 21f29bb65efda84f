//! Everything below the HTTP layer, assembled: storage, the push hub, the plugin, the
//! directory and the scheduler. The REST API, the scheduler loop, benchmarks and tests all
//! use a [`Site`]; nothing here knows HTTP.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;

use crate::clock::HostClock;
use crate::demo;
use crate::directory::Directory;
use crate::push::{PushHub, StreamLimits};
use crate::runtime::{ChatPluginRuntime, Sandbox, SandboxLimits};
use crate::scheduler::{Scheduler, WakeSignal};
use crate::storage::postgres::{self, PostgresSettings};
use crate::storage::sqlite::{self, SqliteSettings};
use crate::storage::{Backend, CommitListener, Database, PushEvent, Signal};

/// The plugin component built with the host (see `build.rs`).
pub const BUILT_IN_PLUGIN: &[u8] = include_bytes!(env!("HELPDESK_PLUGIN_WASM"));

/// How a site is set up.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    /// Where the database (SQLite) and the compiled-component cache live.
    pub data_dir: PathBuf,
    /// A PostgreSQL database (`postgres://…`) shared by every node of the site, instead of
    /// SQLite under `data_dir`.
    pub database: Option<String>,
    /// A plugin component to load instead of the built-in one.
    pub plugin: Option<PathBuf>,
    /// Where compiled components are cached (default: `<data_dir>/cache`).
    pub cache_dir: Option<PathBuf>,
    /// The site file loaded into an empty database (default: the built-in demo site).
    pub seed: Option<PathBuf>,
    /// Limits for plugin calls.
    pub limits: SandboxLimits,
    /// How many jobs may wait for the storage before new ones are refused (each of reads
    /// and writes).
    pub max_queued_jobs: usize,
    /// How many push streams one client may hold open on this node.
    pub streams: StreamLimits,
    /// The site's clock: system time (`HostClock::default()`), which `--test-clock` may
    /// move, or a stopped one for tests that compare hosts.
    pub clock: HostClock,
}

/// A running site.
#[derive(Clone)]
pub struct Site {
    /// The site's storage.
    pub db: Database,
    /// The loaded chat plugin, which answers every chat and presence question.
    pub plugin: Arc<ChatPluginRuntime>,
    /// Hands committed push events to this node's open streams.
    pub hub: PushHub,
    /// The host clock; only the test clock moves it.
    pub clock: HostClock,
    /// The directory and its host events.
    pub directory: Directory,
    /// The plugin's time-driven work.
    pub scheduler: Scheduler,
}

/// What each commit made public goes to this node's streams and scheduler.
struct SiteListener {
    hub: PushHub,
    wake: Arc<WakeSignal>,
}

impl CommitListener for SiteListener {
    fn events_committed(&self, events: Vec<PushEvent>) {
        self.hub.deliver(events);
    }

    fn signals_committed(&self, signals: Vec<Signal>) {
        self.hub.deliver_signals(signals);
    }

    fn wake_requested(&self, _at_ms: i64) {
        self.wake.poke();
    }
}

/// The backend the settings name: PostgreSQL when a database URL is given, else SQLite in
/// the data directory.
fn open_backend(settings: &SiteSettings, listener: Arc<dyn CommitListener>) -> anyhow::Result<Arc<dyn Backend>> {
    match &settings.database {
        Some(url) => {
            let mut storage = PostgresSettings::new(url.clone());
            storage.readers = settings.limits.readers as usize;
            storage.max_queued_reads = settings.max_queued_jobs;
            storage.max_queued_writes = settings.max_queued_jobs;
            Ok(postgres::open(&storage, listener)?)
        }
        None => {
            let mut storage = SqliteSettings::new(settings.data_dir.join("helpdesk.db"));
            storage.readers = settings.limits.readers as usize;
            storage.max_queued_reads = settings.max_queued_jobs;
            storage.max_queued_writes = settings.max_queued_jobs;
            Ok(sqlite::open(&storage, listener)?)
        }
    }
}

impl Site {
    /// Opens storage, loads the plugin and brings the store up to its version, and loads
    /// the site file into an empty database.
    pub async fn open(settings: &SiteSettings) -> anyhow::Result<Site> {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating the data directory {}", settings.data_dir.display()))?;
        let site_text = match &settings.seed {
            Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
            None => demo::BUILT_IN.to_string(),
        };
        let site_file = demo::SiteFile::parse(&site_text)?;

        let clock = settings.clock.clone();
        let hub = PushHub::new(settings.streams.clone());
        let wake = Arc::new(WakeSignal::default());
        let listener = Arc::new(SiteListener {
            hub: hub.clone(),
            wake: wake.clone(),
        });
        let db = Database::new(open_backend(settings, listener)?);

        let sandbox = Arc::new(Sandbox::new(settings.limits.clone(), clock.clone())?);
        let wasm = match &settings.plugin {
            Some(path) => std::fs::read(path).with_context(|| format!("reading the plugin {}", path.display()))?,
            None => BUILT_IN_PLUGIN.to_vec(),
        };
        let cache_dir = settings
            .cache_dir
            .clone()
            .unwrap_or_else(|| settings.data_dir.join("cache"));
        let plugin =
            ChatPluginRuntime::load(sandbox, &wasm, Some(&cache_dir)).context("loading the plugin component")?;
        if let Some(previous) = plugin.migrate_store(&db).await? {
            tracing::info!(
                from = previous.as_deref().unwrap_or("nothing"),
                to = %plugin.manifest().version,
                "the plugin brought the store up to its version"
            );
        }
        let directory = Directory {
            db: db.clone(),
            plugin: plugin.clone(),
        };
        if demo::load_once(&directory, site_file).await? {
            tracing::info!("loaded the site file into a new database");
        }
        let scheduler = Scheduler::new(db.clone(), plugin.clone(), clock.clone(), wake);
        Ok(Site {
            db,
            plugin,
            hub,
            clock,
            directory,
            scheduler,
        })
    }
}
