//! Assembling the host: storage, the plugin, the scheduler and the HTTP server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower_http::trace::TraceLayer;

use crate::api::{self, ApiContext};
use crate::clock::HostClock;
use crate::push::PushHub;
use crate::runtime::{ChatPluginRuntime, Sandbox, SandboxLimits};
use crate::storage::Database;
use crate::{demo, web};

/// The plugin component built with the host (see `build.rs`).
pub const BUILT_IN_PLUGIN: &[u8] = include_bytes!(env!("HELPDESK_PLUGIN_WASM"));

/// How the host is set up.
#[derive(Debug, Clone)]
pub struct HostSettings {
    /// Where the database and the compiled-component cache live.
    pub data_dir: PathBuf,
    /// Where to listen.
    pub listen: SocketAddr,
    /// A plugin component to load instead of the built-in one.
    pub plugin: Option<PathBuf>,
    /// Where compiled components are cached (default: `<data_dir>/cache`).
    pub cache_dir: Option<PathBuf>,
    /// The site file loaded into an empty database (default: the built-in demo site).
    pub seed: Option<PathBuf>,
    /// Limits for plugin calls.
    pub limits: SandboxLimits,
    /// Allow `POST /api/v1/test/clock`.
    pub test_clock: bool,
    /// How often open push streams re-check their session and permissions.
    pub stream_recheck: Duration,
}

/// A host ready to serve.
pub struct Host {
    /// What the API handlers share; the scheduler runs on it too.
    pub ctx: ApiContext,
    /// The API and the web client, with request ids and tracing.
    pub router: Router,
    /// Tells open streams that the host is stopping.
    shutdown: tokio::sync::watch::Sender<bool>,
}

impl Host {
    /// Opens storage (loading the site file on first start), loads the plugin and builds
    /// the router.
    pub fn build(settings: &HostSettings) -> anyhow::Result<Host> {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating the data directory {}", settings.data_dir.display()))?;
        let db_path = settings.data_dir.join("helpdesk.db");
        let site_text = match &settings.seed {
            Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
            None => demo::BUILT_IN.to_string(),
        };
        let site = demo::SiteFile::parse(&site_text)?;
        let mut conn = crate::storage::schema::open(&db_path)?;
        if demo::load_once(&mut conn, &site)? {
            tracing::info!("loaded the site file into a new database");
        }
        crate::push::prune(&conn, HostClock::default().now_ms())?;
        drop(conn);

        let clock = HostClock::default();
        let hub = PushHub::default();
        let db = Database::open(&db_path, hub.clone())?;
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
        let (shutdown, shutdown_signal) = tokio::sync::watch::channel(false);
        let ctx = ApiContext {
            db,
            plugin,
            hub,
            clock,
            scheduler_wake: Arc::new(Notify::new()),
            test_clock: settings.test_clock,
            stream_recheck: settings.stream_recheck,
            login_throttle: Arc::new(crate::login_throttle::LoginThrottle::default()),
            password_checks: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
            shutdown: shutdown_signal,
        };
        let router = Router::new()
            .merge(api::router())
            .merge(web::router())
            .with_state(ctx.clone())
            .layer(TraceLayer::new_for_http())
            .layer(axum::middleware::from_fn(api::request_id));
        Ok(Host { ctx, router, shutdown })
    }

    /// Serves until Ctrl-C; prints the URL to open once listening.
    pub async fn serve(self, listen: SocketAddr) -> anyhow::Result<()> {
        let listener = TcpListener::bind(listen)
            .await
            .with_context(|| format!("listening on {listen}"))?;
        let address = listener.local_addr()?;
        tokio::spawn(crate::scheduler::run_forever(self.ctx.clone()));
        // Tests read this line to learn the port.
        println!("helpdesk host listening on http://{address}/");
        // The client address feeds the login throttle.
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                let _ = tokio::signal::ctrl_c().await;
                // Push streams never end by themselves: end them, or shutdown waits forever.
                let _ = self.shutdown.send(true);
            })
            .await?;
        // Let the storage worker finish its batch.
        tokio::time::sleep(Duration::from_millis(50)).await;
        Ok(())
    }
}
