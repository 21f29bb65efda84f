//! Wall-clock times in a time zone, as instants: the schedules' switches (PR-7) and the
//! monitoring's expected hours (PR-12) both say "on this weekday, at this minute, where
//! this person (or project) lives". DST comes from the IANA database (`chrono-tz`).
//!
//! Two rules for the hour a DST change disturbs: a local time the clocks skip happens as
//! they jump (02:30 on a spring-forward night at 02:00 is the instant of 03:00); a local
//! time that happens twice happens at its first occurrence. So every weekly time happens
//! exactly once a week, whatever the zone. Team chat's history views (TC-6) start at a
//! day's midnight the same way.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::bindings::exports::helpdesk::chat::presence::Weekday;
use crate::bindings::helpdesk::chat::types::Timestamp;
use crate::error::{PluginError, PluginResult};

/// Minutes in a day.
pub const DAY_MINUTES: u32 = 24 * 60;

/// The time zone named `name` (an IANA name such as `Europe/Oslo`).
pub fn zone(name: &str) -> PluginResult<Tz> {
    name.parse::<Tz>()
        .map_err(|_| PluginError::Invalid(format!("{name:?} is no known IANA time zone")))
}

/// The WIT weekday of a chrono weekday.
pub fn weekday_of(day: chrono::Weekday) -> Weekday {
    match day {
        chrono::Weekday::Mon => Weekday::Monday,
        chrono::Weekday::Tue => Weekday::Tuesday,
        chrono::Weekday::Wed => Weekday::Wednesday,
        chrono::Weekday::Thu => Weekday::Thursday,
        chrono::Weekday::Fri => Weekday::Friday,
        chrono::Weekday::Sat => Weekday::Saturday,
        chrono::Weekday::Sun => Weekday::Sunday,
    }
}

/// A weekday's English name, for messages.
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// The instant at which `minute` minutes after midnight (0 to 1440, 1440 being the next
/// midnight) of `date` happens in `tz`, under the two DST rules above.
pub fn instant_of(tz: Tz, date: NaiveDate, minute: u32) -> Timestamp {
    let start = date.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::minutes(i64::from(minute));
    // A skipped local time: the first local minute after it that exists is when the clocks
    // jumped. No zone skips more than a day.
    for skipped in 0..=DAY_MINUTES {
        let local = start + Duration::minutes(i64::from(skipped));
        match tz.from_local_datetime(&local) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => {
                return millis(at.with_timezone(&Utc));
            }
            LocalResult::None => continue,
        }
    }
    millis(Utc.from_utc_datetime(&start))
}

/// The local date of `at` in `tz`.
pub fn local_date(tz: Tz, at: Timestamp) -> NaiveDate {
    utc(at).with_timezone(&tz).date_naive()
}

/// `at` as people in `tz` read it, for messages: "Mon 29 Mar 2027 09:00 CEST".
pub fn local_text(tz: Tz, at: Timestamp) -> String {
    utc(at).with_timezone(&tz).format("%a %d %b %Y %H:%M %Z").to_string()
}

/// Every weekly time `times` names, as instants in order, on the local dates `days` days
/// around `at`'s local date; `times` gives each weekday's minutes with what happens then.
pub fn instants_around<T>(
    tz: Tz,
    at: Timestamp,
    days: std::ops::RangeInclusive<i64>,
    times: impl Fn(Weekday) -> Vec<(u32, T)>,
) -> Vec<(Timestamp, T)> {
    let today = local_date(tz, at);
    let mut found = Vec::new();
    for offset in days {
        let date = today + Duration::days(offset);
        for (minute, item) in times(weekday_of(date.weekday())) {
            found.push((instant_of(tz, date, minute), item));
        }
    }
    found.sort_by_key(|(instant, _)| *instant);
    found
}

fn utc(at: Timestamp) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(i64::try_from(at).unwrap_or(i64::MAX))
        .single()
        .unwrap_or_default()
}

fn millis(at: DateTime<Utc>) -> Timestamp {
    u64::try_from(at.timestamp_millis()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc_text(at: Timestamp) -> String {
        utc(at).format("%Y-%m-%d %H:%M").to_string()
    }

    #[test]
    fn pr_7_a_local_time_follows_dst_in_oslo_and_new_york() {
        let oslo = zone("Europe/Oslo").unwrap();
        let new_york = zone("America/New_York").unwrap();
        // 09:00 in Oslo is 08:00 UTC in winter, 07:00 UTC in summer.
        assert_eq!(
            utc_text(instant_of(oslo, date(2027, 3, 26), 9 * 60)),
            "2027-03-26 08:00"
        );
        assert_eq!(
            utc_text(instant_of(oslo, date(2027, 3, 29), 9 * 60)),
            "2027-03-29 07:00"
        );
        // New York moves two weeks earlier: 09:00 is 14:00 UTC, then 13:00 UTC.
        assert_eq!(
            utc_text(instant_of(new_york, date(2027, 3, 12), 9 * 60)),
            "2027-03-12 14:00"
        );
        assert_eq!(
            utc_text(instant_of(new_york, date(2027, 3, 15), 9 * 60)),
            "2027-03-15 13:00"
        );
    }

    #[test]
    fn pr_7_a_skipped_time_happens_as_the_clocks_jump_and_a_doubled_one_at_its_first() {
        let oslo = zone("Europe/Oslo").unwrap();
        // Oslo jumps from 02:00 to 03:00 on 28 March 2027 (01:00 UTC).
        assert_eq!(
            utc_text(instant_of(oslo, date(2027, 3, 28), 2 * 60 + 30)),
            "2027-03-28 01:00"
        );
        // and goes back from 03:00 to 02:00 on 31 October 2027: 02:30 first happens at 00:30 UTC.
        assert_eq!(
            utc_text(instant_of(oslo, date(2027, 10, 31), 2 * 60 + 30)),
            "2027-10-31 00:30"
        );
        // Midnight at the day's end is the next day's start.
        assert_eq!(
            instant_of(oslo, date(2027, 3, 27), DAY_MINUTES),
            instant_of(oslo, date(2027, 3, 28), 0)
        );
    }

    #[test]
    fn pr_7_unknown_zones_are_refused_in_words() {
        let err = zone("Mars/Olympus").unwrap_err();
        assert!(err.to_string().contains("no known IANA time zone"), "{err}");
        assert_eq!(local_text(zone("UTC").unwrap(), 0), "Thu 01 Jan 1970 00:00 UTC");
    }
}
