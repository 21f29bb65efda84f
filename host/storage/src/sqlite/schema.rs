//! Opening the SQLite database and bringing its schema up to date.

use std::path::Path;

use anyhow::Context;
use rusqlite::{Connection, OpenFlags};

/// Each entry moves the schema one version up; `PRAGMA user_version` says how many ran.
/// Append only: a released migration never changes.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE push_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    topic      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE INDEX push_events_by_topic ON push_events (topic, id);

CREATE TABLE mail_outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    recipients TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_ms INTEGER NOT NULL,
    sent_ms    INTEGER
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    display_name  TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    time_zone     TEXT    NOT NULL,
    locale        TEXT    NOT NULL,
    site_admin    INTEGER NOT NULL DEFAULT 0,
    member        INTEGER NOT NULL DEFAULT 1,
    password_hash TEXT
);

CREATE TABLE projects (
    key  TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE project_roles (
    project TEXT NOT NULL REFERENCES projects (key) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('agent', 'project-admin')),
    PRIMARY KEY (project, user_id, role)
);
CREATE INDEX project_roles_by_user ON project_roles (user_id, role);

CREATE TABLE groups (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_by_user ON group_members (user_id);

CREATE TABLE companies (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE company_members (
    company_id TEXT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (company_id, user_id)
);
CREATE INDEX company_members_by_user ON company_members (user_id);

CREATE TABLE issues (
    key      TEXT PRIMARY KEY,
    project  TEXT NOT NULL REFERENCES projects (key) ON DELETE CASCADE,
    summary  TEXT NOT NULL,
    reporter TEXT,
    number   INTEGER NOT NULL
);
CREATE UNIQUE INDEX issues_by_number ON issues (project, number);

CREATE TABLE issue_history (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    issue_key  TEXT    NOT NULL REFERENCES issues (key) ON DELETE CASCADE,
    author     TEXT,
    kind       TEXT    NOT NULL CHECK (kind IN ('comment', 'change')),
    body       TEXT    NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE INDEX issue_history_by_issue ON issue_history (issue_key, id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#,
    r#"
-- The times the plugin asked to be woken at (WIT `wake`).
CREATE TABLE wakeups (
    at INTEGER PRIMARY KEY
) WITHOUT ROWID;

-- Failed logins per user id or address, for throttling across restarts.
CREATE TABLE login_failures (
    key TEXT    NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);

-- The plugin version that last wrote the store: only plugin 0.1 existed before this
-- migration, so a store holding anything was written by it.
INSERT INTO meta (key, value) SELECT 'plugin-version', '0.1.0' WHERE EXISTS (SELECT 1 FROM kv);
"#,
    r#"
-- Housekeeping finds expired sessions a batch at a time.
CREATE INDEX sessions_by_expiry ON sessions (expires_ms);
"#,
    r#"
-- Mail delivery: tries per message, when to try again, and why the last try failed.
ALTER TABLE mail_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mail_outbox ADD COLUMN next_attempt_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mail_outbox ADD COLUMN last_error TEXT;
CREATE INDEX mail_outbox_unsent ON mail_outbox (next_attempt_ms) WHERE sent_ms IS NULL;
"#,
    r#"
-- Mail that cannot be delivered (the server refused it for good, or a day of tries
-- failed) is given up: kept and listed, never tried again.
ALTER TABLE mail_outbox ADD COLUMN failed_ms INTEGER;
"#,
    r#"
-- Push events about a subject (a message) are replaced in the log by newer ones (its edit,
-- its deletion); some may be replayed only to readers still allowed another topic.
ALTER TABLE push_events ADD COLUMN subject TEXT;
ALTER TABLE push_events ADD COLUMN requires TEXT;
CREATE INDEX push_events_by_subject ON push_events (subject) WHERE subject IS NOT NULL;

-- A session opened in a project's chat widget is good for that widget only.
ALTER TABLE sessions ADD COLUMN widget_project TEXT;

-- Password hashes of registrations waiting for the code mailed to their address.
CREATE TABLE pending_passwords (
    registration  TEXT PRIMARY KEY,
    password_hash TEXT    NOT NULL,
    expires_ms    INTEGER NOT NULL
);
CREATE INDEX pending_passwords_by_expiry ON pending_passwords (expires_ms);

-- Who may browse a project's issues besides its staff and site admins: every licensed
-- member (the default), or nobody else.
ALTER TABLE projects ADD COLUMN members_browse INTEGER NOT NULL DEFAULT 1;
"#,
];

/// Opens (creating if needed) the database at `path` for writing, in WAL mode with full
/// fsync on commit, and migrates it to the current schema.
pub fn open(path: &Path) -> anyhow::Result<Connection> {
    let mut conn = Connection::open(path).with_context(|| format!("opening database {}", path.display()))?;
    // WAL lets readers run beside the writer; synchronous=FULL makes every commit durable,
    // which is why the batch worker groups many calls into one commit.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Each plugin call runs in a savepoint of the batch transaction; SQLite keeps a
    // savepoint's undo pages in a statement journal, a temporary file by default. In memory
    // it costs no write system calls (a profile of chat messages found them at a tenth of
    // the writer's time), and it holds only one batch's changed pages.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    configure(&conn)?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// Opens a read-only connection to the database at `path` (which [`open`] has created and
/// migrated): it reads WAL snapshots beside the writer and can never write.
pub fn open_reader(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )
    .with_context(|| format!("opening database {} for reading", path.display()))?;
    configure(&conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> anyhow::Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Every call runs the same few dozen statements; keeping them all prepared saves
    // parsing SQL on the hot path.
    conn.set_prepared_statement_cache_capacity(256);
    Ok(())
}

fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let current: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > MIGRATIONS.len() {
        anyhow::bail!(
            "the database has schema version {current}, newer than this host knows ({}); \
             it was written by a newer helpdesk-host: run that version or newer",
            MIGRATIONS.len()
        );
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .with_context(|| format!("migration {}", index + 1))?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pl_3_a_database_newer_than_the_host_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let conn = open(&path).unwrap();
        conn.pragma_update(None, "user_version", MIGRATIONS.len() + 1).unwrap();
        drop(conn);
        let err = format!("{:#}", open(&path).unwrap_err());
        assert!(err.contains("newer than this host knows"), "{err}");
    }

    #[test]
    fn pl_4_a_store_written_by_plugin_0_1_is_marked_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let mut conn = Connection::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(MIGRATIONS[0]).unwrap();
        tx.pragma_update(None, "user_version", 1).unwrap();
        tx.execute("INSERT INTO kv VALUES ('presence/log-seq', X'31')", [])
            .unwrap();
        tx.commit().unwrap();
        drop(conn);
        let conn = open(&path).unwrap();
        let version: String = conn
            .query_row("SELECT value FROM meta WHERE key = 'plugin-version'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, "0.1.0");
        let fresh = open(&dir.path().join("fresh.db")).unwrap();
        let marked: i64 = fresh.query_row("SELECT count(*) FROM meta", [], |r| r.get(0)).unwrap();
        assert_eq!(marked, 0, "an empty store was written by nobody");
    }
}
