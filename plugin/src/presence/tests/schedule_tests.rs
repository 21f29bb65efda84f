//! PR-7: weekly online schedules in each agent's own time zone, DST included; a manual
//! change overrides the schedule until its next switch.

use super::*;
use crate::bindings::exports::helpdesk::chat::presence::{OnlineSchedule, PresenceSettings, ScheduleSwitch, Weekday};
use crate::presence::schedule::{get_schedule, save_schedule};
use crate::presence::settings::save_presence_settings;

const EVERY_DAY: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// Online at `on`, offline at `off` (hours of the day), on every day.
fn nine_to_five(on: u32, off: u32) -> OnlineSchedule {
    OnlineSchedule {
        enabled: true,
        switches: EVERY_DAY
            .iter()
            .flat_map(|day| {
                [
                    ScheduleSwitch {
                        day: *day,
                        minute: on * 60,
                        online: true,
                    },
                    ScheduleSwitch {
                        day: *day,
                        minute: off * 60,
                        online: false,
                    },
                ]
            })
            .collect(),
    }
}

fn lives_in(host: &mut FakeHost, user: &str, zone: &str) {
    host.users.get_mut(user).unwrap().time_zone = zone.into();
}

/// A day-long inactivity timeout, so only the schedule switches in these tests.
fn patient(host: &mut FakeHost) {
    let day = PresenceSettings {
        inactivity_minutes: 1440,
    };
    save_presence_settings(host, &ctx("root", "SUP"), day).unwrap();
    save_presence_settings(host, &ctx("root", "OPS"), day).unwrap();
}

/// The scheduled changes of `user` in SUP, oldest first: (UTC "YYYY-MM-DD HH:MM", online).
fn scheduled_changes(host: &mut FakeHost, user: &str) -> Vec<(String, bool)> {
    let page = presence_history(host, &ctx("dana", "SUP"), &only(user), None, Some(200)).unwrap();
    page.changes
        .iter()
        .rev()
        .filter(|change| change.cause == ChangeCause::Schedule)
        .map(|change| {
            let at = chrono::DateTime::from_timestamp_millis(change.at as i64).unwrap();
            (at.format("%Y-%m-%d %H:%M").to_string(), change.online)
        })
        .collect()
}

#[test]
fn pr_7_a_schedule_switches_at_its_minute_across_dst_in_two_time_zones() {
    let mut host = FakeHost::demo();
    patient(&mut host);
    lives_in(&mut host, "alice", "Europe/Oslo");
    lives_in(&mut host, "bob", "America/New_York");
    // Friday 12 March 2027; New York moves its clocks on Sunday 14 March, Oslo on 28 March.
    host.now = utc(2027, 3, 12, 0, 0);
    save_schedule(&mut host, &ctx("alice", "SUP"), nine_to_five(9, 17)).unwrap();
    let bob = save_schedule(&mut host, &ctx("bob", "SUP"), nine_to_five(9, 17)).unwrap();
    assert_eq!(bob.time_zone, "America/New_York");
    assert_eq!(
        bob.next_switch.map(|next| (next.at, next.online)),
        Some((utc(2027, 3, 12, 14, 0), true)),
        "09:00 in New York in winter is 14:00 UTC"
    );

    run_clock_to(&mut host, utc(2027, 3, 30, 0, 0));
    let bob = scheduled_changes(&mut host, "bob");
    assert_eq!(bob.len(), 2 * 18, "two switches a day for 18 days: {bob:?}");
    assert_eq!(bob[0], ("2027-03-12 14:00".into(), true));
    assert_eq!(bob[1], ("2027-03-12 22:00".into(), false));
    assert_eq!(bob[2], ("2027-03-13 14:00".into(), true), "Saturday, still winter time");
    assert_eq!(bob[4], ("2027-03-14 13:00".into(), true), "summer time from Sunday");
    assert_eq!(bob[5], ("2027-03-14 21:00".into(), false));
    let alice = scheduled_changes(&mut host, "alice");
    assert_eq!(alice.len(), 2 * 18);
    assert_eq!(alice[0], ("2027-03-12 08:00".into(), true), "09:00 in Oslo in winter");
    assert_eq!(
        alice[30],
        ("2027-03-27 08:00".into(), true),
        "Saturday before the change"
    );
    assert_eq!(
        alice[32],
        ("2027-03-28 07:00".into(), true),
        "09:00 CEST on the day of the change"
    );
    assert_eq!(alice[33], ("2027-03-28 15:00".into(), false));
    // New York is back at winter offsets only in November; Oslo's switches stay an hour
    // earlier in UTC from now on.
    let next = get_schedule(&mut host, &ctx("alice", "SUP"))
        .unwrap()
        .next_switch
        .unwrap();
    assert_eq!((next.at, next.online), (utc(2027, 3, 30, 7, 0), true));
}

#[test]
fn pr_7_a_manual_change_overrides_the_schedule_until_its_next_switch() {
    let mut host = FakeHost::demo();
    patient(&mut host);
    host.now = utc(2027, 5, 3, 8, 0); // a Monday, UTC user
    save_schedule(&mut host, &ctx("bob", "SUP"), nine_to_five(9, 17)).unwrap();
    assert_eq!(count(&mut host, "SUP"), 0, "saving switches nobody by itself");

    run_clock_to(&mut host, utc(2027, 5, 3, 9, 0));
    assert_eq!(count(&mut host, "SUP"), 1, "online at 09:00 with nobody acting");
    let events = host.take_events("presence:SUP");
    let last = &events.last().unwrap().payload;
    assert_eq!((last["cause"].as_str(), last["by"].is_null()), (Some("schedule"), true));
    assert_eq!(last["at"], utc(2027, 5, 3, 9, 0));

    run_clock_to(&mut host, utc(2027, 5, 3, 10, 0));
    go_offline(&mut host, &ctx("bob", "SUP"), false).unwrap();
    run_clock_to(&mut host, utc(2027, 5, 3, 16, 59));
    assert_eq!(count(&mut host, "SUP"), 0, "the manual offline stands");
    run_clock_to(&mut host, utc(2027, 5, 3, 18, 0));
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    run_clock_to(&mut host, utc(2027, 5, 4, 8, 59));
    assert_eq!(count(&mut host, "SUP"), 1, "the manual online stands through the night");
    run_clock_to(&mut host, utc(2027, 5, 4, 17, 0));
    assert_eq!(
        count(&mut host, "SUP"),
        0,
        "the schedule rules again at its next switch"
    );
    let history = presence_history(&mut host, &ctx("dana", "SUP"), &only("bob"), None, Some(1)).unwrap();
    assert_eq!(
        (history.changes[0].cause, history.changes[0].at),
        (ChangeCause::Schedule, utc(2027, 5, 4, 17, 0))
    );
}

#[test]
fn pr_7_the_schedule_applies_in_every_project_where_they_are_an_agent() {
    let mut host = FakeHost::demo();
    patient(&mut host);
    host.now = utc(2027, 5, 3, 8, 0);
    save_schedule(&mut host, &ctx("alice", "OPS"), nine_to_five(9, 17)).unwrap();
    run_clock_to(&mut host, utc(2027, 5, 3, 9, 30));
    assert_eq!((count(&mut host, "SUP"), count(&mut host, "OPS")), (1, 1));
    let mine = my_presence(&mut host, &ctx("alice", "SUP")).unwrap();
    assert!(mine.iter().all(|state| state.online), "{mine:?}");
    assert!(chat_status(&mut host, &anonymous_in(Some("OPS"))).unwrap().online);
    run_clock_to(&mut host, utc(2027, 5, 3, 17, 0));
    assert_eq!((count(&mut host, "SUP"), count(&mut host, "OPS")), (0, 0));
}

#[test]
fn pr_7_a_switch_missed_while_the_host_was_down_is_made_once_at_its_minute() {
    let mut host = FakeHost::demo();
    patient(&mut host);
    host.now = utc(2027, 5, 3, 8, 0);
    save_schedule(&mut host, &ctx("bob", "SUP"), nine_to_five(9, 17)).unwrap();
    // The host was down from Monday 08:00 to Thursday 10:00: one run catches up.
    host.now = utc(2027, 5, 6, 10, 0);
    host.wakes.clear();
    crate::scheduler::run_due(&mut host).unwrap();
    assert_eq!(count(&mut host, "SUP"), 1);
    assert_eq!(
        scheduled_changes(&mut host, "bob"),
        vec![("2027-05-06 09:00".to_string(), true)],
        "only the switch in force now, at its own minute"
    );
    assert!(host.wakes.contains(&utc(2027, 5, 6, 17, 0)), "{:?}", host.wakes);
}

#[test]
fn pr_7_turning_a_schedule_off_or_saving_it_again_leaves_no_stray_switch() {
    let mut host = FakeHost::demo();
    patient(&mut host);
    host.now = utc(2027, 5, 3, 8, 0);
    save_schedule(&mut host, &ctx("bob", "SUP"), nine_to_five(9, 17)).unwrap();
    // Saved again with other hours: only the new 10:00 switches.
    let later = save_schedule(&mut host, &ctx("bob", "SUP"), nine_to_five(10, 18)).unwrap();
    assert_eq!(later.next_switch.unwrap().at, utc(2027, 5, 3, 10, 0));
    run_clock_to(&mut host, utc(2027, 5, 3, 9, 30));
    assert_eq!(count(&mut host, "SUP"), 0);
    run_clock_to(&mut host, utc(2027, 5, 3, 10, 0));
    assert_eq!(count(&mut host, "SUP"), 1);

    let mut off = nine_to_five(10, 18);
    off.enabled = false;
    let view = save_schedule(&mut host, &ctx("bob", "SUP"), off).unwrap();
    assert!(view.next_switch.is_none());
    assert_eq!(view.schedule.switches.len(), 14, "turned off, it keeps its switches");
    run_clock_to(&mut host, utc(2027, 5, 4, 9, 0));
    assert_eq!(count(&mut host, "SUP"), 1, "no offline at 18:00 once turned off");
    assert!(host.keys_under("presence/switch-due/").is_empty());
}

#[test]
fn pr_7_only_agents_have_schedules_and_bad_ones_are_refused_in_words() {
    let mut host = FakeHost::demo();
    for user in ["carol", "dana", "root"] {
        assert!(
            matches!(
                get_schedule(&mut host, &ctx(user, "SUP")),
                Err(PluginError::AccessDenied(_))
            ),
            "{user} is an agent nowhere"
        );
    }
    assert!(matches!(
        save_schedule(&mut host, &anonymous_in(Some("SUP")), nine_to_five(9, 17)),
        Err(PluginError::AccessDenied(_))
    ));
    let empty = get_schedule(&mut host, &ctx("bob", "SUP")).unwrap();
    assert!(!empty.schedule.enabled && empty.schedule.switches.is_empty());
    assert_eq!(empty.time_zone, "UTC");

    let mut late = nine_to_five(9, 17);
    late.switches[0].minute = 1440;
    let twice = OnlineSchedule {
        enabled: true,
        switches: vec![
            ScheduleSwitch {
                day: Weekday::Friday,
                minute: 600,
                online: true,
            },
            ScheduleSwitch {
                day: Weekday::Friday,
                minute: 600,
                online: false,
            },
        ],
    };
    let mut crowded = nine_to_five(9, 17);
    for minute in 0..57 {
        crowded.switches.push(ScheduleSwitch {
            day: Weekday::Monday,
            minute: 600 + minute,
            online: true,
        });
    }
    for (schedule, words) in [
        (late, "0 to 1439, not 1440"),
        (twice, "two on Friday at 10:00"),
        (crowded, "at most 70"),
    ] {
        match save_schedule(&mut host, &ctx("bob", "SUP"), schedule) {
            Err(PluginError::Invalid(message)) => assert!(message.contains(words), "{message}"),
            other => panic!("{other:?}"),
        }
    }
    lives_in(&mut host, "bob", "Atlantis/Harbour");
    match save_schedule(&mut host, &ctx("bob", "SUP"), nine_to_five(9, 17)) {
        Err(PluginError::Invalid(message)) => assert!(message.contains("Atlantis/Harbour"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert!(
        host.keys_under("presence/schedule/").is_empty(),
        "nothing refused was kept"
    );
}

#[test]
fn pr_7_saving_in_the_seconds_after_a_switch_still_makes_it() {
    let mut host = FakeHost::demo();
    patient(&mut host);
    host.now = utc(2027, 5, 3, 8, 0);
    save_schedule(&mut host, &ctx("bob", "SUP"), nine_to_five(9, 17)).unwrap();
    // 09:00:10, before the scheduler ran the 09:00 switch, bob saves other evening hours.
    host.now = utc(2027, 5, 3, 9, 0) + 10_000;
    let saved = save_schedule(&mut host, &ctx("bob", "SUP"), nine_to_five(9, 18)).unwrap();
    assert_eq!(count(&mut host, "SUP"), 1, "the 09:00 switch was made");
    assert_eq!(saved.next_switch.unwrap().at, utc(2027, 5, 3, 18, 0));
    assert_eq!(
        scheduled_changes(&mut host, "bob"),
        vec![("2027-05-03 09:00".to_string(), true)]
    );
}
