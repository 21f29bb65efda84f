//! Presence work that comes due with time: online states that end with nobody acting
//! (durations, PR-4, and the inactivity timeout, PR-9), schedule switches (PR-7) and
//! monitoring checks (PR-12).

use std::collections::BTreeMap;

use super::changes::{Announced, Change, announce, write_change};
use super::keys;
use super::record::PresenceRecord;
use crate::bindings::exports::helpdesk::chat::presence::ChangeCause;
use crate::capabilities::{Clock, Directory, Log, Mail, Push, Storage, Wake};
use crate::due_markers::take_due;
use crate::error::PluginResult;
use crate::storage::get_json;

/// The most ended durations one scheduler run takes off; more are left for the next run,
/// which is asked for at once, so a backlog never makes a run outgrow its time limit.
pub const MAX_DUE_PER_RUN: u32 = 200;

/// Does all presence work due by now: online states ending (durations and the inactivity
/// timeout), then schedule switches (PR-7), then monitoring checks (PR-12), which see the
/// chat as the first two left it.
pub fn run_due<H: Clock + Directory + Storage + Push + Wake + Log + Mail>(host: &mut H) -> PluginResult<()> {
    end_due_durations(host)?;
    super::schedule::run_due_switches(host)?;
    super::monitoring::run_due_checks(host)
}

/// Takes off online durations that ended at or before now: the agent's record and history
/// say when and why, and live clients are told. Asks to be woken when the next one ends
/// (now, when more have already ended than one run takes).
pub fn end_due_durations<H: Clock + Directory + Storage + Push + Wake + Log>(host: &mut H) -> PluginResult<()> {
    let now = host.now();
    let mut ended: BTreeMap<String, Vec<Announced>> = BTreeMap::new();
    take_due(
        host,
        keys::DUE_PREFIX,
        MAX_DUE_PER_RUN,
        keys::parse_due_name,
        |host, ended_at, (project, user), _| {
            let record = get_json::<PresenceRecord>(host, &keys::agent(&project, &user))?;
            // A marker can outlive its duration if a later change replaced it; only the
            // duration still recorded ends here.
            let Some(ending) = record.as_ref().filter(|record| record.ends_at() == Some(ended_at)) else {
                return Ok(());
            };
            let cause = if ending.until == Some(ended_at) {
                ChangeCause::DurationEnded
            } else {
                ChangeCause::Inactivity
            };
            let change = Change {
                online: false,
                until: None,
                cause,
                by: None,
                at: ended_at,
            };
            let name = host.display_name(&user);
            write_change(host, &project, &user, record, &change, &name)?;
            ended.entry(project).or_default().push(Announced {
                user,
                display_name: name,
                change,
            });
            Ok(())
        },
    )?;
    for (project, changes) in ended {
        announce(host, &project, &changes, now)?;
    }
    Ok(())
}
