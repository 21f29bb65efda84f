//! The `directory` import: the site's directory, read inside the call's transaction.

use wasmtime::Result;

use super::{guest_result, trap};
use crate::contract::helpdesk::chat::directory::{self, Company, Group, Project, User};
use crate::contract::helpdesk::chat::types::{Error as WitError, ProjectRole};
use crate::runtime::host_state::HostState;
use crate::storage::{NamedKind, StoreError, kv_rules::MAX_GET_MANY};

impl directory::Host for HostState {
    fn get_user(&mut self, id: String) -> Result<Option<User>> {
        self.tx()?.user(&id).map_err(trap)
    }

    fn get_users(&mut self, ids: Vec<String>) -> Result<std::result::Result<Vec<Option<User>>, WitError>> {
        if ids.len() > MAX_GET_MANY {
            return guest_result(Err(StoreError::LimitExceeded(format!("ids: at most {MAX_GET_MANY}"))));
        }
        guest_result(self.tx()?.users(&ids))
    }

    fn register_customer(
        &mut self,
        display_name: String,
        email: String,
    ) -> Result<std::result::Result<User, WitError>> {
        let invalid = |m: String| Ok(Err(WitError::Invalid(m)));
        let display_name = match crate::validate::text(&display_name, crate::validate::DISPLAY_NAME) {
            Ok(name) => name,
            Err(m) => return invalid(m),
        };
        let email = email.trim().to_string();
        if !crate::validate::is_email(&email) {
            return invalid(format!("email: {email:?} is not an e-mail address"));
        }
        let tx = self.tx()?;
        if tx.user_by_email(&email).map_err(trap)?.is_some() {
            return Ok(Err(WitError::Conflict(format!(
                "an account with {email} exists: log in instead"
            ))));
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
                return Ok(Ok(user));
            }
        }
        Ok(Err(WitError::Conflict(format!("no free id for {email}"))))
    }

    fn user_by_email(&mut self, email: String) -> Result<Option<String>> {
        // No address is longer; a longer one is nobody's, without asking the database.
        if email.len() > 254 {
            return Ok(None);
        }
        self.tx()?.user_by_email(email.trim()).map_err(trap)
    }

    fn get_project(&mut self, key: String) -> Result<Option<Project>> {
        self.tx()?.project(&key).map_err(trap)
    }

    fn list_projects(&mut self) -> Result<Vec<Project>> {
        self.tx()?.list_projects().map_err(trap)
    }

    fn has_project_role(&mut self, user: String, project: String, role: ProjectRole) -> Result<bool> {
        self.tx()?.has_role(&user, &project, role).map_err(trap)
    }

    fn project_members(&mut self, project: String, role: ProjectRole) -> Result<Vec<String>> {
        self.tx()?.project_members(&project, role).map_err(trap)
    }

    fn projects_with_role(&mut self, user: String, role: ProjectRole) -> Result<Vec<String>> {
        self.tx()?.projects_with_role(&user, role).map_err(trap)
    }

    fn get_group(&mut self, id: String) -> Result<Option<Group>> {
        self.tx()?.group(&id).map_err(trap)
    }

    fn groups_of(&mut self, user: String) -> Result<Vec<String>> {
        self.tx()?.memberships_of(NamedKind::Group, &user).map_err(trap)
    }

    fn group_members(&mut self, group: String) -> Result<Vec<String>> {
        self.tx()?.members_of(NamedKind::Group, &group).map_err(trap)
    }

    fn get_company(&mut self, id: String) -> Result<Option<Company>> {
        self.tx()?.company(&id).map_err(trap)
    }

    fn companies_of(&mut self, user: String) -> Result<Vec<String>> {
        self.tx()?.memberships_of(NamedKind::Company, &user).map_err(trap)
    }

    fn company_members(&mut self, company: String) -> Result<Vec<String>> {
        self.tx()?.members_of(NamedKind::Company, &company).map_err(trap)
    }
}
