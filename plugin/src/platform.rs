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
    pub id: String,
    pub display_name: String,
    pub email: String,
    pub time_zone: String,
    pub locale: String,
    pub site_admin: bool,
    pub member: bool,
}

/// A role a user holds in a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectRole {
    Agent,
    ProjectAdmin,
}

/// One stored key and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: Vec<u8>,
}

/// A range scan over storage: `start <= key < end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRequest<'a> {
    pub start: &'a str,
    pub end: &'a str,
    pub limit: u32,
    pub reverse: bool,
    pub cursor: Option<String>,
}

/// One page of a scan; `cursor` is set when more entries remain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanPage {
    pub entries: Vec<Entry>,
    pub cursor: Option<String>,
}

/// How serious a log line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
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
