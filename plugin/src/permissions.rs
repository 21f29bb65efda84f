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
pub fn require_project<'c, P: Platform + ?Sized>(platform: &P, ctx: &'c CallContext) -> PluginResult<&'c str> {
    let project = ctx
        .project
        .as_deref()
        .ok_or_else(|| PluginError::Invalid("project: a project is required".into()))?;
    require_existing_project(platform, project)?;
    Ok(project)
}

/// `not-found` unless the project exists.
pub fn require_existing_project<P: Platform + ?Sized>(platform: &P, project: &str) -> PluginResult<()> {
    if platform.project_exists(project) {
        Ok(())
    } else {
        Err(PluginError::NotFound(format!("project {project} does not exist")))
    }
}

/// Staff of a project see its agents' presence: its agents, its project admins and site admins.
pub fn is_project_staff<P: Platform + ?Sized>(platform: &P, user: &str, project: &str) -> bool {
    platform.has_project_role(user, project, ProjectRole::Agent)
        || platform.has_project_role(user, project, ProjectRole::ProjectAdmin)
        || platform.user(user).is_some_and(|u| u.site_admin)
}

/// `access-denied` unless `user` is staff of `project`.
pub fn require_project_staff<P: Platform + ?Sized>(platform: &P, user: &str, project: &str) -> PluginResult<()> {
    if is_project_staff(platform, user, project) {
        Ok(())
    } else {
        Err(PluginError::AccessDenied(format!(
            "only agents and admins of {project} see its agents' presence"
        )))
    }
}

/// PR-11: the agents of a project see and answer its customer chats whether they are
/// online or not; being online only tells customers that someone is in. The live chat
/// features (LC-9, LC-10) ask this before showing a request or accepting an answer.
pub fn may_answer_customer_chats<P: Platform + ?Sized>(platform: &P, user: &str, project: &str) -> bool {
    platform.has_project_role(user, project, ProjectRole::Agent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_platform::FakePlatform;
    use crate::presence;

    #[test]
    fn pr_11_offline_agents_still_answer_customer_chats() {
        let mut platform = FakePlatform::demo();
        let ctx = CallContext {
            actor: Some("bob".into()),
            project: Some("SUP".into()),
        };
        let mine = presence::my_presence(&mut platform, &ctx).unwrap();
        assert!(!mine[0].state.online, "bob is offline");
        assert!(may_answer_customer_chats(&platform, "bob", "SUP"));
        assert!(
            !may_answer_customer_chats(&platform, "bob", "OPS"),
            "not an agent there"
        );
        assert!(!may_answer_customer_chats(&platform, "carol", "SUP"));
    }

    #[test]
    fn pr_3_staff_are_agents_project_admins_and_site_admins() {
        let platform = FakePlatform::demo();
        assert!(is_project_staff(&platform, "alice", "SUP"));
        assert!(is_project_staff(&platform, "dana", "SUP"));
        assert!(is_project_staff(&platform, "root", "SUP"));
        assert!(!is_project_staff(&platform, "dana", "OPS"));
        assert!(!is_project_staff(&platform, "carol", "SUP"));
    }
}
