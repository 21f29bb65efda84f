//! People's status in team chat (PR-14, TC-8): online, busy or away by their own choice,
//! away by itself after an idle time, offline when logged out or long absent; with their
//! own words for a while. Informative only: nothing is blocked by a status.
//!
//! The host tells of activity (once a minute at most, per user) and of sessions ending;
//! from those and the time the status is computed, so every read agrees with what the
//! timer later announces. A due marker wakes the plugin when a status turns by itself, so
//! everyone's list follows at the minute.

use helpdesk_text_policy::{TextRule, text};
use serde::{Deserialize, Serialize};

use super::access::{self, Viewer, require};
use super::{events, keys};
use crate::bindings::exports::helpdesk::chat::team_chat::{ChatPermission, MyStatus, Person, PersonStatus};
use crate::bindings::helpdesk::chat::types::{CallContext, Timestamp};
use crate::capabilities::{Clock, Directory, Log, Push, Storage, Wake};
use crate::due_markers::{marker, take_due_markers};
use crate::error::{PluginError, PluginResult};
use crate::storage::{get_json, put_json};

/// The auto-away time a user has until they set one.
pub const DEFAULT_AUTO_AWAY_MINUTES: u32 = 15;
/// The auto-away times a user may set: a minute to eight hours.
pub const AUTO_AWAY_MINUTES: std::ops::RangeInclusive<u32> = 1..=480;
/// Not seen for this long, a person is offline (a session left open overnight).
pub const OFFLINE_AFTER_MS: u64 = 8 * 60 * 60 * 1000;
/// The most users one `people` call names.
pub const MAX_PEOPLE: usize = 10_000;
/// Where the markers of statuses turning by themselves live.
pub const DUE_PREFIX: &str = "team-chat/person-due/";

/// A status's words: one short line.
const STATUS_TEXT: TextRule = TextRule {
    field: "status_text",
    max_chars: 100,
    multiline: false,
};

/// What is stored per person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Stored {
    /// What they chose: online, busy or away.
    chosen: PersonStatus,
    /// Their words.
    text: Option<String>,
    /// When the words end.
    text_until: Option<Timestamp>,
    /// Away by itself after this many idle minutes; `None` never.
    auto_away_minutes: Option<u32>,
    /// When the host last told of their activity.
    last_active: Option<Timestamp>,
    /// Logged out since.
    signed_out: bool,
    /// What everyone was last told (status, words).
    announced: (PersonStatus, Option<String>),
    /// When the status next turns by itself (its due marker).
    due_at: Option<Timestamp>,
}

impl Default for Stored {
    fn default() -> Self {
        Stored {
            chosen: PersonStatus::Online,
            text: None,
            text_until: None,
            auto_away_minutes: Some(DEFAULT_AUTO_AWAY_MINUTES),
            last_active: None,
            signed_out: false,
            announced: (PersonStatus::Offline, None),
            due_at: None,
        }
    }
}

impl Stored {
    /// The status and words at `now`.
    fn shown_at(&self, now: Timestamp) -> (PersonStatus, Option<String>) {
        let words = self
            .text
            .clone()
            .filter(|_| self.text_until.is_none_or(|until| until > now));
        let Some(active) = self.last_active.filter(|_| !self.signed_out) else {
            return (PersonStatus::Offline, words);
        };
        let idle = now.saturating_sub(active);
        let status = if idle >= OFFLINE_AFTER_MS {
            PersonStatus::Offline
        } else if self.chosen == PersonStatus::Online
            && self
                .auto_away_minutes
                .is_some_and(|minutes| idle >= u64::from(minutes) * 60_000)
        {
            PersonStatus::Away
        } else {
            self.chosen
        };
        (status, words)
    }

    /// When what is shown next changes by itself after `now`.
    fn next_turn(&self, now: Timestamp) -> Option<Timestamp> {
        let active = self.last_active.filter(|_| !self.signed_out);
        let away = active
            .filter(|_| self.chosen == PersonStatus::Online)
            .and_then(|at| self.auto_away_minutes.map(|minutes| at + u64::from(minutes) * 60_000));
        let offline = active.map(|at| at + OFFLINE_AFTER_MS);
        let words = self.text.as_ref().and(self.text_until);
        [away, offline, words]
            .into_iter()
            .flatten()
            .filter(|at| *at > now)
            .min()
    }
}

fn load(storage: &mut impl Storage, user: &str) -> PluginResult<Stored> {
    Ok(get_json(storage, &keys::person(user))?.unwrap_or_default())
}

/// Saves a person, tells everyone if what they show changed, and marks when it next turns.
fn save_and_announce<H: Directory + Storage + Push + Wake>(
    host: &mut H,
    user: &str,
    mut stored: Stored,
    now: Timestamp,
) -> PluginResult<Person> {
    let shown = stored.shown_at(now);
    let person = person(host, user, &shown);
    if shown != stored.announced {
        stored.announced = shown;
        events::person_changed(host, &person)?;
    }
    let next = stored.next_turn(now);
    if next != stored.due_at {
        if let Some(old) = stored.due_at {
            host.kv_delete(&marker(DUE_PREFIX, old, user))?;
        }
        if let Some(at) = next {
            host.kv_set(&marker(DUE_PREFIX, at, user), b"")?;
            host.wake_at(at);
        }
        stored.due_at = next;
    }
    put_json(host, &keys::person(user), &stored)?;
    Ok(person)
}

fn person(directory: &impl Directory, user: &str, (status, words): &(PersonStatus, Option<String>)) -> Person {
    Person {
        user: user.to_string(),
        display_name: directory.display_name(user),
        status: *status,
        status_text: words.clone(),
    }
}

/// Whether `user` is in team chat at all: customers' comings and goings are nobody's
/// business here.
fn followed(host: &mut (impl Directory + Storage), user: &str) -> PluginResult<bool> {
    let settings = access::load(host)?;
    Ok(settings.enabled && access::holds(host, &settings, user, ChatPermission::See))
}

/// The user is active now.
pub fn user_active<H: Clock + Directory + Storage + Push + Wake>(host: &mut H, user: &str) -> PluginResult<()> {
    let now = host.now();
    user_active_at(host, user, now)
}

/// The host told of the user's activity in a tab or on a device, last at `at` (at most now).
pub fn user_active_at<H: Clock + Directory + Storage + Push + Wake>(
    host: &mut H,
    user: &str,
    at: Timestamp,
) -> PluginResult<()> {
    if !followed(host, user)? {
        return Ok(());
    }
    let now = host.now();
    let mut stored = load(host, user)?;
    stored.last_active = Some(stored.last_active.map_or(at, |known| known.max(at)).min(now));
    stored.signed_out = false;
    save_and_announce(host, user, stored, now)?;
    Ok(())
}

/// The user logged out (or was logged out everywhere): offline until they are active again.
pub fn signed_out<H: Clock + Directory + Storage + Push + Wake>(host: &mut H, user: &str) -> PluginResult<()> {
    if !followed(host, user)? {
        return Ok(());
    }
    let now = host.now();
    let mut stored = load(host, user)?;
    if stored.signed_out || stored.last_active.is_none() {
        return Ok(());
    }
    stored.signed_out = true;
    save_and_announce(host, user, stored, now)?;
    Ok(())
}

/// Announces the statuses that turned by themselves by now.
pub fn run_due<H: Clock + Directory + Storage + Push + Wake + Log>(host: &mut H) -> PluginResult<()> {
    take_due_markers(host, DUE_PREFIX, 200, |host, at, user, now| {
        let mut stored = load(host, &user)?;
        if stored.due_at != Some(at) {
            return Ok(());
        }
        stored.due_at = None;
        save_and_announce(host, &user, stored, now)?;
        Ok(())
    })
}

/// Whether `user` is not offline now (online, busy or away).
pub fn is_online<H: Clock + Storage>(host: &mut H, user: &str) -> PluginResult<bool> {
    let now = host.now();
    Ok(load(host, user)?.shown_at(now).0 != PersonStatus::Offline)
}

/// The viewer's own status settings; words that have ended are gone.
pub fn get_my_status<H: Clock + Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<MyStatus> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let stored = load(host, &viewer.user)?;
    let now = host.now();
    let ended = stored.text_until.is_some_and(|until| until <= now);
    Ok(MyStatus {
        status: stored.chosen,
        status_text: stored.text.filter(|_| !ended),
        text_until: stored.text_until.filter(|_| !ended),
        auto_away_minutes: stored.auto_away_minutes,
    })
}

/// Sets the viewer's status, words and auto-away time. Setting them is an action: the
/// person is active now.
pub fn set_my_status<H: Clock + Directory + Storage + Push + Wake>(
    host: &mut H,
    ctx: &CallContext,
    wanted: MyStatus,
) -> PluginResult<Person> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let now = host.now();
    if wanted.status == PersonStatus::Offline {
        return Err(PluginError::Invalid(
            "status: online, busy or away; offline comes from logging out".into(),
        ));
    }
    let words = match wanted
        .status_text
        .as_deref()
        .map(str::trim)
        .filter(|words| !words.is_empty())
    {
        Some(words) => Some(text(words, STATUS_TEXT).map_err(PluginError::Invalid)?),
        None => None,
    };
    if wanted.text_until.is_some_and(|until| until <= now) {
        return Err(PluginError::Invalid("text_until: already past".into()));
    }
    if let Some(minutes) = wanted.auto_away_minutes
        && !AUTO_AWAY_MINUTES.contains(&minutes)
    {
        return Err(PluginError::Invalid(format!(
            "auto_away_minutes: from {} to {}, not {minutes}",
            AUTO_AWAY_MINUTES.start(),
            AUTO_AWAY_MINUTES.end()
        )));
    }
    let mut stored = load(host, &viewer.user)?;
    stored.chosen = wanted.status;
    stored.text_until = words.as_ref().and(wanted.text_until);
    stored.text = words;
    stored.auto_away_minutes = wanted.auto_away_minutes;
    stored.last_active = Some(now);
    stored.signed_out = false;
    save_and_announce(host, &viewer.user, stored, now)
}

/// The people among `users` who may see team chat, online ones first, then by name.
pub fn people<H: Clock + Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    users: &[String],
) -> PluginResult<Vec<Person>> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    if users.len() > MAX_PEOPLE {
        return Err(PluginError::LimitExceeded(format!("users: at most {MAX_PEOPLE}")));
    }
    let now = host.now();
    let mut found = Vec::new();
    for user in users {
        if !in_team_chat(host, &viewer, user) || found.iter().any(|p: &Person| &p.user == user) {
            continue;
        }
        let shown = load(host, user)?.shown_at(now);
        found.push(person(host, user, &shown));
    }
    found.sort_by(|a, b| {
        let offline = |p: &Person| p.status == PersonStatus::Offline;
        offline(a)
            .cmp(&offline(b))
            .then_with(|| a.display_name.to_lowercase().cmp(&b.display_name.to_lowercase()))
            .then_with(|| a.user.cmp(&b.user))
    });
    Ok(found)
}

fn in_team_chat(directory: &impl Directory, viewer: &Viewer, user: &str) -> bool {
    access::holds(directory, &viewer.settings, user, ChatPermission::See)
}
