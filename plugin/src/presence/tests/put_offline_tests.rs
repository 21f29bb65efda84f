//! PR-8 and PR-13: others put offline by an admin (one agent or all, only by an admin of the
//! project who is also a site admin), and by a forced logout.

use super::*;
use crate::presence::put_offline::put_offline;

/// The demo with `boss`, both a site admin and an admin of SUP; alice and bob online in SUP.
fn with_boss() -> FakeHost {
    let mut host = FakeHost::demo();
    host.add_user("boss", "Boss Both", true);
    host.grant("boss", "SUP", ProjectRole::ProjectAdmin);
    go_online(&mut host, &ctx("alice", "SUP"), true, None).unwrap();
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    host
}

#[test]
fn pr_8_only_an_admin_of_the_project_who_is_also_a_site_admin_puts_agents_offline() {
    let mut host = with_boss();
    for (who, role) in [
        ("alice", "an agent"),
        ("dana", "a project admin only"),
        ("root", "a site admin only"),
        ("carol", "a customer"),
    ] {
        assert!(
            matches!(
                put_offline(&mut host, &ctx(who, "SUP"), Some("bob")),
                Err(PluginError::AccessDenied(_))
            ),
            "{role} may not"
        );
        assert!(
            !project_presence(&mut host, &ctx("dana", "SUP"))
                .unwrap()
                .viewer
                .may_put_offline
        );
    }
    assert!(matches!(
        put_offline(&mut host, &anonymous_in(Some("SUP")), None),
        Err(PluginError::AccessDenied(_))
    ));
    assert_eq!(count(&mut host, "SUP"), 2, "nobody was put offline");
    assert!(
        project_presence(&mut host, &ctx("boss", "SUP"))
            .unwrap()
            .viewer
            .may_put_offline
    );
}

#[test]
fn pr_8_an_admin_puts_one_agent_offline_then_all_and_the_history_says_who() {
    let mut host = with_boss();
    host.published.clear();
    let one = put_offline(&mut host, &ctx("boss", "SUP"), Some("bob")).unwrap();
    assert_eq!(one.agents, vec!["bob".to_string()]);
    assert_eq!(count(&mut host, "SUP"), 1, "alice is still online");
    let events = host.take_events("presence:SUP");
    assert!(
        events
            .iter()
            .any(|e| e.payload["user"] == "bob" && e.payload["cause"] == "admin" && e.payload["by"] == "boss"),
        "everyone watching sees it at once"
    );
    assert!(
        count(&mut host, "OPS") == 1,
        "only the project acted on: alice stays online in OPS"
    );

    let again = put_offline(&mut host, &ctx("boss", "SUP"), Some("bob")).unwrap();
    assert!(again.agents.is_empty(), "bob was already offline");
    let all = put_offline(&mut host, &ctx("boss", "SUP"), None).unwrap();
    assert_eq!(all.agents, vec!["alice".to_string()]);
    assert_eq!(count(&mut host, "SUP"), 0);
    assert!(!chat_status(&mut host, &anonymous_in(Some("SUP"))).unwrap().online);

    let history = presence_history(&mut host, &ctx("boss", "SUP"), &everyone(), None, Some(10)).unwrap();
    let latest = &history.changes[0];
    assert_eq!(
        (latest.user.as_str(), latest.online, latest.cause, latest.by.as_deref()),
        ("alice", false, ChangeCause::Admin, Some("boss"))
    );
    assert!(
        matches!(
            put_offline(&mut host, &ctx("boss", "SUP"), Some("carol")),
            Err(PluginError::NotFound(_))
        ),
        "carol is no agent of SUP"
    );
}

#[test]
fn pr_13_a_forced_logout_puts_the_agent_offline_in_every_project() {
    let mut host = with_boss();
    let event = HostEvent::AllSessionsEnded("alice".into());
    crate::host_events::on_host_event(&mut host, &ctx("root", "SUP"), &event).unwrap();
    assert_eq!(
        (count(&mut host, "SUP"), count(&mut host, "OPS")),
        (1, 0),
        "bob stays online"
    );
    let history = presence_history(&mut host, &ctx("root", "OPS"), &everyone(), None, Some(10)).unwrap();
    let latest = &history.changes[0];
    assert_eq!(
        (latest.user.as_str(), latest.online, latest.cause, latest.by.as_deref()),
        ("alice", false, ChangeCause::ForceLogout, Some("root"))
    );
    crate::host_events::on_host_event(&mut host, &ctx("root", "SUP"), &event).unwrap();
    let again = presence_history(&mut host, &ctx("root", "OPS"), &everyone(), None, Some(10)).unwrap();
    assert_eq!(again.changes.len(), history.changes.len(), "nothing more to record");
}
