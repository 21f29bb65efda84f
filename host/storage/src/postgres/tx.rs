//! One PostgreSQL connection as a [`Transaction`]. Statements are prepared once per
//! connection. An error marks the transaction failed (PostgreSQL refuses everything after
//! it, and a `COMMIT` would quietly roll back), and a serialization failure or deadlock marks
//! it as having lost a conflict, so the worker runs the job again. Events a job publishes are
//! kept here and written at the commit, under the lock that puts their ids in commit order.

use std::collections::HashMap;

use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, Row, Statement};

use crate::backend::{Signal, StoreError, Transaction};

/// A parameter list.
pub(super) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// An event published by the running job, written with its id at the commit.
#[derive(Debug, Clone)]
pub(super) struct StagedEvent {
    pub topic: String,
    pub kind: String,
    pub payload: String,
    pub created_ms: i64,
    pub subject: Option<String>,
    pub requires: Option<String>,
}

/// A connection, inside a transaction the worker opened.
pub struct PgTx {
    pub(super) client: Client,
    writable: bool,
    statements: HashMap<String, Statement>,
    /// Events the running job published.
    pub(super) staged: Vec<StagedEvent>,
    /// Signals the running job sent, notified to every node at the commit.
    pub(super) signals: Vec<Signal>,
    /// The earliest wake-up the running job asked for.
    pub(super) earliest_wake: Option<i64>,
    /// A statement failed: the transaction can only be rolled back.
    pub(super) failed: bool,
    /// It failed because of a concurrent transaction: running the job again may succeed.
    pub(super) conflicted: bool,
    /// The server ended the connection (the client may not have noticed it closed yet).
    lost: bool,
}

impl PgTx {
    /// Wraps a connection; `writable` false refuses every write.
    pub fn new(client: Client, writable: bool) -> PgTx {
        PgTx {
            client,
            writable,
            statements: HashMap::new(),
            staged: Vec::new(),
            signals: Vec::new(),
            earliest_wake: None,
            failed: false,
            conflicted: false,
            lost: false,
        }
    }

    /// Whether the connection is gone: closed, or ended by the server in the last error.
    pub(super) fn is_lost(&self) -> bool {
        self.lost || self.client.is_closed()
    }

    /// Records that `err` said the server ended the connection.
    pub(super) fn note_lost(&mut self, err: &postgres::Error) {
        self.lost |= ends_connection(err);
    }

    /// Forgets what the last job left (its transaction has ended).
    pub(super) fn reset(&mut self) {
        self.staged.clear();
        self.signals.clear();
        self.earliest_wake = None;
        self.failed = false;
        self.conflicted = false;
    }

    /// `ReadOnly` in a read job.
    pub(super) fn check_writable(&self) -> Result<(), StoreError> {
        if self.writable {
            Ok(())
        } else {
            Err(StoreError::ReadOnly)
        }
    }

    /// Records what a failed statement means for the transaction, and words it.
    pub(super) fn failure(&mut self, err: postgres::Error) -> StoreError {
        self.failed = true;
        if err.code().is_some_and(is_conflict) {
            self.conflicted = true;
        }
        self.note_lost(&err);
        StoreError::Backend(describe_error(&err))
    }

    fn statement(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let prepared = self.client.prepare(sql);
        let statement = prepared.map_err(|err| self.failure(err))?;
        self.statements.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    /// Every row `sql` returns.
    pub(super) fn rows(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, StoreError> {
        let statement = self.statement(sql)?;
        let result = self.client.query(&statement, params);
        result.map_err(|err| self.failure(err))
    }

    /// The row `sql` returns, if any.
    pub(super) fn row(&mut self, sql: &str, params: Params<'_>) -> Result<Option<Row>, StoreError> {
        let statement = self.statement(sql)?;
        let result = self.client.query_opt(&statement, params);
        result.map_err(|err| self.failure(err))
    }

    /// Runs a write; how many rows it touched.
    pub(super) fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64, StoreError> {
        self.check_writable()?;
        let statement = self.statement(sql)?;
        let result = self.client.execute(&statement, params);
        result.map_err(|err| self.failure(err))
    }

    /// Runs a write that returns rows (`RETURNING`).
    pub(super) fn write_rows(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, StoreError> {
        self.check_writable()?;
        self.rows(sql, params)
    }
}

impl Transaction for PgTx {
    fn writable(&self) -> bool {
        self.writable
    }
}

/// A serialization failure, a deadlock or a lock waited for too long: the transaction lost
/// to a concurrent one.
pub(super) fn is_conflict(code: &SqlState) -> bool {
    *code == SqlState::T_R_SERIALIZATION_FAILURE
        || *code == SqlState::T_R_DEADLOCK_DETECTED
        || *code == SqlState::LOCK_NOT_AVAILABLE
}

/// Whether `err` means the connection is gone: it closed, it broke (SQLSTATE class 08), or
/// the server is ending it (an administrator's command, a crash or a shutdown: 57P01..57P03).
/// The server says so just before it closes, so the client may still think it open.
pub(super) fn ends_connection(err: &postgres::Error) -> bool {
    err.is_closed()
        || err
            .code()
            .is_some_and(|code| code.code().starts_with("08") || matches!(code.code(), "57P01" | "57P02" | "57P03"))
}

/// The database's own words for an error, with its SQLSTATE, rather than "db error".
pub(super) fn describe_error(err: &postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => err.to_string(),
    }
}
