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

use crate::bindings::exports::helpdesk::chat::presence::{ExpectedHours, Weekday};
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

/// The most weekly spans one list holds: ten a day.
pub const MAX_SPANS: usize = 70;

/// `spans` checked (each inside its day and not empty, none overlapping another, at most
/// [`MAX_SPANS`]) and in weekly order; `field` names them in errors.
pub fn checked_spans(mut spans: Vec<ExpectedHours>, field: &str) -> PluginResult<Vec<ExpectedHours>> {
    if spans.len() > MAX_SPANS {
        return Err(PluginError::LimitExceeded(format!(
            "{field}: at most {MAX_SPANS} spans, not {}",
            spans.len()
        )));
    }
    if let Some(bad) = spans
        .iter()
        .find(|span| span.from_minute >= span.to_minute || span.to_minute > DAY_MINUTES)
    {
        return Err(PluginError::Invalid(format!(
            "{field}: a span on {} runs from a minute 0 to 1439 to a later one up to 1440, not {} to {}",
            weekday_name(bad.day),
            bad.from_minute,
            bad.to_minute
        )));
    }
    spans.sort_by_key(|span| (span.day as u8, span.from_minute));
    if let Some(pair) = spans
        .windows(2)
        .find(|pair| pair[0].day == pair[1].day && pair[1].from_minute < pair[0].to_minute)
    {
        return Err(PluginError::Invalid(format!(
            "{field}: two spans on {} overlap",
            weekday_name(pair[0].day)
        )));
    }
    Ok(spans)
}

/// Whether `now` falls inside one of the weekly spans (a span may reach midnight, so
/// yesterday's spans are looked at too).
pub fn inside_spans(spans: &[ExpectedHours], tz: Tz, now: Timestamp) -> bool {
    let today = local_date(tz, now);
    [today.pred_opt(), Some(today)].into_iter().flatten().any(|date| {
        let day = weekday_of(date.weekday());
        spans
            .iter()
            .filter(|span| span.day == day)
            .any(|span| instant_of(tz, date, span.from_minute) <= now && now < instant_of(tz, date, span.to_minute))
    })
}

/// When the spans next begin or end after `now`.
pub fn next_span_boundary(spans: &[ExpectedHours], tz: Tz, now: Timestamp) -> Option<Timestamp> {
    if spans.is_empty() {
        return None;
    }
    instants_around(tz, now, 0..=8, |day| {
        spans
            .iter()
            .filter(|span| span.day == day)
            .flat_map(|span| [(span.from_minute, ()), (span.to_minute, ())])
            .collect()
    })
    .into_iter()
    .map(|(at, ())| at)
    .find(|at| *at > now)
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
