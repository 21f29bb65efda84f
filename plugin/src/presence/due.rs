//! Presence work that comes due with time: online states that end with nobody acting
//! (durations, PR-4, and the inactivity timeout, PR-9), schedule switches (PR-7) and
//! monitoring checks (PR-12).

use std::collections::BTreeMap;

use super::changes::{Announced, Change, announce, write_change};
use super::keys;
use super::record::PresenceRecord;
use crate::bindings::exports::helpdesk::chat::presence::ChangeCause;
use crate::bindings::helpdesk::chat::log::Level;
use crate::capabilities::{Clock, Directory, Log, Mail, Push, ScanRequest, Storage, Wake};
use crate::error::PluginResult;
use crate::storage::{first_in, get_json};

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
    let ((due_start, due_end), (later_start, later_end)) = keys::due_split(now);
    let page = host.kv_scan(ScanRequest {
        start: &due_start,
        end: &due_end,
        limit: MAX_DUE_PER_RUN,
        reverse: false,
        cursor: None,
    })?;
    let mut ended: BTreeMap<String, Vec<Announced>> = BTreeMap::new();
    for entry in page.entries {
        host.kv_delete(&entry.key)?;
        let (ended_at, project, user) = match keys::parse_due(&entry.key) {
            Ok(parsed) => parsed,
            Err(err) => {
                // One unreadable marker must not stop every later duration from ending.
                host.log(
                    Level::Warn,
                    &format!("dropped unreadable due marker {:?}: {err}", entry.key),
                );
                continue;
            }
        };
        let record = get_json::<PresenceRecord>(host, &keys::agent(&project, &user))?;
        // A marker can outlive its duration if a later change replaced it; only the
        // duration still recorded ends here.
        let Some(ending) = record.as_ref().filter(|record| record.ends_at() == Some(ended_at)) else {
            continue;
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
    }
    for (project, changes) in ended {
        announce(host, &project, &changes, now)?;
    }
    if page.cursor.is_some() {
        host.wake_at(now);
        return Ok(());
    }
    while let Some(entry) = first_in(host, &later_start, &later_end)? {
        match keys::parse_due(&entry.key) {
            Ok((at, _, _)) => {
                host.wake_at(at);
                break;
            }
            Err(err) => {
                host.log(
                    Level::Warn,
                    &format!("dropped unreadable due marker {:?}: {err}", entry.key),
                );
                host.kv_delete(&entry.key)?;
            }
        }
    }
    Ok(())
}
