//! The site's directory: users, projects, roles, groups and companies, kept in SQLite.
//!
//! The host owns identity; the plugin reads the directory through the WIT `directory`
//! import, which calls these functions inside the call's transaction.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// A user as the API shows it (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The stable identifier (for example `alice`): letters, digits, `.`, `_`, `-` or `@`.
    pub id: String,
    /// The name other people see.
    pub display_name: String,
    /// Where e-mail to this user goes.
    pub email: String,
    /// An IANA time zone name (for example `Europe/Oslo`), used for schedules.
    pub time_zone: String,
    /// A BCP 47 language tag (for example `en`, `nb-NO`), used for translated texts.
    pub locale: String,
    /// Administers the whole site, every project included.
    pub site_admin: bool,
    /// A licensed user of the tracker; false for portal-only customers.
    pub member: bool,
}

/// A project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// 2 to 10 capital letters or digits, starting with a letter (for example `SUP`).
    pub key: String,
    /// The name shown to people; 1 to 100 characters.
    pub name: String,
}

/// A role in a project, as stored and as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// `agent`: a support agent of the project, who may go online there.
    Agent,
    /// `project-admin`: administers the project.
    ProjectAdmin,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::ProjectAdmin => "project-admin",
        }
    }

    fn parse(name: &str) -> Option<Role> {
        match name {
            "agent" => Some(Role::Agent),
            "project-admin" => Some(Role::ProjectAdmin),
            _ => None,
        }
    }
}

fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        display_name: row.get(1)?,
        email: row.get(2)?,
        time_zone: row.get(3)?,
        locale: row.get(4)?,
        site_admin: row.get(5)?,
        member: row.get(6)?,
    })
}

const USER_COLUMNS: &str = "id, display_name, email, time_zone, locale, site_admin, member";

/// The user with this id.
pub fn get_user(conn: &Connection, id: &str) -> rusqlite::Result<Option<User>> {
    conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
        .query_row(params![id], user_from_row)
        .optional()
}

/// Every user, ordered by id.
pub fn list_users(conn: &Connection) -> rusqlite::Result<Vec<User>> {
    let mut statement = conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"))?;
    statement.query_map([], user_from_row)?.collect()
}

/// The stored password hash of a user, if the user exists and has one.
pub fn password_hash(conn: &Connection, id: &str) -> rusqlite::Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT password_hash FROM users WHERE id = ?1")?
        .query_row(params![id], |row| row.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// Adds a user; `false` when the id is taken.
pub fn insert_user(conn: &Connection, user: &User, password_hash: Option<&str>) -> rusqlite::Result<bool> {
    let inserted = conn.execute(
        "INSERT INTO users (id, display_name, email, time_zone, locale, site_admin, member, password_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING",
        params![
            user.id,
            user.display_name,
            user.email,
            user.time_zone,
            user.locale,
            user.site_admin,
            user.member,
            password_hash
        ],
    )?;
    Ok(inserted == 1)
}

/// The project with this key.
pub fn get_project(conn: &Connection, key: &str) -> rusqlite::Result<Option<Project>> {
    conn.prepare_cached("SELECT key, name FROM projects WHERE key = ?1")?
        .query_row(params![key], |row| {
            Ok(Project {
                key: row.get(0)?,
                name: row.get(1)?,
            })
        })
        .optional()
}

/// Every project, ordered by key.
pub fn list_projects(conn: &Connection) -> rusqlite::Result<Vec<Project>> {
    let mut statement = conn.prepare_cached("SELECT key, name FROM projects ORDER BY key")?;
    statement
        .query_map([], |row| {
            Ok(Project {
                key: row.get(0)?,
                name: row.get(1)?,
            })
        })?
        .collect()
}

/// Adds a project; `false` when the key is taken.
pub fn insert_project(conn: &Connection, project: &Project) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "INSERT INTO projects (key, name) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
        params![project.key, project.name],
    )? == 1)
}

/// Does `user` hold `role` in `project`?
pub fn has_role(conn: &Connection, user: &str, project: &str, role: Role) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM project_roles WHERE user_id = ?1 AND project = ?2 AND role = ?3")?
        .query_row(params![user, project, role.as_str()], |_| Ok(()))
        .optional()
        .map(|found| found.is_some())
}

/// The users holding `role` in `project`, ordered by id.
pub fn project_members(conn: &Connection, project: &str, role: Role) -> rusqlite::Result<Vec<String>> {
    let mut statement =
        conn.prepare_cached("SELECT user_id FROM project_roles WHERE project = ?1 AND role = ?2 ORDER BY user_id")?;
    statement
        .query_map(params![project, role.as_str()], |row| row.get(0))?
        .collect()
}

/// The projects where `user` holds `role`, ordered by key.
pub fn projects_with_role(conn: &Connection, user: &str, role: Role) -> rusqlite::Result<Vec<String>> {
    let mut statement =
        conn.prepare_cached("SELECT project FROM project_roles WHERE user_id = ?1 AND role = ?2 ORDER BY project")?;
    statement
        .query_map(params![user, role.as_str()], |row| row.get(0))?
        .collect()
}

/// The roles `user` holds in each project, ordered by project key.
pub fn roles_of(conn: &Connection, user: &str) -> rusqlite::Result<Vec<(String, Role)>> {
    let mut statement =
        conn.prepare_cached("SELECT project, role FROM project_roles WHERE user_id = ?1 ORDER BY project, role")?;
    let rows = statement.query_map(params![user], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut roles = Vec::new();
    for row in rows {
        let (project, role) = row?;
        if let Some(role) = Role::parse(&role) {
            roles.push((project, role));
        }
    }
    Ok(roles)
}

/// Sets exactly which roles `user` holds in `project`.
pub fn set_roles(conn: &Connection, project: &str, user: &str, roles: &[Role]) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM project_roles WHERE project = ?1 AND user_id = ?2",
        params![project, user],
    )?;
    for role in roles {
        conn.execute(
            "INSERT OR IGNORE INTO project_roles (project, user_id, role) VALUES (?1, ?2, ?3)",
            params![project, user, role.as_str()],
        )?;
    }
    Ok(())
}

/// A named entity (group or company) by id.
fn get_named(conn: &Connection, table: &str, id: &str) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached(&format!("SELECT id, name FROM {table} WHERE id = ?1"))?
        .query_row(params![id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()
}

fn column_list(conn: &Connection, sql: &str, key: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare_cached(sql)?;
    statement.query_map(params![key], |row| row.get(0))?.collect()
}

/// The group with this id: `(id, name)`.
pub fn get_group(conn: &Connection, id: &str) -> rusqlite::Result<Option<(String, String)>> {
    get_named(conn, "groups", id)
}

/// The company with this id: `(id, name)`.
pub fn get_company(conn: &Connection, id: &str) -> rusqlite::Result<Option<(String, String)>> {
    get_named(conn, "companies", id)
}

/// The groups of a user, ordered by id.
pub fn groups_of(conn: &Connection, user: &str) -> rusqlite::Result<Vec<String>> {
    column_list(
        conn,
        "SELECT group_id FROM group_members WHERE user_id = ?1 ORDER BY group_id",
        user,
    )
}

/// The members of a group, ordered by id.
pub fn group_members(conn: &Connection, group: &str) -> rusqlite::Result<Vec<String>> {
    column_list(
        conn,
        "SELECT user_id FROM group_members WHERE group_id = ?1 ORDER BY user_id",
        group,
    )
}

/// The companies of a user, ordered by id.
pub fn companies_of(conn: &Connection, user: &str) -> rusqlite::Result<Vec<String>> {
    column_list(
        conn,
        "SELECT company_id FROM company_members WHERE user_id = ?1 ORDER BY company_id",
        user,
    )
}

/// The members of a company, ordered by id.
pub fn company_members(conn: &Connection, company: &str) -> rusqlite::Result<Vec<String>> {
    column_list(
        conn,
        "SELECT user_id FROM company_members WHERE company_id = ?1 ORDER BY user_id",
        company,
    )
}

/// Adds a group or company with its members (demo loading and the directory API).
pub fn insert_named_with_members(
    conn: &Connection,
    kind: NamedKind,
    id: &str,
    name: &str,
    members: &[String],
) -> rusqlite::Result<()> {
    let (table, member_table, column) = match kind {
        NamedKind::Group => ("groups", "group_members", "group_id"),
        NamedKind::Company => ("companies", "company_members", "company_id"),
    };
    conn.execute(
        &format!("INSERT INTO {table} (id, name) VALUES (?1, ?2)"),
        params![id, name],
    )?;
    for member in members {
        conn.execute(
            &format!("INSERT INTO {member_table} ({column}, user_id) VALUES (?1, ?2)"),
            params![id, member],
        )?;
    }
    Ok(())
}

/// Groups and companies share a shape.
#[derive(Debug, Clone, Copy)]
pub enum NamedKind {
    /// A named set of users.
    Group,
    /// An organisation that users belong to.
    Company,
}

/// A group or company with its members, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedSet {
    /// The identifier, by the same rules as a user id.
    pub id: String,
    /// The name shown to people; 1 to 100 characters.
    pub name: String,
    /// The members' user ids; empty when omitted.
    #[serde(default)]
    pub members: Vec<String>,
}

/// Every group or company with its members, ordered by id.
pub fn list_named(conn: &Connection, kind: NamedKind) -> rusqlite::Result<Vec<NamedSet>> {
    type MembersOf = fn(&Connection, &str) -> rusqlite::Result<Vec<String>>;
    let (table, members_of): (&str, MembersOf) = match kind {
        NamedKind::Group => ("groups", group_members),
        NamedKind::Company => ("companies", company_members),
    };
    let mut statement = conn.prepare_cached(&format!("SELECT id, name FROM {table} ORDER BY id"))?;
    let rows: Vec<(String, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(id, name)| {
            Ok(NamedSet {
                members: members_of(conn, &id)?,
                id,
                name,
            })
        })
        .collect()
}
