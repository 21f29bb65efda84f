//! The threads that run jobs on PostgreSQL, each owning one connection.
//!
//! A writer runs one job per SERIALIZABLE transaction. If the transaction loses a conflict
//! (a statement or the commit fails with a serialization failure or a deadlock), it is
//! rolled back and the job runs again in a new one, after a short random pause, until the
//! job's deadline or [`MAX_ATTEMPTS`]; then it fails with `Conflict` and nothing of it is
//! kept. Only the attempt that commits answers its caller.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::PostgresSettings;
use super::schema;
use super::tx::{PgTx, describe_error, is_conflict};
use crate::backend::{Answer, CommitListener, Job, StorageFailure, run_lent};
use crate::counters::Counters;
use crate::job_queues::next_job;

/// The most times one job is run before it is given up as `Conflict`.
const MAX_ATTEMPTS: u32 = 30;
/// The longest pause between two attempts.
const MAX_PAUSE: Duration = Duration::from_millis(100);

type Queue = Arc<Mutex<Receiver<Job>>>;

/// Starts the writers; jobs sent to the returned channel run on whichever is free.
pub fn spawn_writers(
    settings: &PostgresSettings,
    listener: Arc<dyn CommitListener>,
    counters: Arc<Counters>,
) -> anyhow::Result<SyncSender<Job>> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Job>(settings.max_queued_writes);
    let queue: Queue = Arc::new(Mutex::new(receiver));
    for index in 0..settings.writers.max(1) {
        let mut worker = Worker {
            tx: Some(Box::new(PgTx::new(schema::connect(&settings.url)?, true))),
            url: settings.url.clone(),
            writable: true,
            counters: counters.clone(),
        };
        let (queue, listener) = (queue.clone(), listener.clone());
        std::thread::Builder::new()
            .name(format!("pg-writer-{index}"))
            .spawn(move || {
                while let Some(job) = next_job(&queue) {
                    worker.write(job, listener.as_ref());
                }
            })?;
    }
    Ok(sender)
}

/// Starts the readers.
pub fn spawn_readers(settings: &PostgresSettings, counters: Arc<Counters>) -> anyhow::Result<SyncSender<Job>> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Job>(settings.max_queued_reads);
    let queue: Queue = Arc::new(Mutex::new(receiver));
    for index in 0..settings.readers.max(1) {
        let mut worker = Worker {
            tx: Some(Box::new(PgTx::new(schema::connect(&settings.url)?, false))),
            url: settings.url.clone(),
            writable: false,
            counters: counters.clone(),
        };
        let queue = queue.clone();
        std::thread::Builder::new()
            .name(format!("pg-reader-{index}"))
            .spawn(move || {
                while let Some(job) = next_job(&queue) {
                    worker.read(job);
                }
            })?;
    }
    Ok(sender)
}

/// How one attempt ended.
enum Attempt {
    /// Its fate is known and its caller was told.
    Done,
    /// It lost a conflict and was rolled back; run it again.
    Lost,
}

struct Worker {
    tx: Option<Box<PgTx>>,
    url: String,
    writable: bool,
    counters: Arc<Counters>,
}

impl Worker {
    fn write(&mut self, mut job: Job, listener: &dyn CommitListener) {
        self.counters.writes.fetch_add(1, Ordering::Relaxed);
        for attempt in 1..=MAX_ATTEMPTS {
            if job.expired() {
                job.skip(StorageFailure::DeadlinePassed);
                return;
            }
            match self.attempt(&mut job, listener) {
                Attempt::Done => return,
                Attempt::Lost => {
                    self.counters.retries.fetch_add(1, Ordering::Relaxed);
                    // Random, growing pauses, so that two nodes that collided do not
                    // collide again at once.
                    let ceiling = (MAX_PAUSE.as_micros() as u64).min(500 * u64::from(attempt) * u64::from(attempt));
                    std::thread::sleep(Duration::from_micros(rand::random_range(0..=ceiling)));
                }
            }
        }
        tracing::warn!("a write lost {MAX_ATTEMPTS} conflicts in a row and was given up");
        job.skip(StorageFailure::Conflict);
    }

    fn read(&mut self, mut job: Job) {
        self.counters.reads.fetch_add(1, Ordering::Relaxed);
        if job.expired() {
            job.skip(StorageFailure::DeadlinePassed);
            return;
        }
        let tx = match self.begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {
            Ok(tx) => tx,
            Err(failure) => {
                job.skip(failure);
                return;
            }
        };
        let Some((tx, _, answer)) = self.run(&mut job, tx) else {
            return;
        };
        let ended = self.end(tx, "ROLLBACK");
        answer(ended);
    }

    /// Opens a transaction, reconnecting if the connection was lost (the blocking client
    /// notices a dead connection only when it next uses it, so a failed `BEGIN` on a
    /// closed connection is tried once more on a new one).
    fn begin(&mut self, sql: &str) -> Result<Box<PgTx>, StorageFailure> {
        match self.begin_once(sql) {
            Err(_) if self.tx.is_none() => self.begin_once(sql),
            other => other,
        }
    }

    fn begin_once(&mut self, sql: &str) -> Result<Box<PgTx>, StorageFailure> {
        let mut tx = match self.tx.take() {
            Some(tx) if !tx.is_lost() => tx,
            _ => {
                tracing::warn!("reconnecting to PostgreSQL");
                let client = schema::connect(&self.url).map_err(|err| StorageFailure::Database(format!("{err:#}")))?;
                Box::new(PgTx::new(client, self.writable))
            }
        };
        tx.reset();
        match tx.client.batch_execute(sql) {
            Ok(()) => Ok(tx),
            Err(err) => {
                let failure = StorageFailure::Database(describe_error(&err));
                // A connection that cannot begin is dropped; the next job opens a new one.
                tx.note_lost(&err);
                if !tx.is_lost() {
                    self.tx = Some(tx);
                }
                Err(failure)
            }
        }
    }

    /// Lends the transaction to the job: it comes back with whether the job keeps its writes
    /// and how its caller is told; `None` if the job panicked or lost it (the connection is
    /// dropped with whatever it held open, and the caller was told).
    fn run(&mut self, job: &mut Job, tx: Box<PgTx>) -> Option<(Box<PgTx>, bool, Answer)> {
        let (end, returned) = run_lent(job, *tx);
        let end = match end {
            Ok(end) => end,
            Err(_) => {
                tracing::error!("a storage job panicked; its connection is dropped");
                // Its caller hears why (the reply outlives the attempt).
                job.skip(StorageFailure::JobPanicked);
                return None;
            }
        };
        match returned.map(Box::new) {
            Some(tx) => Some((tx, end.keep, end.answer)),
            None => {
                (end.answer)(Err(StorageFailure::ConnectionLost));
                None
            }
        }
    }

    /// Ends the transaction with `sql` and keeps the connection if it is still usable.
    fn end(&mut self, mut tx: Box<PgTx>, sql: &str) -> Result<(), StorageFailure> {
        let ended = tx.client.batch_execute(sql);
        let outcome = ended.map_err(|err| {
            if err.code().is_some_and(is_conflict) {
                tx.conflicted = true;
            }
            tx.note_lost(&err);
            StorageFailure::Database(describe_error(&err))
        });
        let (conflicted, closed) = (tx.conflicted, tx.is_lost());
        if !closed {
            self.tx = Some(tx);
        }
        match outcome {
            Err(_) if conflicted => Err(StorageFailure::Conflict),
            Err(_) if closed && sql == "COMMIT" => Err(StorageFailure::Database(
                "the connection to PostgreSQL broke during the commit: the change may or may not have been kept".into(),
            )),
            other => other,
        }
    }

    fn attempt(&mut self, job: &mut Job, listener: &dyn CommitListener) -> Attempt {
        let tx = match self.begin("BEGIN ISOLATION LEVEL SERIALIZABLE") {
            Ok(tx) => tx,
            Err(failure) => {
                job.skip(failure);
                return Attempt::Done;
            }
        };
        let Some((mut tx, keep, answer)) = self.run(job, tx) else {
            return Attempt::Done;
        };
        if tx.conflicted {
            // The job saw a statement fail because of another transaction; whatever it
            // made of that, this attempt is void.
            let _ = self.end(tx, "ROLLBACK");
            return Attempt::Lost;
        }
        if tx.is_lost() {
            // The connection broke during the job: the server rolled it back, so running
            // it again on a new connection is safe.
            tracing::warn!("the PostgreSQL connection broke during a job; it runs again");
            return Attempt::Lost;
        }
        if !keep {
            let rolled_back = self.end(tx, "ROLLBACK");
            answer(rolled_back);
            return Attempt::Done;
        }
        if tx.failed {
            // A statement failed and the job went on: PostgreSQL would turn the COMMIT
            // into a rollback, so the job must not be told it was kept.
            let _ = self.end(tx, "ROLLBACK");
            answer(Err(StorageFailure::Database(
                "a statement failed inside the transaction; nothing was kept".into(),
            )));
            return Attempt::Done;
        }
        let earliest_wake = tx.earliest_wake;
        let staged = tx.write_staged_events().and_then(|()| match earliest_wake {
            Some(at) => tx.announce_wake(at),
            None => Ok(()),
        });
        if let Err(err) = staged {
            let conflicted = tx.conflicted;
            let rolled_back = self.end(tx, "ROLLBACK");
            if conflicted {
                return Attempt::Lost;
            }
            tracing::error!(%err, "writing a job's push events failed");
            answer(rolled_back.and(Err(StorageFailure::Database(format!(
                "the job's push events could not be written ({err}); nothing was kept"
            )))));
            return Attempt::Done;
        }
        self.counters.commits.fetch_add(1, Ordering::Relaxed);
        match self.end(tx, "COMMIT") {
            Err(StorageFailure::Conflict) => Attempt::Lost,
            outcome => {
                if outcome.is_ok()
                    && let Some(at) = earliest_wake
                {
                    listener.wake_requested(at);
                }
                answer(outcome);
                Attempt::Done
            }
        }
    }
}
