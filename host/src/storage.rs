//! The host's storage: one SQLite database, written by one worker thread that groups
//! concurrent calls into one durable commit.
//!
//! Every unit of work (a plugin export call, or a host query) is a *job*. The worker takes
//! all jobs waiting, opens one transaction, runs each job inside its own savepoint —
//! released when the job succeeds, rolled back when it fails — then commits once and only
//! then answers the callers and publishes their events. So a job is all or nothing, and
//! many jobs share one fsync.

pub mod batch_worker;
pub mod kv;
pub mod schema;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::push::{PushEvent, PushHub};

/// A job's view of the database while it runs inside its savepoint.
pub struct JobScope<'w> {
    conn: &'w mut Option<Connection>,
    events: Vec<PushEvent>,
}

impl<'w> JobScope<'w> {
    /// The connection, inside the job's savepoint.
    pub fn conn(&self) -> Result<&Connection, StorageFailure> {
        self.conn.as_ref().ok_or(StorageFailure::ConnectionLost)
    }

    /// Lends the connection out (to a plugin store) until [`JobScope::return_conn`].
    pub fn lend_conn(&mut self) -> Result<Connection, StorageFailure> {
        self.conn.take().ok_or(StorageFailure::ConnectionLost)
    }

    /// Gives a lent connection back.
    pub fn return_conn(&mut self, conn: Connection) {
        *self.conn = Some(conn);
    }

    /// Queues events the job published; they go out only if the job's savepoint is
    /// released and the batch commits.
    pub fn publish_after_commit(&mut self, events: impl IntoIterator<Item = PushEvent>) {
        self.events.extend(events);
    }
}

/// Why the database could not run or commit a job.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StorageFailure {
    /// SQLite reported an error; the message is its text.
    #[error("the database failed: {0}")]
    Database(String),
    /// The database worker thread has ended, so no job can run.
    #[error("the database worker has stopped")]
    WorkerStopped,
    /// A job lost the connection (a panic while it was lent out); its batch is lost with it.
    #[error("the database connection was lost during a job")]
    ConnectionLost,
    /// A job panicked; nothing of its batch was kept.
    #[error("a job panicked; its batch was rolled back")]
    JobPanicked,
}

impl From<rusqlite::Error> for StorageFailure {
    fn from(err: rusqlite::Error) -> Self {
        StorageFailure::Database(err.to_string())
    }
}

/// What a finished job tells the worker: whether to keep its writes, and how to answer
/// its caller once the batch's fate is known.
pub struct JobCompletion {
    /// Whether to keep the job's writes (release its savepoint) or roll them back.
    pub keep: bool,
    /// Called with the batch's fate once it has committed or failed.
    pub answer: Box<dyn FnOnce(Result<(), StorageFailure>) + Send>,
}

/// A unit of work for the worker.
pub type Job = Box<dyn FnOnce(&mut JobScope<'_>) -> JobCompletion + Send>;

/// Counters of the worker's work, for benchmarks and operators.
#[derive(Debug, Default)]
pub struct BatchStats {
    /// Transactions committed (or attempted); each is one fsync.
    pub batches: AtomicU64,
    /// Jobs run.
    pub jobs: AtomicU64,
}

impl BatchStats {
    /// `(batches, jobs)` so far.
    pub fn snapshot(&self) -> (u64, u64) {
        (self.batches.load(Ordering::Relaxed), self.jobs.load(Ordering::Relaxed))
    }
}

/// A handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Database {
    jobs: std::sync::mpsc::Sender<Job>,
    path: PathBuf,
    stats: Arc<BatchStats>,
}

impl Database {
    /// Opens the database at `path` and starts its worker thread.
    pub fn open(path: &Path, hub: PushHub) -> anyhow::Result<Database> {
        let conn = schema::open(path)?;
        let stats = Arc::new(BatchStats::default());
        let jobs = batch_worker::spawn(conn, path.to_path_buf(), hub, stats.clone())?;
        Ok(Database {
            jobs,
            path: path.to_path_buf(),
            stats,
        })
    }

    /// How many batches and jobs the worker has run.
    pub fn stats(&self) -> &BatchStats {
        &self.stats
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` as one all-or-nothing job: its writes are committed when it returns
    /// `Ok` and the batch commits, and rolled back otherwise. Answers only after the commit.
    pub async fn transact<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StorageFailure> + Send + 'static,
        F: FnOnce(&mut JobScope<'_>) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |scope| {
            let result = work(scope);
            JobCompletion {
                keep: result.is_ok(),
                answer: Box::new(move |committed| {
                    let outcome = match (committed, result) {
                        (Ok(()), result) => result,
                        (Err(_), Err(job_error)) => Err(job_error),
                        (Err(failure), Ok(_)) => Err(E::from(failure)),
                    };
                    let _ = reply.send(outcome);
                }),
            }
        });
        self.jobs
            .send(job)
            .map_err(|_| E::from(StorageFailure::WorkerStopped))?;
        answer.await.map_err(|_| E::from(StorageFailure::WorkerStopped))?
    }

    /// Runs a read or write of the host's own tables as one job.
    pub async fn run<T, F>(&self, work: F) -> Result<T, StorageFailure>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    {
        self.transact(move |scope| Ok(work(scope.conn()?)?)).await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn open() -> (Database, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("t.db"), PushHub::default()).unwrap();
        (db, dir)
    }

    fn write(db: &Database, key: &'static str) -> impl std::future::Future<Output = Result<(), StorageFailure>> {
        db.run(move |conn| kv::set(conn, key, b"v").map_err(|_| rusqlite::Error::InvalidQuery))
    }

    /// Occupies the worker for a moment and returns once it is busy, so that the jobs sent
    /// next queue up and run as one batch.
    async fn occupy_worker(db: &Database) -> tokio::task::JoinHandle<Result<(), StorageFailure>> {
        let (started, busy) = std::sync::mpsc::channel();
        let db = db.clone();
        let hold = tokio::spawn(async move {
            db.run(move |_| {
                let _ = started.send(());
                std::thread::sleep(Duration::from_millis(200));
                Ok(())
            })
            .await
        });
        tokio::task::spawn_blocking(move || busy.recv()).await.unwrap().unwrap();
        hold
    }

    async fn has(db: &Database, key: &'static str) -> bool {
        db.run(move |conn| kv::get(conn, key).map_err(|_| rusqlite::Error::InvalidQuery))
            .await
            .unwrap()
            .is_some()
    }

    #[tokio::test]
    async fn pl_5_a_panicking_job_fails_its_batch_and_the_next_batch_works() {
        let (db, _dir) = open();
        let hold = occupy_worker(&db).await;
        let panicking = db.run(|_| -> Result<(), rusqlite::Error> { panic!("a bug in a job") });
        let (before, panicked, after) = tokio::join!(write(&db, "before"), panicking, write(&db, "after"));
        assert!(hold.await.unwrap().is_ok());
        assert!(panicked.is_err());
        assert!(before.is_err() && after.is_err(), "the batch failed as a whole");
        assert!(
            !has(&db, "before").await && !has(&db, "after").await,
            "nothing of it was kept"
        );
        write(&db, "later").await.unwrap();
        assert!(has(&db, "later").await, "the worker goes on");
    }

    #[tokio::test]
    async fn pl_5_a_failed_job_rolls_back_alone_within_its_batch() {
        let (db, _dir) = open();
        let hold = occupy_worker(&db).await;
        let failing = db.transact(|scope| -> Result<(), StorageFailure> {
            kv::set(scope.conn()?, "failed", b"v").unwrap();
            Err(StorageFailure::Database("the job refuses".into()))
        });
        let (ok, failed) = tokio::join!(write(&db, "kept"), failing);
        assert!(hold.await.unwrap().is_ok());
        assert!(ok.is_ok() && failed.is_err());
        assert!(has(&db, "kept").await);
        assert!(!has(&db, "failed").await);
        let (batches, jobs) = db.stats().snapshot();
        assert!(jobs > batches, "jobs shared a commit");
    }
}
