//! The site's directory: users, projects, roles, groups and companies. Identity is the
//! host's own business, so its rules live here. Every change the plugin may care about goes
//! to it as a host event in the same transaction as the change (SPEC PL-3), so its rules
//! (for example an agent losing the role going offline) apply at once or not at all.

use crate::contract::exports::helpdesk::chat::host_events::{
    CompanyMembership, GroupMembership, HostEvent, RoleChange,
};
use crate::contract::helpdesk::chat::directory::{Project, User};
use crate::contract::helpdesk::chat::types::{CallContext, ProjectRole};
use crate::runtime::{CallError, ChatPluginRuntime};
use crate::storage::{Database, NamedKind, NamedSet, StorageFailure, StoreError, TxSlot};
use crate::validate;

/// Why a directory change was refused.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// Something named does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The input is malformed; the message says which field and why.
    #[error("{0}")]
    Invalid(String),
    /// The id or key is taken.
    #[error("{0}")]
    Conflict(String),
    /// The plugin refused the change, or failed; nothing was changed.
    #[error(transparent)]
    Plugin(#[from] CallError),
    /// The store could not run or commit the change.
    #[error(transparent)]
    Storage(#[from] StorageFailure),
}

impl From<StoreError> for DirectoryError {
    fn from(err: StoreError) -> Self {
        DirectoryError::Storage(err.into())
    }
}

/// Where directory changes go: the store, and the plugin that hears of them.
#[derive(Clone)]
pub struct Directory {
    /// The site's storage.
    pub db: Database,
    /// The plugin told of each change.
    pub plugin: std::sync::Arc<ChatPluginRuntime>,
}

/// Checks a user's fields and returns them cleaned (trimmed names).
pub fn checked_user(user: User) -> Result<User, DirectoryError> {
    validate::user_id(&user.id).map_err(DirectoryError::Invalid)?;
    let display_name = validate::text(&user.display_name, validate::DISPLAY_NAME).map_err(DirectoryError::Invalid)?;
    if !validate::is_email(&user.email) {
        return Err(DirectoryError::Invalid(format!(
            "email: {:?} is not an e-mail address",
            user.email
        )));
    }
    Ok(User { display_name, ..user })
}

impl Directory {
    /// Adds a user (with a password hash, or none for one who cannot log in) and tells the
    /// plugin of the registration.
    pub async fn create_user(
        &self,
        ctx: CallContext,
        request_id: String,
        user: User,
        password_hash: Option<String>,
    ) -> Result<User, DirectoryError> {
        let user = checked_user(user)?;
        let plugin = self.plugin.clone();
        self.db
            .write(move |slot| {
                if !slot.tx()?.insert_user(&user, password_hash.as_deref())? {
                    return Err(DirectoryError::Conflict(format!("a user with id {} exists", user.id)));
                }
                plugin.tell_in(slot, &request_id, &ctx, &HostEvent::UserRegistered(user.id.clone()))?;
                Ok(user.clone())
            })
            .await
    }

    /// Adds a project.
    pub async fn create_project(&self, project: Project) -> Result<Project, DirectoryError> {
        validate::project_key(&project.key).map_err(DirectoryError::Invalid)?;
        let name = validate::text(&project.name, validate::NAME).map_err(DirectoryError::Invalid)?;
        let project = Project { name, ..project };
        self.db
            .write(move |slot| {
                if !slot.tx()?.insert_project(&project)? {
                    return Err(DirectoryError::Conflict(format!(
                        "a project with key {} exists",
                        project.key
                    )));
                }
                Ok(project.clone())
            })
            .await
    }

    /// Sets exactly which roles `user` holds in `project`, telling the plugin of each role
    /// given and taken.
    pub async fn set_roles(
        &self,
        ctx: CallContext,
        request_id: String,
        project: String,
        user: String,
        roles: Vec<ProjectRole>,
    ) -> Result<Vec<ProjectRole>, DirectoryError> {
        let plugin = self.plugin.clone();
        self.db
            .write(move |slot| {
                let mut tx = slot.tx()?;
                if tx.project(&project)?.is_none() {
                    return Err(DirectoryError::NotFound(format!("project {project} does not exist")));
                }
                if tx.user(&user)?.is_none() {
                    return Err(DirectoryError::NotFound(format!("user {user} does not exist")));
                }
                drop(tx);
                let mut changes = Vec::new();
                for role in [ProjectRole::Agent, ProjectRole::ProjectAdmin] {
                    let change = RoleChange {
                        user: user.clone(),
                        project: project.clone(),
                        role,
                    };
                    let mut tx = slot.tx()?;
                    if roles.contains(&role) {
                        if tx.grant_role(&project, &user, role)? {
                            changes.push(HostEvent::RoleGranted(change));
                        }
                    } else if tx.revoke_role(&project, &user, role)? {
                        changes.push(HostEvent::RoleRemoved(change));
                    }
                }
                tell_all(&plugin, slot, &request_id, &ctx, changes)?;
                Ok([ProjectRole::Agent, ProjectRole::ProjectAdmin]
                    .into_iter()
                    .filter(|role| roles.contains(role))
                    .collect())
            })
            .await
    }

    /// Adds a group or company with its members, all or nothing, telling the plugin of each
    /// member who joined.
    pub async fn create_named(
        &self,
        ctx: CallContext,
        request_id: String,
        kind: NamedKind,
        set: NamedSet,
    ) -> Result<NamedSet, DirectoryError> {
        validate::user_id(&set.id).map_err(DirectoryError::Invalid)?;
        let name = validate::text(&set.name, validate::NAME).map_err(DirectoryError::Invalid)?;
        let mut members = set.members;
        members.sort();
        members.dedup();
        let set = NamedSet {
            id: set.id,
            name,
            members,
        };
        let plugin = self.plugin.clone();
        self.db
            .write(move |slot| {
                let mut tx = slot.tx()?;
                let exists = match kind {
                    NamedKind::Group => tx.group(&set.id)?.is_some(),
                    NamedKind::Company => tx.company(&set.id)?.is_some(),
                };
                if exists {
                    return Err(DirectoryError::Conflict(format!("{} exists", set.id)));
                }
                for member in &set.members {
                    if tx.user(member)?.is_none() {
                        return Err(DirectoryError::NotFound(format!(
                            "members: user {member} does not exist"
                        )));
                    }
                }
                tx.insert_named(kind, &set)?;
                drop(tx);
                let joined = set
                    .members
                    .iter()
                    .map(|user| joined_event(kind, &set.id, user))
                    .collect();
                tell_all(&plugin, slot, &request_id, &ctx, joined)?;
                Ok(set.clone())
            })
            .await
    }
}

/// The host event of `user` joining the group or company `id`.
pub fn joined_event(kind: NamedKind, id: &str, user: &str) -> HostEvent {
    match kind {
        NamedKind::Group => HostEvent::GroupMembershipChanged(GroupMembership {
            group: id.into(),
            user: user.into(),
            member: true,
        }),
        NamedKind::Company => HostEvent::CompanyMembershipChanged(CompanyMembership {
            company: id.into(),
            user: user.into(),
            member: true,
        }),
    }
}

/// Tells the plugin each event, in order, inside the running job.
pub fn tell_all(
    plugin: &ChatPluginRuntime,
    slot: &mut TxSlot,
    request_id: &str,
    ctx: &CallContext,
    events: Vec<HostEvent>,
) -> Result<(), CallError> {
    events
        .into_iter()
        .try_for_each(|event| plugin.tell_in(slot, request_id, ctx, &event))
}
