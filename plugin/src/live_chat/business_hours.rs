//! Business hours for the chat widget (LC-22): a project's opening hours per weekday in a
//! time zone, with holidays. Outside them the widget says when the team is back, in the
//! visitor's language, and takes an offline message (LC-10) even if an agent is online;
//! inside them it follows who is online, as without hours. The weekly math is PR-7's
//! (`weekly.rs`), so opening times follow DST as the schedules do.

use chrono::{Datelike, Duration, NaiveDate};

use super::keys;
use crate::bindings::exports::helpdesk::chat::live_chat::{BusinessHours, ClosedNotice};
use crate::bindings::helpdesk::chat::types::{CallContext, Timestamp};
use crate::capabilities::{Directory, Storage};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{administers, require_actor, require_project};
use crate::storage::{get_json, put_json};
use crate::weekly;

/// The most holidays one project keeps.
pub const MAX_HOLIDAYS: usize = 100;
/// How far ahead the widget looks for the next opening: a year and a day.
const LOOK_AHEAD_DAYS: i64 = 367;

/// What the widget says while closed, by language, with and without a time to be back.
const CLOSED_TEXTS: &[(&str, &str, &str)] = &[
    (
        "en",
        "We are closed right now and back {time}. Leave a message and we will answer by e-mail.",
        "We are closed right now. Leave a message and we will answer by e-mail.",
    ),
    (
        "de",
        "Wir sind gerade nicht da und ab {time} wieder erreichbar. Hinterlassen Sie eine Nachricht, wir antworten per E-Mail.",
        "Wir sind gerade nicht da. Hinterlassen Sie eine Nachricht, wir antworten per E-Mail.",
    ),
    (
        "fr",
        "Nous sommes fermés pour le moment et de retour {time}. Laissez un message, nous vous répondrons par e-mail.",
        "Nous sommes fermés pour le moment. Laissez un message, nous vous répondrons par e-mail.",
    ),
    (
        "es",
        "Ahora estamos cerrados y volvemos {time}. Deje un mensaje y le responderemos por correo electrónico.",
        "Ahora estamos cerrados. Deje un mensaje y le responderemos por correo electrónico.",
    ),
    (
        "nb",
        "Vi er stengt nå og tilbake {time}. Legg igjen en melding, så svarer vi på e-post.",
        "Vi er stengt nå. Legg igjen en melding, så svarer vi på e-post.",
    ),
    (
        "nl",
        "We zijn nu gesloten en weer bereikbaar {time}. Laat een bericht achter, dan antwoorden we per e-mail.",
        "We zijn nu gesloten. Laat een bericht achter, dan antwoorden we per e-mail.",
    ),
];

/// Business hours as a project has them until its admin sets them: off.
pub fn defaults() -> BusinessHours {
    BusinessHours {
        enabled: false,
        time_zone: "UTC".into(),
        hours: Vec::new(),
        holidays: Vec::new(),
    }
}

/// The project's business hours, for its admins.
pub fn business_hours<H: Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<BusinessHours> {
    let project = require_admin(host, ctx)?;
    stored(host, project)
}

/// Replaces the project's business hours.
pub fn save_business_hours<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    hours: BusinessHours,
) -> PluginResult<BusinessHours> {
    let project = require_admin(host, ctx)?.to_string();
    let hours = checked(hours)?;
    put_json(host, &keys::business_hours(&project), &hours)?;
    Ok(hours)
}

/// Whether the project is closed at `now`, and when that next changes: the widget's
/// `closed` and `hours-change-at`. Open, with no change, without business hours.
pub fn state_at(
    storage: &mut impl Storage,
    project: &str,
    now: Timestamp,
    languages: &[String],
) -> PluginResult<(Option<ClosedNotice>, Option<Timestamp>)> {
    let hours = stored(storage, project)?;
    if !hours.enabled {
        return Ok((None, None));
    }
    let tz = weekly::zone(&hours.time_zone)?;
    let holidays: Vec<NaiveDate> = hours.holidays.iter().filter_map(|day| parse_date(day)).collect();
    let open_at =
        |at: Timestamp| !holidays.contains(&weekly::local_date(tz, at)) && weekly::inside_spans(&hours.hours, tz, at);
    let next_midnight = weekly::instant_of(tz, weekly::local_date(tz, now) + Duration::days(1), 0);
    let change_at = match weekly::next_span_boundary(&hours.hours, tz, now) {
        Some(boundary) => boundary.min(next_midnight),
        None => next_midnight,
    };
    if open_at(now) {
        return Ok((None, Some(change_at)));
    }
    // The next opening: the first span start from now on at which the team is open (not a
    // holiday), day by day, so the usual answer costs a day or two of work.
    let today = weekly::local_date(tz, now);
    let back_at = (0..=LOOK_AHEAD_DAYS).find_map(|offset| {
        let date = today + Duration::days(offset);
        let day = weekly::weekday_of(date.weekday());
        hours
            .hours
            .iter()
            .filter(|span| span.day == day)
            .map(|span| weekly::instant_of(tz, date, span.from_minute))
            .find(|at| *at > now && open_at(*at))
    });
    let notice = ClosedNotice {
        back_at,
        text: closed_text(languages, back_at.is_some()),
    };
    Ok((Some(notice), Some(change_at)))
}

/// The closed sentence in the first of `languages` that has one, else in English.
fn closed_text(languages: &[String], with_time: bool) -> String {
    let wanted = languages
        .iter()
        .filter_map(|tag| super::welcome::language_of(Some(tag)));
    let texts = wanted
        .chain(["en".to_string()])
        .find_map(|language| CLOSED_TEXTS.iter().find(|(tag, _, _)| *tag == language))
        .unwrap_or(&CLOSED_TEXTS[0]);
    if with_time { texts.1 } else { texts.2 }.to_string()
}

fn stored(storage: &mut impl Storage, project: &str) -> PluginResult<BusinessHours> {
    Ok(get_json(storage, &keys::business_hours(project))?.unwrap_or_else(defaults))
}

/// The context's project, which the acting user must administer.
fn require_admin<'c, H: Directory>(host: &H, ctx: &'c CallContext) -> PluginResult<&'c str> {
    let project = require_project(host, ctx)?;
    let user = require_actor(ctx)?;
    if administers(host, user, project) {
        Ok(project)
    } else {
        Err(PluginError::AccessDenied(format!(
            "only admins of {project} set its business hours"
        )))
    }
}

/// Hours as stored: a known zone, checked spans in weekly order, holidays as sorted dates
/// without repeats.
fn checked(mut hours: BusinessHours) -> PluginResult<BusinessHours> {
    hours.time_zone = hours.time_zone.trim().to_string();
    weekly::zone(&hours.time_zone).map_err(|err| PluginError::Invalid(format!("time_zone: {err}")))?;
    hours.hours = weekly::checked_spans(std::mem::take(&mut hours.hours), "hours")?;
    if hours.holidays.len() > MAX_HOLIDAYS {
        return Err(PluginError::LimitExceeded(format!(
            "holidays: at most {MAX_HOLIDAYS}, not {}",
            hours.holidays.len()
        )));
    }
    let mut dates = Vec::with_capacity(hours.holidays.len());
    for day in &hours.holidays {
        let date = parse_date(day.trim())
            .ok_or_else(|| PluginError::Invalid(format!("holidays: {day:?} is no date written YYYY-MM-DD")))?;
        dates.push(date);
    }
    dates.sort();
    dates.dedup();
    hours.holidays = dates.iter().map(|date| date.format("%Y-%m-%d").to_string()).collect();
    Ok(hours)
}

fn parse_date(day: &str) -> Option<NaiveDate> {
    if day.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}
