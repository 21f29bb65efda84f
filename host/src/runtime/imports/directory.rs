//! The `directory` import: the site's directory, read inside the call's transaction.

use wasmtime::Result;

use super::{Capability, ImportError, trap};
use crate::contract::helpdesk::chat::directory::{self, Company, Group, Project, User};
use crate::contract::helpdesk::chat::types::{Error as WitError, ProjectRole};
use crate::storage::{DirectoryStore, NamedKind, kv_rules::MAX_GET_MANY};

impl directory::Host for Capability<'_, dyn DirectoryStore> {
    fn get_user(&mut self, id: String) -> Result<Option<User>> {
        self.store()?.user(&id).map_err(trap)
    }

    fn get_users(&mut self, ids: Vec<String>) -> std::result::Result<Vec<Option<User>>, ImportError> {
        if ids.len() > MAX_GET_MANY {
            return Err(WitError::LimitExceeded(format!("ids: at most {MAX_GET_MANY}")).into());
        }
        Ok(self.store()?.users(&ids)?)
    }

    fn register_customer(&mut self, display_name: String, email: String) -> std::result::Result<User, ImportError> {
        let display_name =
            crate::validate::text(&display_name, crate::validate::DISPLAY_NAME).map_err(WitError::Invalid)?;
        let email = email.trim().to_string();
        if !crate::validate::is_email(&email) {
            return Err(WitError::Invalid(format!("email: {email:?} is not an e-mail address")).into());
        }
        let tx = self.store()?;
        if tx.user_by_email(&email).map_err(trap)?.is_some() {
            return Err(WitError::Conflict(format!("an account with {email} exists: log in instead")).into());
        }
        // The id comes from the address: its local part, kept to the characters ids allow.
        let stem: String = email
            .split('@')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            .take(40)
            .collect();
        let stem = if stem.is_empty() { "customer".to_string() } else { stem };
        for n in 1..=1000 {
            let id = if n == 1 { stem.clone() } else { format!("{stem}-{n}") };
            let user = User {
                id,
                display_name: display_name.clone(),
                email: email.clone(),
                time_zone: "UTC".into(),
                locale: "en".into(),
                site_admin: false,
                member: false,
            };
            if tx.insert_user(&user, None).map_err(trap)? {
                return Ok(user);
            }
        }
        Err(WitError::Conflict(format!("no free id for {email}")).into())
    }

    fn user_by_email(&mut self, email: String) -> Result<Option<String>> {
        // No address is longer; a longer one is nobody's, without asking the database.
        if email.len() > 254 {
            return Ok(None);
        }
        self.store()?.user_by_email(email.trim()).map_err(trap)
    }

    fn get_project(&mut self, key: String) -> Result<Option<Project>> {
        self.store()?.project(&key).map_err(trap)
    }

    fn list_projects(&mut self) -> Result<Vec<Project>> {
        self.store()?.list_projects().map_err(trap)
    }

    fn has_project_role(&mut self, user: String, project: String, role: ProjectRole) -> Result<bool> {
        self.store()?.has_role(&user, &project, role).map_err(trap)
    }

    fn project_members(&mut self, project: String, role: ProjectRole) -> Result<Vec<String>> {
        self.store()?.project_members(&project, role).map_err(trap)
    }

    fn projects_with_role(&mut self, user: String, role: ProjectRole) -> Result<Vec<String>> {
        self.store()?.projects_with_role(&user, role).map_err(trap)
    }

    fn get_group(&mut self, id: String) -> Result<Option<Group>> {
        self.store()?.group(&id).map_err(trap)
    }

    fn groups_of(&mut self, user: String) -> Result<Vec<String>> {
        self.store()?.memberships_of(NamedKind::Group, &user).map_err(trap)
    }

    fn group_members(&mut self, group: String) -> Result<Vec<String>> {
        self.store()?.members_of(NamedKind::Group, &group).map_err(trap)
    }

    fn get_company(&mut self, id: String) -> Result<Option<Company>> {
        self.store()?.company(&id).map_err(trap)
    }

    fn companies_of(&mut self, user: String) -> Result<Vec<String>> {
        self.store()?.memberships_of(NamedKind::Company, &user).map_err(trap)
    }

    fn company_members(&mut self, company: String) -> Result<Vec<String>> {
        self.store()?.members_of(NamedKind::Company, &company).map_err(trap)
    }
}
