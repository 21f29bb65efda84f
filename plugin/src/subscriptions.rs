//! Who may receive which push topics.

use crate::error::{PluginError, PluginResult};
use crate::permissions::{require_actor, require_existing_project, require_project_staff};
use crate::platform::{CallContext, Platform};

/// Succeeds when the actor may receive events on `topic`.
pub fn authorize<P: Platform + ?Sized>(platform: &P, ctx: &CallContext, topic: &str) -> PluginResult<()> {
    let (kind, project) = topic
        .split_once(':')
        .ok_or_else(|| PluginError::Invalid(format!("topic: {topic:?} is not <kind>:<project>")))?;
    match kind {
        "presence" => {
            require_existing_project(platform, project)?;
            let actor = require_actor(ctx)?;
            require_project_staff(platform, actor, project)
        }
        "chat-status" => require_existing_project(platform, project),
        _ => Err(PluginError::Invalid(format!("topic: unknown kind {kind:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_platform::FakePlatform;

    fn ctx(actor: Option<&str>) -> CallContext {
        CallContext {
            actor: actor.map(str::to_string),
            project: None,
        }
    }

    #[test]
    fn pr_2_anyone_may_follow_whether_the_chat_is_online() {
        let platform = FakePlatform::demo();
        assert_eq!(authorize(&platform, &ctx(None), "chat-status:SUP"), Ok(()));
        assert!(matches!(
            authorize(&platform, &ctx(None), "chat-status:NOPE"),
            Err(PluginError::NotFound(_))
        ));
    }

    #[test]
    fn pr_6_only_staff_follow_agent_presence() {
        let platform = FakePlatform::demo();
        assert_eq!(authorize(&platform, &ctx(Some("alice")), "presence:SUP"), Ok(()));
        assert_eq!(authorize(&platform, &ctx(Some("root")), "presence:SUP"), Ok(()));
        assert!(matches!(
            authorize(&platform, &ctx(Some("carol")), "presence:SUP"),
            Err(PluginError::AccessDenied(_))
        ));
        assert!(matches!(
            authorize(&platform, &ctx(None), "presence:SUP"),
            Err(PluginError::AccessDenied(_))
        ));
        assert!(matches!(
            authorize(&platform, &ctx(Some("alice")), "gossip"),
            Err(PluginError::Invalid(_))
        ));
        assert!(matches!(
            authorize(&platform, &ctx(Some("alice")), "weird:SUP"),
            Err(PluginError::Invalid(_))
        ));
    }
}
