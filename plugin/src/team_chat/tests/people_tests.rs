//! PR-14 and TC-8: people's status, chosen or turning by itself, live in everyone's list,
//! online people first.

use super::{ctx, site};
use crate::bindings::exports::helpdesk::chat::host_events::{Activity, HostEvent, SessionEnd};
use crate::bindings::exports::helpdesk::chat::team_chat::{MyStatus, PersonStatus};
use crate::capabilities::fake_host::{FakeHost, system};
use crate::error::PluginError;
use crate::team_chat::people::{get_my_status, people, set_my_status};

fn tell(host: &mut FakeHost, event: HostEvent) {
    crate::host_events::on_host_event(host, &system(), &event).unwrap();
}

fn active(host: &mut FakeHost, user: &str) {
    tell(
        host,
        HostEvent::Activity(Activity {
            user: user.into(),
            session: None,
            at: host.now,
        }),
    );
}

fn everyone() -> Vec<String> {
    ["alice", "bob", "carol", "dana", "root", "gina", "cole", "nobody"]
        .iter()
        .map(|user| user.to_string())
        .collect()
}

fn shown(host: &mut FakeHost) -> Vec<(String, PersonStatus)> {
    people(host, &ctx("carol"), &everyone())
        .unwrap()
        .into_iter()
        .map(|person| (person.user, person.status))
        .collect()
}

/// Runs the scheduler at every wake-up up to `minutes` from now, as the host's timer does.
fn wait_minutes(host: &mut FakeHost, minutes: u64) {
    let to = host.now + minutes * 60_000;
    while let Some(at) = host.wakes.iter().next().copied().filter(|at| *at <= to) {
        host.now = host.now.max(at);
        let now = host.now;
        host.wakes.retain(|wake| *wake > now);
        crate::scheduler::run_due(host).unwrap();
    }
    host.now = to;
}

#[test]
fn pr_14_tc_8_active_people_come_first_by_name_and_customers_are_left_out() {
    let mut host = site();
    active(&mut host, "root");
    active(&mut host, "bob");
    active(&mut host, "cole");
    assert_eq!(
        shown(&mut host),
        [
            ("bob".to_string(), PersonStatus::Online),
            ("root".to_string(), PersonStatus::Online),
            ("alice".to_string(), PersonStatus::Offline),
            ("carol".to_string(), PersonStatus::Offline),
            ("dana".to_string(), PersonStatus::Offline),
            ("gina".to_string(), PersonStatus::Offline),
        ],
        "online first, then by name; the customer and the unknown user are left out"
    );
    let events = host.take_events("team-people:site");
    assert_eq!(events.len(), 2, "bob and root came online; nothing of the customer");
    assert_eq!(
        (events[0].payload["user"].as_str(), events[0].payload["status"].as_str()),
        (Some("root"), Some("online"))
    );
}

#[test]
fn pr_14_idle_people_turn_away_by_themselves_at_the_minute_and_busy_stays_busy() {
    let mut host = site();
    active(&mut host, "bob");
    active(&mut host, "alice");
    set_my_status(
        &mut host,
        &ctx("alice"),
        MyStatus {
            status: PersonStatus::Busy,
            status_text: Some("In a customer call".into()),
            text_until: None,
            auto_away_minutes: Some(15),
        },
    )
    .unwrap();
    host.published.clear();
    wait_minutes(&mut host, 14);
    assert!(host.take_events("team-people:site").is_empty());
    wait_minutes(&mut host, 1);
    let events = host.take_events("team-people:site");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(
        (events[0].payload["user"].as_str(), events[0].payload["status"].as_str()),
        (Some("bob"), Some("away"))
    );
    let list = people(&mut host, &ctx("carol"), &everyone()).unwrap();
    let alice = list.iter().find(|person| person.user == "alice").unwrap();
    assert_eq!(
        (alice.status, alice.status_text.as_deref()),
        (PersonStatus::Busy, Some("In a customer call")),
        "a chosen status stays; auto-away acts on online only"
    );
    active(&mut host, "bob");
    assert_eq!(
        host.take_events("team-people:site")[0].payload["status"],
        "online",
        "back when active"
    );
    wait_minutes(&mut host, 8 * 60);
    assert!(
        shown(&mut host)
            .iter()
            .all(|(_, status)| *status == PersonStatus::Offline),
        "not seen for 8 hours: offline"
    );
}

#[test]
fn pr_14_words_end_by_themselves_auto_away_can_be_off_and_logging_out_is_offline() {
    let mut host = site();
    let start = host.now;
    set_my_status(
        &mut host,
        &ctx("bob"),
        MyStatus {
            status: PersonStatus::Online,
            status_text: Some("  Back at 3  ".into()),
            text_until: Some(start + 30 * 60_000),
            auto_away_minutes: None,
        },
    )
    .unwrap();
    let mine = get_my_status(&mut host, &ctx("bob")).unwrap();
    assert_eq!(
        (mine.status_text.as_deref(), mine.auto_away_minutes),
        (Some("Back at 3"), None)
    );
    host.published.clear();
    wait_minutes(&mut host, 30);
    let events = host.take_events("team-people:site");
    assert_eq!(
        (events.len(), events[0].payload["status_text"].is_null()),
        (1, true),
        "the words ended at their time"
    );
    let mine = get_my_status(&mut host, &ctx("bob")).unwrap();
    assert_eq!(
        (mine.status_text, mine.text_until),
        (None, None),
        "nor do they come back to the page that sets them"
    );
    wait_minutes(&mut host, 60);
    assert_eq!(
        shown(&mut host)[0],
        ("bob".to_string(), PersonStatus::Online),
        "auto-away turned off"
    );
    tell(
        &mut host,
        HostEvent::SessionEnded(SessionEnd {
            user: "bob".into(),
            session: "s1".into(),
        }),
    );
    assert!(
        shown(&mut host)
            .iter()
            .all(|(_, status)| *status == PersonStatus::Offline)
    );
    for bad in [
        MyStatus {
            status: PersonStatus::Offline,
            status_text: None,
            text_until: None,
            auto_away_minutes: Some(15),
        },
        MyStatus {
            status: PersonStatus::Away,
            status_text: Some("two\nlines".into()),
            text_until: None,
            auto_away_minutes: Some(15),
        },
        MyStatus {
            status: PersonStatus::Away,
            status_text: None,
            text_until: None,
            auto_away_minutes: Some(0),
        },
        MyStatus {
            status: PersonStatus::Away,
            status_text: Some("late".into()),
            text_until: Some(1),
            auto_away_minutes: None,
        },
    ] {
        assert!(matches!(
            set_my_status(&mut host, &ctx("bob"), bad),
            Err(PluginError::Invalid(_))
        ));
    }
    assert!(matches!(
        set_my_status(
            &mut host,
            &ctx("cole"),
            MyStatus {
                status: PersonStatus::Online,
                status_text: None,
                text_until: None,
                auto_away_minutes: None
            }
        ),
        Err(PluginError::AccessDenied(_))
    ));
}
