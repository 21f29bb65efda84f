//! An in-memory host for native unit tests of the rules: directory, storage, clock, push and
//! wake-ups, behaving as the WIT contract says the real host does.

use std::collections::{BTreeMap, BTreeSet};

use super::{Clock, Directory, EventOptions, Issues, Log, Mail, Push, ScanRequest, Storage, Wake};
use crate::bindings::helpdesk::chat::directory::{Company, Project, User};
use crate::bindings::helpdesk::chat::issues::{HistoryKind, Issue};
use crate::bindings::helpdesk::chat::log::Level;
use crate::bindings::helpdesk::chat::storage::{Entry, ScanPage};
use crate::bindings::helpdesk::chat::types::{Actor, CallContext, PageOrigin, ProjectRole, Timestamp};
use crate::error::{PluginError, PluginResult};

/// One published event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The topic it went to.
    pub topic: String,
    /// The event's kind.
    pub kind: String,
    /// The payload, parsed.
    pub payload: serde_json::Value,
    /// What it is about, for resuming clients.
    pub subject: Option<String>,
    /// The topic a resuming reader must still be allowed.
    pub requires: Option<String>,
    /// Delivered only to the streams open now, never stored.
    pub ephemeral: bool,
}

/// Directory, storage, clock, push and wake-ups in memory.
#[derive(Debug, Default)]
pub struct FakeHost {
    /// The clock.
    pub now: Timestamp,
    /// The directory's users by id.
    pub users: BTreeMap<String, User>,
    /// The projects' keys.
    pub projects: BTreeSet<String>,
    /// Who holds which role where: `(user, project, role)`.
    pub roles: BTreeSet<(String, String, ProjectRole)>,
    /// The plugin's storage.
    pub kv: BTreeMap<String, Vec<u8>>,
    /// The groups' ids.
    pub groups: BTreeSet<String>,
    /// Who belongs to which group: `(group, user)`.
    pub group_members: BTreeSet<(String, String)>,
    /// Issues created, in order.
    pub issues: Vec<Issue>,
    /// History entries appended: (issue, author, kind, body).
    pub history: Vec<(String, Option<String>, HistoryKind, String)>,
    /// Mail queued: (to, subject, body).
    pub mail: Vec<(Vec<String>, String, String)>,
    /// Events published, oldest first.
    pub published: Vec<Published>,
    /// Users named by `access_changed`, in order.
    pub access_changes: Vec<String>,
    /// Topics named by `access_changed_on`, in order.
    pub topic_access_changes: Vec<String>,
    /// The companies' names by id.
    pub companies: BTreeMap<String, String>,
    /// Who belongs to which company: `(company, user)`.
    pub company_members: BTreeSet<(String, String)>,
    /// Times asked for by `wake_at`.
    pub wakes: BTreeSet<Timestamp>,
    /// Issues a user may not see: `(user, issue)`.
    pub hidden_issues: BTreeSet<(String, String)>,
}

impl FakeHost {
    /// Projects SUP and OPS; alice agent of both, bob agent of SUP, carol a plain member,
    /// dana project admin of SUP, root a site admin.
    pub fn demo() -> Self {
        let mut host = FakeHost {
            now: 1_000_000,
            ..Default::default()
        };
        for (id, name, site_admin) in [
            ("alice", "Alice Agent", false),
            ("bob", "Bob Agent", false),
            ("carol", "Carol Member", false),
            ("dana", "Dana Admin", false),
            ("root", "Site Root", true),
        ] {
            host.add_user(id, name, site_admin);
        }
        host.projects.extend(["SUP".to_string(), "OPS".to_string()]);
        host.grant("alice", "SUP", ProjectRole::Agent);
        host.grant("alice", "OPS", ProjectRole::Agent);
        host.grant("bob", "SUP", ProjectRole::Agent);
        host.grant("dana", "SUP", ProjectRole::ProjectAdmin);
        host
    }

    /// Adds a user to the directory.
    pub fn add_user(&mut self, id: &str, name: &str, site_admin: bool) {
        self.users.insert(
            id.into(),
            User {
                id: id.into(),
                display_name: name.into(),
                email: format!("{id}@example.test"),
                time_zone: "UTC".into(),
                locale: "en".into(),
                site_admin,
                member: true,
            },
        );
    }

    /// Gives `user` `role` in `project`.
    pub fn grant(&mut self, user: &str, project: &str, role: ProjectRole) {
        self.roles.insert((user.into(), project.into(), role));
    }

    /// Takes `role` in `project` away from `user`.
    pub fn revoke(&mut self, user: &str, project: &str, role: ProjectRole) {
        self.roles.remove(&(user.into(), project.into(), role));
    }

    /// Moves the clock forward.
    pub fn advance_minutes(&mut self, minutes: u64) {
        self.now += minutes * 60_000;
    }

    /// Events published so far on `topic`, and forgets them.
    pub fn take_events(&mut self, topic: &str) -> Vec<Published> {
        let (taken, kept) = std::mem::take(&mut self.published)
            .into_iter()
            .partition(|e| e.topic == topic);
        self.published = kept;
        taken
    }

    /// Keys stored under `prefix`.
    pub fn keys_under(&self, prefix: &str) -> Vec<String> {
        self.kv.keys().filter(|k| k.starts_with(prefix)).cloned().collect()
    }
}

/// A context for `user` acting in `project`.
pub fn as_user(user: &str, project: &str) -> CallContext {
    CallContext {
        actor: Actor::User(user.into()),
        project: Some(project.into()),
        page: PageOrigin::Unknown,
        locale: None,
        languages: Vec::new(),
        session: None,
        address: None,
    }
}

/// A context for nobody identified, in `project` (if any).
pub fn anonymous_in(project: Option<&str>) -> CallContext {
    CallContext {
        actor: Actor::Anonymous,
        project: project.map(str::to_string),
        page: PageOrigin::Unknown,
        locale: None,
        languages: Vec::new(),
        session: None,
        address: None,
    }
}

/// A context for an anonymous widget visitor in `project`, on a page of the site itself.
pub fn as_visitor(visitor: &str, project: &str) -> CallContext {
    CallContext {
        actor: Actor::Visitor(visitor.into()),
        page: PageOrigin::Site,
        ..anonymous_in(Some(project))
    }
}

/// The same context, from another page.
pub fn on_page(ctx: CallContext, page: PageOrigin) -> CallContext {
    CallContext { page, ..ctx }
}

/// The context the host gives scheduled work and migrations.
pub fn system() -> CallContext {
    CallContext {
        actor: Actor::System,
        project: None,
        page: PageOrigin::Unknown,
        locale: None,
        languages: Vec::new(),
        session: None,
        address: None,
    }
}

impl Mail for FakeHost {
    fn send_mail(&mut self, to: &[String], subject: &str, body: &str) -> PluginResult<()> {
        self.mail.push((to.to_vec(), subject.into(), body.into()));
        Ok(())
    }
}

impl Issues for FakeHost {
    fn issue(&self, key: &str) -> Option<Issue> {
        self.issues.iter().find(|issue| issue.key == key).cloned()
    }
    fn may_see_issue(&self, user: &str, issue: &str) -> bool {
        self.users.contains_key(user)
            && self.issue(issue).is_some()
            && !self.hidden_issues.contains(&(user.to_string(), issue.to_string()))
    }
    fn create_issue(&mut self, project: &str, summary: &str, _reporter: Option<&str>) -> PluginResult<Issue> {
        if !self.projects.contains(project) {
            return Err(PluginError::NotFound(format!("project {project}")));
        }
        let number = self.issues.iter().filter(|i| i.project == project).count() + 1;
        let issue = Issue {
            key: format!("{project}-{number}"),
            project: project.into(),
            summary: summary.into(),
        };
        self.issues.push(issue.clone());
        Ok(issue)
    }
    fn append_history(
        &mut self,
        issue: &str,
        author: Option<&str>,
        kind: HistoryKind,
        body: &str,
    ) -> PluginResult<u64> {
        if !self.issues.iter().any(|i| i.key == issue) {
            return Err(PluginError::NotFound(format!("issue {issue}")));
        }
        self.history
            .push((issue.into(), author.map(str::to_string), kind, body.into()));
        Ok(self.history.len() as u64)
    }
}

impl Clock for FakeHost {
    fn now(&self) -> Timestamp {
        self.now
    }
}

impl Directory for FakeHost {
    fn user(&self, id: &str) -> Option<User> {
        self.users.get(id).cloned()
    }
    fn users(&self, ids: &[String]) -> PluginResult<Vec<Option<User>>> {
        if ids.len() > 1000 {
            return Err(PluginError::LimitExceeded("at most 1000 ids".into()));
        }
        Ok(ids.iter().map(|id| self.users.get(id).cloned()).collect())
    }
    fn projects(&self) -> Vec<Project> {
        self.projects
            .iter()
            .map(|key| Project {
                key: key.clone(),
                name: key.clone(),
            })
            .collect()
    }
    fn project(&self, key: &str) -> Option<Project> {
        self.projects.get(key).map(|key| Project {
            key: key.clone(),
            name: key.clone(),
        })
    }
    fn has_project_role(&self, user: &str, project: &str, role: ProjectRole) -> bool {
        self.roles.contains(&(user.into(), project.into(), role))
    }
    fn group_exists(&self, id: &str) -> bool {
        self.groups.contains(id)
    }
    fn user_by_email(&self, email: &str) -> Option<String> {
        self.users
            .values()
            .find(|user| user.email.eq_ignore_ascii_case(email))
            .map(|user| user.id.clone())
    }
    fn register_customer(&mut self, display_name: &str, email: &str) -> PluginResult<User> {
        if self.users.values().any(|u| u.email == email) {
            return Err(PluginError::Conflict(format!("{email} is registered")));
        }
        let id = email.split('@').next().unwrap_or("customer").to_string();
        self.add_user(&id, display_name, false);
        let user = self.users.get_mut(&id).expect("just added");
        user.email = email.into();
        user.member = false;
        Ok(user.clone())
    }
    fn company(&self, id: &str) -> Option<Company> {
        self.companies.get(id).map(|name| Company {
            id: id.to_string(),
            name: name.clone(),
        })
    }
    fn companies_of(&self, user: &str) -> Vec<String> {
        self.company_members
            .iter()
            .filter(|(_, u)| u == user)
            .map(|(c, _)| c.clone())
            .collect()
    }
    fn groups_of(&self, user: &str) -> Vec<String> {
        self.group_members
            .iter()
            .filter(|(_, u)| u == user)
            .map(|(g, _)| g.clone())
            .collect()
    }
    fn projects_with_role(&self, user: &str, role: ProjectRole) -> Vec<String> {
        let set: BTreeSet<String> = self
            .roles
            .iter()
            .filter(|(u, _, r)| u == user && *r == role)
            .map(|(_, p, _)| p.clone())
            .collect();
        set.into_iter().collect()
    }

    fn project_members(&self, project: &str, role: ProjectRole) -> Vec<String> {
        let set: BTreeSet<String> = self
            .roles
            .iter()
            .filter(|(_, p, r)| p == project && *r == role)
            .map(|(u, _, _)| u.clone())
            .collect();
        set.into_iter().collect()
    }
}

impl Storage for FakeHost {
    fn kv_get(&mut self, key: &str) -> PluginResult<Option<Vec<u8>>> {
        Ok(self.kv.get(key).cloned())
    }
    fn kv_get_many(&mut self, keys: &[String]) -> PluginResult<Vec<Option<Vec<u8>>>> {
        Ok(keys.iter().map(|key| self.kv.get(key).cloned()).collect())
    }
    fn kv_set(&mut self, key: &str, value: &[u8]) -> PluginResult<()> {
        self.kv.insert(key.into(), value.to_vec());
        Ok(())
    }
    fn kv_delete(&mut self, key: &str) -> PluginResult<bool> {
        Ok(self.kv.remove(key).is_some())
    }
    fn kv_increment(&mut self, key: &str, delta: i64) -> PluginResult<i64> {
        let current = match self.kv.get(key) {
            None => 0,
            Some(bytes) => std::str::from_utf8(bytes)
                .ok()
                .and_then(|text| text.parse::<i64>().ok())
                .ok_or_else(|| PluginError::Invalid(format!("{key:?} is not a counter")))?,
        };
        let next = current
            .checked_add(delta)
            .ok_or_else(|| PluginError::LimitExceeded("counter out of range".into()))?;
        self.kv.insert(key.into(), next.to_string().into_bytes());
        Ok(next)
    }
    fn kv_scan(&mut self, request: ScanRequest<'_>) -> PluginResult<ScanPage> {
        if request.start > request.end {
            return Err(PluginError::Invalid("start > end".into()));
        }
        // As the host does: the cursor is the last key returned, and the scan goes on
        // after it (before it, in reverse).
        let limit = request.limit.clamp(1, 1000) as usize;
        let in_range = self.kv.range(request.start.to_string()..request.end.to_string());
        let after_cursor = |key: &String| match &request.cursor {
            None => true,
            Some(cursor) if request.reverse => key < cursor,
            Some(cursor) => key > cursor,
        };
        let ordered: Box<dyn Iterator<Item = (&String, &Vec<u8>)>> = if request.reverse {
            Box::new(in_range.rev())
        } else {
            Box::new(in_range)
        };
        let mut entries: Vec<Entry> = ordered
            .filter(|(k, _)| after_cursor(k))
            .take(limit + 1)
            .map(|(k, v)| Entry {
                key: k.clone(),
                value: v.clone(),
            })
            .collect();
        let cursor = if entries.len() > limit {
            entries.truncate(limit);
            entries.last().map(|e| e.key.clone())
        } else {
            None
        };
        Ok(ScanPage { entries, cursor })
    }
}

impl Push for FakeHost {
    fn publish(&mut self, topic: &str, kind: &str, payload: &str, options: &EventOptions) -> PluginResult<()> {
        let payload = serde_json::from_str(payload).map_err(|e| PluginError::Invalid(e.to_string()))?;
        if options.ephemeral && (options.subject.is_some() || options.requires.is_some()) {
            return Err(PluginError::Invalid("an ephemeral event is about nothing kept".into()));
        }
        self.published.push(Published {
            topic: topic.into(),
            kind: kind.into(),
            payload,
            subject: options.subject.clone(),
            requires: options.requires.clone(),
            ephemeral: options.ephemeral,
        });
        Ok(())
    }
    fn access_changed(&mut self, users: &[String]) {
        self.access_changes.extend(users.iter().cloned());
    }
    fn access_changed_on(&mut self, topics: &[String]) {
        self.topic_access_changes.extend(topics.iter().cloned());
    }
}

impl Wake for FakeHost {
    fn wake_at(&mut self, at: Timestamp) {
        self.wakes.insert(at);
    }
}

impl Log for FakeHost {
    fn log(&self, _level: Level, _message: &str) {}
}
