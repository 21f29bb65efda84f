//! The trace of team chat (TC-10): every message written, edited or deleted, with who did
//! it, when and where, kept whatever happens to the chat later. Site admins search it by
//! user, chat, issue and time range, newest first; the host exports it as JSON or CSV.
//!
//! Entries live under `team-chat/trace/<time>/<n>`; two indexes (by user, by chat) point
//! at them, so a search by either reads only its own entries.

use super::chats::{StoredChat, issue_chat_id};
use crate::bindings::exports::helpdesk::chat::team_chat::{
    ChatKind, TeamMessage, TraceAction, TraceEntry, TracePage, TraceQuery,
};
use crate::bindings::helpdesk::chat::types::{CallContext, Timestamp};
use crate::capabilities::ScanRequest;
use crate::capabilities::{Directory, Storage};
use crate::error::{PluginError, PluginResult};
use crate::permissions::require_site_admin;
use crate::storage::{decode_json, get_json, key_part, prefix_end, put_json, time_part};

/// The most entries one search returns.
pub const MAX_PAGE: u32 = 500;
/// The most entries one search reads before it answers with what it found and a cursor.
const MAX_SCANNED: usize = 5_000;
const ENTRIES: &str = "team-chat/trace/";
const SEQ: &str = "team-chat/trace-seq";

fn by_user(user: &str) -> String {
    format!("team-chat/trace-user/{}/", key_part(user))
}

fn by_chat(chat: &str) -> String {
    format!("team-chat/trace-chat/{}/", key_part(chat))
}

/// `<time>/<n>`: the part every key of one entry ends with.
fn tail(at: Timestamp, n: u64) -> String {
    format!("{}/{n:012}", time_part(at))
}

/// Keeps what just happened to `message` in the trace.
pub fn record(
    host: &mut (impl Directory + Storage),
    chat: &StoredChat,
    message: &TeamMessage,
    action: TraceAction,
    actor: &str,
    at: Timestamp,
) -> PluginResult<()> {
    let place = match chat.kind {
        ChatKind::Company => host
            .company(&chat.name)
            .map_or_else(|| chat.name.clone(), |company| company.name),
        ChatKind::Direct => chat
            .pair
            .as_ref()
            .map(|(a, b)| format!("{} and {}", host.display_name(a), host.display_name(b)))
            .unwrap_or_default(),
        ChatKind::Room | ChatKind::Issue => chat.name.clone(),
    };
    let entry = TraceEntry {
        at,
        action,
        chat: chat.id.clone(),
        kind: chat.kind,
        place,
        issue: (chat.kind == ChatKind::Issue).then(|| chat.name.clone()),
        seq: message.seq,
        author: message.author.clone(),
        actor: actor.to_string(),
        body: message.body.clone(),
    };
    let n = host.kv_increment(SEQ, 1)?.max(0) as u64;
    let tail = tail(at, n);
    let key = format!("{ENTRIES}{tail}");
    put_json(host, &key, &entry)?;
    host.kv_set(&format!("{}{tail}", by_chat(&chat.id)), key.as_bytes())?;
    host.kv_set(&format!("{}{tail}", by_user(&entry.author)), key.as_bytes())?;
    if entry.actor != entry.author {
        host.kv_set(&format!("{}{tail}", by_user(&entry.actor)), key.as_bytes())?;
    }
    Ok(())
}

/// A page of the trace, newest first, for site admins.
pub fn search_trace<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    query: &TraceQuery,
    before: Option<&str>,
    limit: u32,
) -> PluginResult<TracePage> {
    require_site_admin(host, ctx, "read the team chat trace")?;
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(PluginError::Invalid(format!(
            "limit: from 1 to {MAX_PAGE}, not {limit}"
        )));
    }
    if let (Some(since), Some(until)) = (query.since, query.until)
        && until < since
    {
        return Err(PluginError::Invalid("until: the range ends before it starts".into()));
    }
    let issue_chat = query.issue.as_deref().map(issue_chat_id);
    let chat = match (&query.chat, &issue_chat) {
        (Some(chat), Some(issue)) if chat != issue => {
            return Ok(TracePage {
                entries: Vec::new(),
                cursor: None,
            });
        }
        (Some(chat), _) => Some(chat.clone()),
        (None, issue) => issue.clone(),
    };
    // The narrowest index: the chat's, else the user's, else every entry.
    let (prefix, indexed) = match (&chat, &query.user) {
        (Some(chat), _) => (by_chat(chat), true),
        (None, Some(user)) => (by_user(user), true),
        (None, None) => (ENTRIES.to_string(), false),
    };
    let start = format!("{prefix}{}", time_part(query.since.unwrap_or(0)));
    let mut end = match query.until {
        Some(until) => format!("{prefix}{}", time_part(until)),
        None => prefix_end(&prefix),
    };
    if let Some(cursor) = before {
        let (at, n) = parse_cursor(cursor)?;
        end = end.min(format!("{prefix}{}", tail(at, n)));
    }
    let mut entries = Vec::new();
    let mut scanned = 0;
    let mut next = None;
    let mut scan_cursor = None;
    'pages: loop {
        let page = host.kv_scan(ScanRequest {
            start: &start,
            end: &end,
            limit: 500,
            reverse: true,
            cursor: scan_cursor.take(),
        })?;
        for item in page.entries {
            scanned += 1;
            let entry: TraceEntry = if indexed {
                let key = String::from_utf8_lossy(&item.value).into_owned();
                match get_json(host, &key)? {
                    Some(entry) => entry,
                    None => continue,
                }
            } else {
                decode_json(&item.key, &item.value)?
            };
            let user_matches = query
                .user
                .as_ref()
                .is_none_or(|user| entry.author == *user || entry.actor == *user);
            let chat_matches = chat.as_ref().is_none_or(|chat| entry.chat == *chat);
            let position = item.key.rsplit('/').take(2).collect::<Vec<_>>();
            let here = format!(
                "{}.{}",
                position.get(1).copied().unwrap_or("0"),
                position.first().copied().unwrap_or("0")
            );
            if user_matches && chat_matches {
                entries.push(entry);
                if entries.len() == limit as usize {
                    next = Some(here);
                    break 'pages;
                }
            }
            if scanned >= MAX_SCANNED {
                next = Some(here);
                break 'pages;
            }
        }
        match page.cursor {
            Some(more) => scan_cursor = Some(more),
            None => break,
        }
    }
    Ok(TracePage { entries, cursor: next })
}

/// `<time>.<n>`, as a search's cursor.
fn parse_cursor(cursor: &str) -> PluginResult<(Timestamp, u64)> {
    let bad = || PluginError::Invalid("before: not a cursor of the trace".into());
    let (at, n) = cursor.split_once('.').ok_or_else(bad)?;
    Ok((at.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?))
}
