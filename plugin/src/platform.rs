//! What the rules need from the host, as a plain trait.
//!
//! `lib.rs` implements it over the WIT imports; unit tests implement it in memory
//! (`fake_platform.rs`), so every rule is tested natively.

use crate::error::PluginResult;

/// Milliseconds since the Unix epoch, UTC.
pub type Timestamp = u64;

/// Who is acting and where (the WIT `call-context`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallContext {
    /// The logged-in user, or `None` for anonymous visitors and scheduled work.
    pub actor: Option<String>,
    /// The page's current project.
    pub project: Option<String>,
}

/// A user of the host's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user's stable identifier in the directory (for example `alice`).
    pub id: String,
    /// The name other people see.
    pub display_name: String,
    /// Where e-mail to this user goes; may be empty when unknown.
    pub email: String,
    /// An IANA time zone name (for example `Europe/Oslo`), used for schedules.
    pub time_zone: String,
    /// A BCP 47 language tag (for example `en`, `nb-NO`), used for translated texts.
    pub locale: String,
    /// Administers the whole site, every project included.
    pub site_admin: bool,
    /// A licensed user of the tracker; false for portal-only customers.
    pub member: bool,
}

/// A role a user holds in a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectRole {
    /// A support agent of the project; only agents may go online there.
    Agent,
    /// Administers the project.
    ProjectAdmin,
}

/// One stored key and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key; keys are compared byte by byte.
    pub key: String,
    /// The stored bytes (JSON for the rules' own records).
    pub value: Vec<u8>,
}

/// A range scan over storage: `start <= key < end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRequest<'a> {
    /// The first key of the range (inclusive).
    pub start: &'a str,
    /// The end of the range (exclusive).
    pub end: &'a str,
    /// The most entries to return in this page; the host caps it at 1000.
    pub limit: u32,
    /// True to scan in descending key order.
    pub reverse: bool,
    /// The previous page's `cursor` to continue from; `None` to start at the beginning.
    pub cursor: Option<String>,
}

/// One page of a scan; `cursor` is set when more entries remain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanPage {
    /// The entries in key order (descending for a reversed scan).
    pub entries: Vec<Entry>,
    /// Pass as the next request's `cursor` to continue; `None` when the range is exhausted.
    pub cursor: Option<String>,
}

/// How serious a log line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// Detail for diagnosing problems.
    Debug,
    /// Normal events worth recording.
    Info,
    /// Something unexpected that did not stop the call.
    Warn,
    /// A failure that needs attention.
    Error,
}

/// The host's capabilities, as the rules use them.
pub trait Platform {
    /// The host's current time.
    fn now(&self) -> Timestamp;

    /// The user with this id.
    fn user(&self, id: &str) -> Option<User>;
    /// Does the project exist?
    fn project_exists(&self, key: &str) -> bool;
    /// Does `user` hold `role` in `project`?
    fn has_project_role(&self, user: &str, project: &str, role: ProjectRole) -> bool;
    /// The users holding `role` in `project`, ordered by id.
    fn project_members(&self, project: &str, role: ProjectRole) -> Vec<String>;
    /// The projects where `user` holds `role`, ordered by key.
    fn projects_with_role(&self, user: &str, role: ProjectRole) -> Vec<String>;

    /// The value under `key`.
    fn kv_get(&mut self, key: &str) -> PluginResult<Option<Vec<u8>>>;
    /// Stores `value` under `key`.
    fn kv_set(&mut self, key: &str, value: &[u8]) -> PluginResult<()>;
    /// Removes `key`; whether it existed.
    fn kv_delete(&mut self, key: &str) -> PluginResult<bool>;
    /// One page of a range scan.
    fn kv_scan(&mut self, request: ScanRequest<'_>) -> PluginResult<ScanPage>;

    /// Publishes an event, delivered after the call commits.
    fn publish(&mut self, topic: &str, kind: &str, payload: &str) -> PluginResult<()>;
    /// Writes a line to the host's log.
    fn log(&self, level: LogLevel, message: &str);
}
