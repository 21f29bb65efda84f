//! Reader threads, each with a read-only connection: a read job runs in a read transaction
//! on a WAL snapshot, in parallel with other reads and with the writer's batches, never
//! behind them.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use super::schema;
use super::tx::SqliteTx;
use crate::backend::{Job, StorageFailure, run_lent};
use crate::counters::Counters;
use crate::job_queues::next_job;

/// Starts `readers` threads; at most `capacity` read jobs wait for one.
pub fn spawn(path: &Path, readers: usize, capacity: usize, counters: Arc<Counters>) -> anyhow::Result<SyncSender<Job>> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Job>(capacity);
    let receiver = Arc::new(Mutex::new(receiver));
    for index in 0..readers.max(1) {
        let reader = Reader {
            tx: Some(Box::new(SqliteTx::new(schema::open_reader(path)?, false))),
            path: path.to_path_buf(),
            counters: counters.clone(),
        };
        let receiver = receiver.clone();
        std::thread::Builder::new()
            .name(format!("storage-reader-{index}"))
            .spawn(move || reader.run(&receiver))?;
    }
    Ok(sender)
}

struct Reader {
    tx: Option<Box<SqliteTx>>,
    path: PathBuf,
    counters: Arc<Counters>,
}

impl Reader {
    fn run(mut self, jobs: &Mutex<Receiver<Job>>) {
        while let Some(job) = next_job(jobs) {
            self.run_job(job);
        }
    }

    fn run_job(&mut self, mut job: Job) {
        self.counters.reads.fetch_add(1, Ordering::Relaxed);
        if job.expired() {
            job.skip(StorageFailure::DeadlinePassed);
            return;
        }
        let began = self.begin();
        let lent = match (began, self.tx.take()) {
            (Ok(()), Some(tx)) => tx,
            (Err(failure), tx) => {
                self.tx = tx;
                job.skip(failure);
                return;
            }
            (Ok(()), None) => {
                job.skip(StorageFailure::ConnectionLost);
                return;
            }
        };
        let (end, returned) = run_lent(&mut job, *lent);
        let Ok(end) = end else {
            tracing::error!("a read job panicked; its connection is reopened");
            return;
        };
        self.tx = returned.map(Box::new);
        // Ending the read transaction releases the snapshot, so the WAL can be checkpointed.
        let ended = match self.tx.as_ref() {
            Some(tx) => tx.control("COMMIT").map_err(StorageFailure::from),
            None => Err(StorageFailure::ConnectionLost),
        };
        if ended.is_err() {
            self.tx = None;
        }
        (end.answer)(ended);
    }

    fn begin(&mut self) -> Result<(), StorageFailure> {
        if self.tx.is_none() {
            let conn = schema::open_reader(&self.path).map_err(|err| StorageFailure::Database(format!("{err:#}")))?;
            self.tx = Some(Box::new(SqliteTx::new(conn, false)));
        }
        match self.tx.as_ref() {
            Some(tx) => Ok(tx.control("BEGIN")?),
            None => Err(StorageFailure::ConnectionLost),
        }
    }
}
