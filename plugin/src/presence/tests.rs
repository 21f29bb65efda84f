//! Native tests of the presence rules, named after the SPEC features they cover.

use super::*;
use crate::bindings::exports::helpdesk::chat::host_events::{HostEvent, RoleChange};
use crate::bindings::exports::helpdesk::chat::presence::{ChangeCause, HistoryFilter, PresenceChange};
use crate::bindings::helpdesk::chat::types::{CallContext, ProjectRole, Timestamp};
use crate::capabilities::fake_host::{FakeHost, anonymous_in, as_user};
use crate::error::PluginError;

fn ctx(actor: &str, project: &str) -> CallContext {
    as_user(actor, project)
}

/// A history filter that narrows nothing.
fn everyone() -> HistoryFilter {
    HistoryFilter {
        user: None,
        since: None,
        until: None,
    }
}

/// A history filter for one agent.
fn only(user: &str) -> HistoryFilter {
    HistoryFilter {
        user: Some(user.into()),
        ..everyone()
    }
}

fn count(host: &mut FakeHost, project: &str) -> u32 {
    let now = host.now;
    online_list::count(host, project, now).unwrap()
}

/// Runs the scheduler as the host would, and returns the earliest wake-up it asked for.
fn scheduler_run(host: &mut FakeHost) -> Option<Timestamp> {
    host.wakes.clear();
    crate::scheduler::run_due(host).unwrap();
    host.wakes.iter().next().copied()
}

/// Moves the clock to `to`, running the scheduler at every wake-up asked for on the way,
/// as the host's timer does.
fn run_clock_to(host: &mut FakeHost, to: Timestamp) {
    while let Some(at) = host.wakes.iter().next().copied().filter(|at| *at <= to) {
        host.now = host.now.max(at);
        let now = host.now;
        host.wakes.retain(|wake| *wake > now);
        crate::scheduler::run_due(host).unwrap();
    }
    host.now = to;
}

/// The instant of a UTC date and time.
fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> Timestamp {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(year, month, day, hour, minute, 0)
        .unwrap()
        .timestamp_millis() as Timestamp
}

fn role_removed(
    host: &mut FakeHost,
    by: &str,
    user: &str,
    project: &str,
    role: ProjectRole,
) -> Result<(), PluginError> {
    let event = HostEvent::RoleRemoved(RoleChange {
        user: user.into(),
        project: project.into(),
        role,
    });
    crate::host_events::on_host_event(host, &ctx(by, project), &event)
}

#[test]
fn pr_1_new_agents_start_offline() {
    let mut host = FakeHost::demo();
    let presence = project_presence(&mut host, &ctx("alice", "SUP")).unwrap();
    assert!(presence.viewer.is_agent);
    assert!(!presence.viewer.online);
    assert!(presence.online_agents.is_empty());
    assert!(!presence.chat_online);
}

#[test]
fn pr_1_only_agents_can_be_online() {
    let mut host = FakeHost::demo();
    let err = go_online(&mut host, &ctx("carol", "SUP"), false, None).unwrap_err();
    assert!(matches!(err, PluginError::AccessDenied(_)), "{err}");
    let err = go_online(&mut host, &ctx("bob", "OPS"), false, None).unwrap_err();
    assert!(matches!(err, PluginError::AccessDenied(_)), "{err}");
    let err = go_online(&mut host, &ctx("carol", "SUP"), true, None).unwrap_err();
    assert!(matches!(err, PluginError::AccessDenied(_)), "{err}");
    let anonymous = anonymous_in(Some("SUP"));
    assert!(matches!(
        go_online(&mut host, &anonymous, false, None),
        Err(PluginError::AccessDenied(_))
    ));
    assert!(host.kv.is_empty(), "a refused call stores nothing");
}

#[test]
fn pr_1_an_agent_is_online_per_project() {
    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("alice", "SUP"), false, None).unwrap();
    assert_eq!(count(&mut host, "SUP"), 1);
    assert_eq!(count(&mut host, "OPS"), 0);
}

#[test]
fn pr_2_chat_is_online_exactly_when_an_agent_is() {
    let mut host = FakeHost::demo();
    let anyone = anonymous_in(Some("SUP"));
    assert!(!chat_status(&mut host, &anyone).unwrap().online);
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    assert!(chat_status(&mut host, &anyone).unwrap().online);
    go_online(&mut host, &ctx("alice", "SUP"), false, None).unwrap();
    go_offline(&mut host, &ctx("bob", "SUP"), false).unwrap();
    assert!(chat_status(&mut host, &anyone).unwrap().online);
    go_offline(&mut host, &ctx("alice", "SUP"), false).unwrap();
    assert!(!chat_status(&mut host, &anyone).unwrap().online);
    let events = host.take_events("chat-status:SUP");
    let states: Vec<bool> = events.iter().map(|e| e.payload["online"].as_bool().unwrap()).collect();
    assert_eq!(states, vec![true, false], "one event per flip, none in between");
}

#[test]
fn pr_2_unknown_project_is_not_found() {
    let mut host = FakeHost::demo();
    let anyone = anonymous_in(Some("NOPE"));
    assert!(matches!(chat_status(&mut host, &anyone), Err(PluginError::NotFound(_))));
    let nowhere = anonymous_in(None);
    assert!(matches!(chat_status(&mut host, &nowhere), Err(PluginError::Invalid(_))));
}

#[test]
fn pr_3_counter_and_own_state_follow_changes() {
    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("alice", "SUP"), false, None).unwrap();
    let presence = project_presence(&mut host, &ctx("alice", "SUP")).unwrap();
    assert_eq!(presence.online_agents.len(), 1);
    assert!(presence.viewer.online);
    let events = host.take_events("presence:SUP");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "presence-changed");
    assert_eq!(events[0].payload["user"], "alice");
    assert_eq!(events[0].payload["online_count"], 1);
    assert_eq!(events[0].payload["chat_online"], true);
}

#[test]
fn pr_3_only_staff_see_agent_presence() {
    let mut host = FakeHost::demo();
    assert!(matches!(
        project_presence(&mut host, &ctx("carol", "SUP")),
        Err(PluginError::AccessDenied(_))
    ));
    let admin = project_presence(&mut host, &ctx("dana", "SUP")).unwrap();
    assert!(!admin.viewer.is_agent);
    assert!(project_presence(&mut host, &ctx("root", "OPS")).is_ok());
}

#[test]
fn pr_4_online_in_all_projects() {
    let mut host = FakeHost::demo();
    let outcome = go_online(&mut host, &ctx("alice", "SUP"), true, None).unwrap();
    assert_eq!(outcome.changed, vec!["OPS".to_string(), "SUP".to_string()]);
    assert_eq!(count(&mut host, "SUP"), 1);
    assert_eq!(count(&mut host, "OPS"), 1);
}

#[test]
fn pr_4_online_in_all_projects_needs_no_current_project() {
    let mut host = FakeHost::demo();
    let no_project = CallContext {
        project: None,
        ..ctx("alice", "SUP")
    };
    go_online(&mut host, &no_project, true, None).unwrap();
    assert_eq!(count(&mut host, "OPS"), 1);
    assert!(matches!(
        go_online(&mut host, &no_project, false, None),
        Err(PluginError::Invalid(_))
    ));
}

#[test]
fn pr_4_online_for_duration_ends_by_itself() {
    let mut host = FakeHost::demo();
    let outcome = go_online(&mut host, &ctx("alice", "SUP"), false, Some(30)).unwrap();
    assert_eq!(outcome.states[0].until, Some(host.now + 30 * 60_000));
    host.advance_minutes(29);
    assert_eq!(count(&mut host, "SUP"), 1);
    host.advance_minutes(1);
    // Nothing ran: the state is computed from the facts and the time.
    assert_eq!(count(&mut host, "SUP"), 0);
    let mine = my_presence(&mut host, &ctx("alice", "SUP")).unwrap();
    assert!(mine.iter().all(|s| !s.online));
}

#[test]
fn pr_4_scheduler_records_and_announces_the_end_of_a_duration() {
    let mut host = FakeHost::demo();
    let start = host.now;
    go_online(&mut host, &ctx("alice", "SUP"), false, Some(10)).unwrap();
    go_online(&mut host, &ctx("bob", "SUP"), false, Some(20)).unwrap();
    host.published.clear();
    assert_eq!(scheduler_run(&mut host), Some(start + 10 * 60_000));
    host.advance_minutes(15);
    assert_eq!(scheduler_run(&mut host), Some(start + 20 * 60_000));
    let events = host.take_events("presence:SUP");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].payload["user"], "alice");
    assert_eq!(events[0].payload["cause"], "duration-ended");
    assert_eq!(events[0].payload["at"], start + 10 * 60_000);
    assert!(host.take_events("chat-status:SUP").is_empty(), "bob is still online");
    host.advance_minutes(10);
    assert_eq!(scheduler_run(&mut host), None);
    assert_eq!(host.take_events("chat-status:SUP")[0].payload["online"], false);
    assert_eq!(host.take_events("presence:SUP")[0].payload["user"], "bob");
    // Running again finds nothing more to do.
    assert_eq!(scheduler_run(&mut host), None);
    assert!(host.published.is_empty());
}

#[test]
fn pr_4_a_new_change_replaces_the_duration() {
    let mut host = FakeHost::demo();
    let start = host.now;
    go_online(&mut host, &ctx("alice", "SUP"), false, Some(10)).unwrap();
    go_online(&mut host, &ctx("alice", "SUP"), false, None).unwrap();
    host.advance_minutes(11);
    assert_eq!(
        scheduler_run(&mut host),
        Some(start + 60 * 60_000),
        "the next wake-up is the inactivity timeout (PR-9), not the replaced duration"
    );
    assert_eq!(count(&mut host, "SUP"), 1, "online without a duration now");
}

#[test]
fn pr_4_duration_out_of_range_is_refused() {
    let mut host = FakeHost::demo();
    for minutes in [0, MAX_DURATION_MINUTES + 1] {
        let err = go_online(&mut host, &ctx("alice", "SUP"), false, Some(minutes)).unwrap_err();
        assert!(matches!(err, PluginError::Invalid(_)), "{err}");
    }
    assert!(host.kv.is_empty());
}

#[test]
fn pr_5_offline_in_current_or_all_projects() {
    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("alice", "SUP"), true, None).unwrap();
    go_offline(&mut host, &ctx("alice", "SUP"), false).unwrap();
    assert_eq!((count(&mut host, "SUP"), count(&mut host, "OPS")), (0, 1));
    go_online(&mut host, &ctx("alice", "SUP"), false, None).unwrap();
    let outcome = go_offline(&mut host, &ctx("alice", "OPS"), true).unwrap();
    assert_eq!(outcome.changed.len(), 2);
    assert_eq!((count(&mut host, "SUP"), count(&mut host, "OPS")), (0, 0));
}

#[test]
fn pr_5_going_offline_twice_changes_nothing_more() {
    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("alice", "SUP"), false, None).unwrap();
    go_offline(&mut host, &ctx("alice", "SUP"), false).unwrap();
    host.published.clear();
    let outcome = go_offline(&mut host, &ctx("alice", "SUP"), false).unwrap();
    assert!(outcome.changed.is_empty());
    assert!(host.published.is_empty());
}

#[test]
fn pr_6_lists_online_agents_by_name() {
    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    go_online(&mut host, &ctx("alice", "SUP"), false, None).unwrap();
    let presence = project_presence(&mut host, &ctx("dana", "SUP")).unwrap();
    let names: Vec<_> = presence.online_agents.iter().map(|a| a.display_name.as_str()).collect();
    assert_eq!(names, ["Alice Agent", "Bob Agent"]);
}

#[test]
fn pr_6_an_agent_whose_name_begins_with_the_last_code_point_is_listed_too() {
    let mut host = FakeHost::demo();
    host.add_user("odd", "\u{10FFFF}Odd", false);
    host.grant("odd", "SUP", ProjectRole::Agent);
    go_online(&mut host, &ctx("odd", "SUP"), false, None).unwrap();
    go_online(&mut host, &ctx("alice", "SUP"), false, None).unwrap();
    let presence = project_presence(&mut host, &ctx("dana", "SUP")).unwrap();
    let mut names: Vec<_> = presence.online_agents.iter().map(|a| a.display_name.as_str()).collect();
    // Where a noncharacter sorts is of no matter; that the agent is listed is.
    names.sort();
    assert_eq!(presence.online_count, 2);
    assert_eq!(names, ["Alice Agent", "\u{10FFFF}Odd"]);
}

#[test]
fn pr_6_an_agent_whose_role_ends_no_longer_counts() {
    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    host.revoke("bob", "SUP", ProjectRole::Agent);
    role_removed(&mut host, "root", "bob", "SUP", ProjectRole::Agent).unwrap();
    assert_eq!(count(&mut host, "SUP"), 0);
    let presence = project_presence(&mut host, &ctx("dana", "SUP")).unwrap();
    assert!(presence.online_agents.is_empty());
}

#[test]
fn pr_15_every_change_is_recorded_with_who_how_and_when() {
    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("alice", "SUP"), false, Some(5)).unwrap();
    host.advance_minutes(6);
    scheduler_run(&mut host);
    let log: Vec<PresenceChange> = host
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

#[test]
fn pr_1_an_agent_whose_role_ends_goes_offline_and_a_new_role_starts_offline() {
    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("bob", "SUP"), false, Some(60)).unwrap();
    host.published.clear();
    assert!(matches!(
        role_removed(&mut host, "root", "bob", "SUP", ProjectRole::Agent),
        Err(PluginError::Conflict(_))
    ));
    host.revoke("bob", "SUP", ProjectRole::Agent);
    role_removed(&mut host, "root", "bob", "SUP", ProjectRole::Agent).unwrap();
    assert_eq!(host.access_changes, ["bob"], "bob's streams are authorized again");
    let event = &host.take_events("presence:SUP")[0];
    assert_eq!(
        (event.payload["cause"].as_str(), event.payload["by"].as_str()),
        (Some("admin"), Some("root"))
    );
    assert_eq!(host.take_events("chat-status:SUP")[0].payload["online"], false);
    assert!(
        host.kv
            .keys()
            .all(|k| !k.starts_with("presence/due/") && !k.starts_with("presence/ends/")),
        "its duration is gone too"
    );
    host.grant("bob", "SUP", ProjectRole::Agent);
    assert_eq!(count(&mut host, "SUP"), 0, "a new agent role starts offline");
}

#[test]
fn pr_2_customers_hear_of_each_chat_change_once() {
    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("alice", "SUP"), false, Some(10)).unwrap();
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    host.advance_minutes(11);
    // Alice's duration has ended (not yet materialised); bob's going offline takes the
    // chat offline, and the later scheduler run must not say so a second time.
    go_offline(&mut host, &ctx("bob", "SUP"), false).unwrap();
    scheduler_run(&mut host);
    let states: Vec<bool> = host
        .take_events("chat-status:SUP")
        .iter()
        .map(|e| e.payload["online"].as_bool().unwrap())
        .collect();
    assert_eq!(states, [true, false]);
}

#[test]
fn pr_4_a_backlog_of_ended_durations_is_worked_off_in_bounded_runs() {
    let mut host = FakeHost::demo();
    for i in 0..(due::MAX_DUE_PER_RUN + 5) {
        let user = format!("agent{i}");
        host.grant(&user, "SUP", ProjectRole::Agent);
        go_online(&mut host, &ctx(&user, "SUP"), false, Some(5)).unwrap();
    }
    host.advance_minutes(10);
    let now = host.now;
    assert_eq!(scheduler_run(&mut host), Some(now), "more is due at once");
    assert_eq!(scheduler_run(&mut host), None);
    assert_eq!(count(&mut host, "SUP"), 0);
}

#[test]
fn pr_4_an_unreadable_due_marker_is_dropped_not_fatal() {
    let mut host = FakeHost::demo();
    host.kv.insert("presence/due/garbage".into(), Vec::new());
    go_online(&mut host, &ctx("alice", "SUP"), false, Some(1)).unwrap();
    host.advance_minutes(2);
    assert_eq!(scheduler_run(&mut host), None);
    assert!(!host.kv.contains_key("presence/due/garbage"));
    assert_eq!(count(&mut host, "SUP"), 0);
}

#[test]
fn pr_15_admins_read_the_history_newest_first_in_pages() {
    let mut host = FakeHost::demo();
    for _ in 0..3 {
        go_online(&mut host, &ctx("alice", "SUP"), false, None).unwrap();
        host.advance_minutes(1);
        go_offline(&mut host, &ctx("alice", "SUP"), false).unwrap();
        host.advance_minutes(1);
    }
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    let first = history::presence_history(&mut host, &ctx("dana", "SUP"), &everyone(), None, Some(4)).unwrap();
    assert_eq!(first.changes.len(), 4);
    assert_eq!(first.changes[0].user, "bob", "newest first");
    assert!(first.changes.windows(2).all(|w| w[0].at >= w[1].at));
    let rest = history::presence_history(
        &mut host,
        &ctx("dana", "SUP"),
        &everyone(),
        first.cursor.as_deref(),
        Some(200),
    )
    .unwrap();
    assert_eq!(rest.changes.len(), 3);
    assert_eq!(rest.cursor, None);
    let alices = history::presence_history(&mut host, &ctx("root", "SUP"), &only("alice"), None, Some(200)).unwrap();
    assert_eq!(alices.changes.len(), 6);
    assert!(alices.changes.iter().all(|c| c.user == "alice"));
}

#[test]
fn pr_15_agents_see_only_their_own_history_and_others_none() {
    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("alice", "SUP"), false, None).unwrap();
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    let own = history::presence_history(&mut host, &ctx("bob", "SUP"), &everyone(), None, Some(10)).unwrap();
    assert_eq!(own.changes.iter().map(|c| c.user.as_str()).collect::<Vec<_>>(), ["bob"]);
    let err = history::presence_history(&mut host, &ctx("bob", "SUP"), &only("alice"), None, Some(10)).unwrap_err();
    assert!(matches!(err, PluginError::AccessDenied(_)));
    let err = history::presence_history(&mut host, &ctx("carol", "SUP"), &everyone(), None, Some(10)).unwrap_err();
    assert!(matches!(err, PluginError::AccessDenied(_)));
    for limit in [0, history::MAX_PAGE + 1] {
        let err =
            history::presence_history(&mut host, &ctx("dana", "SUP"), &everyone(), None, Some(limit)).unwrap_err();
        assert!(matches!(err, PluginError::Invalid(_)));
    }
    let err = history::presence_history(&mut host, &ctx("dana", "SUP"), &everyone(), Some("elsewhere"), Some(10))
        .unwrap_err();
    assert!(matches!(err, PluginError::Invalid(_)));
}

#[test]
fn pr_4_a_duration_asks_to_be_woken_at_its_end() {
    let mut host = FakeHost::demo();
    let outcome = go_online(&mut host, &ctx("alice", "SUP"), false, Some(30)).unwrap();
    assert_eq!(
        host.wakes.iter().copied().collect::<Vec<_>>(),
        [outcome.states[0].until.unwrap()]
    );
}

#[test]
fn pr_6_the_online_list_pages_by_name_and_counts_without_reading_every_agent() {
    let mut host = FakeHost::demo();
    for i in 0..120 {
        let user = format!("agent{i:03}");
        host.add_user(&user, &format!("Agent {:03}", 119 - i), false);
        host.grant(&user, "SUP", ProjectRole::Agent);
        // Every third agent goes online for five minutes only.
        let minutes = (i % 3 == 0).then_some(5);
        go_online(&mut host, &ctx(&user, "SUP"), false, minutes).unwrap();
    }
    let presence = project_presence(&mut host, &ctx("dana", "SUP")).unwrap();
    assert_eq!(presence.online_count, 120);
    assert_eq!(presence.online_agents.len(), reads::FIRST_PAGE as usize);
    assert_eq!(presence.online_agents[0].display_name, "Agent 000");
    let mut names: Vec<String> = presence.online_agents.iter().map(|a| a.display_name.clone()).collect();
    let mut cursor = presence.more_online.clone();
    while let Some(after) = cursor {
        let page = online_agents(&mut host, &ctx("alice", "SUP"), Some(&after), Some(30)).unwrap();
        names.extend(page.agents.iter().map(|a| a.display_name.clone()));
        cursor = page.cursor;
    }
    let expected: Vec<String> = (0..120).map(|i| format!("Agent {i:03}")).collect();
    assert_eq!(names, expected, "every agent once, by name");

    // The short durations end; before the scheduler runs, reads already leave them out.
    host.advance_minutes(6);
    assert_eq!(count(&mut host, "SUP"), 80);
    let page = online_agents(&mut host, &ctx("dana", "SUP"), None, Some(200)).unwrap();
    assert_eq!(page.agents.len(), 80);
    scheduler_run(&mut host);
    assert_eq!(count(&mut host, "SUP"), 80, "the same once they are taken off");
    assert_eq!(host.keys_under("presence/online/SUP/").len(), 80);
}

#[test]
fn pr_6_online_pages_refuse_bad_limits_and_foreign_cursors() {
    let mut host = FakeHost::demo();
    for limit in [0, reads::MAX_PAGE + 1] {
        let err = online_agents(&mut host, &ctx("dana", "SUP"), None, Some(limit)).unwrap_err();
        assert!(matches!(err, PluginError::Invalid(_)), "{err}");
    }
    let err = online_agents(&mut host, &ctx("dana", "SUP"), Some("presence/online/OPS/x"), Some(10)).unwrap_err();
    assert!(matches!(err, PluginError::Invalid(_)), "{err}");
    let err = online_agents(&mut host, &ctx("carol", "SUP"), None, Some(10)).unwrap_err();
    assert!(matches!(err, PluginError::AccessDenied(_)), "{err}");
}

#[test]
fn pr_15_each_project_numbers_its_own_history() {
    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("alice", "SUP"), true, None).unwrap();
    assert_eq!(host.kv.get("presence/log-seq/SUP").map(Vec::as_slice), Some(&b"1"[..]));
    assert_eq!(host.kv.get("presence/log-seq/OPS").map(Vec::as_slice), Some(&b"1"[..]));
    assert!(!host.kv.contains_key(keys::LOG_SEQ_0_1));
}

/// A store as plugin 0.1 left it: alice online in SUP and OPS, bob online in SUP for a while,
/// carol's record online in SUP though she is no agent, and one history counter.
fn store_of_0_1(host: &mut FakeHost) -> Timestamp {
    let bob_until = host.now + 30 * 60_000;
    let record = |online: bool, until: Option<Timestamp>| {
        format!(
            r#"{{"online":{online},"since":1000,"until":{},"cause":"manual","by":null}}"#,
            until.map_or("null".to_string(), |u| u.to_string())
        )
    };
    for (key, value) in [
        ("presence/agent/SUP/alice".to_string(), record(true, None)),
        ("presence/agent/OPS/alice".to_string(), record(true, None)),
        ("presence/agent/SUP/bob".to_string(), record(true, Some(bob_until))),
        ("presence/agent/SUP/carol".to_string(), record(true, None)),
        ("presence/agent/SUP/dana".to_string(), record(false, None)),
        (keys::due(bob_until, "SUP", "bob"), String::new()),
        (keys::LOG_SEQ_0_1.to_string(), "7".to_string()),
    ] {
        host.kv.insert(key, value.into_bytes());
    }
    bob_until
}

#[test]
fn pl_4_a_store_of_plugin_0_1_is_migrated_to_the_online_list() {
    let mut host = FakeHost::demo();
    let bob_until = store_of_0_1(&mut host);
    crate::lifecycle::migrate(&mut host, Some("0.1.0")).unwrap();

    assert_eq!(count(&mut host, "SUP"), 2, "alice and bob; carol is no agent");
    assert_eq!(count(&mut host, "OPS"), 1);
    let presence = project_presence(&mut host, &ctx("dana", "SUP")).unwrap();
    let names: Vec<&str> = presence.online_agents.iter().map(|a| a.display_name.as_str()).collect();
    assert_eq!(names, ["Alice Agent", "Bob Agent"]);
    assert_eq!(presence.online_agents[1].until, Some(bob_until));
    assert_eq!(
        host.wakes.iter().copied().collect::<Vec<_>>(),
        [bob_until],
        "woken when bob's duration ends"
    );
    assert!(!host.kv.contains_key(keys::LOG_SEQ_0_1));

    // History goes on numbering after 0.1's counter.
    go_offline(&mut host, &ctx("alice", "SUP"), false).unwrap();
    assert!(
        host.keys_under("presence/log/SUP/")
            .iter()
            .any(|k| k.ends_with("/000000000008"))
    );
    // Bob's duration ends as any other.
    host.advance_minutes(31);
    scheduler_run(&mut host);
    assert_eq!(count(&mut host, "SUP"), 0);
    assert_eq!(host.keys_under("presence/online/SUP/"), Vec::<String>::new());
}

mod history_tests;
mod inactivity_tests;
mod monitoring_tests;
mod put_offline_tests;
mod schedule_tests;
