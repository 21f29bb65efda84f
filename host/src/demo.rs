//! The demo site: a readable TOML file loaded into an empty database on first start.

use std::collections::HashSet;

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::contract::exports::helpdesk::chat::host_events::{HostEvent, RoleChange};
use crate::contract::exports::helpdesk::chat::team_chat::{RoomMember, RoomSpec};
use crate::contract::helpdesk::chat::directory::{Project, User};
use crate::contract::helpdesk::chat::types::{Actor, CallContext, ProjectRole};
use crate::directory::{Directory, DirectoryError, checked_user, joined_event, tell_all};
use crate::runtime::system_context;
use crate::storage::{NamedKind, NamedSet};

/// The demo site shipped with the host.
pub const BUILT_IN: &str = include_str!("../demo/site.toml");

/// A site description.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    /// The site's users.
    #[serde(default)]
    pub users: Vec<UserEntry>,
    /// The projects, with their agents and admins.
    #[serde(default)]
    pub projects: Vec<ProjectEntry>,
    /// Named sets of users.
    #[serde(default)]
    pub groups: Vec<MembersEntry>,
    /// Organisations that users belong to.
    #[serde(default)]
    pub companies: Vec<MembersEntry>,
    /// Issues to create, numbered per project in file order.
    #[serde(default)]
    pub issues: Vec<IssueEntry>,
    /// Team chat rooms to create, each by a user the file defines (TC-3).
    #[serde(default)]
    pub rooms: Vec<RoomEntry>,
}

/// A team chat room of the site file, made through the plugin as its creator would.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomEntry {
    /// The room's name.
    pub name: String,
    /// The user who creates it (who then may always edit and delete it).
    pub created_by: String,
    /// For its members only; false (public) when omitted.
    #[serde(default)]
    pub private: bool,
    /// For a private room: `{ user = "…" }`, `{ group = "…" }` or `{ company = "…" }`.
    #[serde(default)]
    pub members: Vec<RoomMember>,
}

/// A user of the site file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEntry {
    /// The user id: 1 to 64 letters, digits, `.`, `_`, `-` or `@`; unique in the file.
    pub id: String,
    /// The name other people see.
    pub display_name: String,
    /// Where e-mail to the user goes.
    pub email: String,
    /// An IANA time zone name (for example `Europe/Oslo`); `UTC` when omitted.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// A BCP 47 language tag (for example `nb-NO`); `en` when omitted.
    #[serde(default = "default_locale")]
    pub locale: String,
    /// Whether the user administers the whole site; false when omitted.
    #[serde(default)]
    pub site_admin: bool,
    /// A licensed user (false for a portal-only customer); true when omitted.
    #[serde(default = "yes")]
    pub member: bool,
    /// The login password, hashed on loading; without one the user cannot log in.
    pub password: Option<String>,
}

/// A project of the site file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectEntry {
    /// The project key: 2 to 10 capital letters or digits, starting with a letter.
    pub key: String,
    /// The project's name.
    pub name: String,
    /// The ids of the project's agents.
    #[serde(default)]
    pub agents: Vec<String>,
    /// The ids of the project's admins.
    #[serde(default)]
    pub admins: Vec<String>,
    /// Whether every licensed member may browse the project's issues (and their chats), or
    /// only its staff and site admins; every member when omitted.
    #[serde(default = "every_member")]
    pub members_browse: bool,
}

fn every_member() -> bool {
    true
}

/// A group or company of the site file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembersEntry {
    /// The group's or company's id.
    pub id: String,
    /// The name shown to people.
    pub name: String,
    /// The members' user ids.
    #[serde(default)]
    pub members: Vec<String>,
}

/// An issue of the site file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueEntry {
    /// The key of a project the file defines.
    pub project: String,
    /// A one-line title; at most 255 characters.
    pub summary: String,
    /// The id of the user who reported it; `None` for no reporter.
    pub reporter: Option<String>,
}

fn default_time_zone() -> String {
    "UTC".into()
}
fn default_locale() -> String {
    "en".into()
}
fn yes() -> bool {
    true
}

impl SiteFile {
    /// Parses and checks a site file: every reference must name something the file defines.
    pub fn parse(text: &str) -> anyhow::Result<SiteFile> {
        let site: SiteFile = toml::from_str(text).context("the site file is not valid")?;
        let users: HashSet<&str> = site.users.iter().map(|u| u.id.as_str()).collect();
        let projects: HashSet<&str> = site.projects.iter().map(|p| p.key.as_str()).collect();
        if users.len() != site.users.len() {
            bail!("the site file names a user id twice");
        }
        for user in &site.users {
            crate::validate::user_id(&user.id).map_err(anyhow::Error::msg)?;
        }
        for project in &site.projects {
            crate::validate::project_key(&project.key).map_err(anyhow::Error::msg)?;
        }
        let referenced = site
            .projects
            .iter()
            .flat_map(|p| p.agents.iter().chain(&p.admins))
            .chain(site.groups.iter().chain(&site.companies).flat_map(|g| &g.members))
            .chain(site.issues.iter().filter_map(|i| i.reporter.as_ref()))
            .chain(site.rooms.iter().map(|room| &room.created_by));
        for user in referenced {
            if !users.contains(user.as_str()) {
                bail!("the site file refers to user {user:?}, which it does not define");
            }
        }
        for issue in &site.issues {
            if !projects.contains(issue.project.as_str()) {
                bail!(
                    "the site file has an issue in project {:?}, which it does not define",
                    issue.project
                );
            }
        }
        Ok(site)
    }
}

/// Loads the site into the database unless it was loaded before, in one transaction, telling
/// the plugin of every user, role and membership as the directory API would. Returns whether
/// it loaded. Passwords are hashed first, so hashing never holds the database.
pub async fn load_once(directory: &Directory, site: SiteFile) -> anyhow::Result<bool> {
    let seeded = directory
        .db
        .read(|slot| -> Result<_, DirectoryError> { Ok(slot.tx()?.meta(SEEDED)?) })
        .await?;
    if seeded.is_some() {
        return Ok(false);
    }
    let hashes: Vec<Option<String>> = tokio::task::spawn_blocking({
        let passwords: Vec<Option<String>> = site.users.iter().map(|u| u.password.clone()).collect();
        move || {
            passwords
                .iter()
                .map(|password| password.as_deref().map(crate::auth::hash_password).transpose())
                .collect::<anyhow::Result<Vec<_>>>()
        }
    })
    .await??;
    let plugin = directory.plugin.clone();
    let ctx = system_context();
    let loaded = directory
        .db
        .write(move |slot| -> Result<bool, DirectoryError> {
            if slot.tx()?.meta(SEEDED)?.is_some() {
                return Ok(false);
            }
            let mut events = Vec::new();
            for (entry, hash) in site.users.iter().zip(&hashes) {
                let user = checked_user(User {
                    id: entry.id.clone(),
                    display_name: entry.display_name.clone(),
                    email: entry.email.clone(),
                    time_zone: entry.time_zone.clone(),
                    locale: entry.locale.clone(),
                    site_admin: entry.site_admin,
                    member: entry.member,
                })?;
                slot.tx()?.insert_user(&user, hash.as_deref())?;
                events.push(HostEvent::UserRegistered(user.id));
            }
            for project in &site.projects {
                let mut tx = slot.tx()?;
                tx.insert_project(&Project {
                    key: project.key.clone(),
                    name: project.name.clone(),
                })?;
                tx.set_members_browse(&project.key, project.members_browse)?;
                let roles = project
                    .agents
                    .iter()
                    .map(|user| (user, ProjectRole::Agent))
                    .chain(project.admins.iter().map(|user| (user, ProjectRole::ProjectAdmin)));
                for (user, role) in roles {
                    if tx.grant_role(&project.key, user, role)? {
                        events.push(HostEvent::RoleGranted(RoleChange {
                            user: user.clone(),
                            project: project.key.clone(),
                            role,
                        }));
                    }
                }
            }
            for (kind, sets) in [(NamedKind::Group, &site.groups), (NamedKind::Company, &site.companies)] {
                for set in sets {
                    let named = NamedSet {
                        id: set.id.clone(),
                        name: set.name.clone(),
                        members: set.members.clone(),
                    };
                    slot.tx()?.insert_named(kind, &named)?;
                    events.extend(set.members.iter().map(|user| joined_event(kind, &set.id, user)));
                }
            }
            for issue in &site.issues {
                crate::issues::create_issue(
                    &mut *slot.tx()?,
                    &issue.project,
                    &issue.summary,
                    issue.reporter.as_deref(),
                )
                .map_err(|err| DirectoryError::Invalid(format!("issue {:?}: {err}", issue.summary)))?;
            }
            tell_all(&plugin, slot, "site-file", &ctx, events)?;
            for room in &site.rooms {
                let creator = CallContext {
                    actor: Actor::User(room.created_by.clone()),
                    ..ctx.clone()
                };
                let spec = RoomSpec {
                    name: room.name.clone(),
                    private: room.private,
                    members: room.members.clone(),
                };
                plugin.call_in(slot, "site-file", &|plugin, store| {
                    plugin
                        .helpdesk_chat_team_chat()
                        .call_create_room(store, &creator, &spec)
                })?;
            }
            slot.tx()?.set_meta(SEEDED, "yes")?;
            Ok(true)
        })
        .await?;
    Ok(loaded)
}

/// The marker of a site whose site file was loaded.
const SEEDED: &str = "seeded";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pl_3_the_built_in_demo_site_parses() {
        let site = SiteFile::parse(BUILT_IN).unwrap();
        assert!(site.users.iter().any(|u| u.site_admin));
        assert!(
            site.projects
                .iter()
                .filter(|p| p.agents.contains(&"alice".to_string()))
                .count()
                >= 2
        );
    }

    #[test]
    fn pl_3_a_site_file_with_a_dangling_reference_is_refused() {
        let err = SiteFile::parse("[[projects]]\nkey = \"XY\"\nname = \"X\"\nagents = [\"ghost\"]\n").unwrap_err();
        assert!(err.to_string().contains("ghost"), "{err}");
    }
}
