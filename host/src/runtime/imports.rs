//! The host's capabilities as the plugin sees them: the WIT imports, implemented over the
//! call's database connection.

use wasmtime::Result;

use super::bindings::helpdesk::chat::{directory, issues, log, mail, push, storage, types};
use super::host_state::HostState;
use crate::directory::{self as dir, Role};
use crate::storage::kv::{self, KvError};

type WitError = types::Error;

impl types::Host for HostState {}

fn role(role: directory::ProjectRole) -> Role {
    match role {
        directory::ProjectRole::Agent => Role::Agent,
        directory::ProjectRole::ProjectAdmin => Role::ProjectAdmin,
    }
}

fn kv_error(err: KvError) -> Result<WitError> {
    match err {
        KvError::Invalid(m) => Ok(WitError::Invalid(m)),
        KvError::LimitExceeded(m) => Ok(WitError::LimitExceeded(m)),
        // A database failure is the host's, not the guest's: trap so the call rolls back.
        KvError::Storage(e) => Err(e.into()),
    }
}

impl directory::Host for HostState {
    fn get_user(&mut self, id: String) -> Result<Option<directory::User>> {
        Ok(dir::get_user(&self.conn, &id)?.map(|u| directory::User {
            id: u.id,
            display_name: u.display_name,
            email: u.email,
            time_zone: u.time_zone,
            locale: u.locale,
            site_admin: u.site_admin,
            member: u.member,
        }))
    }

    fn get_project(&mut self, key: String) -> Result<Option<directory::Project>> {
        Ok(dir::get_project(&self.conn, &key)?.map(|p| directory::Project {
            key: p.key,
            name: p.name,
        }))
    }

    fn list_projects(&mut self) -> Result<Vec<directory::Project>> {
        Ok(dir::list_projects(&self.conn)?
            .into_iter()
            .map(|p| directory::Project {
                key: p.key,
                name: p.name,
            })
            .collect())
    }

    fn has_project_role(&mut self, user: String, project: String, r: directory::ProjectRole) -> Result<bool> {
        Ok(dir::has_role(&self.conn, &user, &project, role(r))?)
    }

    fn project_members(&mut self, project: String, r: directory::ProjectRole) -> Result<Vec<String>> {
        Ok(dir::project_members(&self.conn, &project, role(r))?)
    }

    fn projects_with_role(&mut self, user: String, r: directory::ProjectRole) -> Result<Vec<String>> {
        Ok(dir::projects_with_role(&self.conn, &user, role(r))?)
    }

    fn get_group(&mut self, id: String) -> Result<Option<directory::Group>> {
        Ok(dir::get_group(&self.conn, &id)?.map(|(id, name)| directory::Group { id, name }))
    }

    fn groups_of(&mut self, user: String) -> Result<Vec<String>> {
        Ok(dir::groups_of(&self.conn, &user)?)
    }

    fn group_members(&mut self, group: String) -> Result<Vec<String>> {
        Ok(dir::group_members(&self.conn, &group)?)
    }

    fn get_company(&mut self, id: String) -> Result<Option<directory::Company>> {
        Ok(dir::get_company(&self.conn, &id)?.map(|(id, name)| directory::Company { id, name }))
    }

    fn companies_of(&mut self, user: String) -> Result<Vec<String>> {
        Ok(dir::companies_of(&self.conn, &user)?)
    }

    fn company_members(&mut self, company: String) -> Result<Vec<String>> {
        Ok(dir::company_members(&self.conn, &company)?)
    }
}

fn issue_error<T>(
    result: std::result::Result<T, crate::issues::IssueError>,
) -> Result<std::result::Result<T, WitError>> {
    use crate::issues::IssueError;
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(IssueError::NotFound(m)) => Ok(Err(WitError::NotFound(m))),
        Err(IssueError::Invalid(m)) => Ok(Err(WitError::Invalid(m))),
        Err(IssueError::LimitExceeded(m)) => Ok(Err(WitError::LimitExceeded(m))),
        Err(IssueError::Storage(e)) => Err(e.into()),
    }
}

fn history_kind_name(kind: issues::HistoryKind) -> &'static str {
    match kind {
        issues::HistoryKind::Comment => "comment",
        issues::HistoryKind::Change => "change",
    }
}

impl issues::Host for HostState {
    fn get_issue(&mut self, key: String) -> Result<Option<issues::Issue>> {
        Ok(crate::issues::get_issue(&self.conn, &key)?.map(|i| issues::Issue {
            key: i.key,
            project: i.project,
            summary: i.summary,
        }))
    }

    fn create_issue(
        &mut self,
        project: String,
        summary: String,
        reporter: Option<String>,
    ) -> Result<std::result::Result<issues::Issue, WitError>> {
        issue_error(
            crate::issues::create_issue(&self.conn, &project, &summary, reporter.as_deref()).map(|i| issues::Issue {
                key: i.key,
                project: i.project,
                summary: i.summary,
            }),
        )
    }

    fn append_history(
        &mut self,
        issue: String,
        author: Option<String>,
        kind: issues::HistoryKind,
        body: String,
    ) -> Result<std::result::Result<u64, WitError>> {
        let now = self.clock.now_ms();
        issue_error(
            crate::issues::append_history(
                &self.conn,
                &issue,
                author.as_deref(),
                history_kind_name(kind),
                &body,
                now,
            )
            .map(|id| id as u64),
        )
    }

    fn history(
        &mut self,
        issue: String,
        after: Option<u64>,
        limit: u32,
    ) -> Result<std::result::Result<Vec<issues::HistoryEntry>, WitError>> {
        issue_error(
            crate::issues::history(&self.conn, &issue, after.map(|a| a as i64), limit, None).map(|entries| {
                entries
                    .into_iter()
                    .map(|e| issues::HistoryEntry {
                        id: e.id as u64,
                        author: e.author,
                        kind: if e.kind == "comment" {
                            issues::HistoryKind::Comment
                        } else {
                            issues::HistoryKind::Change
                        },
                        body: e.body,
                        created: e.created_ms as u64,
                    })
                    .collect()
            }),
        )
    }
}

impl storage::Host for HostState {
    fn get(&mut self, key: String) -> Result<std::result::Result<Option<Vec<u8>>, WitError>> {
        match kv::get(&self.conn, &key) {
            Ok(value) => Ok(Ok(value)),
            Err(err) => kv_error(err).map(Err),
        }
    }

    fn set(&mut self, key: String, value: Vec<u8>) -> Result<std::result::Result<(), WitError>> {
        match kv::set(&self.conn, &key, &value) {
            Ok(()) => Ok(Ok(())),
            Err(err) => kv_error(err).map(Err),
        }
    }

    fn delete(&mut self, key: String) -> Result<std::result::Result<bool, WitError>> {
        match kv::delete(&self.conn, &key) {
            Ok(existed) => Ok(Ok(existed)),
            Err(err) => kv_error(err).map(Err),
        }
    }

    fn scan(
        &mut self,
        start: String,
        end: String,
        limit: u32,
        reverse: bool,
        cursor: Option<String>,
    ) -> Result<std::result::Result<storage::ScanPage, WitError>> {
        match kv::scan(&self.conn, &start, &end, limit, reverse, cursor.as_deref()) {
            Ok(page) => Ok(Ok(storage::ScanPage {
                entries: page
                    .entries
                    .into_iter()
                    .map(|(key, value)| storage::Entry { key, value })
                    .collect(),
                cursor: page.cursor,
            })),
            Err(err) => kv_error(err).map(Err),
        }
    }
}

impl push::Host for HostState {
    fn publish(&mut self, topic: String, kind: String, payload: String) -> Result<std::result::Result<(), WitError>> {
        if topic.is_empty() || kind.is_empty() {
            return Ok(Err(WitError::Invalid("topic and kind must not be empty".into())));
        }
        if payload.len() > crate::push::MAX_PAYLOAD_BYTES {
            return Ok(Err(WitError::LimitExceeded(format!(
                "payload: at most {} bytes",
                crate::push::MAX_PAYLOAD_BYTES
            ))));
        }
        if serde_json::from_str::<serde::de::IgnoredAny>(&payload).is_err() {
            return Ok(Err(WitError::Invalid("payload: must be JSON".into())));
        }
        let event = crate::push::record(&self.conn, &topic, &kind, &payload, self.clock.now_ms())?;
        self.events.push(event);
        Ok(Ok(()))
    }
}

/// The most recipients one message may have.
const MAX_RECIPIENTS: usize = 100;
/// The largest message body.
const MAX_MAIL_BODY: usize = 256 * 1024;

impl mail::Host for HostState {
    fn send(&mut self, message: mail::Message) -> Result<std::result::Result<(), WitError>> {
        if message.to.is_empty() {
            return Ok(Err(WitError::Invalid("to: at least one recipient".into())));
        }
        if message.to.len() > MAX_RECIPIENTS {
            return Ok(Err(WitError::LimitExceeded(format!(
                "to: at most {MAX_RECIPIENTS} recipients"
            ))));
        }
        if let Some(bad) = message.to.iter().find(|a| !crate::api::validate::is_email(a)) {
            return Ok(Err(WitError::Invalid(format!("to: {bad:?} is not an e-mail address"))));
        }
        if message.body.len() > MAX_MAIL_BODY {
            return Ok(Err(WitError::LimitExceeded(format!(
                "body: at most {MAX_MAIL_BODY} bytes"
            ))));
        }
        self.conn.execute(
            "INSERT INTO mail_outbox (recipients, subject, body, created_ms) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![
                message.to.join(", "),
                message.subject,
                message.body,
                self.clock.now_ms()
            ],
        )?;
        Ok(Ok(()))
    }
}

impl log::Host for HostState {
    fn log(&mut self, level: log::Level, message: String) -> Result<()> {
        let request_id = self.request_id.as_str();
        match level {
            log::Level::Debug => tracing::debug!(request_id, plugin = true, "{message}"),
            log::Level::Info => tracing::info!(request_id, plugin = true, "{message}"),
            log::Level::Warn => tracing::warn!(request_id, plugin = true, "{message}"),
            log::Level::Error => tracing::error!(request_id, plugin = true, "{message}"),
        }
        Ok(())
    }
}
