//! The SQLite backend, the embedded default: one writer thread that groups write jobs into
//! one durable commit (`batch_worker.rs`), and reader threads on read-only WAL snapshots
//! (`read_pool.rs`), so reads never wait behind writes. Both queues are bounded: past their
//! size a job is refused at once (the HTTP layer answers 503 with `Retry-After`).

pub mod batch_worker;
pub mod read_pool;
pub mod schema;
pub mod tx;

mod directory;
mod issues;
mod kv;
mod outbox;
mod push_log;
mod sessions;

use std::path::PathBuf;
use std::sync::Arc;

use super::backend::CommitListener;
use super::counters::Counters;
use super::job_queues::JobQueues;
use tx::SqliteTx;

/// How the SQLite backend is set up.
#[derive(Debug, Clone)]
pub struct SqliteSettings {
    /// The database file.
    pub path: PathBuf,
    /// How many reader threads (and read-only connections) serve read jobs.
    pub readers: usize,
    /// How many write jobs may wait for the writer before new ones are refused.
    pub max_queued_writes: usize,
    /// How many read jobs may wait for a reader before new ones are refused.
    pub max_queued_reads: usize,
}

impl SqliteSettings {
    /// Defaults for a database at `path`: a reader per processor (at least two).
    pub fn new(path: PathBuf) -> SqliteSettings {
        SqliteSettings {
            path,
            readers: std::thread::available_parallelism().map_or(2, |n| n.get()).max(2),
            max_queued_writes: 4096,
            max_queued_reads: 4096,
        }
    }
}

/// Opens (creating and migrating) the database and starts the writer and the readers.
/// Committed events and wake-ups go to `listener`.
pub fn open(settings: &SqliteSettings, listener: Arc<dyn CommitListener>) -> anyhow::Result<Arc<JobQueues>> {
    let conn = schema::open(&settings.path)?;
    let counters = Arc::new(Counters::default());
    let writes = batch_worker::spawn(
        SqliteTx::new(conn, true),
        settings.path.clone(),
        listener,
        counters.clone(),
        settings.max_queued_writes,
    )?;
    let reads = read_pool::spawn(
        &settings.path,
        settings.readers,
        settings.max_queued_reads,
        counters.clone(),
    )?;
    Ok(Arc::new(JobQueues::new(writes, reads, counters)))
}

#[cfg(test)]
mod tests;
