//! Who may do what: the permission rules shared by every feature.

use crate::error::{PluginError, PluginResult};
use crate::platform::{CallContext, Platform, ProjectRole};

/// The logged-in actor, or `access-denied`.
pub fn require_actor(ctx: &CallContext) -> PluginResult<&str> {
    ctx.actor
        .as_deref()
        .ok_or_else(|| PluginError::AccessDenied("log in first".into()))
}

/// The context's project, which must exist.
pub fn require_project<'c, P: Platform + ?Sized>(
    platform: &P,
    ctx: &'c CallContext,
) -> PluginResult<&'c str> {
    let project = ctx
        .project
        .as_deref()
        .ok_or_else(|| PluginError::Invalid("project: a project is required".into()))?;
    require_existing_project(platform, project)?;
    Ok(project)
}

/// `not-found` unless the project exists.
pub fn require_existing_project<P: Platform + ?Sized>(
    platform: &P,
    project: &str,
) -> PluginResult<()> {
    if platform.project_exists(project) {
        Ok(())
    } else {
        Err(PluginError::NotFound(format!(
            "project {project} does not exist"
        )))
    }
}

/// Staff of a project see its agents' presence: its agents, its project admins and site admins.
pub fn is_project_staff<P: Platform + ?Sized>(platform: &P, user: &str, project: &str) -> bool {
    platform.has_project_role(user, project, ProjectRole::Agent)
        || platform.has_project_role(user, project, ProjectRole::ProjectAdmin)
        || platform.user(user).is_some_and(|u| u.site_admin)
}

/// `access-denied` unless `user` is staff of `project`.
pub fn require_project_staff<P: Platform + ?Sized>(
    platform: &P,
    user: &str,
    project: &str,
) -> PluginResult<()> {
    if is_project_staff(platform, user, project) {
        Ok(())
    } else {
        Err(PluginError::AccessDenied(format!(
            "only agents and admins of {project} see its agents' presence"
        )))
    }
}
