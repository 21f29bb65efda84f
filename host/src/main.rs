//! `helpdesk-host`: serves the demo site (or your own) on embedded SQLite, or as one of
//! several nodes on one PostgreSQL database.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use helpdesk_host::api::ApiSettings;
use helpdesk_host::app::{Host, HostSettings};
use helpdesk_host::http_server::HttpLimits;
use helpdesk_host::mail_delivery::MailSettings;
use helpdesk_host::push::StreamLimits;
use helpdesk_host::runtime::SandboxLimits;
use helpdesk_host::site::SiteSettings;

/// The helpdesk chat reference host.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Where the database and caches live.
    #[arg(long, env = "HELPDESK_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// A PostgreSQL database shared by several host nodes (`postgres://user:password@host/db`);
    /// without it, the site lives in SQLite under the data directory. Each node keeps its
    /// own data directory for its compiled-component cache.
    #[arg(long, env = "HELPDESK_DATABASE_URL", hide_env_values = true)]
    database: Option<String>,
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
    /// How many read calls run at once, each on its own read-only database connection
    /// [default: one per processor, 2 to 16].
    #[arg(long)]
    readers: Option<u32>,
    /// How many storage jobs (each of reads and writes) may wait before requests are refused
    /// with 503 and Retry-After.
    #[arg(long, default_value_t = 4096)]
    max_queued_jobs: usize,
    /// The longest a request may take before it is answered 503 timeout, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    request_timeout_ms: u64,
    /// How long a client may take to send its headers, or stay idle between requests, in seconds.
    #[arg(long, default_value_t = 15)]
    header_timeout_secs: u64,
    /// How long a client may take to send a request body, in seconds.
    #[arg(long, default_value_t = 15)]
    body_timeout_secs: u64,
    /// The most HTTP connections open at once.
    #[arg(long, default_value_t = 10_000)]
    max_connections: usize,
    /// How often an open push stream re-checks its session and revocable grants, in seconds
    /// (it also re-checks at once when its user's access changes, and ends at once on logout).
    #[arg(long, default_value_t = 30.0)]
    stream_recheck_secs: f64,
    /// The SMTP server the mail outbox is delivered to: `smtp://relay:25` (plain),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host`
    /// (TLS); without it, mail stays in the outbox, listed for site admins (/outbox).
    #[arg(long, env = "HELPDESK_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of the site's mail.
    #[arg(long, env = "HELPDESK_MAIL_FROM", default_value = "Helpdesk <helpdesk@localhost>")]
    mail_from: String,
    /// A reverse proxy (address or network, `10.0.0.0/8`) whose `X-Forwarded-For` says the
    /// client's address; repeat it, or separate with commas. Without it the connection's
    /// peer is the client, which behind a proxy puts every customer under one address.
    #[arg(long = "trusted-proxy", env = "HELPDESK_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_network)]
    trusted_proxies: Vec<ipnet::IpNet>,
    /// How long a push stream stays open before it ends by itself, in seconds, give or
    /// take a tenth (browsers reconnect and resume from their last event id at once).
    #[arg(long, default_value_t = 3600)]
    stream_max_age_secs: u64,
    /// How many IPv6 prefix bits make one client for limits per address (one subscriber
    /// usually holds a /64 or more, and can use any address in it).
    #[arg(long, default_value_t = helpdesk_host::client_network::DEFAULT_IPV6_PREFIX, value_parser = clap::value_parser!(u8).range(16..=128))]
    ipv6_prefix: u8,
    /// The most push streams one signed-in user may hold open on this node.
    #[arg(long, default_value_t = 64)]
    max_streams_per_user: usize,
    /// The most push streams one anonymous widget visitor may hold open on this node.
    #[arg(long, default_value_t = 16)]
    max_streams_per_visitor: usize,
    /// The most push streams without a login that one client network (an IPv4 address, an
    /// IPv6 network of --ipv6-prefix bits) may hold open on this node.
    #[arg(long, default_value_t = 32)]
    max_streams_per_address: usize,
    /// The most push streams without a login open at once on this node [default: half of
    /// --max-connections]; past it, the oldest of them is ended to make room.
    #[arg(long)]
    max_anonymous_streams: Option<usize>,
    /// How many team chat messages one member may write a minute (a third of them at once).
    #[arg(long, default_value_t = helpdesk_host::api::request_limits::DEFAULT_TEAM_MESSAGES_PER_MINUTE, value_parser = clap::value_parser!(u32).range(1..))]
    team_messages_per_minute: u32,
    /// Send `Strict-Transport-Security` with this max-age (in seconds; a year is 31536000) to
    /// clients that reached the site over TLS, as a --trusted-proxy says with
    /// `X-Forwarded-Proto: https`. Off unless given: turn it on once the site is served
    /// over HTTPS only.
    #[arg(long, env = "HELPDESK_HSTS_MAX_AGE")]
    hsts_max_age_secs: Option<u64>,
    /// Allow tests to move the clock (POST /api/v1/test/clock). Never on a real site.
    #[arg(long)]
    test_clock: bool,
}

/// A network (`10.0.0.0/8`) or one address (`127.0.0.1`, `::1`).
fn parse_network(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{text:?} is neither an IP address nor a network like 10.0.0.0/8"))
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
    let mut limits = SandboxLimits {
        call_timeout: Duration::from_millis(args.call_timeout_ms),
        memory_bytes: args.call_memory_mib << 20,
        ..SandboxLimits::default()
    };
    if let Some(readers) = args.readers {
        limits.readers = readers.max(1);
        limits.concurrent_instances = limits.concurrent_instances.max(limits.readers + 16);
    }
    let settings = HostSettings {
        site: SiteSettings {
            data_dir: args.data_dir,
            database: args.database,
            plugin: args.plugin,
            cache_dir: args.cache_dir,
            seed: args.seed,
            limits,
            max_queued_jobs: args.max_queued_jobs.max(1),
            streams: StreamLimits {
                per_user: args.max_streams_per_user.max(1),
                per_visitor: args.max_streams_per_visitor.max(1),
                per_network: args.max_streams_per_address.max(1),
                anonymous: args
                    .max_anonymous_streams
                    .unwrap_or(StreamLimits::for_connections(args.max_connections.max(1)).anonymous)
                    .max(1),
            },
            clock: helpdesk_host::clock::HostClock::default(),
        },
        api: ApiSettings {
            test_clock: args.test_clock,
            stream_recheck: Duration::from_secs_f64(args.stream_recheck_secs.max(0.05)),
            request_timeout: Duration::from_millis(args.request_timeout_ms.max(1)),
            trusted_proxies: args.trusted_proxies,
            ipv6_prefix: args.ipv6_prefix,
            stream_max_age: Duration::from_secs(args.stream_max_age_secs.max(1)),
            team_messages_per_minute: args.team_messages_per_minute,
            hsts_max_age: args.hsts_max_age_secs.map(Duration::from_secs),
        },
        http: HttpLimits {
            header_timeout: Duration::from_secs(args.header_timeout_secs.max(1)),
            body_timeout: Duration::from_secs(args.body_timeout_secs.max(1)),
            max_connections: args.max_connections.max(1),
            ..HttpLimits::default()
        },
        mail: args.smtp_url.map(|smtp_url| MailSettings {
            smtp_url,
            from: args.mail_from,
        }),
    };
    let host = Host::build(&settings).await?;
    host.serve(args.listen).await
}
