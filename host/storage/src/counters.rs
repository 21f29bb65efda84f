//! What a storage backend has done, counted by its writers and readers and reported
//! through `Backend::stats`.

use std::sync::atomic::{AtomicU64, Ordering};

use super::backend::BackendStats;

/// Counters shared by a backend's writers and readers.
#[derive(Debug, Default)]
pub struct Counters {
    /// Durable commits (each may hold many write jobs).
    pub(crate) commits: AtomicU64,
    /// Write jobs run.
    pub(crate) writes: AtomicU64,
    /// Read jobs run.
    pub(crate) reads: AtomicU64,
    /// Jobs refused because a queue was full.
    pub(crate) shed: AtomicU64,
    /// Attempts rolled back after losing a conflict and run again.
    pub(crate) retries: AtomicU64,
}

impl Counters {
    /// The counts so far.
    pub fn snapshot(&self) -> BackendStats {
        BackendStats {
            commits: self.commits.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
            reads: self.reads.load(Ordering::Relaxed),
            shed: self.shed.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
        }
    }
}
