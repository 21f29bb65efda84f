//! How a project role is spelt in the `project_roles` table, the same on every backend.

use helpdesk_contract::helpdesk::chat::types::ProjectRole;

/// A role as the `project_roles` table names it.
pub fn role_name(role: ProjectRole) -> &'static str {
    match role {
        ProjectRole::Agent => "agent",
        ProjectRole::ProjectAdmin => "project-admin",
    }
}

/// The role a stored name spells, if any.
pub fn parse_role(name: &str) -> Option<ProjectRole> {
    match name {
        "agent" => Some(ProjectRole::Agent),
        "project-admin" => Some(ProjectRole::ProjectAdmin),
        _ => None,
    }
}
