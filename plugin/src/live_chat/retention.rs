//! How long a project keeps its conversations (beyond the seeds; what Zendesk and Intercom
//! call data retention): with a retention set, every ended conversation is deleted with its
//! messages that many days after it ended, by scheduled work that walks the project's
//! conversations oldest first. An open conversation is never deleted. Without a retention
//! conversations are kept.

use super::conversations::thread;
use super::record::{StoredConversation, index_entries};
use super::retention_plan::plan_sweep;
use super::{keys, settings};
use crate::bindings::exports::helpdesk::chat::live_chat::{ChatMessage, ConversationStatus};
use crate::bindings::helpdesk::chat::types::Timestamp;
use crate::capabilities::{Clock, Log, ScanRequest, Storage, Wake};
use crate::due_markers::take_due_markers;
use crate::error::PluginResult;
use crate::storage::{decode_key_part, get_json, put_json};

/// A day.
const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// The most conversations one sweep of one project looks at; more come in the next run.
const SWEEP_PAGE: u32 = 100;
/// The most projects swept in one run.
const PROJECTS_PER_RUN: u32 = 20;

/// Sweeps every project whose sweep is due.
pub fn run_due<H: Clock + Storage + Wake + Log>(host: &mut H) -> PluginResult<()> {
    take_due_markers(
        host,
        keys::RETENTION_DUE_PREFIX,
        PROJECTS_PER_RUN,
        |host, _, project, now| sweep(host, &project, now),
    )
}

/// Deletes the project's conversations that ended more than its retention ago, walking its
/// conversations oldest activity first, a page at a time. A pass that meets old open
/// conversations resumes after them in the next run (planned at once), so a page of them
/// cannot stall it; a pass ends at the first conversation too recent to be due, and the next
/// is planned for when that one will be (at most a day away).
fn sweep<H: Storage + Wake>(host: &mut H, project: &str, now: Timestamp) -> PluginResult<()> {
    let resume_key = keys::retention_resume(project);
    let Some(days) = settings::load(host, project)?.retention_days else {
        host.kv_delete(&resume_key)?;
        host.kv_delete(&keys::retention_planned(project))?;
        return Ok(());
    };
    let keep_ms = u64::from(days) * DAY_MS;
    let cutoff = now.saturating_sub(keep_ms);
    let prefix = keys::all_prefix(project);
    let end = crate::storage::prefix_end(&prefix);
    let resume = get_json::<String>(host, &resume_key)?.filter(|key| key.starts_with(&prefix));
    let page = host.kv_scan(ScanRequest {
        start: &prefix,
        end: &end,
        limit: SWEEP_PAGE,
        reverse: false,
        cursor: resume,
    })?;
    for entry in &page.entries {
        let Some((last_at, id)) = entry_of(&prefix, &entry.key) else {
            continue;
        };
        // An ended conversation's last activity is its end: from here on, none is due yet.
        if last_at > cutoff {
            host.kv_delete(&resume_key)?;
            return plan_sweep(host, project, (last_at + keep_ms).min(now + DAY_MS));
        }
        let Some(stored) = get_json::<StoredConversation>(host, &keys::conversation(&id))? else {
            host.kv_delete(&entry.key)?;
            continue;
        };
        if stored.view.status == ConversationStatus::Ended && stored.view.ended.is_some_and(|at| at <= cutoff) {
            delete(host, &stored)?;
        }
    }
    match (&page.cursor, page.entries.last()) {
        (Some(_), Some(last)) => {
            put_json(host, &resume_key, &last.key)?;
            plan_sweep(host, project, now)
        }
        _ => {
            host.kv_delete(&resume_key)?;
            plan_sweep(host, project, now + DAY_MS)
        }
    }
}

/// The time and conversation of an index entry `<prefix><time>/<id>`.
fn entry_of(prefix: &str, key: &str) -> Option<(Timestamp, String)> {
    let (at, id) = key.strip_prefix(prefix)?.split_once('/')?;
    Some((at.parse().ok()?, decode_key_part(id).ok()?))
}

/// Deletes a conversation: its record, its index entries, its messages and what kept its
/// retries, its proven address and any code waiting for it. Its issue keeps the transcript.
pub fn delete(host: &mut impl Storage, stored: &StoredConversation) -> PluginResult<()> {
    let id = &stored.view.id;
    for entry in index_entries(stored) {
        host.kv_delete(&entry)?;
    }
    let log = thread(id);
    if let Some(first) = log.get::<ChatMessage>(host, 1)? {
        host.kv_delete(&keys::started_by(&stored.customer, &first.client_id))?;
    }
    log.delete_all(host)?;
    host.kv_delete(&keys::proven_address(id))?;
    host.kv_delete(&keys::transcript_code(id))?;
    host.kv_delete(&keys::visitor_context(id))?;
    super::notes::delete_all(host, id)?;
    super::transfer::withdraw(host, id)?;
    // Only ended conversations are deleted, and the project's counts count open ones only.
    host.kv_delete(&keys::conversation(id))?;
    Ok(())
}
