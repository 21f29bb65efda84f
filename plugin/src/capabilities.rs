//! The host's capabilities as the rules use them: one small trait per kind of need, so each
//! rule's signature says what it touches. `wit_host.rs` implements them over the WIT imports
//! (inside a component); `fake_host.rs` implements them in memory for native tests.

use crate::bindings::helpdesk::chat::directory::{Company, Project, User};
use crate::bindings::helpdesk::chat::issues::{HistoryKind, Issue};
use crate::bindings::helpdesk::chat::log::Level;
pub use crate::bindings::helpdesk::chat::push::EventOptions;
use crate::bindings::helpdesk::chat::storage::ScanPage;
use crate::bindings::helpdesk::chat::types::{ProjectRole, Timestamp};
use crate::error::PluginResult;

#[cfg(test)]
pub mod fake_host;
#[cfg(target_arch = "wasm32")]
pub mod wit_host;

/// The host's clock (the WASI wall clock, which tests move).
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now(&self) -> Timestamp;
}

/// The host's directory, read-only.
pub trait Directory {
    /// The user with this id.
    fn user(&self, id: &str) -> Option<User>;
    /// The users with these ids, in order, `None` for unknown ids (at most 1000 at once).
    fn users(&self, ids: &[String]) -> PluginResult<Vec<Option<User>>>;
    /// Every project, ordered by key.
    fn projects(&self) -> Vec<Project>;
    /// The project with this key.
    fn project(&self, key: &str) -> Option<Project>;
    /// Does the project exist?
    fn project_exists(&self, key: &str) -> bool {
        self.project(key).is_some()
    }
    /// The name people see for `user`; their id when the directory has no such user.
    fn display_name(&self, user: &str) -> String {
        self.user(user)
            .map_or_else(|| user.to_string(), |found| found.display_name)
    }
    /// The project's name as people see it; its key when there is no such project.
    fn project_name(&self, key: &str) -> String {
        self.project(key)
            .map_or_else(|| key.to_string(), |project| project.name)
    }
    /// Does `user` hold `role` in `project`?
    fn has_project_role(&self, user: &str, project: &str, role: ProjectRole) -> bool;
    /// Does the group exist?
    fn group_exists(&self, id: &str) -> bool;
    /// The groups `user` belongs to.
    fn groups_of(&self, user: &str) -> Vec<String>;
    /// The company with this id.
    fn company(&self, id: &str) -> Option<Company>;
    /// The companies `user` belongs to.
    fn companies_of(&self, user: &str) -> Vec<String>;
    /// The user whose e-mail address this is (without regard to case), if any.
    fn user_by_email(&self, email: &str) -> Option<String>;
    /// Adds a portal customer (no member) and answers them; the host picks the id.
    fn register_customer(&mut self, display_name: &str, email: &str) -> PluginResult<User>;
    /// The projects where `user` holds `role`, ordered by key.
    fn projects_with_role(&self, user: &str, role: ProjectRole) -> Vec<String>;
    /// The users holding `role` in `project`, ordered by id.
    fn project_members(&self, project: &str, role: ProjectRole) -> Vec<String>;
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

/// The plugin's key-value storage, inside the call's transaction.
pub trait Storage {
    /// The value under `key`.
    fn kv_get(&mut self, key: &str) -> PluginResult<Option<Vec<u8>>>;
    /// The values under `keys`, in order (at most 1000 keys).
    fn kv_get_many(&mut self, keys: &[String]) -> PluginResult<Vec<Option<Vec<u8>>>>;
    /// Stores `value` under `key`.
    fn kv_set(&mut self, key: &str, value: &[u8]) -> PluginResult<()>;
    /// Removes `key`; whether it existed.
    fn kv_delete(&mut self, key: &str) -> PluginResult<bool>;
    /// Adds `delta` to the counter under `key` and returns the new value.
    fn kv_increment(&mut self, key: &str, delta: i64) -> PluginResult<i64>;
    /// One page of a range scan.
    fn kv_scan(&mut self, request: ScanRequest<'_>) -> PluginResult<ScanPage>;
}

/// The tracker's issues, inside the call's transaction.
pub trait Issues {
    /// The issue with this key.
    fn issue(&self, key: &str) -> Option<Issue>;
    /// Whether `user` may see the issue (the tracker's browse permission).
    fn may_see_issue(&self, user: &str, issue: &str) -> bool;
    /// Creates an issue in `project`.
    fn create_issue(&mut self, project: &str, summary: &str, reporter: Option<&str>) -> PluginResult<Issue>;
    /// Appends an entry to an issue's history; its id.
    fn append_history(&mut self, issue: &str, author: Option<&str>, kind: HistoryKind, body: &str)
    -> PluginResult<u64>;
}

/// Push events to clients, delivered after the call commits.
pub trait Push {
    /// Publishes an event, kept for resuming clients as `options` say.
    fn publish(&mut self, topic: &str, kind: &str, payload: &str, options: &EventOptions) -> PluginResult<()>;
    /// What these users may receive may have changed: their streams are authorized again.
    fn access_changed(&mut self, users: &[String]);
    /// What the followers of these topics may receive may have changed: their streams are
    /// authorized again.
    fn access_changed_on(&mut self, topics: &[String]);
}

/// Outgoing e-mail, queued in the host's outbox and sent only if the call commits.
pub trait Mail {
    /// Queues a plain-text message.
    fn send_mail(&mut self, to: &[String], subject: &str, body: &str) -> PluginResult<()>;
}

/// Being woken for due work.
pub trait Wake {
    /// Asks for `scheduler.run-due` at `at` or soon after.
    fn wake_at(&mut self, at: Timestamp);
}

/// The host's log.
pub trait Log {
    /// Writes a line to the host's log.
    fn log(&self, level: Level, message: &str);
}

/// Everything a feature may use; the feature list is built over it.
pub trait HostCapabilities: Clock + Directory + Storage + Issues + Push + Mail + Wake + Log {}

impl<T: Clock + Directory + Storage + Issues + Push + Mail + Wake + Log> HostCapabilities for T {}
