//! The thread that owns the database connection and runs jobs in batches.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, Sender};

use rusqlite::Connection;

use super::{BatchStats, Job, JobScope, StorageFailure, schema};
use crate::push::PushHub;

/// The most jobs one batch (one commit) takes.
const MAX_BATCH: usize = 512;

/// Starts the worker; jobs sent to the returned channel run in order.
pub fn spawn(
    conn: Connection,
    path: PathBuf,
    hub: PushHub,
    stats: Arc<BatchStats>,
) -> anyhow::Result<Sender<Job>> {
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

    fn run_batch(&mut self, batch: Vec<Job>) {
        self.stats.batches.fetch_add(1, Ordering::Relaxed);
        self.stats
            .jobs
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        if let Err(failure) = self
            .ensure_conn()
            .and_then(|conn| Ok(conn.execute_cached("BEGIN IMMEDIATE")?))
        {
            tracing::error!(%failure, "cannot begin a transaction; failing {} jobs", batch.len());
            // Each job still runs, so that it can answer; nothing it writes is kept.
            for job in batch {
                let mut no_conn = None;
                let mut scope = JobScope {
                    conn: &mut no_conn,
                    events: Vec::new(),
                };
                (job(&mut scope).answer)(Err(failure.clone()));
            }
            return;
        }
        let mut answers = Vec::with_capacity(batch.len());
        let mut events = Vec::new();
        for job in batch {
            let savepoint = self
                .conn
                .as_ref()
                .map(|c| c.execute_cached("SAVEPOINT job"));
            let mut scope = JobScope {
                conn: &mut self.conn,
                events: Vec::new(),
            };
            let completion = job(&mut scope);
            let job_events = std::mem::take(&mut scope.events);
            let Some(conn) = self.conn.as_ref() else {
                // The job lost the connection (a panic while it was lent out): the whole
                // transaction is gone with it.
                answers.push(completion.answer);
                let failure = StorageFailure::ConnectionLost;
                for answer in answers.drain(..) {
                    answer(Err(failure.clone()));
                }
                return;
            };
            let kept = match savepoint {
                Some(Ok(())) if completion.keep => conn.execute_cached("RELEASE job").is_ok(),
                Some(Ok(())) => {
                    if let Err(err) = conn
                        .execute_cached("ROLLBACK TO job")
                        .and_then(|()| conn.execute_cached("RELEASE job"))
                    {
                        tracing::error!(%err, "rolling back a failed job");
                    }
                    false
                }
                _ => false,
            };
            if kept {
                events.extend(job_events);
            }
            answers.push(completion.answer);
        }
        let committed = match self.conn.as_ref() {
            Some(conn) => conn.execute_cached("COMMIT").map_err(StorageFailure::from),
            None => Err(StorageFailure::ConnectionLost),
        };
        if let Err(failure) = &committed {
            tracing::error!(%failure, "commit failed; rolling back {} jobs", answers.len());
            if let Some(conn) = self.conn.as_ref() {
                let _ = conn.execute_batch("ROLLBACK");
            }
        }
        if committed.is_ok() {
            self.hub.deliver(events);
        }
        for answer in answers {
            answer(committed.clone());
        }
    }

    fn ensure_conn(&mut self) -> Result<&Connection, StorageFailure> {
        if self.conn.is_none() {
            tracing::warn!("reopening the database connection");
            let conn = schema::open(&self.path)
                .map_err(|err| StorageFailure::Database(format!("{err:#}")))?;
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
