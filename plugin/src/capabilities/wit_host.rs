//! The capabilities over the WIT imports: what the rules use inside a component.

use super::{Clock, Directory, EventOptions, Issues, Log, Mail, Push, ScanRequest, Storage, Wake};
use crate::bindings::helpdesk::chat::directory::{self, Company, Project, User};
use crate::bindings::helpdesk::chat::issues::{self, HistoryKind, Issue};
use crate::bindings::helpdesk::chat::log::{self, Level};
use crate::bindings::helpdesk::chat::storage::{self, ScanPage};
use crate::bindings::helpdesk::chat::types::{ProjectRole, Timestamp};
use crate::bindings::helpdesk::chat::{mail, push, wake};
use crate::error::PluginResult;

/// The host behind the component's imports. It holds nothing: every call goes to the host.
pub struct WitHost;

impl Clock for WitHost {
    fn now(&self) -> Timestamp {
        // The WASI wall clock is the host's clock, which tests can move.
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as Timestamp)
            .unwrap_or(0)
    }
}

impl Mail for WitHost {
    fn send_mail(&mut self, to: &[String], subject: &str, body: &str) -> PluginResult<()> {
        Ok(mail::send(&mail::Message {
            to: to.to_vec(),
            subject: subject.into(),
            body: body.into(),
        })?)
    }
}

impl Issues for WitHost {
    fn issue(&self, key: &str) -> Option<Issue> {
        issues::get_issue(key)
    }
    fn may_see_issue(&self, user: &str, issue: &str) -> bool {
        issues::may_see_issue(user, issue)
    }
    fn create_issue(&mut self, project: &str, summary: &str, reporter: Option<&str>) -> PluginResult<Issue> {
        Ok(issues::create_issue(project, summary, reporter)?)
    }
    fn append_history(
        &mut self,
        issue: &str,
        author: Option<&str>,
        kind: HistoryKind,
        body: &str,
    ) -> PluginResult<u64> {
        Ok(issues::append_history(issue, author, kind, body)?)
    }
}

impl Directory for WitHost {
    fn user(&self, id: &str) -> Option<User> {
        directory::get_user(id)
    }
    fn users(&self, ids: &[String]) -> PluginResult<Vec<Option<User>>> {
        Ok(directory::get_users(ids)?)
    }
    fn projects(&self) -> Vec<Project> {
        directory::list_projects()
    }
    fn project(&self, key: &str) -> Option<Project> {
        directory::get_project(key)
    }
    fn has_project_role(&self, user: &str, project: &str, role: ProjectRole) -> bool {
        directory::has_project_role(user, project, role)
    }
    fn group_exists(&self, id: &str) -> bool {
        directory::get_group(id).is_some()
    }
    fn groups_of(&self, user: &str) -> Vec<String> {
        directory::groups_of(user)
    }
    fn company(&self, id: &str) -> Option<Company> {
        directory::get_company(id)
    }
    fn companies_of(&self, user: &str) -> Vec<String> {
        directory::companies_of(user)
    }
    fn user_by_email(&self, email: &str) -> Option<String> {
        directory::user_by_email(email)
    }
    fn register_customer(&mut self, display_name: &str, email: &str) -> PluginResult<User> {
        Ok(directory::register_customer(display_name, email)?)
    }
    fn projects_with_role(&self, user: &str, role: ProjectRole) -> Vec<String> {
        directory::projects_with_role(user, role)
    }

    fn project_members(&self, project: &str, role: ProjectRole) -> Vec<String> {
        directory::project_members(project, role)
    }
}

impl Storage for WitHost {
    fn kv_get(&mut self, key: &str) -> PluginResult<Option<Vec<u8>>> {
        Ok(storage::get(key)?)
    }
    fn kv_get_many(&mut self, keys: &[String]) -> PluginResult<Vec<Option<Vec<u8>>>> {
        Ok(storage::get_many(keys)?)
    }
    fn kv_set(&mut self, key: &str, value: &[u8]) -> PluginResult<()> {
        Ok(storage::set(key, value)?)
    }
    fn kv_delete(&mut self, key: &str) -> PluginResult<bool> {
        Ok(storage::delete(key)?)
    }
    fn kv_increment(&mut self, key: &str, delta: i64) -> PluginResult<i64> {
        Ok(storage::increment(key, delta)?)
    }
    fn kv_scan(&mut self, request: ScanRequest<'_>) -> PluginResult<ScanPage> {
        Ok(storage::scan(
            request.start,
            request.end,
            request.limit,
            request.reverse,
            request.cursor.as_deref(),
        )?)
    }
}

impl Push for WitHost {
    fn publish(&mut self, topic: &str, kind: &str, payload: &str, options: &EventOptions) -> PluginResult<()> {
        Ok(push::publish(topic, kind, payload, options)?)
    }
    fn access_changed(&mut self, users: &[String]) {
        push::access_changed(users);
    }
    fn access_changed_on(&mut self, topics: &[String]) {
        push::access_changed_on(topics);
    }
}

impl Wake for WitHost {
    fn wake_at(&mut self, at: Timestamp) {
        wake::wake_at(at);
    }
}

impl Log for WitHost {
    fn log(&self, level: Level, message: &str) {
        log::log(level, message);
    }
}
