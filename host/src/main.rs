//! `helpdesk-host`: serves the demo site (or your own) on embedded SQLite.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use helpdesk_host::app::{Host, HostSettings};
use helpdesk_host::runtime::SandboxLimits;

/// The helpdesk chat reference host.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Where the database and caches live.
    #[arg(long, env = "HELPDESK_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// The address to listen on (port 0 picks a free port).
    #[arg(long, env = "HELPDESK_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// A plugin component (.wasm) to load instead of the built-in one.
    #[arg(long, env = "HELPDESK_PLUGIN")]
    plugin: Option<PathBuf>,
    /// Where compiled components are cached [default: <data-dir>/cache].
    #[arg(long, env = "HELPDESK_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
    /// A site file (TOML) to load into an empty database instead of the demo site.
    #[arg(long, env = "HELPDESK_SEED")]
    seed: Option<PathBuf>,
    /// The longest one plugin call may run, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    call_timeout_ms: u64,
    /// The most memory one plugin call may use, in MiB.
    #[arg(long, default_value_t = 64)]
    call_memory_mib: usize,
    /// How often an open push stream re-checks its session and permissions, in seconds
    /// (a logged-out user or one who lost access stops receiving events within this time).
    #[arg(long, default_value_t = 30.0)]
    stream_recheck_secs: f64,
    /// Allow tests to move the clock (POST /api/v1/test/clock). Never on a real site.
    #[arg(long)]
    test_clock: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info,wasmtime=warn,cranelift=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let settings = HostSettings {
        data_dir: args.data_dir,
        listen: args.listen,
        plugin: args.plugin,
        cache_dir: args.cache_dir,
        seed: args.seed,
        limits: SandboxLimits {
            call_timeout: Duration::from_millis(args.call_timeout_ms),
            memory_bytes: args.call_memory_mib << 20,
            ..SandboxLimits::default()
        },
        test_clock: args.test_clock,
        stream_recheck: Duration::from_secs_f64(args.stream_recheck_secs.max(0.05)),
    };
    let host = Host::build(&settings)?;
    host.serve(settings.listen).await
}
