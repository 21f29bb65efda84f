//! The directory in SQLite: users, projects, roles, groups and companies.

use rusqlite::{OptionalExtension, Row, params};

use super::tx::SqliteTx;
use crate::backend::{DirectoryStore, NamedKind, NamedSet, StoreError};
use crate::role_names::{parse_role, role_name};
use helpdesk_contract::helpdesk::chat::directory::{Company, Group, Project, User};
use helpdesk_contract::helpdesk::chat::types::ProjectRole;

const USER_COLUMNS: &str = "id, display_name, email, time_zone, locale, site_admin, member";

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
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

fn project_from_row(row: &Row<'_>) -> rusqlite::Result<Project> {
    Ok(Project {
        key: row.get(0)?,
        name: row.get(1)?,
    })
}

/// The tables of a kind of named set: the set, its members, the member table's id column.
fn tables(kind: NamedKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        NamedKind::Group => ("groups", "group_members", "group_id"),
        NamedKind::Company => ("companies", "company_members", "company_id"),
    }
}

impl SqliteTx {
    fn strings(&self, sql: &str, key: &str) -> Result<Vec<String>, StoreError> {
        let mut statement = self.conn().prepare_cached(sql)?;
        let rows = statement.query_map(params![key], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn named(&self, kind: NamedKind, id: &str) -> Result<Option<(String, String)>, StoreError> {
        let (table, _, _) = tables(kind);
        Ok(self
            .conn()
            .prepare_cached(&format!("SELECT id, name FROM {table} WHERE id = ?1"))?
            .query_row(params![id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?)
    }
}

impl DirectoryStore for SqliteTx {
    fn user(&mut self, id: &str) -> Result<Option<User>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
            .query_row(params![id], user_from_row)
            .optional()?)
    }

    fn users(&mut self, ids: &[String]) -> Result<Vec<Option<User>>, StoreError> {
        ids.iter().map(|id| self.user(id)).collect()
    }

    fn list_users(&mut self) -> Result<Vec<User>, StoreError> {
        let mut statement = self
            .conn()
            .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"))?;
        let rows = statement.query_map([], user_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn insert_user(&mut self, user: &User, password_hash: Option<&str>) -> Result<bool, StoreError> {
        let inserted = self.write_conn()?.execute(
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

    fn password_hash(&mut self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT password_hash FROM users WHERE id = ?1")?
            .query_row(params![id], |row| row.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    fn set_password_hash(&mut self, id: &str, hash: &str) -> Result<bool, StoreError> {
        let updated = self
            .write_conn()?
            .execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", params![id, hash])?;
        Ok(updated == 1)
    }

    fn user_by_email(&mut self, email: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT id FROM users WHERE email = ?1 COLLATE NOCASE LIMIT 1")?
            .query_row(params![email], |row| row.get(0))
            .optional()?)
    }

    fn project(&mut self, key: &str) -> Result<Option<Project>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT key, name FROM projects WHERE key = ?1")?
            .query_row(params![key], project_from_row)
            .optional()?)
    }

    fn list_projects(&mut self) -> Result<Vec<Project>, StoreError> {
        let mut statement = self
            .conn()
            .prepare_cached("SELECT key, name FROM projects ORDER BY key")?;
        let rows = statement.query_map([], project_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn insert_project(&mut self, project: &Project) -> Result<bool, StoreError> {
        Ok(self.write_conn()?.execute(
            "INSERT INTO projects (key, name) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
            params![project.key, project.name],
        )? == 1)
    }

    fn members_browse(&mut self, project: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT members_browse FROM projects WHERE key = ?1")?
            .query_row(params![project], |row| row.get::<_, bool>(0))
            .optional()?
            .unwrap_or(false))
    }

    fn set_members_browse(&mut self, project: &str, members: bool) -> Result<bool, StoreError> {
        Ok(self.write_conn()?.execute(
            "UPDATE projects SET members_browse = ?2 WHERE key = ?1",
            params![project, members],
        )? == 1)
    }

    fn has_role(&mut self, user: &str, project: &str, role: ProjectRole) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT 1 FROM project_roles WHERE user_id = ?1 AND project = ?2 AND role = ?3")?
            .query_row(params![user, project, role_name(role)], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn project_members(&mut self, project: &str, role: ProjectRole) -> Result<Vec<String>, StoreError> {
        let mut statement = self
            .conn()
            .prepare_cached("SELECT user_id FROM project_roles WHERE project = ?1 AND role = ?2 ORDER BY user_id")?;
        let rows = statement.query_map(params![project, role_name(role)], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn projects_with_role(&mut self, user: &str, role: ProjectRole) -> Result<Vec<String>, StoreError> {
        let mut statement = self
            .conn()
            .prepare_cached("SELECT project FROM project_roles WHERE user_id = ?1 AND role = ?2 ORDER BY project")?;
        let rows = statement.query_map(params![user, role_name(role)], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn roles_of(&mut self, user: &str) -> Result<Vec<(String, ProjectRole)>, StoreError> {
        let mut statement = self
            .conn()
            .prepare_cached("SELECT project, role FROM project_roles WHERE user_id = ?1 ORDER BY project, role")?;
        let rows = statement.query_map(params![user], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut roles = Vec::new();
        for row in rows {
            let (project, role) = row?;
            if let Some(role) = parse_role(&role) {
                roles.push((project, role));
            }
        }
        Ok(roles)
    }

    fn grant_role(&mut self, project: &str, user: &str, role: ProjectRole) -> Result<bool, StoreError> {
        Ok(self.write_conn()?.execute(
            "INSERT OR IGNORE INTO project_roles (project, user_id, role) VALUES (?1, ?2, ?3)",
            params![project, user, role_name(role)],
        )? == 1)
    }

    fn revoke_role(&mut self, project: &str, user: &str, role: ProjectRole) -> Result<bool, StoreError> {
        Ok(self.write_conn()?.execute(
            "DELETE FROM project_roles WHERE project = ?1 AND user_id = ?2 AND role = ?3",
            params![project, user, role_name(role)],
        )? == 1)
    }

    fn group(&mut self, id: &str) -> Result<Option<Group>, StoreError> {
        Ok(self.named(NamedKind::Group, id)?.map(|(id, name)| Group { id, name }))
    }

    fn company(&mut self, id: &str) -> Result<Option<Company>, StoreError> {
        Ok(self
            .named(NamedKind::Company, id)?
            .map(|(id, name)| Company { id, name }))
    }

    fn memberships_of(&mut self, kind: NamedKind, user: &str) -> Result<Vec<String>, StoreError> {
        let (_, members, column) = tables(kind);
        self.strings(
            &format!("SELECT {column} FROM {members} WHERE user_id = ?1 ORDER BY {column}"),
            user,
        )
    }

    fn members_of(&mut self, kind: NamedKind, id: &str) -> Result<Vec<String>, StoreError> {
        let (_, members, column) = tables(kind);
        self.strings(
            &format!("SELECT user_id FROM {members} WHERE {column} = ?1 ORDER BY user_id"),
            id,
        )
    }

    fn insert_named(&mut self, kind: NamedKind, set: &NamedSet) -> Result<(), StoreError> {
        let (table, members, column) = tables(kind);
        let conn = self.write_conn()?;
        conn.execute(
            &format!("INSERT INTO {table} (id, name) VALUES (?1, ?2)"),
            params![set.id, set.name],
        )?;
        for member in &set.members {
            conn.execute(
                &format!("INSERT OR IGNORE INTO {members} ({column}, user_id) VALUES (?1, ?2)"),
                params![set.id, member],
            )?;
        }
        Ok(())
    }

    fn list_named(&mut self, kind: NamedKind) -> Result<Vec<NamedSet>, StoreError> {
        let (table, _, _) = tables(kind);
        let mut statement = self
            .conn()
            .prepare_cached(&format!("SELECT id, name FROM {table} ORDER BY id"))?;
        let rows: Vec<(String, String)> = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        drop(statement);
        rows.into_iter()
            .map(|(id, name)| {
                Ok(NamedSet {
                    members: self.members_of(kind, &id)?,
                    id,
                    name,
                })
            })
            .collect()
    }
}
