//! Business hours (LC-22): when the widget is closed, what it says, when it asks again, and
//! that a conversation outside them is an offline message even with an agent online.

use chrono::{TimeZone, Utc};

use super::*;
use crate::bindings::exports::helpdesk::chat::live_chat::BusinessHours;
use crate::bindings::exports::helpdesk::chat::presence::{ExpectedHours, Weekday};
use crate::live_chat::business_hours::{MAX_HOLIDAYS, business_hours, save_business_hours};

/// Milliseconds of a UTC wall-clock time.
fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> u64 {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().timestamp_millis() as u64
}

fn weekdays_nine_to_five(zone: &str, holidays: &[&str]) -> BusinessHours {
    let days = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ];
    BusinessHours {
        enabled: true,
        time_zone: zone.into(),
        hours: days
            .into_iter()
            .map(|day| ExpectedHours {
                day,
                from_minute: 9 * 60,
                to_minute: 17 * 60,
            })
            .collect(),
        holidays: holidays.iter().map(|d| d.to_string()).collect(),
    }
}

/// Bob goes online at `now` (the clock moves there first).
fn bob_online_at(host: &mut FakeHost, now: u64) {
    host.now = now;
    presence::changes::go_online(host, &as_user("bob", "SUP"), false, None).unwrap();
}

fn widget_at(
    host: &mut FakeHost,
    now: u64,
    languages: &[&str],
) -> crate::bindings::exports::helpdesk::chat::live_chat::WidgetView {
    host.now = now;
    let mut ctx = on_page(as_visitor("v-1", "SUP"), PageOrigin::Site);
    ctx.languages = languages.iter().map(|l| l.to_string()).collect();
    reads::widget(host, &ctx).unwrap()
}

#[test]
fn lc_22_outside_its_hours_the_widget_is_closed_and_says_when_the_team_is_back() {
    let mut host = FakeHost::demo();
    save_business_hours(
        &mut host,
        &as_user("dana", "SUP"),
        weekdays_nine_to_five("Europe/Oslo", &[]),
    )
    .unwrap();

    // Wednesday 1 December 2027, 10:00 in Oslo (09:00 UTC): open, and bob is online.
    bob_online_at(&mut host, at(2027, 12, 1, 9, 0));
    let open = widget_at(&mut host, at(2027, 12, 1, 9, 0), &["en"]);
    assert!(open.chat_online && open.closed.is_none(), "{open:?}");
    assert_eq!(
        open.hours_change_at,
        Some(at(2027, 12, 1, 16, 0)),
        "asks again when it closes at 17:00"
    );

    // Friday 18:00 in Oslo: closed until Monday 09:00 (08:00 UTC), even with bob online.
    bob_online_at(&mut host, at(2027, 12, 3, 17, 0));
    let closed = widget_at(&mut host, at(2027, 12, 3, 17, 0), &["de-CH", "en"]);
    assert!(!closed.chat_online, "closed means offline, whoever is online");
    let notice = closed.closed.expect("closed");
    assert_eq!(notice.back_at, Some(at(2027, 12, 6, 8, 0)));
    assert!(
        notice.text.starts_with("Wir sind gerade nicht da und ab {time}"),
        "{}",
        notice.text
    );
    assert_eq!(
        closed.hours_change_at,
        Some(at(2027, 12, 3, 23, 0)),
        "and again at midnight"
    );

    // Summer time: 09:00 in Oslo is 07:00 UTC.
    let summer = widget_at(&mut host, at(2028, 6, 2, 20, 0), &["fi"]);
    let notice = summer.closed.expect("closed at night");
    assert_eq!(
        notice.back_at,
        Some(at(2028, 6, 5, 7, 0)),
        "Friday night to Monday 09:00 CEST"
    );
    assert!(
        notice.text.starts_with("We are closed right now and back {time}"),
        "English for a language without a text"
    );
}

#[test]
fn lc_22_a_holiday_closes_a_whole_day_and_moves_the_opening() {
    let mut host = FakeHost::demo();
    let saved = save_business_hours(
        &mut host,
        &as_user("dana", "SUP"),
        weekdays_nine_to_five("UTC", &["2027-12-24", " 2027-12-23", "2027-12-23"]),
    )
    .unwrap();
    assert_eq!(
        saved.holidays,
        ["2027-12-23", "2027-12-24"],
        "sorted, trimmed, once each"
    );
    // Thursday 23 December at 10:00 is inside the hours, but a holiday; so is Friday.
    let closed = widget_at(&mut host, at(2027, 12, 23, 10, 0), &[]);
    assert_eq!(
        closed.closed.unwrap().back_at,
        Some(at(2027, 12, 27, 9, 0)),
        "back on Monday"
    );
    bob_online_at(&mut host, at(2027, 12, 27, 10, 0));
    assert!(widget_at(&mut host, at(2027, 12, 27, 10, 0), &[]).chat_online);
}

#[test]
fn lc_22_with_no_hours_at_all_the_widget_is_closed_without_a_time() {
    let mut host = FakeHost::demo();
    let mut hours = weekdays_nine_to_five("UTC", &[]);
    hours.hours.clear();
    save_business_hours(&mut host, &as_user("dana", "SUP"), hours).unwrap();
    let view = widget_at(&mut host, at(2027, 12, 1, 10, 0), &["nb"]);
    let notice = view.closed.unwrap();
    assert_eq!(notice.back_at, None);
    assert_eq!(
        notice.text,
        "Vi er stengt nå. Legg igjen en melding, så svarer vi på e-post."
    );
}

#[test]
fn lc_22_a_chat_started_while_closed_is_an_offline_message_even_with_an_agent_online() {
    let mut host = FakeHost::demo();
    save_business_hours(&mut host, &as_user("dana", "SUP"), weekdays_nine_to_five("UTC", &[])).unwrap();
    bob_online_at(&mut host, at(2027, 12, 4, 12, 0)); // a Saturday
    let visitor = as_visitor("v-1", "SUP");
    let mut no_address = start("m1", "Anyone there?");
    no_address.email = None;
    let refused = conversations::start_conversation(&mut host, &visitor, no_address).unwrap_err();
    assert!(
        matches!(&refused, PluginError::Invalid(m) if m.contains("we are closed now")),
        "{refused:?}"
    );
    let conv = conversations::start_conversation(&mut host, &visitor, start("m2", "Anyone there?")).unwrap();
    assert!(conv.offline, "answers go by e-mail");
}

#[test]
fn lc_22_only_admins_set_business_hours_and_bad_hours_are_refused() {
    let mut host = FakeHost::demo();
    let dana = as_user("dana", "SUP");
    assert!(!business_hours(&mut host, &dana).unwrap().enabled, "off until set");
    assert!(matches!(
        save_business_hours(&mut host, &as_user("bob", "SUP"), weekdays_nine_to_five("UTC", &[])),
        Err(PluginError::AccessDenied(_))
    ));
    assert!(matches!(
        business_hours(&mut host, &as_user("bob", "SUP")),
        Err(PluginError::AccessDenied(_))
    ));
    let bad_zone = weekdays_nine_to_five("Mars/Olympus", &[]);
    assert!(matches!(
        save_business_hours(&mut host, &dana, bad_zone),
        Err(PluginError::Invalid(_))
    ));
    let mut backwards = weekdays_nine_to_five("UTC", &[]);
    backwards.hours[0].to_minute = 8 * 60;
    assert!(matches!(
        save_business_hours(&mut host, &dana, backwards),
        Err(PluginError::Invalid(_))
    ));
    let bad_day = weekdays_nine_to_five("UTC", &["2027-02-30"]);
    assert!(
        matches!(save_business_hours(&mut host, &dana, bad_day), Err(PluginError::Invalid(m)) if m.contains("2027-02-30"))
    );
    let many: Vec<String> = (0..=MAX_HOLIDAYS)
        .map(|n| format!("2027-{:02}-{:02}", 1 + n / 28, 1 + n % 28))
        .collect();
    let mut too_many = weekdays_nine_to_five("UTC", &[]);
    too_many.holidays = many;
    assert!(matches!(
        save_business_hours(&mut host, &dana, too_many),
        Err(PluginError::LimitExceeded(_))
    ));
    assert!(
        !business_hours(&mut host, &dana).unwrap().enabled,
        "nothing refused was kept"
    );
}
