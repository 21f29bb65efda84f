//! The two bounded queues a backend's threads take jobs from, one for writes and one for
//! reads, as the [`Backend`] the rest of the host submits to. Past a queue's size a job is
//! refused at once (the HTTP layer answers 503 with `Retry-After`) rather than queued
//! without end.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use super::backend::{Backend, BackendStats, Job, StorageFailure};
use super::counters::Counters;

/// A backend as its queues: SQLite's writer and readers or PostgreSQL's connections behind.
pub struct JobQueues {
    writes: SyncSender<Job>,
    reads: SyncSender<Job>,
    counters: Arc<Counters>,
}

impl JobQueues {
    /// Queues whose jobs the backend's threads take, counted in `counters`.
    pub fn new(writes: SyncSender<Job>, reads: SyncSender<Job>, counters: Arc<Counters>) -> JobQueues {
        JobQueues {
            writes,
            reads,
            counters,
        }
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

impl Backend for JobQueues {
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

/// The next job from a queue several threads share; `None` once the queue is gone.
pub fn next_job(queue: &Mutex<Receiver<Job>>) -> Option<Job> {
    let receiver = queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    receiver.recv().ok()
}
