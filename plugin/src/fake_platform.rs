//! An in-memory [`Platform`] for native unit tests of the rules.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{PluginError, PluginResult};
use crate::platform::{Entry, LogLevel, Platform, ProjectRole, ScanPage, ScanRequest, Timestamp, User};

/// One published event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub topic: String,
    pub kind: String,
    pub payload: serde_json::Value,
}

/// Directory, storage, clock and push in memory.
#[derive(Debug, Default)]
pub struct FakePlatform {
    pub now: Timestamp,
    pub users: BTreeMap<String, User>,
    pub projects: BTreeSet<String>,
    pub roles: BTreeSet<(String, String, &'static str)>,
    pub kv: BTreeMap<String, Vec<u8>>,
    pub published: Vec<Published>,
}

fn role_name(role: ProjectRole) -> &'static str {
    match role {
        ProjectRole::Agent => "agent",
        ProjectRole::ProjectAdmin => "project-admin",
    }
}

impl FakePlatform {
    /// Projects SUP and OPS; alice agent of both, bob agent of SUP, carol a plain member,
    /// dana project admin of SUP, root a site admin.
    pub fn demo() -> Self {
        let mut platform = FakePlatform {
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
            platform.users.insert(
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
        platform.projects.extend(["SUP".to_string(), "OPS".to_string()]);
        platform.grant("alice", "SUP", ProjectRole::Agent);
        platform.grant("alice", "OPS", ProjectRole::Agent);
        platform.grant("bob", "SUP", ProjectRole::Agent);
        platform.grant("dana", "SUP", ProjectRole::ProjectAdmin);
        platform
    }

    /// Gives `user` `role` in `project`.
    pub fn grant(&mut self, user: &str, project: &str, role: ProjectRole) {
        self.roles.insert((user.into(), project.into(), role_name(role)));
    }

    /// Takes `role` in `project` away from `user`.
    pub fn revoke(&mut self, user: &str, project: &str, role: ProjectRole) {
        self.roles.remove(&(user.into(), project.into(), role_name(role)));
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
}

impl Platform for FakePlatform {
    fn now(&self) -> Timestamp {
        self.now
    }
    fn user(&self, id: &str) -> Option<User> {
        self.users.get(id).cloned()
    }
    fn project_exists(&self, key: &str) -> bool {
        self.projects.contains(key)
    }
    fn has_project_role(&self, user: &str, project: &str, role: ProjectRole) -> bool {
        self.roles.contains(&(user.into(), project.into(), role_name(role)))
    }
    fn project_members(&self, project: &str, role: ProjectRole) -> Vec<String> {
        let role = role_name(role);
        self.roles
            .iter()
            .filter(|(_, p, r)| p == project && *r == role)
            .map(|(u, _, _)| u.clone())
            .collect()
    }
    fn projects_with_role(&self, user: &str, role: ProjectRole) -> Vec<String> {
        let role = role_name(role);
        let set: BTreeSet<String> = self
            .roles
            .iter()
            .filter(|(u, _, r)| u == user && *r == role)
            .map(|(_, p, _)| p.clone())
            .collect();
        set.into_iter().collect()
    }
    fn kv_get(&mut self, key: &str) -> PluginResult<Option<Vec<u8>>> {
        Ok(self.kv.get(key).cloned())
    }
    fn kv_set(&mut self, key: &str, value: &[u8]) -> PluginResult<()> {
        self.kv.insert(key.into(), value.to_vec());
        Ok(())
    }
    fn kv_delete(&mut self, key: &str) -> PluginResult<bool> {
        Ok(self.kv.remove(key).is_some())
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
    fn publish(&mut self, topic: &str, kind: &str, payload: &str) -> PluginResult<()> {
        let payload = serde_json::from_str(payload).map_err(|e| PluginError::Invalid(e.to_string()))?;
        self.published.push(Published {
            topic: topic.into(),
            kind: kind.into(),
            payload,
        });
        Ok(())
    }
    fn log(&self, _level: LogLevel, _message: &str) {}
}
