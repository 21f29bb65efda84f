//! What a storage backend offers the host: one trait per concern, gathered in
//! [`Transaction`], and [`Backend`], which runs jobs in transactions. Embedded SQLite
//! (`sqlite/`) and PostgreSQL for several nodes (`postgres/`) implement them; the same
//! conformance tests (`conformance.rs`) run on both.
//!
//! A job runs in one transaction: a write job in a read-write transaction that commits
//! durably when the job keeps its writes (a backend may group many jobs into one commit), a
//! read job on a consistent snapshot that cannot write. Push events and wake-ups a job
//! records are handed to the [`CommitListener`] only after its commit.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use helpdesk_contract::helpdesk::chat::directory::{Company, Group, Project, User};
use helpdesk_contract::helpdesk::chat::issues::{HistoryEntry, HistoryKind, Issue};
use helpdesk_contract::helpdesk::chat::storage::ScanPage;
use helpdesk_contract::helpdesk::chat::types::ProjectRole;

/// Why a storage operation was refused or failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The input breaks a rule of the storage contract (an empty key, a scan range the wrong
    /// way round, a value that is not a counter).
    #[error("{0}")]
    Invalid(String),
    /// A size or count limit was hit.
    #[error("{0}")]
    LimitExceeded(String),
    /// A write in a read-only transaction.
    #[error("this transaction is read-only")]
    ReadOnly,
    /// The database failed; the transaction must be rolled back.
    #[error("the database failed: {0}")]
    Backend(String),
}

/// Why a job could not run or commit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageFailure {
    /// The database reported an error; the message is its text.
    #[error("the database failed: {0}")]
    Database(String),
    /// The backend's workers have ended, so no job can run.
    #[error("the database worker has stopped")]
    WorkerStopped,
    /// A job lost its transaction (a panic while it was lent out); its batch is lost with it.
    #[error("the database connection was lost during a job")]
    ConnectionLost,
    /// A job panicked; nothing of its batch was kept.
    #[error("a job panicked; its batch was rolled back")]
    JobPanicked,
    /// Too many jobs are waiting: the job was refused at once rather than queued without end.
    #[error("the database is overloaded")]
    Overloaded,
    /// The job's deadline passed before it could start; it did nothing.
    #[error("the request's deadline passed before the database could run it")]
    DeadlinePassed,
    /// The job kept losing conflicts with concurrent work on other nodes and was given up;
    /// nothing of it was kept, and trying again later is safe.
    #[error("the change conflicted with concurrent changes too many times; nothing was kept")]
    Conflict,
}

impl From<StoreError> for StorageFailure {
    fn from(err: StoreError) -> Self {
        StorageFailure::Database(err.to_string())
    }
}

/// A push event after its commit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PushEvent {
    /// Increasing in commit order across the site; the stream's event id.
    pub id: i64,
    /// Where it goes, for example `presence:SUP`; topics starting with `@` are the host's own.
    pub topic: String,
    /// What happened, for example `presence-changed`.
    pub kind: String,
    /// JSON text.
    pub payload: String,
}

/// How a stored event is kept for resuming clients, as the plugin asked
/// (`push.event-options`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Keeping<'a> {
    /// What the event is about: storing it removes every earlier event about the same
    /// subject or a part of it (`<subject>:…`).
    pub subject: Option<&'a str>,
    /// A topic its reader must still be allowed when it is replayed.
    pub requires: Option<&'a str>,
}

/// A stored event as a resuming client may be given it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayedEvent {
    /// The event.
    pub event: PushEvent,
    /// A topic the reader must still be allowed to be given it.
    pub requires: Option<String>,
}

/// An event for the streams open at the commit only: never stored, never replayed, no id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Signal {
    /// Where it goes.
    pub topic: String,
    /// What happened, for example `typing`.
    pub kind: String,
    /// JSON text.
    pub payload: String,
}

/// The range of push event ids: what a resuming client can still be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdBounds {
    /// The newest id ever given (even if pruned since); 0 before the first event.
    pub latest: i64,
    /// The oldest id still stored; `None` when none is.
    pub oldest: Option<i64>,
}

/// Groups and companies share a shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedKind {
    /// A named set of users.
    Group,
    /// An organisation that users belong to.
    Company,
}

/// A group or company with its members.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NamedSet {
    /// The identifier, by the same rules as a user id.
    pub id: String,
    /// The name shown to people; 1 to 100 characters.
    pub name: String,
    /// The members' user ids; empty when omitted.
    #[serde(default)]
    pub members: Vec<String>,
}

/// The plugin's ordered key-value space (the WIT `storage` interface).
pub trait KvStore {
    /// The value under `key`.
    fn kv_get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// The values under `keys`, in order.
    fn kv_get_many(&mut self, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>, StoreError>;
    /// Stores `value` under `key`.
    fn kv_set(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError>;
    /// Removes `key`; whether it existed.
    fn kv_delete(&mut self, key: &str) -> Result<bool, StoreError>;
    /// Adds `delta` to the counter under `key`; the new value.
    fn kv_increment(&mut self, key: &str, delta: i64) -> Result<i64, StoreError>;
    /// Up to `limit` entries with `start <= key < end`, after `cursor`.
    fn kv_scan(
        &mut self,
        start: &str,
        end: &str,
        limit: u32,
        reverse: bool,
        cursor: Option<&str>,
    ) -> Result<ScanPage, StoreError>;
}

/// The site's directory.
pub trait DirectoryStore {
    /// The user with this id.
    fn user(&mut self, id: &str) -> Result<Option<User>, StoreError>;
    /// The users with these ids, in order.
    fn users(&mut self, ids: &[String]) -> Result<Vec<Option<User>>, StoreError>;
    /// Every user, ordered by id.
    fn list_users(&mut self) -> Result<Vec<User>, StoreError>;
    /// Adds a user; `false` when the id is taken.
    fn insert_user(&mut self, user: &User, password_hash: Option<&str>) -> Result<bool, StoreError>;
    /// The stored password hash of a user, if the user exists and has one.
    fn password_hash(&mut self, id: &str) -> Result<Option<String>, StoreError>;
    /// Sets a user's password hash; `false` when there is no such user.
    fn set_password_hash(&mut self, id: &str, hash: &str) -> Result<bool, StoreError>;
    /// The user with this e-mail address (compared without regard to case), if any.
    fn user_by_email(&mut self, email: &str) -> Result<Option<String>, StoreError>;
    /// The project with this key.
    fn project(&mut self, key: &str) -> Result<Option<Project>, StoreError>;
    /// Every project, ordered by key.
    fn list_projects(&mut self) -> Result<Vec<Project>, StoreError>;
    /// Adds a project; `false` when the key is taken.
    fn insert_project(&mut self, project: &Project) -> Result<bool, StoreError>;
    /// Whether every licensed member may browse the project's issues (its staff and site
    /// admins always may); false for an unknown project.
    fn members_browse(&mut self, project: &str) -> Result<bool, StoreError>;
    /// Sets whether every licensed member may browse the project's issues; `false` when
    /// there is no such project.
    fn set_members_browse(&mut self, project: &str, members: bool) -> Result<bool, StoreError>;
    /// Does `user` hold `role` in `project`?
    fn has_role(&mut self, user: &str, project: &str, role: ProjectRole) -> Result<bool, StoreError>;
    /// The users holding `role` in `project`, ordered by id.
    fn project_members(&mut self, project: &str, role: ProjectRole) -> Result<Vec<String>, StoreError>;
    /// The projects where `user` holds `role`, ordered by key.
    fn projects_with_role(&mut self, user: &str, role: ProjectRole) -> Result<Vec<String>, StoreError>;
    /// The roles `user` holds in each project, ordered by project key.
    fn roles_of(&mut self, user: &str) -> Result<Vec<(String, ProjectRole)>, StoreError>;
    /// Gives `user` `role` in `project`; `false` when they held it already.
    fn grant_role(&mut self, project: &str, user: &str, role: ProjectRole) -> Result<bool, StoreError>;
    /// Takes `role` in `project` from `user`; `false` when they did not hold it.
    fn revoke_role(&mut self, project: &str, user: &str, role: ProjectRole) -> Result<bool, StoreError>;
    /// The group with this id.
    fn group(&mut self, id: &str) -> Result<Option<Group>, StoreError>;
    /// The company with this id.
    fn company(&mut self, id: &str) -> Result<Option<Company>, StoreError>;
    /// The groups or companies `user` belongs to, ordered by id.
    fn memberships_of(&mut self, kind: NamedKind, user: &str) -> Result<Vec<String>, StoreError>;
    /// The members of a group or company, ordered by id.
    fn members_of(&mut self, kind: NamedKind, id: &str) -> Result<Vec<String>, StoreError>;
    /// Adds a group or company with its members.
    fn insert_named(&mut self, kind: NamedKind, set: &NamedSet) -> Result<(), StoreError>;
    /// Every group or company with its members, ordered by id.
    fn list_named(&mut self, kind: NamedKind) -> Result<Vec<NamedSet>, StoreError>;
}

/// A live session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// Whose it is.
    pub user: String,
    /// The project whose chat widget it was opened in: such a session is good for that
    /// widget only, its user a customer there. `None` for a session of the site.
    pub widget_project: Option<String>,
}

/// Login sessions, kept by the hash of their token.
pub trait SessionStore {
    /// Stores a new session, of the site or (with `widget_project`) of one project's widget.
    fn create_session(
        &mut self,
        session: &str,
        user: &str,
        widget_project: Option<&str>,
        created_ms: i64,
        expires_ms: i64,
    ) -> Result<(), StoreError>;
    /// A live session.
    fn session_user(&mut self, session: &str, now_ms: i64) -> Result<Option<StoredSession>, StoreError>;
    /// Ends one session; the user whose it was.
    fn delete_session(&mut self, session: &str) -> Result<Option<String>, StoreError>;
    /// Ends every session of `user`; the sessions that ended.
    fn delete_sessions_of(&mut self, user: &str) -> Result<Vec<String>, StoreError>;
    /// Up to `limit` sessions that expired by `now_ms`, as `(user, session)`, oldest first.
    fn expired_sessions(&mut self, now_ms: i64, limit: u32) -> Result<Vec<(String, String)>, StoreError>;
}

/// The tracker's issues and their history.
pub trait IssueStore {
    /// The issue with this key.
    fn issue(&mut self, key: &str) -> Result<Option<Issue>, StoreError>;
    /// Up to `limit` issues, newest first, of these projects.
    fn list_issues(&mut self, projects: &[String], limit: u32) -> Result<Vec<Issue>, StoreError>;
    /// Adds an issue with the project's next number.
    fn insert_issue(&mut self, project: &str, summary: &str, reporter: Option<&str>) -> Result<Issue, StoreError>;
    /// Appends a history entry; its id.
    fn append_history(
        &mut self,
        issue: &str,
        author: Option<&str>,
        kind: HistoryKind,
        body: &str,
        now_ms: i64,
    ) -> Result<u64, StoreError>;
    /// Up to `limit` entries after `after`, oldest first; only of `kind` when given.
    fn history(
        &mut self,
        issue: &str,
        after: Option<u64>,
        limit: u32,
        kind: Option<HistoryKind>,
    ) -> Result<Vec<HistoryEntry>, StoreError>;
}

/// The push event log, for delivery after commit and for resuming clients.
pub trait PushLog {
    /// Records an event kept as `keeping` says; it gets its id and goes out only when the
    /// transaction commits.
    fn publish_kept(
        &mut self,
        topic: &str,
        kind: &str,
        payload: &str,
        keeping: Keeping<'_>,
        now_ms: i64,
    ) -> Result<(), StoreError>;
    /// Records an event about nothing in particular.
    fn publish(&mut self, topic: &str, kind: &str, payload: &str, now_ms: i64) -> Result<(), StoreError> {
        self.publish_kept(topic, kind, payload, Keeping::default(), now_ms)
    }
    /// Records a signal, sent to the streams open at the commit and never stored; a write.
    fn signal(&mut self, signal: Signal) -> Result<(), StoreError>;
    /// Events after `after_id` on any of `topics` created at `since_ms` or later, oldest
    /// first, at most `limit`.
    fn replay(
        &mut self,
        topics: &[String],
        after_id: i64,
        since_ms: i64,
        limit: u32,
    ) -> Result<Vec<ReplayedEvent>, StoreError>;
    /// The newest id ever given and the oldest still stored.
    fn id_bounds(&mut self) -> Result<IdBounds, StoreError>;
    /// Forgets events created before `before_ms`; how many.
    fn prune_events(&mut self, before_ms: i64) -> Result<usize, StoreError>;
}

/// One message of the mail outbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct OutboxMail {
    /// Increasing in the order messages were queued; use it as a cursor.
    pub id: i64,
    /// The recipients.
    pub to: Vec<String>,
    /// One line.
    pub subject: String,
    /// Plain text.
    pub body: String,
    /// When it was queued (milliseconds since the epoch).
    pub queued_ms: i64,
    /// When it was sent, if it was.
    pub sent_ms: Option<i64>,
    /// How many times sending it was tried.
    pub attempts: i64,
    /// Why the last try failed, if it did.
    pub last_error: Option<String>,
    /// When sending it was given up (the server refused it for good, or a day of tries
    /// failed), if it was: it is never tried again.
    pub failed_ms: Option<i64>,
}

/// What becomes of a message whose try failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailRetry {
    /// It is tried again at this time.
    At(i64),
    /// It is given up at this time and never tried again.
    GiveUp(i64),
}

impl MailRetry {
    /// The `next_attempt_ms` and `failed_ms` columns for this outcome: a given-up message
    /// is never due again.
    pub fn columns(self) -> (i64, Option<i64>) {
        match self {
            MailRetry::At(at) => (at, None),
            MailRetry::GiveUp(now) => (i64::MAX, Some(now)),
        }
    }
}

/// The mail outbox.
pub trait MailOutbox {
    /// Queues a message; it is sent only if the transaction commits.
    fn queue_mail(&mut self, to: &[String], subject: &str, body: &str, now_ms: i64) -> Result<(), StoreError>;
    /// Up to `limit` messages with an id below `before` (or the newest), newest first.
    fn list_mail(&mut self, before: Option<i64>, limit: u32) -> Result<Vec<OutboxMail>, StoreError>;
    /// Takes up to `limit` unsent messages due for a try at `now_ms`, oldest first, and
    /// puts their next try at `lease_until_ms`: while this node sends them, no other node
    /// takes them, and if it dies they come due again then.
    fn claim_due_mail(&mut self, now_ms: i64, lease_until_ms: i64, limit: u32) -> Result<Vec<OutboxMail>, StoreError>;
    /// Records that a message was sent.
    fn mail_sent(&mut self, id: i64, now_ms: i64) -> Result<(), StoreError>;
    /// Records a failed try, and when to try again or that it is given up.
    fn mail_failed(&mut self, id: i64, error: &str, retry: MailRetry) -> Result<(), StoreError>;
}

/// The times the plugin asked to be woken at (the WIT `wake` interface).
pub trait WakeUps {
    /// Remembers `at`; it is announced to the scheduler after the commit.
    fn wake_at(&mut self, at_ms: i64) -> Result<(), StoreError>;
    /// Takes every time at or before `now_ms`; whether there was any.
    fn take_due(&mut self, now_ms: i64) -> Result<bool, StoreError>;
    /// The earliest time asked for.
    fn next_wake(&mut self) -> Result<Option<i64>, StoreError>;
}

/// Password hashes kept for registrations waiting for their code (LC-5): the host sets one
/// on the new user when the registration is finished, and forgets it when it expires.
pub trait PendingPasswords {
    /// Keeps `hash` for `registration` until `expires_ms`.
    fn keep_pending_password(&mut self, registration: &str, hash: &str, expires_ms: i64) -> Result<(), StoreError>;
    /// Takes (removes and answers) the hash kept for `registration`, if it has not expired.
    fn take_pending_password(&mut self, registration: &str, now_ms: i64) -> Result<Option<String>, StoreError>;
    /// Forgets the hashes expired by `now_ms`; how many.
    fn prune_pending_passwords(&mut self, now_ms: i64) -> Result<usize, StoreError>;
}

/// Failed logins, counted per key (a user id or an address) for throttling.
pub trait LoginFailures {
    /// Counts a failure against each key.
    fn record_login_failure(&mut self, keys: &[String], now_ms: i64) -> Result<(), StoreError>;
    /// The times of `key`'s failures since `since_ms`, oldest first.
    fn login_failures(&mut self, key: &str, since_ms: i64) -> Result<Vec<i64>, StoreError>;
    /// Forgets `key`'s failures (after a successful login).
    fn clear_login_failures(&mut self, key: &str) -> Result<(), StoreError>;
    /// Forgets one of `key`'s failures at `at_ms`, if there is one (an attempt counted
    /// before its password was checked, which turned out right).
    fn forget_login_failure(&mut self, key: &str, at_ms: i64) -> Result<(), StoreError>;
    /// Forgets failures older than `before_ms`.
    fn prune_login_failures(&mut self, before_ms: i64) -> Result<usize, StoreError>;
}

/// The host's own settings and markers (for example the plugin version that last wrote the
/// store, or whether the site file was loaded).
pub trait Meta {
    /// The value under `key`.
    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError>;
    /// Stores `value` under `key`.
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
}

/// What the issue rules need: the issues, and the directory for who may see them.
pub trait IssueRecords: IssueStore + DirectoryStore {}

impl<T: IssueStore + DirectoryStore + ?Sized> IssueRecords for T {}

/// One open transaction: everything the host stores, through one object a job can lend to a
/// plugin call. Each of the plugin's imports sees only the part it needs (`runtime/imports`).
pub trait Transaction:
    KvStore
    + IssueRecords
    + DirectoryStore
    + SessionStore
    + IssueStore
    + PushLog
    + MailOutbox
    + WakeUps
    + LoginFailures
    + PendingPasswords
    + Meta
    + Send
{
    /// Whether writes are allowed (a read job's snapshot refuses them).
    fn writable(&self) -> bool;
}

/// A job's transaction as lent to it. The worker keeps the transaction as its own type and
/// lends it shared; once the job has let go of every lease, the worker takes it back whole
/// ([`run_lent`]), so no job ever has to hand it back, and nothing is downcast.
pub type SharedTx = Arc<Mutex<dyn Transaction>>;

/// How a job starts: with its transaction, or not at all.
pub enum JobStart {
    /// Run with this transaction, lent for the job's run.
    Run(SharedTx),
    /// The job will not run (its deadline passed, the backend is failing); nothing happened.
    Skipped(StorageFailure),
}

/// What a job hands back.
pub struct JobEnd {
    /// Whether to keep the job's writes.
    pub keep: bool,
    /// Told the fate of the job's transaction once it is known (committed or not).
    pub answer: Answer,
}

/// How a job's caller is told the fate of its transaction once it is known.
pub type Answer = Box<dyn FnOnce(Result<(), StorageFailure>) + Send>;

/// A unit of work for a backend.
pub struct Job {
    /// After this instant the job is not started (the request has given up).
    pub deadline: Option<Instant>,
    /// The work. A backend whose transactions can lose a conflict to another node (PostgreSQL)
    /// runs it again in a new transaction, dropping the lost attempt's [`JobEnd::answer`]
    /// unheard; every other backend runs it once.
    pub run: Box<dyn FnMut(JobStart) -> JobEnd + Send>,
}

impl Job {
    /// Whether the job's deadline has passed: it must not start.
    pub fn expired(&self) -> bool {
        self.deadline.is_some_and(|deadline| Instant::now() > deadline)
    }

    /// Tells the job it will not run, and why: its caller hears at once, and nothing of it
    /// is owed afterwards.
    pub fn skip(&mut self, failure: StorageFailure) {
        if let Ok(end) = catch_unwind(AssertUnwindSafe(|| (self.run)(JobStart::Skipped(failure.clone())))) {
            (end.answer)(Err(failure));
        }
    }
}

/// Runs `job` with `tx` lent to it. Gives back how the job ended (or that it panicked) and
/// `tx` itself, unless the job kept a lease beyond its run (then the transaction is lost
/// with it, and the worker opens a new one).
pub fn run_lent<T: Transaction + 'static>(job: &mut Job, tx: T) -> (std::thread::Result<JobEnd>, Option<T>) {
    let shared = Arc::new(Mutex::new(tx));
    let lent: SharedTx = shared.clone();
    let end = catch_unwind(AssertUnwindSafe(|| (job.run)(JobStart::Run(lent))));
    let back = Arc::try_unwrap(shared)
        .ok()
        .map(|tx| tx.into_inner().unwrap_or_else(PoisonError::into_inner));
    (end, back)
}

/// Told what each commit made public.
pub trait CommitListener: Send + Sync {
    /// Push events committed, in commit order.
    fn events_committed(&self, events: Vec<PushEvent>);
    /// Signals committed (from this node, or on a shared database from any node).
    fn signals_committed(&self, signals: Vec<Signal>);
    /// A committed job asked to be woken at `at_ms`.
    fn wake_requested(&self, at_ms: i64);
}

/// Counters of a backend's work, for benchmarks and operators.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BackendStats {
    /// Write transactions committed (or attempted); on SQLite each is one fsync.
    pub commits: u64,
    /// Write jobs run.
    pub writes: u64,
    /// Read jobs run.
    pub reads: u64,
    /// Jobs refused because the queue was full.
    pub shed: u64,
    /// Attempts that lost a conflict with another transaction and were run again
    /// (PostgreSQL; always 0 on SQLite, whose one writer never conflicts).
    pub retries: u64,
}

/// A storage backend: runs write jobs durably and read jobs on snapshots.
pub trait Backend: Send + Sync {
    /// Queues a write job, or refuses it at once (`Overloaded`, `WorkerStopped`); a refused
    /// job is dropped unrun.
    fn submit_write(&self, job: Job) -> Result<(), StorageFailure>;
    /// Queues a read job, or refuses it at once, as `submit_write`.
    fn submit_read(&self, job: Job) -> Result<(), StorageFailure>;
    /// The work done so far.
    fn stats(&self) -> BackendStats;
}
