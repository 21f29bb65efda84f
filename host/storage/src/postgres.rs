//! The PostgreSQL backend, for several host nodes serving one site (PL-6).
//!
//! Each node has a few writer threads and reader threads, each owning one connection
//! (`workers.rs`), and one event feed (`event_feed.rs`) that reads the push log as other
//! nodes and this one commit to it.
//!
//! Isolation: a write job runs in a SERIALIZABLE transaction. The plugin reads and writes
//! many keys in one call (a counter beside a log entry, a room list beside its members);
//! under READ COMMITTED or REPEATABLE READ two nodes could each read the other's old value
//! and both write (lost updates, write skew). SERIALIZABLE makes the database refuse one of
//! them (SQLSTATE 40001); the worker rolls it back and runs the same call again in a new
//! transaction (the plugin keeps no state between calls, so the second run answers from
//! what is stored now). Calls on different keys run in parallel on different connections
//! and do not conflict. A read job runs in a REPEATABLE READ READ ONLY transaction: one
//! snapshot, never waiting behind writes and never refused.
//!
//! Group commit: each write job is its own transaction; PostgreSQL's WAL writer flushes the
//! commits of concurrent transactions together, so with several writer connections busy,
//! many commits share one fsync (`BENCHMARKS.md` has the figures beside SQLite's batches).

mod directory;
pub mod event_feed;
mod issues;
mod kv;
mod outbox;
mod push_log;
pub mod schema;
pub mod scratch;
mod sessions;
pub mod tx;
mod workers;

use std::sync::Arc;

use anyhow::Context;

use super::backend::CommitListener;
use super::counters::Counters;
use super::job_queues::JobQueues;

/// How the PostgreSQL backend is set up.
#[derive(Debug, Clone)]
pub struct PostgresSettings {
    /// The database, as `postgres://user:password@host:port/database` (or key=value pairs).
    pub url: String,
    /// How many write transactions this node runs at once (one connection each).
    pub writers: usize,
    /// How many read transactions this node runs at once (one connection each).
    pub readers: usize,
    /// How many write jobs may wait before new ones are refused.
    pub max_queued_writes: usize,
    /// How many read jobs may wait before new ones are refused.
    pub max_queued_reads: usize,
}

impl PostgresSettings {
    /// Defaults for the database at `url`.
    pub fn new(url: String) -> PostgresSettings {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        PostgresSettings {
            url,
            // Plugin calls use the processor between statements, so a few more writers
            // than cores keep both the processor and the database's WAL flushes busy.
            writers: (cores * 2).clamp(4, 16),
            readers: cores.clamp(2, 16),
            max_queued_writes: 4096,
            max_queued_reads: 4096,
        }
    }
}

/// Connects, migrates the schema (once across nodes starting together), starts the writers,
/// readers and the event feed of this node. Committed events, from every node, reach
/// `listener` in commit order through the feed; so do other nodes' wake-ups.
pub fn open(settings: &PostgresSettings, listener: Arc<dyn CommitListener>) -> anyhow::Result<Arc<JobQueues>> {
    schema::off_runtime(|| start(settings, listener))
}

fn start(settings: &PostgresSettings, listener: Arc<dyn CommitListener>) -> anyhow::Result<Arc<JobQueues>> {
    let mut client = schema::connect(&settings.url)?;
    schema::migrate(&mut client).context("migrating the PostgreSQL schema")?;
    drop(client);
    let counters = Arc::new(Counters::default());
    event_feed::spawn(&settings.url, listener.clone())?;
    let writes = workers::spawn_writers(settings, listener, counters.clone())?;
    let reads = workers::spawn_readers(settings, counters.clone())?;
    Ok(Arc::new(JobQueues::new(writes, reads, counters)))
}

#[cfg(test)]
mod tests;
