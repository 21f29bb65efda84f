//! PR-12: a project's chosen recipients are alerted once per change of its chat that lasts
//! past the threshold; never for flapping; with expected hours, only for the chat offline
//! inside them or online outside them.

use super::*;
use crate::bindings::exports::helpdesk::chat::presence::{
    ExpectedHours, MonitoringSettings, PresenceSettings, Weekday,
};
use crate::presence::monitoring::{get_monitoring, save_monitoring};
use crate::presence::settings::save_presence_settings;

const SECOND: u64 = 1000;

fn watch(recipients: &[&str], threshold_seconds: u32) -> MonitoringSettings {
    MonitoringSettings {
        recipients: recipients.iter().map(|address| address.to_string()).collect(),
        threshold_seconds,
        expected_hours: Vec::new(),
        time_zone: "UTC".into(),
    }
}

fn subjects(host: &FakeHost) -> Vec<String> {
    host.mail.iter().map(|(_, subject, _)| subject.clone()).collect()
}

/// Moves the clock on by `ms`, running what comes due.
fn wait(host: &mut FakeHost, ms: u64) {
    let to = host.now + ms;
    run_clock_to(host, to);
}

#[test]
fn pr_12_a_change_that_lasts_past_the_threshold_alerts_each_recipient_once() {
    let mut host = FakeHost::demo();
    host.now = utc(2027, 5, 3, 8, 0);
    let saved = save_monitoring(
        &mut host,
        &ctx("dana", "SUP"),
        watch(&["lead@example.test", "ops@example.test", "LEAD@example.test"], 60),
    )
    .unwrap();
    assert_eq!(saved.recipients.len(), 2, "the same address once");
    assert!(host.mail.is_empty(), "the state when watching begins is no change");

    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    wait(&mut host, 59 * SECOND);
    assert!(host.mail.is_empty(), "not before the threshold");
    wait(&mut host, SECOND);
    assert_eq!(
        subjects(&host),
        ["[SUP] The chat is online", "[SUP] The chat is online"]
    );
    assert_eq!(
        (host.mail[0].0.clone(), host.mail[1].0.clone()),
        (
            vec!["lead@example.test".to_string()],
            vec!["ops@example.test".to_string()]
        ),
        "one message each: nobody sees the other recipients"
    );

    wait(&mut host, 29 * 60 * SECOND);
    assert_eq!(host.mail.len(), 2, "a state is alerted once, however long it lasts");
    go_offline(&mut host, &ctx("bob", "SUP"), false).unwrap();
    wait(&mut host, 60 * SECOND);
    assert_eq!(subjects(&host)[2], "[SUP] The chat is offline");
    let body = &host.mail[2].2;
    assert!(
        body.contains("no agent has been online since Mon 03 May 2027 08:30 UTC")
            && body.contains("threshold of 1 minute"),
        "{body}"
    );
}

#[test]
fn pr_12_a_flapping_agent_causes_no_storm() {
    let mut host = FakeHost::demo();
    host.now = utc(2027, 5, 3, 8, 0);
    save_monitoring(&mut host, &ctx("dana", "SUP"), watch(&["lead@example.test"], 60)).unwrap();
    for _ in 0..20 {
        go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
        wait(&mut host, 30 * SECOND);
        go_offline(&mut host, &ctx("bob", "SUP"), false).unwrap();
        wait(&mut host, 30 * SECOND);
    }
    assert!(
        host.mail.is_empty(),
        "no state lasted the threshold: {:?}",
        subjects(&host)
    );

    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    wait(&mut host, 2 * 60 * SECOND);
    assert_eq!(subjects(&host), ["[SUP] The chat is online"]);
    for _ in 0..10 {
        go_offline(&mut host, &ctx("bob", "SUP"), false).unwrap();
        wait(&mut host, 20 * SECOND);
        go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
        wait(&mut host, 40 * SECOND);
    }
    assert_eq!(
        host.mail.len(),
        1,
        "brief drops alert nobody, and online is not alerted twice"
    );
}

#[test]
fn pr_12_expected_hours_alert_only_offline_inside_them_or_online_outside_them() {
    let mut host = FakeHost::demo();
    save_presence_settings(
        &mut host,
        &ctx("dana", "SUP"),
        PresenceSettings {
            inactivity_minutes: 1440,
        },
    )
    .unwrap();
    // Monday 3 May 2027, 07:00 in Oslo (05:00 UTC, summer time).
    host.now = utc(2027, 5, 3, 5, 0);
    let weekdays = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ];
    let mut settings = watch(&["lead@example.test"], 60);
    settings.time_zone = "Europe/Oslo".into();
    settings.expected_hours = weekdays
        .iter()
        .map(|day| ExpectedHours {
            day: *day,
            from_minute: 9 * 60,
            to_minute: 17 * 60,
        })
        .collect();
    save_monitoring(&mut host, &ctx("dana", "SUP"), settings).unwrap();

    run_clock_to(&mut host, utc(2027, 5, 3, 6, 59));
    assert!(host.mail.is_empty(), "offline before the hours is as expected");
    run_clock_to(&mut host, utc(2027, 5, 3, 7, 1));
    assert_eq!(subjects(&host), ["[SUP] The chat is offline during its expected hours"]);
    assert!(
        host.mail[0].2.contains("since Mon 03 May 2027 09:00 CEST"),
        "{}",
        host.mail[0].2
    );

    run_clock_to(&mut host, utc(2027, 5, 3, 7, 30));
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    run_clock_to(&mut host, utc(2027, 5, 3, 15, 0));
    assert_eq!(host.mail.len(), 1, "online inside the hours is as expected");
    run_clock_to(&mut host, utc(2027, 5, 3, 15, 1));
    assert_eq!(
        subjects(&host)[1],
        "[SUP] The chat is online outside its expected hours"
    );
    run_clock_to(&mut host, utc(2027, 5, 3, 15, 30));
    go_offline(&mut host, &ctx("bob", "SUP"), false).unwrap();

    // Nobody comes on Tuesday to Friday: one alert each morning, none at the weekend.
    run_clock_to(&mut host, utc(2027, 5, 10, 5, 0));
    assert_eq!(host.mail.len(), 6, "{:?}", subjects(&host));
}

#[test]
fn pr_12_an_expected_hours_condition_is_timed_from_its_boundary_when_the_check_runs_late() {
    let mut host = FakeHost::demo();
    host.now = utc(2027, 5, 3, 8, 0);
    let mut settings = watch(&["lead@example.test"], 10 * 60);
    settings.expected_hours = vec![ExpectedHours {
        day: Weekday::Monday,
        from_minute: 9 * 60,
        to_minute: 17 * 60,
    }];
    save_monitoring(&mut host, &ctx("dana", "SUP"), settings).unwrap();
    // The host was down at nine and runs the due check only at 09:12.
    host.now = utc(2027, 5, 3, 9, 12);
    host.wakes.clear();
    crate::scheduler::run_due(&mut host).unwrap();
    assert_eq!(
        subjects(&host),
        ["[SUP] The chat is offline during its expected hours"],
        "offline since 09:00: ten minutes had passed by 09:12"
    );
    assert!(
        host.mail[0].2.contains("since Mon 03 May 2027 09:00 UTC"),
        "{}",
        host.mail[0].2
    );
}

#[test]
fn pr_12_no_recipients_turns_monitoring_off() {
    let mut host = FakeHost::demo();
    save_monitoring(&mut host, &ctx("dana", "SUP"), watch(&["lead@example.test"], 60)).unwrap();
    save_monitoring(&mut host, &ctx("dana", "SUP"), watch(&[], 60)).unwrap();
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    wait(&mut host, 10 * 60 * SECOND);
    assert!(host.mail.is_empty());
    assert!(
        host.keys_under("presence/monitor")
            .iter()
            .all(|key| key.starts_with("presence/monitoring/"))
    );
}

#[test]
fn pr_12_only_admins_see_or_change_monitoring_and_bad_settings_are_refused_in_words() {
    let mut host = FakeHost::demo();
    for user in ["bob", "carol"] {
        assert!(matches!(
            get_monitoring(&mut host, &ctx(user, "SUP")),
            Err(PluginError::AccessDenied(_))
        ));
        assert!(matches!(
            save_monitoring(&mut host, &ctx(user, "SUP"), watch(&["a@example.test"], 60)),
            Err(PluginError::AccessDenied(_))
        ));
    }
    assert!(matches!(
        get_monitoring(&mut host, &anonymous_in(Some("SUP"))),
        Err(PluginError::AccessDenied(_))
    ));
    let defaults = get_monitoring(&mut host, &ctx("dana", "SUP")).unwrap();
    assert_eq!(
        (
            defaults.recipients.len(),
            defaults.threshold_seconds,
            defaults.time_zone.as_str()
        ),
        (0, 60, "UTC")
    );
    save_monitoring(&mut host, &ctx("root", "OPS"), watch(&["a@example.test"], 60)).unwrap();

    let many: Vec<String> = (0..21).map(|n| format!("p{n}@example.test")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert!(matches!(
        save_monitoring(&mut host, &ctx("dana", "SUP"), watch(&many, 60)),
        Err(PluginError::LimitExceeded(_))
    ));
    let overlapping = MonitoringSettings {
        expected_hours: vec![
            ExpectedHours {
                day: Weekday::Monday,
                from_minute: 540,
                to_minute: 720,
            },
            ExpectedHours {
                day: Weekday::Monday,
                from_minute: 700,
                to_minute: 800,
            },
        ],
        ..watch(&["a@example.test"], 60)
    };
    let backwards = MonitoringSettings {
        expected_hours: vec![ExpectedHours {
            day: Weekday::Sunday,
            from_minute: 600,
            to_minute: 600,
        }],
        ..watch(&["a@example.test"], 60)
    };
    let nowhere = MonitoringSettings {
        time_zone: "Mars/Olympus".into(),
        ..watch(&["a@example.test"], 60)
    };
    for (settings, words) in [
        (watch(&["not an address"], 60), "recipients"),
        (watch(&["a@example.test"], 5), "from 10 to 86400, not 5"),
        (overlapping, "two spans on Monday overlap"),
        (backwards, "on Sunday"),
        (nowhere, "Mars/Olympus"),
    ] {
        match save_monitoring(&mut host, &ctx("dana", "SUP"), settings) {
            Err(PluginError::Invalid(message)) => assert!(message.contains(words), "{message}"),
            other => panic!("{words}: {other:?}"),
        }
    }
    assert!(
        host.keys_under("presence/monitoring/SUP").is_empty(),
        "nothing refused was kept"
    );
}

#[test]
fn pr_12_saving_the_settings_again_neither_restarts_nor_repeats_an_alert() {
    let mut host = FakeHost::demo();
    host.now = utc(2027, 5, 3, 8, 0);
    save_monitoring(&mut host, &ctx("dana", "SUP"), watch(&["lead@example.test"], 600)).unwrap();
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    wait(&mut host, 5 * 60 * SECOND);
    // A second recipient half way through: the change is still timed from its start.
    save_monitoring(
        &mut host,
        &ctx("dana", "SUP"),
        watch(&["lead@example.test", "ops@example.test"], 600),
    )
    .unwrap();
    wait(&mut host, 5 * 60 * SECOND);
    assert_eq!(host.mail.len(), 2, "alerted at ten minutes after the change, to both");
    // A corrected address after the alert: no second alert of the same state.
    save_monitoring(
        &mut host,
        &ctx("dana", "SUP"),
        watch(&["lead@example.test", "duty@example.test"], 600),
    )
    .unwrap();
    wait(&mut host, 30 * 60 * SECOND);
    assert_eq!(host.mail.len(), 2);
}
