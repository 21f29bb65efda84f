//! The directory in PostgreSQL: users, projects, roles, groups and companies.

use postgres::Row;

use super::tx::PgTx;
use crate::backend::{DirectoryStore, NamedKind, NamedSet, StoreError};
use crate::role_names::{parse_role, role_name};
use helpdesk_contract::helpdesk::chat::directory::{Company, Group, Project, User};
use helpdesk_contract::helpdesk::chat::types::ProjectRole;

const USER_COLUMNS: &str = "id, display_name, email, time_zone, locale, site_admin, member";

fn user_from_row(row: &Row) -> User {
    User {
        id: row.get(0),
        display_name: row.get(1),
        email: row.get(2),
        time_zone: row.get(3),
        locale: row.get(4),
        site_admin: row.get(5),
        member: row.get(6),
    }
}

fn project_from_row(row: &Row) -> Project {
    Project {
        key: row.get(0),
        name: row.get(1),
    }
}

/// The tables of a kind of named set: the set, its members, the member table's id column.
fn tables(kind: NamedKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        NamedKind::Group => ("groups", "group_members", "group_id"),
        NamedKind::Company => ("companies", "company_members", "company_id"),
    }
}

fn strings(rows: Vec<Row>) -> Vec<String> {
    rows.iter().map(|row| row.get(0)).collect()
}

impl PgTx {
    fn named(&mut self, kind: NamedKind, id: &str) -> Result<Option<(String, String)>, StoreError> {
        let (table, _, _) = tables(kind);
        Ok(self
            .row(&format!("SELECT id, name FROM {table} WHERE id = $1"), &[&id])?
            .map(|row| (row.get(0), row.get(1))))
    }
}

impl DirectoryStore for PgTx {
    fn user(&mut self, id: &str) -> Result<Option<User>, StoreError> {
        Ok(self
            .row(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"), &[&id])?
            .as_ref()
            .map(user_from_row))
    }

    fn users(&mut self, ids: &[String]) -> Result<Vec<Option<User>>, StoreError> {
        ids.iter().map(|id| self.user(id)).collect()
    }

    fn list_users(&mut self) -> Result<Vec<User>, StoreError> {
        Ok(self
            .rows(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"), &[])?
            .iter()
            .map(user_from_row)
            .collect())
    }

    fn insert_user(&mut self, user: &User, password_hash: Option<&str>) -> Result<bool, StoreError> {
        Ok(self.execute(
            "INSERT INTO users (id, display_name, email, time_zone, locale, site_admin, member, password_hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
            &[
                &user.id,
                &user.display_name,
                &user.email,
                &user.time_zone,
                &user.locale,
                &user.site_admin,
                &user.member,
                &password_hash,
            ],
        )? == 1)
    }

    fn password_hash(&mut self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .row("SELECT password_hash FROM users WHERE id = $1", &[&id])?
            .and_then(|row| row.get(0)))
    }

    fn set_password_hash(&mut self, id: &str, hash: &str) -> Result<bool, StoreError> {
        Ok(self.execute("UPDATE users SET password_hash = $2 WHERE id = $1", &[&id, &hash])? == 1)
    }

    fn user_by_email(&mut self, email: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .row(
                "SELECT id FROM users WHERE lower(email) = lower($1) ORDER BY id LIMIT 1",
                &[&email],
            )?
            .map(|row| row.get(0)))
    }

    fn project(&mut self, key: &str) -> Result<Option<Project>, StoreError> {
        Ok(self
            .row("SELECT key, name FROM projects WHERE key = $1", &[&key])?
            .as_ref()
            .map(project_from_row))
    }

    fn list_projects(&mut self) -> Result<Vec<Project>, StoreError> {
        Ok(self
            .rows("SELECT key, name FROM projects ORDER BY key", &[])?
            .iter()
            .map(project_from_row)
            .collect())
    }

    fn insert_project(&mut self, project: &Project) -> Result<bool, StoreError> {
        Ok(self.execute(
            "INSERT INTO projects (key, name) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            &[&project.key, &project.name],
        )? == 1)
    }

    fn members_browse(&mut self, project: &str) -> Result<bool, StoreError> {
        Ok(self
            .row("SELECT members_browse FROM projects WHERE key = $1", &[&project])?
            .is_some_and(|row| row.get::<_, bool>(0)))
    }

    fn set_members_browse(&mut self, project: &str, members: bool) -> Result<bool, StoreError> {
        Ok(self.execute(
            "UPDATE projects SET members_browse = $2 WHERE key = $1",
            &[&project, &members],
        )? == 1)
    }

    fn has_role(&mut self, user: &str, project: &str, role: ProjectRole) -> Result<bool, StoreError> {
        Ok(self
            .row(
                "SELECT 1 FROM project_roles WHERE user_id = $1 AND project = $2 AND role = $3",
                &[&user, &project, &role_name(role)],
            )?
            .is_some())
    }

    fn project_members(&mut self, project: &str, role: ProjectRole) -> Result<Vec<String>, StoreError> {
        Ok(strings(self.rows(
            "SELECT user_id FROM project_roles WHERE project = $1 AND role = $2 ORDER BY user_id",
            &[&project, &role_name(role)],
        )?))
    }

    fn projects_with_role(&mut self, user: &str, role: ProjectRole) -> Result<Vec<String>, StoreError> {
        Ok(strings(self.rows(
            "SELECT project FROM project_roles WHERE user_id = $1 AND role = $2 ORDER BY project",
            &[&user, &role_name(role)],
        )?))
    }

    fn roles_of(&mut self, user: &str) -> Result<Vec<(String, ProjectRole)>, StoreError> {
        let rows = self.rows(
            "SELECT project, role FROM project_roles WHERE user_id = $1 ORDER BY project, role",
            &[&user],
        )?;
        Ok(rows
            .iter()
            .filter_map(|row| parse_role(row.get(1)).map(|role| (row.get(0), role)))
            .collect())
    }

    fn grant_role(&mut self, project: &str, user: &str, role: ProjectRole) -> Result<bool, StoreError> {
        Ok(self.execute(
            "INSERT INTO project_roles (project, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&project, &user, &role_name(role)],
        )? == 1)
    }

    fn revoke_role(&mut self, project: &str, user: &str, role: ProjectRole) -> Result<bool, StoreError> {
        Ok(self.execute(
            "DELETE FROM project_roles WHERE project = $1 AND user_id = $2 AND role = $3",
            &[&project, &user, &role_name(role)],
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
        Ok(strings(self.rows(
            &format!("SELECT {column} FROM {members} WHERE user_id = $1 ORDER BY {column}"),
            &[&user],
        )?))
    }

    fn members_of(&mut self, kind: NamedKind, id: &str) -> Result<Vec<String>, StoreError> {
        let (_, members, column) = tables(kind);
        Ok(strings(self.rows(
            &format!("SELECT user_id FROM {members} WHERE {column} = $1 ORDER BY user_id"),
            &[&id],
        )?))
    }

    fn insert_named(&mut self, kind: NamedKind, set: &NamedSet) -> Result<(), StoreError> {
        let (table, members, column) = tables(kind);
        self.execute(
            &format!("INSERT INTO {table} (id, name) VALUES ($1, $2)"),
            &[&set.id, &set.name],
        )?;
        for member in &set.members {
            self.execute(
                &format!("INSERT INTO {members} ({column}, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"),
                &[&set.id, member],
            )?;
        }
        Ok(())
    }

    fn list_named(&mut self, kind: NamedKind) -> Result<Vec<NamedSet>, StoreError> {
        let (table, _, _) = tables(kind);
        let rows = self.rows(&format!("SELECT id, name FROM {table} ORDER BY id"), &[])?;
        rows.iter()
            .map(|row| {
                let id: String = row.get(0);
                Ok(NamedSet {
                    members: self.members_of(kind, &id)?,
                    id,
                    name: row.get(1),
                })
            })
            .collect()
    }
}
