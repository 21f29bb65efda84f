//! Native tests of the presence rules, named after the SPEC features they cover.

use super::*;
use crate::fake_platform::FakePlatform;

fn ctx(actor: &str, project: &str) -> CallContext {
    CallContext {
        actor: Some(actor.into()),
        project: Some(project.into()),
    }
}

fn count(platform: &mut FakePlatform, project: &str) -> usize {
    let now = platform.now;
    online_agents(platform, project, now).unwrap().len()
}

#[test]
fn pr_1_new_agents_start_offline() {
    let mut platform = FakePlatform::demo();
    let presence = project_presence(&mut platform, &ctx("alice", "SUP")).unwrap();
    assert!(presence.viewer.is_agent);
    assert!(!presence.viewer.state.online);
    assert!(presence.online_agents.is_empty());
    assert!(!presence.chat_online());
}

#[test]
fn pr_1_only_agents_can_be_online() {
    let mut platform = FakePlatform::demo();
    let err = go_online(&mut platform, &ctx("carol", "SUP"), false, None).unwrap_err();
    assert!(matches!(err, PluginError::AccessDenied(_)), "{err}");
    let err = go_online(&mut platform, &ctx("bob", "OPS"), false, None).unwrap_err();
    assert!(matches!(err, PluginError::AccessDenied(_)), "{err}");
    let err = go_online(&mut platform, &ctx("carol", "SUP"), true, None).unwrap_err();
    assert!(matches!(err, PluginError::AccessDenied(_)), "{err}");
    let anonymous = CallContext {
        actor: None,
        project: Some("SUP".into()),
    };
    assert!(matches!(
        go_online(&mut platform, &anonymous, false, None),
        Err(PluginError::AccessDenied(_))
    ));
    assert!(platform.kv.is_empty(), "a refused call stores nothing");
}

#[test]
fn pr_1_an_agent_is_online_per_project() {
    let mut platform = FakePlatform::demo();
    go_online(&mut platform, &ctx("alice", "SUP"), false, None).unwrap();
    assert_eq!(count(&mut platform, "SUP"), 1);
    assert_eq!(count(&mut platform, "OPS"), 0);
}

#[test]
fn pr_2_chat_is_online_exactly_when_an_agent_is() {
    let mut platform = FakePlatform::demo();
    let anyone = CallContext {
        actor: None,
        project: Some("SUP".into()),
    };
    assert!(!chat_online(&mut platform, &anyone).unwrap());
    go_online(&mut platform, &ctx("bob", "SUP"), false, None).unwrap();
    assert!(chat_online(&mut platform, &anyone).unwrap());
    go_online(&mut platform, &ctx("alice", "SUP"), false, None).unwrap();
    go_offline(&mut platform, &ctx("bob", "SUP"), false).unwrap();
    assert!(chat_online(&mut platform, &anyone).unwrap());
    go_offline(&mut platform, &ctx("alice", "SUP"), false).unwrap();
    assert!(!chat_online(&mut platform, &anyone).unwrap());
    let events = platform.take_events("chat-status:SUP");
    let states: Vec<bool> = events.iter().map(|e| e.payload["online"].as_bool().unwrap()).collect();
    assert_eq!(states, vec![true, false], "one event per flip, none in between");
}

#[test]
fn pr_2_unknown_project_is_not_found() {
    let mut platform = FakePlatform::demo();
    let anyone = CallContext {
        actor: None,
        project: Some("NOPE".into()),
    };
    assert!(matches!(
        chat_online(&mut platform, &anyone),
        Err(PluginError::NotFound(_))
    ));
    let nowhere = CallContext {
        actor: None,
        project: None,
    };
    assert!(matches!(
        chat_online(&mut platform, &nowhere),
        Err(PluginError::Invalid(_))
    ));
}

#[test]
fn pr_3_counter_and_own_state_follow_changes() {
    let mut platform = FakePlatform::demo();
    go_online(&mut platform, &ctx("alice", "SUP"), false, None).unwrap();
    let presence = project_presence(&mut platform, &ctx("alice", "SUP")).unwrap();
    assert_eq!(presence.online_agents.len(), 1);
    assert!(presence.viewer.state.online);
    let events = platform.take_events("presence:SUP");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "presence-changed");
    assert_eq!(events[0].payload["user"], "alice");
    assert_eq!(events[0].payload["online_count"], 1);
    assert_eq!(events[0].payload["chat_online"], true);
}

#[test]
fn pr_3_only_staff_see_agent_presence() {
    let mut platform = FakePlatform::demo();
    assert!(matches!(
        project_presence(&mut platform, &ctx("carol", "SUP")),
        Err(PluginError::AccessDenied(_))
    ));
    let admin = project_presence(&mut platform, &ctx("dana", "SUP")).unwrap();
    assert!(!admin.viewer.is_agent);
    assert!(project_presence(&mut platform, &ctx("root", "OPS")).is_ok());
}

#[test]
fn pr_4_online_in_all_projects() {
    let mut platform = FakePlatform::demo();
    let outcome = go_online(&mut platform, &ctx("alice", "SUP"), true, None).unwrap();
    assert_eq!(outcome.changed, vec!["OPS".to_string(), "SUP".to_string()]);
    assert_eq!(count(&mut platform, "SUP"), 1);
    assert_eq!(count(&mut platform, "OPS"), 1);
}

#[test]
fn pr_4_online_in_all_projects_needs_no_current_project() {
    let mut platform = FakePlatform::demo();
    let no_project = CallContext {
        actor: Some("alice".into()),
        project: None,
    };
    go_online(&mut platform, &no_project, true, None).unwrap();
    assert_eq!(count(&mut platform, "OPS"), 1);
    assert!(matches!(
        go_online(&mut platform, &no_project, false, None),
        Err(PluginError::Invalid(_))
    ));
}

#[test]
fn pr_4_online_for_duration_ends_by_itself() {
    let mut platform = FakePlatform::demo();
    let outcome = go_online(&mut platform, &ctx("alice", "SUP"), false, Some(30)).unwrap();
    assert_eq!(outcome.states[0].state.until, Some(platform.now + 30 * 60_000));
    platform.advance_minutes(29);
    assert_eq!(count(&mut platform, "SUP"), 1);
    platform.advance_minutes(1);
    // Nothing ran: the state is computed from the facts and the time.
    assert_eq!(count(&mut platform, "SUP"), 0);
    let mine = my_presence(&mut platform, &ctx("alice", "SUP")).unwrap();
    assert!(mine.iter().all(|s| !s.state.online));
}

#[test]
fn pr_4_scheduler_records_and_announces_the_end_of_a_duration() {
    let mut platform = FakePlatform::demo();
    let start = platform.now;
    go_online(&mut platform, &ctx("alice", "SUP"), false, Some(10)).unwrap();
    go_online(&mut platform, &ctx("bob", "SUP"), false, Some(20)).unwrap();
    platform.published.clear();
    assert_eq!(scheduler_run(&mut platform), Some(start + 10 * 60_000));
    platform.advance_minutes(15);
    assert_eq!(scheduler_run(&mut platform), Some(start + 20 * 60_000));
    let events = platform.take_events("presence:SUP");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].payload["user"], "alice");
    assert_eq!(events[0].payload["cause"], "duration-ended");
    assert_eq!(events[0].payload["at"], start + 10 * 60_000);
    assert!(
        platform.take_events("chat-status:SUP").is_empty(),
        "bob is still online"
    );
    platform.advance_minutes(10);
    assert_eq!(scheduler_run(&mut platform), None);
    assert_eq!(platform.take_events("chat-status:SUP")[0].payload["online"], false);
    assert_eq!(platform.take_events("presence:SUP")[0].payload["user"], "bob");
    // Running again finds nothing more to do.
    assert_eq!(scheduler_run(&mut platform), None);
    assert!(platform.published.is_empty());
}

#[test]
fn pr_4_a_new_change_replaces_the_duration() {
    let mut platform = FakePlatform::demo();
    go_online(&mut platform, &ctx("alice", "SUP"), false, Some(10)).unwrap();
    go_online(&mut platform, &ctx("alice", "SUP"), false, None).unwrap();
    platform.advance_minutes(11);
    assert_eq!(scheduler_run(&mut platform), None);
    assert_eq!(count(&mut platform, "SUP"), 1, "online without an end now");
}

#[test]
fn pr_4_duration_out_of_range_is_refused() {
    let mut platform = FakePlatform::demo();
    for minutes in [0, MAX_DURATION_MINUTES + 1] {
        let err = go_online(&mut platform, &ctx("alice", "SUP"), false, Some(minutes)).unwrap_err();
        assert!(matches!(err, PluginError::Invalid(_)), "{err}");
    }
    assert!(platform.kv.is_empty());
}

#[test]
fn pr_5_offline_in_current_or_all_projects() {
    let mut platform = FakePlatform::demo();
    go_online(&mut platform, &ctx("alice", "SUP"), true, None).unwrap();
    go_offline(&mut platform, &ctx("alice", "SUP"), false).unwrap();
    assert_eq!((count(&mut platform, "SUP"), count(&mut platform, "OPS")), (0, 1));
    go_online(&mut platform, &ctx("alice", "SUP"), false, None).unwrap();
    let outcome = go_offline(&mut platform, &ctx("alice", "OPS"), true).unwrap();
    assert_eq!(outcome.changed.len(), 2);
    assert_eq!((count(&mut platform, "SUP"), count(&mut platform, "OPS")), (0, 0));
}

#[test]
fn pr_5_going_offline_twice_changes_nothing_more() {
    let mut platform = FakePlatform::demo();
    go_online(&mut platform, &ctx("alice", "SUP"), false, None).unwrap();
    go_offline(&mut platform, &ctx("alice", "SUP"), false).unwrap();
    platform.published.clear();
    let outcome = go_offline(&mut platform, &ctx("alice", "SUP"), false).unwrap();
    assert!(outcome.changed.is_empty());
    assert!(platform.published.is_empty());
}

#[test]
fn pr_6_lists_online_agents_by_name() {
    let mut platform = FakePlatform::demo();
    go_online(&mut platform, &ctx("bob", "SUP"), false, None).unwrap();
    go_online(&mut platform, &ctx("alice", "SUP"), false, None).unwrap();
    let presence = project_presence(&mut platform, &ctx("dana", "SUP")).unwrap();
    let names: Vec<_> = presence.online_agents.iter().map(|a| a.display_name.as_str()).collect();
    assert_eq!(names, ["Alice Agent", "Bob Agent"]);
}

#[test]
fn pr_6_an_agent_whose_role_ends_no_longer_counts() {
    let mut platform = FakePlatform::demo();
    go_online(&mut platform, &ctx("bob", "SUP"), false, None).unwrap();
    platform.revoke("bob", "SUP", ProjectRole::Agent);
    assert_eq!(count(&mut platform, "SUP"), 0);
}

#[test]
fn pr_15_every_change_is_recorded_with_who_how_and_when() {
    let mut platform = FakePlatform::demo();
    go_online(&mut platform, &ctx("alice", "SUP"), false, Some(5)).unwrap();
    platform.advance_minutes(6);
    scheduler_run(&mut platform);
    let log: Vec<PresenceChange> = platform
        .kv
        .iter()
        .filter(|(k, _)| k.starts_with("presence/log/SUP/"))
        .map(|(_, v)| serde_json::from_slice(v).unwrap())
        .collect();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].cause, log[0].by.as_deref(), log[0].online),
        (ChangeCause::Manual, Some("alice"), true)
    );
    assert_eq!(
        (log[1].cause, log[1].by.as_deref(), log[1].online),
        (ChangeCause::DurationEnded, None, false)
    );
    assert!(log[1].at > log[0].at);
}

fn scheduler_run(platform: &mut FakePlatform) -> Option<Timestamp> {
    crate::scheduler::run_due(platform).unwrap()
}

#[test]
fn pr_1_an_agent_whose_role_ends_goes_offline_and_a_new_role_starts_offline() {
    let mut platform = FakePlatform::demo();
    go_online(&mut platform, &ctx("bob", "SUP"), false, Some(60)).unwrap();
    platform.published.clear();
    let admin = ctx("root", "SUP");
    assert!(matches!(
        agent_role_ended(&mut platform, &admin, "bob"),
        Err(PluginError::Conflict(_))
    ));
    platform.revoke("bob", "SUP", ProjectRole::Agent);
    agent_role_ended(&mut platform, &admin, "bob").unwrap();
    let event = &platform.take_events("presence:SUP")[0];
    assert_eq!(
        (event.payload["cause"].as_str(), event.payload["by"].as_str()),
        (Some("admin"), Some("root"))
    );
    assert_eq!(platform.take_events("chat-status:SUP")[0].payload["online"], false);
    assert!(
        platform.kv.keys().all(|k| !k.starts_with("presence/due/")),
        "its duration is gone too"
    );
    platform.grant("bob", "SUP", ProjectRole::Agent);
    assert_eq!(count(&mut platform, "SUP"), 0, "a new agent role starts offline");
}

#[test]
fn pr_2_customers_hear_of_each_chat_change_once() {
    let mut platform = FakePlatform::demo();
    go_online(&mut platform, &ctx("alice", "SUP"), false, Some(10)).unwrap();
    go_online(&mut platform, &ctx("bob", "SUP"), false, None).unwrap();
    platform.advance_minutes(11);
    // Alice's duration has ended (not yet materialised); bob's going offline takes the
    // chat offline, and the later scheduler run must not say so a second time.
    go_offline(&mut platform, &ctx("bob", "SUP"), false).unwrap();
    scheduler_run(&mut platform);
    let states: Vec<bool> = platform
        .take_events("chat-status:SUP")
        .iter()
        .map(|e| e.payload["online"].as_bool().unwrap())
        .collect();
    assert_eq!(states, [true, false]);
}

#[test]
fn pr_4_a_backlog_of_ended_durations_is_worked_off_in_bounded_runs() {
    let mut platform = FakePlatform::demo();
    for i in 0..(MAX_DUE_PER_RUN + 5) {
        let user = format!("agent{i}");
        platform.grant(&user, "SUP", ProjectRole::Agent);
        go_online(&mut platform, &ctx(&user, "SUP"), false, Some(5)).unwrap();
    }
    platform.advance_minutes(10);
    let now = platform.now;
    assert_eq!(scheduler_run(&mut platform), Some(now), "more is due at once");
    assert_eq!(scheduler_run(&mut platform), None);
    assert_eq!(count(&mut platform, "SUP"), 0);
}

#[test]
fn pr_4_an_unreadable_due_marker_is_dropped_not_fatal() {
    let mut platform = FakePlatform::demo();
    platform.kv.insert("presence/due/garbage".into(), Vec::new());
    go_online(&mut platform, &ctx("alice", "SUP"), false, Some(1)).unwrap();
    platform.advance_minutes(2);
    assert_eq!(scheduler_run(&mut platform), None);
    assert!(!platform.kv.contains_key("presence/due/garbage"));
    assert_eq!(count(&mut platform, "SUP"), 0);
}

#[test]
fn pr_15_admins_read_the_history_newest_first_in_pages() {
    let mut platform = FakePlatform::demo();
    for _ in 0..3 {
        go_online(&mut platform, &ctx("alice", "SUP"), false, None).unwrap();
        platform.advance_minutes(1);
        go_offline(&mut platform, &ctx("alice", "SUP"), false).unwrap();
        platform.advance_minutes(1);
    }
    go_online(&mut platform, &ctx("bob", "SUP"), false, None).unwrap();
    let first = history::presence_history(&mut platform, &ctx("dana", "SUP"), None, None, 4).unwrap();
    assert_eq!(first.changes.len(), 4);
    assert_eq!(first.changes[0].user, "bob", "newest first");
    assert!(first.changes.windows(2).all(|w| w[0].at >= w[1].at));
    let rest =
        history::presence_history(&mut platform, &ctx("dana", "SUP"), None, first.cursor.as_deref(), 200).unwrap();
    assert_eq!(rest.changes.len(), 3);
    assert_eq!(rest.cursor, None);
    let alices = history::presence_history(&mut platform, &ctx("root", "SUP"), Some("alice"), None, 200).unwrap();
    assert_eq!(alices.changes.len(), 6);
    assert!(alices.changes.iter().all(|c| c.user == "alice"));
}

#[test]
fn pr_15_agents_see_only_their_own_history_and_others_none() {
    let mut platform = FakePlatform::demo();
    go_online(&mut platform, &ctx("alice", "SUP"), false, None).unwrap();
    go_online(&mut platform, &ctx("bob", "SUP"), false, None).unwrap();
    let own = history::presence_history(&mut platform, &ctx("bob", "SUP"), None, None, 10).unwrap();
    assert_eq!(own.changes.iter().map(|c| c.user.as_str()).collect::<Vec<_>>(), ["bob"]);
    let err = history::presence_history(&mut platform, &ctx("bob", "SUP"), Some("alice"), None, 10).unwrap_err();
    assert!(matches!(err, PluginError::AccessDenied(_)));
    let err = history::presence_history(&mut platform, &ctx("carol", "SUP"), None, None, 10).unwrap_err();
    assert!(matches!(err, PluginError::AccessDenied(_)));
    for limit in [0, history::MAX_PAGE + 1] {
        let err = history::presence_history(&mut platform, &ctx("dana", "SUP"), None, None, limit).unwrap_err();
        assert!(matches!(err, PluginError::Invalid(_)));
    }
    let err = history::presence_history(&mut platform, &ctx("dana", "SUP"), None, Some("elsewhere"), 10).unwrap_err();
    assert!(matches!(err, PluginError::Invalid(_)));
}
