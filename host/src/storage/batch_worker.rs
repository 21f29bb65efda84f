//! The thread that owns the database connection and runs jobs in batches.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, Sender};

use rusqlite::Connection;

use super::{BatchStats, Job, JobScope, StorageFailure, schema};
use crate::push::{PushEvent, PushHub};

/// How a job's caller is told the batch's fate.
type Answer = Box<dyn FnOnce(Result<(), StorageFailure>) + Send>;

/// A job that cannot run (its batch already failed) still owes its caller an answer: it
/// runs without a connection, so any storage access fails, and it is told the failure.
fn answer_without_running(job: Job) -> Answer {
    let mut no_conn = None;
    let mut scope = JobScope {
        conn: &mut no_conn,
        events: Vec::new(),
    };
    match catch_unwind(AssertUnwindSafe(|| job(&mut scope))) {
        Ok(completion) => completion.answer,
        Err(_) => Box::new(|_| {}),
    }
}

/// The most jobs one batch (one commit) takes.
const MAX_BATCH: usize = 512;

/// Starts the worker; jobs sent to the returned channel run in order.
pub fn spawn(conn: Connection, path: PathBuf, hub: PushHub, stats: Arc<BatchStats>) -> anyhow::Result<Sender<Job>> {
    let (sender, receiver) = std::sync::mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("storage-worker".into())
        .spawn(move || {
            BatchWorker {
                conn: Some(conn),
                path,
                hub,
                stats,
            }
            .run(receiver)
        })?;
    Ok(sender)
}

struct BatchWorker {
    conn: Option<Connection>,
    path: PathBuf,
    hub: PushHub,
    stats: Arc<BatchStats>,
}

impl BatchWorker {
    fn run(mut self, jobs: Receiver<Job>) {
        while let Ok(first) = jobs.recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            self.run_batch(batch);
        }
    }

    /// Runs a batch in one transaction. Any failure of the transaction itself (a savepoint
    /// that cannot be set or released, the database rolling back on its own, a panicking
    /// job, a failed commit) fails every job of the batch: nothing of it is kept, and each
    /// caller is told.
    fn run_batch(&mut self, batch: Vec<Job>) {
        self.stats.batches.fetch_add(1, Ordering::Relaxed);
        self.stats.jobs.fetch_add(batch.len() as u64, Ordering::Relaxed);
        let mut failure = self.begin().err();
        let mut answers = Vec::with_capacity(batch.len());
        let mut events = Vec::new();
        for job in batch {
            if failure.is_some() {
                answers.push(answer_without_running(job));
                continue;
            }
            let (answer, outcome) = self.run_job(job);
            answers.push(answer);
            match outcome {
                Ok(Some(kept_events)) => events.extend(kept_events),
                Ok(None) => {}
                Err(broken) => failure = Some(broken),
            }
        }
        let committed = match failure {
            None => self.commit(),
            Some(broken) => Err(broken),
        };
        match &committed {
            Ok(()) => self.hub.deliver(events),
            Err(failure) => {
                tracing::error!(%failure, "a storage batch failed; none of its {} jobs is kept", answers.len());
                self.abandon_transaction();
            }
        }
        for answer in answers {
            answer(committed.clone());
        }
    }

    /// Runs one job inside its own savepoint. `Ok(Some(events))`: kept; `Ok(None)`: the job
    /// failed and its writes were rolled back; `Err`: the transaction itself is broken.
    fn run_job(&mut self, job: Job) -> (Answer, Result<Option<Vec<PushEvent>>, StorageFailure>) {
        let savepoint = match self.conn.as_ref() {
            Some(conn) => conn.execute_cached("SAVEPOINT job").map_err(StorageFailure::from),
            None => Err(StorageFailure::ConnectionLost),
        };
        if let Err(failure) = savepoint {
            return (answer_without_running(job), Err(failure));
        }
        let mut scope = JobScope {
            conn: &mut self.conn,
            events: Vec::new(),
        };
        let completion = match catch_unwind(AssertUnwindSafe(|| job(&mut scope))) {
            Ok(completion) => completion,
            Err(_) => {
                // The job's reply channel died with it, so its caller gets an error; the
                // connection may have been lent out and lost, so the batch is abandoned.
                tracing::error!("a storage job panicked");
                return (Box::new(|_| {}), Err(StorageFailure::JobPanicked));
            }
        };
        let job_events = std::mem::take(&mut scope.events);
        let Some(conn) = self.conn.as_ref() else {
            return (completion.answer, Err(StorageFailure::ConnectionLost));
        };
        let control = if completion.keep {
            conn.execute_cached("RELEASE job")
        } else {
            conn.execute_cached("ROLLBACK TO job")
                .and_then(|()| conn.execute_cached("RELEASE job"))
        };
        if let Err(err) = control {
            return (completion.answer, Err(err.into()));
        }
        if conn.is_autocommit() {
            // SQLite rolls a transaction back by itself on some errors (disk full, I/O):
            // whatever ran before in this batch is gone.
            let failure = StorageFailure::Database("the database rolled the transaction back".into());
            return (completion.answer, Err(failure));
        }
        (completion.answer, Ok(completion.keep.then_some(job_events)))
    }

    fn begin(&mut self) -> Result<(), StorageFailure> {
        Ok(self.ensure_conn()?.execute_cached("BEGIN IMMEDIATE")?)
    }

    fn commit(&mut self) -> Result<(), StorageFailure> {
        match self.conn.as_ref() {
            Some(conn) => Ok(conn.execute_cached("COMMIT")?),
            None => Err(StorageFailure::ConnectionLost),
        }
    }

    /// Rolls back whatever is open; a connection that cannot get out of its transaction is
    /// dropped, and the next batch opens a new one.
    fn abandon_transaction(&mut self) {
        let clean = match self.conn.as_ref() {
            Some(conn) if !conn.is_autocommit() => {
                let rolled_back = conn.execute_batch("ROLLBACK").is_ok();
                rolled_back && conn.is_autocommit()
            }
            Some(_) => true,
            None => false,
        };
        if !clean {
            self.conn = None;
        }
    }

    fn ensure_conn(&mut self) -> Result<&Connection, StorageFailure> {
        if self.conn.is_none() {
            tracing::warn!("reopening the database connection");
            let conn = schema::open(&self.path).map_err(|err| StorageFailure::Database(format!("{err:#}")))?;
            self.conn = Some(conn);
        }
        self.conn.as_ref().ok_or(StorageFailure::ConnectionLost)
    }
}

/// Transaction control statements, prepared once per connection.
trait ExecuteCached {
    fn execute_cached(&self, sql: &str) -> rusqlite::Result<()>;
}

impl ExecuteCached for Connection {
    fn execute_cached(&self, sql: &str) -> rusqlite::Result<()> {
        self.prepare_cached(sql)?.execute([])?;
        Ok(())
    }
}
