//! Who may receive which push topics: each topic goes to the feature that owns its kind.

use crate::bindings::exports::helpdesk::chat::subscriptions::TopicGrant;
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::HostCapabilities;
use crate::error::{PluginError, PluginResult};
use crate::features;

/// The most topics one stream may name.
pub const MAX_TOPICS: usize = 256;

/// Authorizes every topic of one stream; the first refused topic decides the error.
pub fn authorize<H: HostCapabilities>(
    host: &mut H,
    ctx: &CallContext,
    topics: &[String],
) -> PluginResult<Vec<TopicGrant>> {
    if topics.len() > MAX_TOPICS {
        return Err(PluginError::LimitExceeded(format!("topics: at most {MAX_TOPICS}")));
    }
    let features = features::all::<H>();
    topics
        .iter()
        .map(|topic| {
            let refused = |err: PluginError| err.in_context(&format!("topic {topic}"));
            let (kind, name) = topic
                .split_once(':')
                .ok_or_else(|| refused(PluginError::Invalid("not of the form <kind>:<name>".into())))?;
            let feature = features
                .iter()
                .find(|feature| feature.topic_kinds.contains(&kind))
                .ok_or_else(|| refused(PluginError::Invalid(format!("unknown kind {kind:?}"))))?;
            let revocable = (feature.authorize)(host, ctx, kind, name).map_err(refused)?;
            Ok(TopicGrant {
                topic: topic.clone(),
                revocable,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::fake_host::{FakeHost, anonymous_in, as_user};

    fn topics(names: &[&str]) -> Vec<String> {
        names.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn pl_7_a_streams_topics_are_authorized_in_one_call_in_order() {
        let mut host = FakeHost::demo();
        let grants = authorize(
            &mut host,
            &as_user("alice", "SUP"),
            &topics(&["presence:SUP", "chat-status:OPS"]),
        )
        .unwrap();
        assert_eq!(
            grants,
            vec![
                TopicGrant {
                    topic: "presence:SUP".into(),
                    revocable: true
                },
                TopicGrant {
                    topic: "chat-status:OPS".into(),
                    revocable: false
                },
            ]
        );
    }

    #[test]
    fn pr_2_anyone_may_follow_whether_the_chat_is_online() {
        let mut host = FakeHost::demo();
        let grants = authorize(&mut host, &anonymous_in(None), &topics(&["chat-status:SUP"])).unwrap();
        assert!(!grants[0].revocable, "a grant anyone holds is never withdrawn");
        assert!(matches!(
            authorize(&mut host, &anonymous_in(None), &topics(&["chat-status:NOPE"])),
            Err(PluginError::NotFound(_))
        ));
    }

    #[test]
    fn pr_6_only_staff_follow_agent_presence() {
        let mut host = FakeHost::demo();
        for staff in ["alice", "root", "dana"] {
            let grants = authorize(&mut host, &as_user(staff, "SUP"), &topics(&["presence:SUP"])).unwrap();
            assert!(grants[0].revocable, "{staff}'s grant ends with their role");
        }
        assert!(matches!(
            authorize(&mut host, &as_user("carol", "SUP"), &topics(&["presence:SUP"])),
            Err(PluginError::AccessDenied(_))
        ));
        assert!(matches!(
            authorize(&mut host, &anonymous_in(None), &topics(&["presence:SUP"])),
            Err(PluginError::AccessDenied(_))
        ));
    }

    #[test]
    fn pl_7_the_first_refused_topic_names_itself_in_the_error() {
        let mut host = FakeHost::demo();
        let err = authorize(
            &mut host,
            &anonymous_in(None),
            &topics(&["chat-status:SUP", "presence:SUP"]),
        )
        .unwrap_err();
        assert!(
            matches!(&err, PluginError::AccessDenied(m) if m.starts_with("topic presence:SUP: ")),
            "{err}"
        );
        for bad in ["gossip", "weird:SUP"] {
            let err = authorize(&mut host, &anonymous_in(None), &topics(&[bad])).unwrap_err();
            assert!(matches!(err, PluginError::Invalid(_)), "{bad}: {err}");
        }
        let too_many = vec!["chat-status:SUP".to_string(); MAX_TOPICS + 1];
        assert!(matches!(
            authorize(&mut host, &anonymous_in(None), &too_many),
            Err(PluginError::LimitExceeded(_))
        ));
    }
}
