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
