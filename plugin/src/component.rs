//! The component's glue: WIT imports behind [`Platform`], WIT exports onto the rules.

mod bindings {
    wit_bindgen::generate!({
        world: "chat-plugin",
        path: "../wit",
    });
}

use crate::error::{PluginError, PluginResult};
use crate::platform::{CallContext, Entry, LogLevel, Platform, ProjectRole, ScanPage, ScanRequest, Timestamp, User};
use bindings::exports::helpdesk::chat::{
    presence as wit_presence, scheduler as wit_scheduler, subscriptions as wit_subscriptions,
};
use bindings::helpdesk::chat::{directory, log as wit_log, push, storage as wit_storage, types};

/// The component's export implementation.
struct ChatPlugin;

bindings::export!(ChatPlugin with_types_in bindings);

/// [`Platform`] over the WIT imports.
struct WitPlatform;

impl From<types::Error> for PluginError {
    fn from(err: types::Error) -> Self {
        match err {
            types::Error::NotFound(m) => PluginError::NotFound(m),
            types::Error::AccessDenied(m) => PluginError::AccessDenied(m),
            types::Error::Invalid(m) => PluginError::Invalid(m),
            types::Error::Conflict(m) => PluginError::Conflict(m),
            types::Error::LimitExceeded(m) => PluginError::LimitExceeded(m),
            types::Error::Unavailable(m) => PluginError::Unavailable(m),
        }
    }
}

impl From<PluginError> for types::Error {
    fn from(err: PluginError) -> Self {
        match err {
            PluginError::NotFound(m) => types::Error::NotFound(m),
            PluginError::AccessDenied(m) => types::Error::AccessDenied(m),
            PluginError::Invalid(m) => types::Error::Invalid(m),
            PluginError::Conflict(m) => types::Error::Conflict(m),
            PluginError::LimitExceeded(m) => types::Error::LimitExceeded(m),
            PluginError::Unavailable(m) => types::Error::Unavailable(m),
        }
    }
}

fn wit_role(role: ProjectRole) -> directory::ProjectRole {
    match role {
        ProjectRole::Agent => directory::ProjectRole::Agent,
        ProjectRole::ProjectAdmin => directory::ProjectRole::ProjectAdmin,
    }
}

fn context(ctx: types::CallContext) -> CallContext {
    CallContext {
        actor: ctx.actor,
        project: ctx.project,
    }
}

impl Platform for WitPlatform {
    fn now(&self) -> Timestamp {
        // The WASI wall clock is the host's clock, which tests can move.
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as Timestamp)
            .unwrap_or(0)
    }
    fn user(&self, id: &str) -> Option<User> {
        directory::get_user(id).map(|u| User {
            id: u.id,
            display_name: u.display_name,
            email: u.email,
            time_zone: u.time_zone,
            locale: u.locale,
            site_admin: u.site_admin,
            member: u.member,
        })
    }
    fn project_exists(&self, key: &str) -> bool {
        directory::get_project(key).is_some()
    }
    fn has_project_role(&self, user: &str, project: &str, role: ProjectRole) -> bool {
        directory::has_project_role(user, project, wit_role(role))
    }
    fn project_members(&self, project: &str, role: ProjectRole) -> Vec<String> {
        directory::project_members(project, wit_role(role))
    }
    fn projects_with_role(&self, user: &str, role: ProjectRole) -> Vec<String> {
        directory::projects_with_role(user, wit_role(role))
    }
    fn kv_get(&mut self, key: &str) -> PluginResult<Option<Vec<u8>>> {
        Ok(wit_storage::get(key)?)
    }
    fn kv_set(&mut self, key: &str, value: &[u8]) -> PluginResult<()> {
        Ok(wit_storage::set(key, value)?)
    }
    fn kv_delete(&mut self, key: &str) -> PluginResult<bool> {
        Ok(wit_storage::delete(key)?)
    }
    fn kv_scan(&mut self, request: ScanRequest<'_>) -> PluginResult<ScanPage> {
        let page = wit_storage::scan(
            request.start,
            request.end,
            request.limit,
            request.reverse,
            request.cursor.as_deref(),
        )?;
        Ok(ScanPage {
            entries: page
                .entries
                .into_iter()
                .map(|e| Entry {
                    key: e.key,
                    value: e.value,
                })
                .collect(),
            cursor: page.cursor,
        })
    }
    fn publish(&mut self, topic: &str, kind: &str, payload: &str) -> PluginResult<()> {
        Ok(push::publish(topic, kind, payload)?)
    }
    fn log(&self, level: LogLevel, message: &str) {
        let level = match level {
            LogLevel::Debug => wit_log::Level::Debug,
            LogLevel::Info => wit_log::Level::Info,
            LogLevel::Warn => wit_log::Level::Warn,
            LogLevel::Error => wit_log::Level::Error,
        };
        wit_log::log(level, message);
    }
}

fn presence_change(change: crate::presence::record::PresenceChange) -> wit_presence::PresenceChange {
    use crate::presence::record::ChangeCause;
    wit_presence::PresenceChange {
        project: change.project,
        user: change.user,
        online: change.online,
        until: change.until,
        cause: match change.cause {
            ChangeCause::Manual => wit_presence::ChangeCause::Manual,
            ChangeCause::Schedule => wit_presence::ChangeCause::Schedule,
            ChangeCause::DurationEnded => wit_presence::ChangeCause::DurationEnded,
            ChangeCause::Inactivity => wit_presence::ChangeCause::Inactivity,
            ChangeCause::Admin => wit_presence::ChangeCause::Admin,
            ChangeCause::ForceLogout => wit_presence::ChangeCause::ForceLogout,
        },
        by: change.by,
        at: change.at,
    }
}

fn state_in(state: crate::presence::StateIn) -> wit_presence::AgentPresenceIn {
    wit_presence::AgentPresenceIn {
        project: state.project,
        online: state.state.online,
        until: state.state.until,
    }
}

fn outcome(outcome: crate::presence::ChangeOutcome) -> wit_presence::ChangeOutcome {
    wit_presence::ChangeOutcome {
        changed: outcome.changed,
        states: outcome.states.into_iter().map(state_in).collect(),
    }
}

impl wit_presence::Guest for ChatPlugin {
    fn go_online(
        ctx: types::CallContext,
        all_projects: bool,
        duration_minutes: Option<u32>,
    ) -> Result<wit_presence::ChangeOutcome, types::Error> {
        Ok(outcome(crate::presence::go_online(
            &mut WitPlatform,
            &context(ctx),
            all_projects,
            duration_minutes,
        )?))
    }

    fn go_offline(ctx: types::CallContext, all_projects: bool) -> Result<wit_presence::ChangeOutcome, types::Error> {
        Ok(outcome(crate::presence::go_offline(
            &mut WitPlatform,
            &context(ctx),
            all_projects,
        )?))
    }

    fn project_presence(ctx: types::CallContext) -> Result<wit_presence::ProjectPresenceView, types::Error> {
        let found = crate::presence::project_presence(&mut WitPlatform, &context(ctx))?;
        let chat_online = found.chat_online();
        Ok(wit_presence::ProjectPresenceView {
            project: found.project,
            chat_online,
            online_count: found.online_agents.len() as u32,
            online_agents: found
                .online_agents
                .into_iter()
                .map(|a| wit_presence::AgentPresence {
                    user: a.user,
                    display_name: a.display_name,
                    online: a.state.online,
                    since: a.state.since,
                    until: a.state.until,
                })
                .collect(),
            viewer: wit_presence::ViewerPresence {
                is_agent: found.viewer.is_agent,
                online: found.viewer.state.online,
                until: found.viewer.state.until,
            },
        })
    }

    fn chat_online(ctx: types::CallContext) -> Result<bool, types::Error> {
        Ok(crate::presence::chat_online(&mut WitPlatform, &context(ctx))?)
    }

    fn presence_history(
        ctx: types::CallContext,
        user: Option<String>,
        before: Option<String>,
        limit: u32,
    ) -> Result<wit_presence::PresenceHistoryPage, types::Error> {
        let page = crate::presence::history::presence_history(
            &mut WitPlatform,
            &context(ctx),
            user.as_deref(),
            before.as_deref(),
            limit,
        )?;
        Ok(wit_presence::PresenceHistoryPage {
            changes: page.changes.into_iter().map(presence_change).collect(),
            cursor: page.cursor,
        })
    }

    fn agent_role_ended(ctx: types::CallContext, user: String) -> Result<(), types::Error> {
        Ok(crate::presence::agent_role_ended(
            &mut WitPlatform,
            &context(ctx),
            &user,
        )?)
    }

    fn my_presence(ctx: types::CallContext) -> Result<Vec<wit_presence::AgentPresenceIn>, types::Error> {
        Ok(crate::presence::my_presence(&mut WitPlatform, &context(ctx))?
            .into_iter()
            .map(state_in)
            .collect())
    }
}

impl wit_scheduler::Guest for ChatPlugin {
    fn run_due(_ctx: types::CallContext) -> Result<Option<Timestamp>, types::Error> {
        Ok(crate::scheduler::run_due(&mut WitPlatform)?)
    }
}

impl wit_subscriptions::Guest for ChatPlugin {
    fn authorize(ctx: types::CallContext, topic: String) -> Result<(), types::Error> {
        Ok(crate::subscriptions::authorize(&WitPlatform, &context(ctx), &topic)?)
    }
}
