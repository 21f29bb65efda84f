//! What the SQLite backend has done, counted by the writer and the readers and reported
//! through `Backend::stats`.

use std::sync::atomic::AtomicU64;

/// Counters shared by the writer and the readers.
#[derive(Debug, Default)]
pub struct Counters {
    /// Durable commits (each may hold many write jobs).
    pub(super) commits: AtomicU64,
    /// Write jobs run.
    pub(super) writes: AtomicU64,
    /// Read jobs run.
    pub(super) reads: AtomicU64,
    /// Jobs refused because a queue was full.
    pub(super) shed: AtomicU64,
}
