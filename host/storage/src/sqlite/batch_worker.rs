//! The thread that owns the writing connection and runs write jobs in batches: all jobs
//! waiting go into one transaction, each in its own savepoint (released when the job keeps
//! its writes, rolled back when it fails), and the batch commits once: many jobs share one
//! fsync. Only after the commit are callers answered and events handed on.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, SyncSender};

use super::schema;
use super::tx::SqliteTx;
use crate::backend::{Answer, CommitListener, Job, PushEvent, Signal, StorageFailure, run_lent};
use crate::counters::Counters;

/// The most jobs one batch (one commit) takes.
const MAX_BATCH: usize = 512;

/// Starts the writer; jobs sent to the returned channel run in order. At most `capacity`
/// jobs wait; past that the backend refuses new ones.
pub fn spawn(
    tx: SqliteTx,
    path: PathBuf,
    listener: Arc<dyn CommitListener>,
    counters: Arc<Counters>,
    capacity: usize,
) -> anyhow::Result<SyncSender<Job>> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Job>(capacity);
    std::thread::Builder::new()
        .name("storage-writer".into())
        .spawn(move || {
            BatchWorker {
                tx: Some(Box::new(tx)),
                path,
                listener,
                counters,
            }
            .run(receiver)
        })?;
    Ok(sender)
}

struct BatchWorker {
    tx: Option<Box<SqliteTx>>,
    path: PathBuf,
    listener: Arc<dyn CommitListener>,
    counters: Arc<Counters>,
}

/// What a batch made public once it commits.
#[derive(Default)]
struct Published {
    events: Vec<PushEvent>,
    signals: Vec<Signal>,
    earliest_wake: Option<i64>,
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
        let jobs = batch.len();
        self.counters.commits.fetch_add(1, Ordering::Relaxed);
        self.counters.writes.fetch_add(batch.len() as u64, Ordering::Relaxed);
        let mut failure = self.begin().err();
        let mut answers = Vec::with_capacity(batch.len());
        let mut published = Published::default();
        for mut job in batch {
            if let Some(broken) = &failure {
                job.skip(broken.clone());
                continue;
            }
            if job.expired() {
                job.skip(StorageFailure::DeadlinePassed);
                continue;
            }
            let (answer, outcome) = self.run_job(job);
            answers.push(answer);
            match outcome {
                Ok(Some(kept)) => {
                    published.events.extend(kept.events);
                    published.signals.extend(kept.signals);
                    published.earliest_wake = match (published.earliest_wake, kept.earliest_wake) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
                Ok(None) => {}
                Err(broken) => failure = Some(broken),
            }
        }
        let committed = match failure {
            None => self.commit(),
            Some(broken) => Err(broken),
        };
        match &committed {
            Ok(()) => {
                if !published.events.is_empty() {
                    self.listener.events_committed(published.events);
                }
                if !published.signals.is_empty() {
                    self.listener.signals_committed(published.signals);
                }
                if let Some(at) = published.earliest_wake {
                    self.listener.wake_requested(at);
                }
            }
            Err(failure) => {
                tracing::error!(%failure, "a storage batch failed; none of its {jobs} jobs is kept");
                self.abandon_transaction();
            }
        }
        for answer in answers {
            answer(committed.clone());
        }
    }

    /// Runs one job inside its own savepoint. `Ok(Some(published))`: kept; `Ok(None)`: the
    /// job failed and its writes were rolled back; `Err`: the transaction itself is broken.
    fn run_job(&mut self, mut job: Job) -> (Answer, Result<Option<Published>, StorageFailure>) {
        let savepoint = match self.tx.as_ref() {
            Some(tx) => tx.control("SAVEPOINT job").map_err(StorageFailure::from),
            None => Err(StorageFailure::ConnectionLost),
        };
        if let Err(failure) = savepoint {
            job.skip(failure.clone());
            return (Box::new(|_| {}), Err(failure));
        }
        let Some(lent) = self.tx.take() else {
            job.skip(StorageFailure::ConnectionLost);
            return (Box::new(|_| {}), Err(StorageFailure::ConnectionLost));
        };
        let (end, returned) = run_lent(&mut job, *lent);
        let end = match end {
            Ok(end) => end,
            Err(_) => {
                // The job's reply channel died with it, so its caller gets an error; its
                // writes are in the batch's transaction, so the batch is abandoned (rolled
                // back on the connection the job let go of).
                tracing::error!("a storage job panicked");
                self.tx = returned.map(Box::new);
                return (Box::new(|_| {}), Err(StorageFailure::JobPanicked));
            }
        };
        let Some(tx) = returned else {
            return (end.answer, Err(StorageFailure::ConnectionLost));
        };
        let tx = self.tx.insert(Box::new(tx));
        let control = if end.keep {
            tx.control("RELEASE job")
        } else {
            tx.control("ROLLBACK TO job").and_then(|()| tx.control("RELEASE job"))
        };
        if let Err(err) = control {
            return (end.answer, Err(err.into()));
        }
        if tx.is_autocommit() {
            // SQLite rolls a transaction back by itself on some errors (disk full, I/O):
            // whatever ran before in this batch is gone.
            let failure = StorageFailure::Database("the database rolled the transaction back".into());
            return (end.answer, Err(failure));
        }
        if !end.keep {
            tx.discard_staged();
            return (end.answer, Ok(None));
        }
        let kept = Published {
            events: std::mem::take(&mut tx.staged),
            signals: std::mem::take(&mut tx.signals),
            earliest_wake: tx.earliest_wake.take(),
        };
        (end.answer, Ok(Some(kept)))
    }

    fn begin(&mut self) -> Result<(), StorageFailure> {
        if self.tx.is_none() {
            tracing::warn!("reopening the database connection");
            let conn = schema::open(&self.path).map_err(|err| StorageFailure::Database(format!("{err:#}")))?;
            self.tx = Some(Box::new(SqliteTx::new(conn, true)));
        }
        match self.tx.as_ref() {
            Some(tx) => Ok(tx.control("BEGIN IMMEDIATE")?),
            None => Err(StorageFailure::ConnectionLost),
        }
    }

    fn commit(&mut self) -> Result<(), StorageFailure> {
        match self.tx.as_ref() {
            Some(tx) => Ok(tx.control("COMMIT")?),
            None => Err(StorageFailure::ConnectionLost),
        }
    }

    /// Rolls back whatever is open; a connection that cannot get out of its transaction is
    /// dropped, and the next batch opens a new one.
    fn abandon_transaction(&mut self) {
        let clean = match self.tx.as_mut() {
            Some(tx) if !tx.is_autocommit() => {
                tx.discard_staged();
                tx.control("ROLLBACK").is_ok() && tx.is_autocommit()
            }
            Some(tx) => {
                tx.discard_staged();
                true
            }
            None => false,
        };
        if !clean {
            self.tx = None;
        }
    }
}

impl From<rusqlite::Error> for StorageFailure {
    fn from(err: rusqlite::Error) -> Self {
        StorageFailure::Database(err.to_string())
    }
}
