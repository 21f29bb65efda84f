//! One SQLite connection as a [`Transaction`]: read-write on the writer thread, read-only
//! on a reader thread. What a job publishes or asks to be woken for is kept here until the
//! worker hands it on after the commit.

use rusqlite::Connection;

use crate::backend::{PushEvent, Signal, StoreError, Transaction};

/// A connection inside a transaction the worker opened.
pub struct SqliteTx {
    conn: Connection,
    writable: bool,
    /// Events published by the running job, with their ids.
    pub(super) staged: Vec<PushEvent>,
    /// Signals the running job sent.
    pub(super) signals: Vec<Signal>,
    /// The earliest wake-up the running job asked for.
    pub(super) earliest_wake: Option<i64>,
}

impl SqliteTx {
    /// Wraps a connection; `writable` false refuses every write.
    pub fn new(conn: Connection, writable: bool) -> SqliteTx {
        SqliteTx {
            conn,
            writable,
            staged: Vec::new(),
            signals: Vec::new(),
            earliest_wake: None,
        }
    }

    /// The connection, for reads.
    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection, for writes; `ReadOnly` in a read job.
    pub(super) fn write_conn(&self) -> Result<&Connection, StoreError> {
        if self.writable {
            Ok(&self.conn)
        } else {
            Err(StoreError::ReadOnly)
        }
    }

    /// Runs a transaction-control statement, prepared once.
    pub(super) fn control(&self, sql: &str) -> rusqlite::Result<()> {
        self.conn.prepare_cached(sql)?.execute([])?;
        Ok(())
    }

    /// Whether SQLite has left the transaction on its own (it rolls back on some errors).
    pub(super) fn is_autocommit(&self) -> bool {
        self.conn.is_autocommit()
    }

    /// Forgets what the running job staged (its savepoint was rolled back).
    pub(super) fn discard_staged(&mut self) {
        self.staged.clear();
        self.signals.clear();
        self.earliest_wake = None;
    }
}

impl Transaction for SqliteTx {
    fn writable(&self) -> bool {
        self.writable
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Backend(err.to_string())
    }
}
