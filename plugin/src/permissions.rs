//! Who may do what: the permission rules shared by every feature.

use crate::bindings::helpdesk::chat::types::{Actor, CallContext, ProjectRole};
use crate::capabilities::Directory;
use crate::error::{PluginError, PluginResult};

/// The logged-in user acting with their rights, if a user acts (not one logged in through a
/// chat widget, who acts as a customer only).
pub fn acting_user(ctx: &CallContext) -> Option<&str> {
    match &ctx.actor {
        Actor::User(id) => Some(id),
        Actor::Customer(_) | Actor::Visitor(_) | Actor::Anonymous | Actor::System => None,
    }
}

/// The logged-in user acting, as a customer or with their rights, if a user acts.
pub fn logged_in_user(ctx: &CallContext) -> Option<&str> {
    match &ctx.actor {
        Actor::User(id) | Actor::Customer(id) => Some(id),
        Actor::Visitor(_) | Actor::Anonymous | Actor::System => None,
    }
}

/// The logged-in user acting with their rights, or `access-denied`.
pub fn require_actor(ctx: &CallContext) -> PluginResult<&str> {
    match &ctx.actor {
        Actor::Customer(_) => Err(PluginError::AccessDenied(
            "a session opened in a chat widget is for the chat only; log in on the site".into(),
        )),
        _ => acting_user(ctx).ok_or_else(|| PluginError::AccessDenied("log in first".into())),
    }
}

/// The context's project, which must exist.
pub fn require_project<'c>(directory: &impl Directory, ctx: &'c CallContext) -> PluginResult<&'c str> {
    let project = ctx
        .project
        .as_deref()
        .ok_or_else(|| PluginError::Invalid("project: a project is required".into()))?;
    require_existing_project(directory, project)?;
    Ok(project)
}

/// `not-found` unless the project exists.
pub fn require_existing_project(directory: &impl Directory, project: &str) -> PluginResult<()> {
    if directory.project_exists(project) {
        Ok(())
    } else {
        Err(PluginError::NotFound(format!("project {project} does not exist")))
    }
}

/// Site admins administer the whole site.
pub fn is_site_admin(directory: &impl Directory, user: &str) -> bool {
    directory.user(user).is_some_and(|u| u.site_admin)
}

/// The logged-in site admin acting, or `access-denied` saying that only site admins may `act`.
pub fn require_site_admin<'c>(directory: &impl Directory, ctx: &'c CallContext, act: &str) -> PluginResult<&'c str> {
    let actor = require_actor(ctx)?;
    if is_site_admin(directory, actor) {
        Ok(actor)
    } else {
        Err(PluginError::AccessDenied(format!("only site admins {act}")))
    }
}

/// Who administers a project: its project admins and the site admins.
pub fn administers(directory: &impl Directory, user: &str, project: &str) -> bool {
    directory.has_project_role(user, project, ProjectRole::ProjectAdmin) || is_site_admin(directory, user)
}

/// Staff of a project see its agents' presence: its agents, its project admins and site admins.
pub fn is_project_staff(directory: &impl Directory, user: &str, project: &str) -> bool {
    directory.has_project_role(user, project, ProjectRole::Agent) || administers(directory, user, project)
}

/// `access-denied` unless `user` is staff of `project`.
pub fn require_project_staff(directory: &impl Directory, user: &str, project: &str) -> PluginResult<()> {
    if is_project_staff(directory, user, project) {
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
pub fn may_answer_customer_chats(directory: &impl Directory, user: &str, project: &str) -> bool {
    directory.has_project_role(user, project, ProjectRole::Agent)
}

/// Whether `user` may put the agents of `project` offline (PR-8): both its admin and a site
/// admin.
pub fn may_put_offline(directory: &impl Directory, user: &str, project: &str) -> bool {
    directory.has_project_role(user, project, ProjectRole::ProjectAdmin) && is_site_admin(directory, user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::fake_host::{FakeHost, as_user};
    use crate::presence;

    #[test]
    fn pr_11_offline_agents_still_answer_customer_chats() {
        let mut host = FakeHost::demo();
        let mine = presence::my_presence(&mut host, &as_user("bob", "SUP")).unwrap();
        assert!(!mine[0].online, "bob is offline");
        assert!(may_answer_customer_chats(&host, "bob", "SUP"));
        assert!(!may_answer_customer_chats(&host, "bob", "OPS"), "not an agent there");
        assert!(!may_answer_customer_chats(&host, "carol", "SUP"));
    }

    #[test]
    fn pr_3_staff_are_agents_project_admins_and_site_admins() {
        let host = FakeHost::demo();
        assert!(is_project_staff(&host, "alice", "SUP"));
        assert!(is_project_staff(&host, "dana", "SUP"));
        assert!(is_project_staff(&host, "root", "SUP"));
        assert!(!is_project_staff(&host, "dana", "OPS"));
        assert!(!is_project_staff(&host, "carol", "SUP"));
    }

    #[test]
    fn pl_1_only_a_logged_in_user_is_an_actor() {
        assert_eq!(require_actor(&as_user("alice", "SUP")), Ok("alice"));
        for actor in [Actor::Anonymous, Actor::System, Actor::Visitor("v1".into())] {
            let ctx = CallContext {
                actor,
                ..as_user("x", "SUP")
            };
            assert!(matches!(require_actor(&ctx), Err(PluginError::AccessDenied(_))));
        }
    }
}
