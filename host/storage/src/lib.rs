//! The host's storage: a [`Database`] handle over a [`Backend`]: embedded SQLite by default
//! (`sqlite/`, feature `sqlite`), PostgreSQL when several host nodes serve one site
//! (`postgres/`, feature `postgres`). Everything
//! the host stores goes through it: the plugin's key-value store,
//! push events, the directory, sessions, issues, the mail outbox, wake-ups and login
//! throttling.
//!
//! A write job runs in one read-write transaction: its writes are kept when it returns `Ok`
//! and rolled back otherwise, and its caller is answered only after the commit. A read job
//! runs on a snapshot beside the writes, never behind them. Every job carries the deadline
//! of the request it serves: one that could not start in time does nothing.

pub mod backend;
#[cfg(test)]
mod conformance;
mod counters;
pub mod deadline;
mod import_errors;
pub mod job_queues;
pub mod kv_rules;
#[cfg(feature = "postgres")]
pub mod postgres;
mod role_names;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use std::sync::Arc;

pub use backend::*;
use tokio::sync::oneshot;

/// A handle to the site's storage; cheap to clone.
#[derive(Clone)]
pub struct Database {
    backend: Arc<dyn Backend>,
}

/// A running job's transaction: used in place, or lent to a plugin call for its run.
pub struct TxSlot {
    tx: Option<SharedTx>,
}

impl TxSlot {
    /// The transaction, locked for as long as the answer lives.
    pub fn tx(&mut self) -> Result<std::sync::MutexGuard<'_, dyn Transaction + 'static>, StorageFailure> {
        let tx = self.tx.as_ref().ok_or(StorageFailure::ConnectionLost)?;
        // Poisoned only by a panic in this job, which has then lost its transaction.
        tx.lock().map_err(|_| StorageFailure::ConnectionLost)
    }

    /// A lease of the transaction for a plugin call; the job keeps its own.
    pub fn lend(&self) -> Result<SharedTx, StorageFailure> {
        self.tx.clone().ok_or(StorageFailure::ConnectionLost)
    }
}

impl Database {
    /// A handle over `backend`.
    pub fn new(backend: Arc<dyn Backend>) -> Database {
        Database { backend }
    }

    /// The backend's counters.
    pub fn stats(&self) -> BackendStats {
        self.backend.stats()
    }

    /// Runs `work` as one write job: kept when it returns `Ok` and the commit succeeds,
    /// rolled back otherwise; answers after the commit.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StorageFailure> + Send + 'static,
        F: FnMut(&mut TxSlot) -> Result<T, E> + Send + 'static,
    {
        self.submit(true, work).await
    }

    /// Runs `work` as one read job on a snapshot; any write in it fails with `ReadOnly`.
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StorageFailure> + Send + 'static,
        F: FnMut(&mut TxSlot) -> Result<T, E> + Send + 'static,
    {
        self.submit(false, work).await
    }

    async fn submit<T, E, F>(&self, write: bool, mut work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StorageFailure> + Send + 'static,
        F: FnMut(&mut TxSlot) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, E>>();
        // A backend may run the work again when its transaction lost a conflict (the answer
        // of the attempt it gave up on is dropped unheard), so the reply is shared by every
        // attempt and taken by the one whose fate is told.
        let reply = Arc::new(std::sync::Mutex::new(Some(reply)));
        let send = move |reply: &std::sync::Mutex<Option<oneshot::Sender<Result<T, E>>>>, outcome: Result<T, E>| {
            let sender = reply.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
            if let Some(sender) = sender {
                let _ = sender.send(outcome);
            }
        };
        let run = Box::new(move |start: JobStart| -> JobEnd {
            let reply = reply.clone();
            match start {
                JobStart::Skipped(failure) => {
                    send(&reply, Err(E::from(failure)));
                    JobEnd {
                        keep: false,
                        answer: Box::new(|_| {}),
                    }
                }
                JobStart::Run(tx) => {
                    let mut slot = TxSlot { tx: Some(tx) };
                    let result = work(&mut slot);
                    // The lease goes with the job's run, so the worker takes its transaction back.
                    drop(slot);
                    JobEnd {
                        keep: result.is_ok(),
                        answer: Box::new(move |fate| {
                            let outcome = match (fate, result) {
                                (Ok(()), result) => result,
                                (Err(_), Err(job_error)) => Err(job_error),
                                (Err(failure), Ok(_)) => Err(E::from(failure)),
                            };
                            send(&reply, outcome);
                        }),
                    }
                }
            }
        });
        let job = Job {
            deadline: crate::deadline::current(),
            run,
        };
        let submitted = if write {
            self.backend.submit_write(job)
        } else {
            self.backend.submit_read(job)
        };
        submitted.map_err(E::from)?;
        answer.await.map_err(|_| E::from(StorageFailure::WorkerStopped))?
    }
}
