//! The demo site: a readable TOML file loaded into an empty database on first start.

use std::collections::HashSet;

use anyhow::{Context, bail};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;

use crate::directory::{self, NamedKind, Project, Role, User};

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
            crate::api::validate::user_id(&user.id).map_err(anyhow::Error::msg)?;
        }
        for project in &site.projects {
            crate::api::validate::project_key(&project.key).map_err(anyhow::Error::msg)?;
        }
        let referenced = site
            .projects
            .iter()
            .flat_map(|p| p.agents.iter().chain(&p.admins))
            .chain(site.groups.iter().chain(&site.companies).flat_map(|g| &g.members))
            .chain(site.issues.iter().filter_map(|i| i.reporter.as_ref()));
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

/// Loads the site into the database unless it was loaded before. Returns whether it loaded.
/// Passwords are hashed here, before the transaction, so hashing never holds the database.
pub fn load_once(conn: &mut Connection, site: &SiteFile) -> anyhow::Result<bool> {
    let seeded: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'seeded'", [], |row| row.get(0))
        .optional()?;
    if seeded.is_some() {
        return Ok(false);
    }
    let hashes: Vec<Option<String>> = site
        .users
        .iter()
        .map(|u| u.password.as_deref().map(crate::auth::hash_password).transpose())
        .collect::<anyhow::Result<_>>()?;
    let tx = conn.transaction()?;
    for (entry, hash) in site.users.iter().zip(&hashes) {
        let user = User {
            id: entry.id.clone(),
            display_name: entry.display_name.clone(),
            email: entry.email.clone(),
            time_zone: entry.time_zone.clone(),
            locale: entry.locale.clone(),
            site_admin: entry.site_admin,
            member: entry.member,
        };
        directory::insert_user(&tx, &user, hash.as_deref())?;
    }
    for project in &site.projects {
        directory::insert_project(
            &tx,
            &Project {
                key: project.key.clone(),
                name: project.name.clone(),
            },
        )?;
        for agent in &project.agents {
            tx.execute(
                "INSERT OR IGNORE INTO project_roles VALUES (?1, ?2, ?3)",
                params![project.key, agent, Role::Agent.as_str()],
            )?;
        }
        for admin in &project.admins {
            tx.execute(
                "INSERT OR IGNORE INTO project_roles VALUES (?1, ?2, ?3)",
                params![project.key, admin, Role::ProjectAdmin.as_str()],
            )?;
        }
    }
    for group in &site.groups {
        directory::insert_named_with_members(&tx, NamedKind::Group, &group.id, &group.name, &group.members)?;
    }
    for company in &site.companies {
        directory::insert_named_with_members(&tx, NamedKind::Company, &company.id, &company.name, &company.members)?;
    }
    for issue in &site.issues {
        crate::issues::create_issue(&tx, &issue.project, &issue.summary, issue.reporter.as_deref())?;
    }
    tx.execute("INSERT INTO meta (key, value) VALUES ('seeded', 'yes')", [])?;
    tx.commit()?;
    Ok(true)
}

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
