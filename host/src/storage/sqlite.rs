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
use std::sync::atomic::Ordering;
use std::sync::mpsc::{SyncSender, TrySendError};

use super::backend::{Backend, BackendStats, CommitListener, Job, StorageFailure};
use super::counters::Counters;
use tx::SqliteTx;

pub use directory::role_name;

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

/// The SQLite backend.
pub struct SqliteBackend {
    writes: SyncSender<Job>,
    reads: SyncSender<Job>,
    counters: Arc<Counters>,
}

impl SqliteBackend {
    /// Opens (creating and migrating) the database and starts the writer and the readers.
    /// Committed events and wake-ups go to `listener`.
    pub fn open(settings: &SqliteSettings, listener: Arc<dyn CommitListener>) -> anyhow::Result<Arc<SqliteBackend>> {
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
        Ok(Arc::new(SqliteBackend {
            writes,
            reads,
            counters,
        }))
    }

    fn submit(&self, queue: &SyncSender<Job>, job: Job) -> Result<(), StorageFailure> {
        queue.try_send(job).map_err(|err| match err {
            TrySendError::Full(_) => {
                self.counters.shed.fetch_add(1, Ordering::Relaxed);
                StorageFailure::Overloaded
            }
            TrySendError::Disconnected(_) => StorageFailure::WorkerStopped,
        })
    }
}

impl Backend for SqliteBackend {
    fn submit_write(&self, job: Job) -> Result<(), StorageFailure> {
        self.submit(&self.writes, job)
    }

    fn submit_read(&self, job: Job) -> Result<(), StorageFailure> {
        self.submit(&self.reads, job)
    }

    fn stats(&self) -> BackendStats {
        self.counters.snapshot()
    }
}

#[cfg(test)]
mod tests;
