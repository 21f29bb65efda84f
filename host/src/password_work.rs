//! Password hashing and checking, which is slow and memory-hungry on purpose (Argon2id:
//! about 19 MiB and 25 ms each), on a few threads of its own with a short queue. However
//! many logins and registrations arrive at once, this node hashes at most that many
//! passwords at a time and holds at most the queue's worth waiting; past that, requests are
//! refused at once (the caller answers `503` with `Retry-After`) instead of piling up memory.
//! Dedicated threads also keep the memory each hash uses in those threads' allocator arenas,
//! instead of spreading it over every blocking thread of the runtime.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

use crate::auth;

/// Why password work was not done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordWorkError {
    /// Every worker is busy and the queue is full: try again in a moment.
    #[error("too many password checks at once")]
    Busy,
    /// The workers have stopped (the host is shutting down).
    #[error("the password workers have stopped")]
    Stopped,
    /// Hashing failed (it does not, short of a broken random source).
    #[error("hashing the password failed")]
    Failed,
}

type Task = Box<dyn FnOnce() + Send>;

/// The password workers of this node; cheap to clone.
#[derive(Clone)]
pub struct PasswordWork {
    tasks: SyncSender<Task>,
    done: Arc<AtomicU64>,
}

impl PasswordWork {
    /// Starts `threads` workers (at least one) with room for `queue` waiting tasks.
    pub fn start(threads: usize, queue: usize) -> anyhow::Result<PasswordWork> {
        let (tasks, waiting) = sync_channel::<Task>(queue);
        let waiting = Arc::new(Mutex::new(waiting));
        for n in 0..threads.max(1) {
            let waiting = waiting.clone();
            std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || work(&waiting))?;
        }
        Ok(PasswordWork {
            tasks,
            done: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The workers for a machine with `cores` processors: one per processor, and a queue of
    /// sixteen per worker.
    pub fn for_cores(cores: usize) -> anyhow::Result<PasswordWork> {
        let threads = cores.max(1);
        PasswordWork::start(threads, threads * 16)
    }

    /// A new hash of `password`.
    pub async fn hash(&self, password: String) -> Result<String, PasswordWorkError> {
        self.run(move || auth::hash_password(&password).map_err(|_| PasswordWorkError::Failed))
            .await?
    }

    /// Whether `password` matches `hash`.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, PasswordWorkError> {
        self.run(move || auth::verify_password(&password, &hash)).await
    }

    /// How many hashes and checks were done so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, PasswordWorkError> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let done = self.done.clone();
        let task: Task = Box::new(move || {
            let outcome = work();
            done.fetch_add(1, Ordering::Relaxed);
            let _ = answer.send(outcome);
        });
        self.tasks.try_send(task).map_err(|err| match err {
            TrySendError::Full(_) => PasswordWorkError::Busy,
            TrySendError::Disconnected(_) => PasswordWorkError::Stopped,
        })?;
        answered.await.map_err(|_| PasswordWorkError::Stopped)
    }
}

/// One worker: takes tasks until every sender is gone.
fn work(waiting: &Mutex<Receiver<Task>>) {
    loop {
        let task = {
            let receiver = waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            receiver.recv()
        };
        match task {
            // A panicking task loses its answer (its caller hears `Stopped`), not the worker.
            Ok(task) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(task));
            }
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lc_5_hashes_verify_and_a_full_queue_refuses_at_once() {
        let work = PasswordWork::start(1, 1).unwrap();
        let hash = work.hash("correct horse".into()).await.unwrap();
        assert!(work.verify("correct horse".into(), hash.clone()).await.unwrap());
        assert!(!work.verify("wrong".into(), hash.clone()).await.unwrap());

        // One hashing, one waiting: the rest are refused without being queued.
        let attempts = (0..8).map(|_| work.hash("x".repeat(12)));
        let outcomes = futures::future::join_all(attempts).await;
        let busy = outcomes.iter().filter(|o| **o == Err(PasswordWorkError::Busy)).count();
        assert!(busy >= 6, "{outcomes:?}");
        assert!(outcomes.iter().any(Result::is_ok));
    }
}
