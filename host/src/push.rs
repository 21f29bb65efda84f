//! Push events: stored with the call that published them, delivered to live clients after
//! the commit, and replayed from the database to a client that resumes with the last id it saw.

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use tokio::sync::broadcast;

/// The longest a payload may be.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;
/// How long events are kept for resuming clients.
pub const RETENTION_MS: i64 = 24 * 60 * 60 * 1000;

/// One published event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushEvent {
    /// Increasing across the site; the stream's event id.
    pub id: i64,
    /// Where it goes, for example `presence:SUP`; the plugin decides who may subscribe.
    pub topic: String,
    /// What happened, for example `presence-changed`.
    pub kind: String,
    /// JSON text.
    pub payload: String,
}

/// Fans committed events out to the open streams of this node.
#[derive(Clone)]
pub struct PushHub {
    sender: broadcast::Sender<Arc<PushEvent>>,
}

impl Default for PushHub {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(4096);
        PushHub { sender }
    }
}

impl PushHub {
    /// Hands committed events to every open stream.
    pub fn deliver(&self, events: Vec<PushEvent>) {
        for event in events {
            // No receivers is normal: nobody is watching.
            let _ = self.sender.send(Arc::new(event));
        }
    }

    /// A receiver of events committed from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<PushEvent>> {
        self.sender.subscribe()
    }
}

/// Stores an event inside the current transaction and returns it with its id.
pub fn record(conn: &Connection, topic: &str, kind: &str, payload: &str, now_ms: i64) -> rusqlite::Result<PushEvent> {
    conn.prepare_cached("INSERT INTO push_events (topic, kind, payload, created_ms) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![topic, kind, payload, now_ms])?;
    Ok(PushEvent {
        id: conn.last_insert_rowid(),
        topic: topic.into(),
        kind: kind.into(),
        payload: payload.into(),
    })
}

/// Events after `after_id` on any of `topics`, oldest first, at most `limit`.
pub fn replay(conn: &Connection, topics: &[String], after_id: i64, limit: u32) -> rusqlite::Result<Vec<PushEvent>> {
    let mut events = Vec::new();
    let mut statement = conn.prepare_cached(
        "SELECT id, topic, kind, payload FROM push_events WHERE topic = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
    )?;
    for topic in topics {
        let rows = statement.query_map(params![topic, after_id, limit], |row| {
            Ok(PushEvent {
                id: row.get(0)?,
                topic: row.get(1)?,
                kind: row.get(2)?,
                payload: row.get(3)?,
            })
        })?;
        for row in rows {
            events.push(row?);
        }
    }
    events.sort_by_key(|e| e.id);
    events.truncate(limit as usize);
    Ok(events)
}

/// The range of event ids: what a resuming client can still be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdBounds {
    /// The newest id ever given (even if pruned since); 0 before the first event.
    pub latest: i64,
    /// The oldest id still stored; `None` when none is.
    pub oldest: Option<i64>,
}

/// The newest id ever given and the oldest still stored.
pub fn id_bounds(conn: &Connection) -> rusqlite::Result<IdBounds> {
    // AUTOINCREMENT keeps the newest id in sqlite_sequence even after pruning.
    let latest: Option<i64> = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'push_events'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    let oldest: Option<i64> = conn.query_row("SELECT min(id) FROM push_events", [], |row| row.get(0))?;
    Ok(IdBounds {
        latest: latest.unwrap_or(0),
        oldest,
    })
}

/// Forgets events older than the retention window.
pub fn prune(conn: &Connection, now_ms: i64) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM push_events WHERE created_ms < ?1",
        params![now_ms - RETENTION_MS],
    )
}
