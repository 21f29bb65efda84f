//! PR-9: the inactivity timeout ends an online state with nobody acting, at its minute;
//! activity in any tab or on any device postpones it; project admins set it.

use super::*;
use crate::bindings::exports::helpdesk::chat::host_events::Activity;
use crate::bindings::exports::helpdesk::chat::presence::PresenceSettings;
use crate::presence::settings::{load, save_presence_settings};

fn active(host: &mut FakeHost, user: &str) {
    let event = HostEvent::Activity(Activity {
        user: user.into(),
        session: None,
        at: host.now,
    });
    crate::host_events::on_host_event(host, &crate::capabilities::fake_host::system(), &event).unwrap();
}

#[test]
fn pr_9_an_inactive_agent_is_offline_exactly_at_the_timeout_with_nobody_acting() {
    let mut host = FakeHost::demo();
    let start = host.now;
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    host.advance_minutes(59);
    assert_eq!(count(&mut host, "SUP"), 1);
    host.advance_minutes(1);
    // Before the scheduler runs, every read already says offline (PR-9 like PR-4).
    assert_eq!(count(&mut host, "SUP"), 0, "offline at the minute");
    assert!(!chat_status(&mut host, &anonymous_in(Some("SUP"))).unwrap().online);
    assert!(
        project_presence(&mut host, &ctx("dana", "SUP"))
            .unwrap()
            .online_agents
            .is_empty()
    );
    host.published.clear();
    scheduler_run(&mut host);
    let events = host.take_events("presence:SUP");
    assert_eq!(events[0].payload["cause"], "inactivity");
    assert_eq!(
        events[0].payload["at"],
        start + 60 * 60_000,
        "recorded at the timeout, not at the run"
    );
    let history = presence_history(&mut host, &ctx("dana", "SUP"), &everyone(), None, Some(1)).unwrap();
    assert_eq!(
        (history.changes[0].cause, history.changes[0].by.as_deref()),
        (ChangeCause::Inactivity, None)
    );
}

#[test]
fn pr_9_activity_in_any_tab_postpones_the_timeout_in_every_project() {
    let mut host = FakeHost::demo();
    let start = host.now;
    go_online(&mut host, &ctx("alice", "SUP"), true, None).unwrap();
    host.advance_minutes(50);
    active(&mut host, "alice");
    host.advance_minutes(50);
    assert_eq!(
        (count(&mut host, "SUP"), count(&mut host, "OPS")),
        (1, 1),
        "100 minutes on, 50 after her activity"
    );
    assert_eq!(
        scheduler_run(&mut host),
        Some(start + 110 * 60_000),
        "woken at the new timeout"
    );
    host.advance_minutes(10);
    assert_eq!((count(&mut host, "SUP"), count(&mut host, "OPS")), (0, 0));
    active(&mut host, "alice");
    assert_eq!(
        count(&mut host, "SUP"),
        0,
        "activity after the timeout does not bring her back"
    );
}

#[test]
fn pr_9_a_duration_ending_first_is_still_a_duration() {
    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("bob", "SUP"), false, Some(30)).unwrap();
    host.advance_minutes(30);
    host.published.clear();
    scheduler_run(&mut host);
    assert_eq!(host.take_events("presence:SUP")[0].payload["cause"], "duration-ended");
}

#[test]
fn pr_9_project_admins_set_the_timeout_and_it_applies_from_the_next_change() {
    let mut host = FakeHost::demo();
    assert_eq!(load(&mut host, "SUP").unwrap().inactivity_minutes, 60);
    for who in ["alice", "carol"] {
        assert!(matches!(
            save_presence_settings(&mut host, &ctx(who, "SUP"), PresenceSettings { inactivity_minutes: 10 }),
            Err(PluginError::AccessDenied(_))
        ));
    }
    for bad in [0, 4, 1441] {
        assert!(matches!(
            save_presence_settings(
                &mut host,
                &ctx("dana", "SUP"),
                PresenceSettings {
                    inactivity_minutes: bad
                }
            ),
            Err(PluginError::Invalid(_))
        ));
    }
    save_presence_settings(
        &mut host,
        &ctx("dana", "SUP"),
        PresenceSettings { inactivity_minutes: 10 },
    )
    .unwrap();
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    host.advance_minutes(10);
    assert_eq!(count(&mut host, "SUP"), 0);
}

#[test]
fn pr_9_activity_told_late_counts_from_when_it_happened_and_never_moves_the_timeout_back() {
    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    host.advance_minutes(30);
    // The host held back activity of 40 s ago and tells of it now.
    let happened = host.now - 40_000;
    let told = |host: &mut FakeHost, at| {
        let event = HostEvent::Activity(Activity {
            user: "bob".into(),
            session: None,
            at,
        });
        crate::host_events::on_host_event(host, &crate::capabilities::fake_host::system(), &event).unwrap();
    };
    told(&mut host, happened);
    host.now = happened + 60 * 60_000 - 1;
    assert_eq!(count(&mut host, "SUP"), 1, "a full hour from the activity itself");
    host.now += 1;
    assert_eq!(count(&mut host, "SUP"), 0, "and not a minute more");

    let mut host = FakeHost::demo();
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    host.advance_minutes(30);
    active(&mut host, "bob");
    let late = host.now - 20 * 60_000;
    told(&mut host, late);
    host.advance_minutes(59);
    assert_eq!(
        count(&mut host, "SUP"),
        1,
        "an older activity told late moves nothing back"
    );
}
