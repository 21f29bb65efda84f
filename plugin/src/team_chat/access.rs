//! The module switch and the role permissions of team chat (TC-1): which groups and project
//! roles may see chat, write, create rooms, edit rooms and delete rooms. Site admins hold
//! every permission; customers none.

use crate::bindings::exports::helpdesk::chat::team_chat::{
    ChatPermission, Grantee, PermissionGrant, TeamChatAccess, TeamChatSettings,
};
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Directory, Push, Storage};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{is_site_admin, require_actor, require_site_admin};
use crate::storage::{get_json, put_json};

use super::{events, keys};

/// The most grantees one permission lists.
pub const MAX_GRANTEES: usize = 100;

/// The settings a site starts with: on; every member sees, writes and creates rooms; rooms
/// are edited and deleted by their creators and site admins.
pub fn default_settings() -> TeamChatSettings {
    let everyone = |permission| PermissionGrant {
        permission,
        grantees: vec![Grantee::AllMembers],
    };
    TeamChatSettings {
        enabled: true,
        grants: vec![
            everyone(ChatPermission::See),
            everyone(ChatPermission::Post),
            everyone(ChatPermission::CreateRooms),
        ],
    }
}

/// The site's settings, or the defaults.
pub fn load(storage: &mut impl Storage) -> PluginResult<TeamChatSettings> {
    Ok(get_json(storage, keys::SETTINGS)?.unwrap_or_else(default_settings))
}

/// Does `user` hold `permission` under `settings`?
pub fn holds(directory: &impl Directory, settings: &TeamChatSettings, user: &str, permission: ChatPermission) -> bool {
    let Some(found) = directory.user(user) else {
        return false;
    };
    if found.site_admin {
        return true;
    }
    if !found.member {
        return false;
    }
    settings
        .grants
        .iter()
        .filter(|grant| grant.permission == permission)
        .flat_map(|grant| &grant.grantees)
        .any(|grantee| match grantee {
            Grantee::AllMembers => true,
            Grantee::Group(group) => directory.groups_of(user).contains(group),
            Grantee::ProjectRole(role) => !directory.projects_with_role(user, *role).is_empty(),
        })
}

/// A logged-in user of a site whose team chat is on, with the settings in force.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The user.
    pub user: String,
    /// The site's settings.
    pub settings: TeamChatSettings,
}

impl Viewer {
    /// Does the viewer hold `permission`?
    pub fn may(&self, directory: &impl Directory, permission: ChatPermission) -> bool {
        holds(directory, &self.settings, &self.user, permission)
    }
}

/// The viewer, when team chat is on and they hold `permission`.
pub fn require<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    permission: ChatPermission,
) -> PluginResult<Viewer> {
    let user = require_actor(ctx)?.to_string();
    let settings = load(host)?;
    if !settings.enabled {
        return Err(PluginError::AccessDenied(
            "team chat is switched off on this site".into(),
        ));
    }
    let viewer = Viewer { user, settings };
    if !viewer.may(host, permission) {
        return Err(PluginError::AccessDenied(format!(
            "you may not {} in team chat",
            match permission {
                ChatPermission::See => "see chats",
                ChatPermission::Post => "write",
                ChatPermission::CreateRooms => "create rooms",
                ChatPermission::EditRooms => "edit rooms",
                ChatPermission::DeleteRooms => "delete rooms",
            }
        )));
    }
    Ok(viewer)
}

/// The site's settings, for site admins.
pub fn get_settings<H: Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<TeamChatSettings> {
    require_site_admin(host, ctx, "see the team chat settings")?;
    load(host)
}

/// The settings with one grant per permission (a permission listed twice has its grantees
/// joined) and each grantee once, in the order first given: what is stored says each thing
/// once, as the widget's lists do.
fn merged(settings: TeamChatSettings) -> TeamChatSettings {
    let mut grants: Vec<PermissionGrant> = Vec::with_capacity(settings.grants.len());
    for grant in settings.grants {
        let at = match grants.iter().position(|known| known.permission == grant.permission) {
            Some(at) => at,
            None => {
                grants.push(PermissionGrant {
                    permission: grant.permission,
                    grantees: Vec::new(),
                });
                grants.len() - 1
            }
        };
        for grantee in grant.grantees {
            if !grants[at].grantees.contains(&grantee) {
                grants[at].grantees.push(grantee);
            }
        }
    }
    TeamChatSettings { grants, ..settings }
}

/// Saves the site's settings (site admins); every team-chat stream is authorized again.
pub fn save_settings<H: Directory + Storage + Push>(
    host: &mut H,
    ctx: &CallContext,
    settings: TeamChatSettings,
) -> PluginResult<TeamChatSettings> {
    require_site_admin(host, ctx, "change the team chat settings")?;
    let settings = merged(settings);
    for grant in &settings.grants {
        if grant.grantees.len() > MAX_GRANTEES {
            return Err(PluginError::LimitExceeded(format!(
                "grants: at most {MAX_GRANTEES} grantees for one permission"
            )));
        }
        for grantee in &grant.grantees {
            if let Grantee::Group(group) = grantee
                && !host.group_exists(group)
            {
                return Err(PluginError::NotFound(format!("group {group} does not exist")));
            }
        }
    }
    put_json(host, keys::SETTINGS, &settings)?;
    // Every stream following any team-chat topic is asked again: access taken away ends at
    // once, whatever the stream follows (a chat alone, as the issue page does).
    let every = [
        events::CHAT_TOPIC,
        events::INBOX_TOPIC,
        events::LISTS_TOPIC,
        events::PEOPLE_TOPIC,
    ]
    .map(|kind| format!("{kind}:*"));
    host.access_changed_on(&every);
    events::lists_changed(host, None)?;
    Ok(settings)
}

/// What the viewer may do, for the pages.
pub fn team_chat_access<H: Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<TeamChatAccess> {
    let user = require_actor(ctx)?;
    let settings = load(host)?;
    let on = |permission| settings.enabled && holds(host, &settings, user, permission);
    Ok(TeamChatAccess {
        enabled: settings.enabled,
        may_see: on(ChatPermission::See),
        may_post: on(ChatPermission::See) && on(ChatPermission::Post),
        may_create_rooms: on(ChatPermission::See) && on(ChatPermission::CreateRooms),
        may_administer: is_site_admin(host, user),
    })
}
