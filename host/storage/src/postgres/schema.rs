//! Connecting to PostgreSQL and bringing its schema up to date.
//!
//! Migrations are numbered and recorded in `schema_migrations`; nodes starting together take
//! an advisory lock, so one migrates while the others wait, and a node that finds a version
//! newer than it knows refuses to start rather than write a schema it does not understand.

use std::time::Duration;

use anyhow::Context;
use postgres::{Client, NoTls};

/// The advisory lock held while migrating (any number, the same on every node).
const MIGRATION_LOCK: i64 = 0x6865_6c70_6465_736b; // "helpdesk"

/// Each entry moves the schema one version up. Append only: a released migration never
/// changes. Text that is ordered or compared as a range (the plugin's keys, ids) uses the
/// "C" collation, so it sorts by bytes as on SQLite whatever the database's locale.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE kv (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value BYTEA NOT NULL
);

-- Ids are taken under an advisory lock held until the commit, so they are in commit order;
-- the newest row is never pruned, so max(id) is the newest id ever given.
CREATE TABLE push_events (
    id         BIGSERIAL PRIMARY KEY,
    topic      TEXT COLLATE "C" NOT NULL,
    kind       TEXT   NOT NULL,
    payload    TEXT   NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX push_events_by_topic ON push_events (topic, id);
CREATE INDEX push_events_by_age ON push_events (created_ms);

CREATE TABLE mail_outbox (
    id              BIGSERIAL PRIMARY KEY,
    recipients      TEXT   NOT NULL,
    subject         TEXT   NOT NULL,
    body            TEXT   NOT NULL,
    created_ms      BIGINT NOT NULL,
    sent_ms         BIGINT,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_ms BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT
);
CREATE INDEX mail_outbox_unsent ON mail_outbox (next_attempt_ms) WHERE sent_ms IS NULL;

CREATE TABLE users (
    id            TEXT COLLATE "C" PRIMARY KEY,
    display_name  TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    time_zone     TEXT    NOT NULL,
    locale        TEXT    NOT NULL,
    site_admin    BOOLEAN NOT NULL DEFAULT FALSE,
    member        BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash TEXT
);
CREATE INDEX users_by_email ON users (lower(email));

CREATE TABLE projects (
    key  TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE project_roles (
    project TEXT COLLATE "C" NOT NULL REFERENCES projects (key) ON DELETE CASCADE,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT COLLATE "C" NOT NULL CHECK (role IN ('agent', 'project-admin')),
    PRIMARY KEY (project, user_id, role)
);
CREATE INDEX project_roles_by_user ON project_roles (user_id, role);

CREATE TABLE groups (
    id   TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE group_members (
    group_id TEXT COLLATE "C" NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id  TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_by_user ON group_members (user_id);

CREATE TABLE companies (
    id   TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE company_members (
    company_id TEXT COLLATE "C" NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (company_id, user_id)
);
CREATE INDEX company_members_by_user ON company_members (user_id);

CREATE TABLE issues (
    seq      BIGSERIAL UNIQUE,
    key      TEXT COLLATE "C" PRIMARY KEY,
    project  TEXT COLLATE "C" NOT NULL REFERENCES projects (key) ON DELETE CASCADE,
    summary  TEXT   NOT NULL,
    reporter TEXT,
    number   BIGINT NOT NULL
);
CREATE UNIQUE INDEX issues_by_number ON issues (project, number);

CREATE TABLE issue_history (
    id         BIGSERIAL PRIMARY KEY,
    issue_key  TEXT COLLATE "C" NOT NULL REFERENCES issues (key) ON DELETE CASCADE,
    author     TEXT,
    kind       TEXT   NOT NULL CHECK (kind IN ('comment', 'change')),
    body       TEXT   NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX issue_history_by_issue ON issue_history (issue_key, id);

CREATE TABLE sessions (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_ms);

CREATE TABLE meta (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE wakeups (
    at BIGINT PRIMARY KEY
);

CREATE TABLE login_failures (
    id  BIGSERIAL PRIMARY KEY,
    key TEXT COLLATE "C" NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);
"#,
    r#"
-- Mail that cannot be delivered (the server refused it for good, or a day of tries
-- failed) is given up: kept and listed, never tried again.
ALTER TABLE mail_outbox ADD COLUMN failed_ms BIGINT;
"#,
    r#"
-- Push events about a subject (a message) are replaced in the log by newer ones (its edit,
-- its deletion); some may be replayed only to readers still allowed another topic.
ALTER TABLE push_events ADD COLUMN subject TEXT COLLATE "C";
ALTER TABLE push_events ADD COLUMN requires TEXT;
CREATE INDEX push_events_by_subject ON push_events (subject) WHERE subject IS NOT NULL;

-- A session opened in a project's chat widget is good for that widget only.
ALTER TABLE sessions ADD COLUMN widget_project TEXT;

-- Password hashes of registrations waiting for the code mailed to their address.
CREATE TABLE pending_passwords (
    registration  TEXT COLLATE "C" PRIMARY KEY,
    password_hash TEXT    NOT NULL,
    expires_ms    BIGINT NOT NULL
);
CREATE INDEX pending_passwords_by_expiry ON pending_passwords (expires_ms);

-- Who may browse a project's issues besides its staff and site admins: every licensed
-- member (the default), or nobody else.
ALTER TABLE projects ADD COLUMN members_browse BOOLEAN NOT NULL DEFAULT TRUE;
"#,
];

/// Runs `work` on a thread of its own. The blocking client drives its connection with a
/// runtime of its own, which cannot run on a thread that is already driving async tasks
/// (opening a site does, from `main`'s runtime).
pub fn off_runtime<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| match scope.spawn(work).join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// Opens a connection to the database `url` names.
pub fn connect(url: &str) -> anyhow::Result<Client> {
    let mut config: postgres::Config = url.parse().context("reading the PostgreSQL URL")?;
    // A peer that vanished (a partition, a dead node) is noticed in about a minute, not
    // the system's two hours.
    config.keepalives(true).keepalives_idle(Duration::from_secs(30));
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    let mut client = config
        .connect(NoTls)
        .with_context(|| format!("connecting to PostgreSQL at {}", describe(&config)))?;
    // A node that stalls inside a transaction (it holds row locks, or the lock that orders
    // events) is cut off by the server instead of holding every other node up; a lock
    // waited for too long counts as a lost conflict and the job runs again.
    client.batch_execute("SET idle_in_transaction_session_timeout = '60s'; SET lock_timeout = '20s'")?;
    Ok(client)
}

/// Where a configuration points, without its password.
pub fn describe(config: &postgres::Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|host| match host {
            postgres::config::Host::Tcp(name) => name.clone(),
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    format!("{host}/{}", config.get_dbname().unwrap_or("(default database)"))
}

/// Brings the schema up to the version this host knows, once across every node starting
/// at the same time. Refuses a database whose schema is newer.
pub fn migrate(client: &mut Client) -> anyhow::Result<()> {
    // However long another node's migration takes, wait for it.
    client.batch_execute("SET lock_timeout = 0")?;
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
    let migrated = run_migrations(client);
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
    migrated?;
    unlocked?;
    Ok(())
}

fn run_migrations(client: &mut Client) -> anyhow::Result<()> {
    // Quietly: PostgreSQL otherwise logs a notice on every later start that it exists.
    client.batch_execute("SET client_min_messages = warning")?;
    client.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )?;
    let current: i32 = client
        .query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])?
        .get(0);
    let known = MIGRATIONS.len() as i32;
    if current > known {
        anyhow::bail!(
            "the database has schema version {current}, newer than this host knows ({known}); \
             it was written by a newer helpdesk-host: run that version or newer"
        );
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = index as i32 + 1;
        let mut tx = client.transaction()?;
        tx.batch_execute(sql).with_context(|| format!("migration {version}"))?;
        tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[&version])?;
        tx.commit()?;
        tracing::info!(version, "PostgreSQL schema migrated");
    }
    Ok(())
}

/// The newest schema version this host knows.
pub fn known_version() -> i32 {
    MIGRATIONS.len() as i32
}
