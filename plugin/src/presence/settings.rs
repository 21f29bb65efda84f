//! A project's presence settings (PR-9): how long an online agent may be inactive before
//! they are offline in that project. Project admins (and site admins) set them.

use serde::{Deserialize, Serialize};

use super::keys;
use crate::bindings::exports::helpdesk::chat::presence::PresenceSettings;
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Directory, Storage};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{administers, is_project_staff, require_actor, require_project};
use crate::storage::{get_json, put_json};

/// The inactivity timeout a project has until its admin sets one: an hour.
pub const DEFAULT_INACTIVITY_MINUTES: u32 = 60;
/// The shortest and longest timeouts an admin may set: 5 minutes to a day.
pub const INACTIVITY_MINUTES: std::ops::RangeInclusive<u32> = 5..=1440;

#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    inactivity_minutes: u32,
}

/// The project's settings, or the defaults.
pub fn load(storage: &mut impl Storage, project: &str) -> PluginResult<PresenceSettings> {
    let stored = get_json::<Stored>(storage, &keys::settings(project))?;
    Ok(PresenceSettings {
        inactivity_minutes: stored.map_or(DEFAULT_INACTIVITY_MINUTES, |s| s.inactivity_minutes),
    })
}

/// The project's inactivity timeout in milliseconds.
pub fn inactivity_ms(storage: &mut impl Storage, project: &str) -> PluginResult<u64> {
    Ok(u64::from(load(storage, project)?.inactivity_minutes) * 60_000)
}

/// The context project's presence settings, for its staff.
pub fn presence_settings<H: Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<PresenceSettings> {
    let project = require_project(host, ctx)?.to_string();
    let actor = require_actor(ctx)?;
    if !is_project_staff(host, actor, &project) {
        return Err(PluginError::AccessDenied(format!(
            "only agents and admins of {project} see its presence settings"
        )));
    }
    load(host, &project)
}

/// Saves the context project's presence settings (its admins and site admins); they apply
/// from each agent's next activity or change.
pub fn save_presence_settings<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    settings: PresenceSettings,
) -> PluginResult<PresenceSettings> {
    let project = require_project(host, ctx)?.to_string();
    let actor = require_actor(ctx)?;
    if !administers(host, actor, &project) {
        return Err(PluginError::AccessDenied(format!(
            "only admins of {project} change its presence settings"
        )));
    }
    if !INACTIVITY_MINUTES.contains(&settings.inactivity_minutes) {
        return Err(PluginError::Invalid(format!(
            "inactivity_minutes: from {} to {}, not {}",
            INACTIVITY_MINUTES.start(),
            INACTIVITY_MINUTES.end(),
            settings.inactivity_minutes
        )));
    }
    put_json(
        host,
        &keys::settings(&project),
        &Stored {
            inactivity_minutes: settings.inactivity_minutes,
        },
    )?;
    Ok(settings)
}
