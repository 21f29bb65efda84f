//! Messages of team chats (TC-6, TC-7): written by those who may write, read a page at a
//! time backwards from any number, and read markers that make the unread counts. They are
//! kept in the message log every chat shares.

use helpdesk_text_policy::text;

use super::access::require;
use super::chats::{self, StoredChat, load_readable, summary};
use super::{events, keys};
use crate::bindings::exports::helpdesk::chat::team_chat::{
    ChatKind, ChatPermission, ChatSummary, HistoryView, TeamMessage, TeamMessagePage, TraceAction,
};
use crate::bindings::helpdesk::chat::types::{CallContext, Timestamp};
use crate::capabilities::{Clock, Directory, Issues, Push, Storage};
use crate::error::{PluginError, PluginResult};
use crate::message_log::{MESSAGE_BODY, Thread, check_client_id, preview};
use crate::storage::get_counter;
use crate::weekly;

/// The most messages one page holds.
pub const MAX_PAGE: u32 = 200;

/// Where a chat's messages live.
pub fn thread(chat: &str) -> Thread {
    Thread::new(keys::NAMESPACE, chat)
}

/// A page of a chat's messages, oldest first, before number `before`.
pub fn chat_messages<H: Clock + Directory + Issues + Storage>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    before: Option<u64>,
    view: Option<HistoryView>,
    limit: Option<u32>,
) -> PluginResult<TeamMessagePage> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let limit = crate::paging::page_size(limit, MAX_PAGE)?;
    let view = view.unwrap_or(HistoryView::All);
    load_readable(host, &viewer, id)?;
    let since = view_start(host, &viewer.user, view);
    let (messages, more_before) =
        thread(id).page_since(host, before, limit, since, |message: &TeamMessage| message.at)?;
    Ok(TeamMessagePage { messages, more_before })
}

/// Where a history view starts (TC-6): a day's start in the viewer's time zone (UTC for a
/// zone the directory holds that is no known one).
pub fn view_start(host: &(impl Clock + Directory), user: &str, view: HistoryView) -> Option<Timestamp> {
    let days_back = match view {
        HistoryView::Yesterday => 1,
        HistoryView::Last7Days => 7,
        HistoryView::Last30Days => 30,
        HistoryView::All => return None,
    };
    let zone = host
        .user(user)
        .and_then(|found| weekly::zone(&found.time_zone).ok())
        .unwrap_or(chrono_tz::Tz::UTC);
    let today = weekly::local_date(zone, host.now());
    Some(weekly::instant_of(zone, today - chrono::Duration::days(days_back), 0))
}

/// Writes a message; a retry with the same client id and body returns the stored one.
pub fn post_team_message<H: Clock + Directory + Issues + Storage + Push>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    client_id: &str,
    body: &str,
) -> PluginResult<TeamMessage> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let mut chat = load_readable(host, &viewer, id)?;
    if !viewer.may(host, ChatPermission::Post) {
        return Err(PluginError::AccessDenied("you may not write in team chat".into()));
    }
    check_client_id(client_id)?;
    let body = text(body, MESSAGE_BODY).map_err(PluginError::Invalid)?;
    let log = thread(id);
    if let Some(stored) = log.retried::<TeamMessage>(host, client_id)? {
        return if stored.author == viewer.user && stored.body == body {
            Ok(stored)
        } else {
            Err(PluginError::Conflict(format!(
                "client_id: {client_id:?} was already used for another message"
            )))
        };
    }
    let now = host.now();
    let message = TeamMessage {
        chat: id.to_string(),
        seq: chat.last_seq + 1,
        client_id: client_id.to_string(),
        author: viewer.user.clone(),
        author_name: host.display_name(&viewer.user),
        body,
        at: now,
        edited: None,
        deleted: false,
        mentions: Vec::new(),
    };
    let mut message = message;
    message.mentions = mentioned(host, &viewer, &chat, &message.body);
    log.store(host, message.seq, client_id, &message)?;
    super::trace::record(host, &chat, &message, TraceAction::Written, &viewer.user, now)?;
    chat.last_seq = message.seq;
    chat.last_at = now;
    chat.last_preview = preview(&message.body);
    chats::save(host, &chat)?;
    // Writing in a chat reads it up to one's own message.
    set_read(host, &viewer.user, id, message.seq)?;
    events::message(host, &message)?;
    if chat.kind == ChatKind::Direct && message.seq == 1 {
        tell_other_person(host, &chat, &viewer.user)?;
    }
    for user in &message.mentions {
        events::mentioned(host, user, &message)?;
    }
    if chat.kind == ChatKind::Issue {
        super::issue_chats::written(host, &mut chat, &message)?;
    }
    Ok(message)
}

/// The people a text names as `@<user id>` who may read the chat, once each, leaving out
/// the author: only they are told, so a mention never shows a chat to anyone else.
fn mentioned(
    host: &mut (impl Directory + Issues + Storage),
    author: &super::access::Viewer,
    chat: &StoredChat,
    body: &str,
) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for word in body.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '!' | '?' | '(' | ')')) {
        let Some(name) = word.strip_prefix('@') else { continue };
        let name = name.trim_end_matches('.');
        if name.is_empty() || name == author.user || found.iter().any(|known| known == name) {
            continue;
        }
        let reader = super::access::Viewer {
            user: name.to_string(),
            settings: author.settings.clone(),
        };
        if super::access::holds(host, &author.settings, name, ChatPermission::See)
            && super::chats::may_read(host, &reader, chat)
        {
            found.push(name.to_string());
        }
    }
    found
}

/// Changes one of the viewer's own messages; the trace keeps both texts.
pub fn edit_team_message<H: Clock + Directory + Issues + Storage + Push>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    seq: u64,
    body: &str,
) -> PluginResult<TeamMessage> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let mut chat = load_readable(host, &viewer, id)?;
    if !viewer.may(host, ChatPermission::Post) {
        return Err(PluginError::AccessDenied("you may not write in team chat".into()));
    }
    let body = text(body, MESSAGE_BODY).map_err(PluginError::Invalid)?;
    let log = thread(id);
    let mut message = stored_message(host, &log, id, seq)?;
    if message.author != viewer.user {
        return Err(PluginError::AccessDenied("only its author changes a message".into()));
    }
    if message.deleted {
        return Err(PluginError::Conflict(format!("message {seq} was deleted")));
    }
    if message.body == body {
        return Ok(message);
    }
    let now = host.now();
    message.body = body;
    message.edited = Some(now);
    // Those the new text names who were not named before are told now.
    let before = std::mem::take(&mut message.mentions);
    message.mentions = mentioned(host, &viewer, &chat, &message.body);
    log.replace(host, seq, &message)?;
    super::trace::record(host, &chat, &message, TraceAction::Edited, &viewer.user, now)?;
    events::message(host, &message)?;
    for user in message.mentions.iter().filter(|user| !before.contains(user)) {
        events::mentioned(host, user, &message)?;
    }
    renew_preview(host, &mut chat, &message)?;
    if chat.kind == ChatKind::Issue {
        super::issue_chats::changed(host, &chat, &message, &viewer.user)?;
    }
    Ok(message)
}

/// The chat's list preview follows its last message when that one is edited or deleted, so
/// a deleted text never lingers in anyone's list.
fn renew_preview(host: &mut (impl Storage + Push), chat: &mut StoredChat, message: &TeamMessage) -> PluginResult<()> {
    if message.seq != chat.last_seq {
        return Ok(());
    }
    chat.last_preview = if message.deleted {
        String::new()
    } else {
        preview(&message.body)
    };
    chats::save(host, chat)?;
    events::preview_changed(host, &chat.id)
}

/// Deletes a message (its author, or a site admin); the trace keeps its text.
pub fn delete_team_message<H: Clock + Directory + Issues + Storage + Push>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    seq: u64,
) -> PluginResult<TeamMessage> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let mut chat = load_readable(host, &viewer, id)?;
    let log = thread(id);
    let mut message = stored_message(host, &log, id, seq)?;
    if message.author != viewer.user && !crate::permissions::is_site_admin(host, &viewer.user) {
        return Err(PluginError::AccessDenied(
            "only its author or a site admin deletes a message".into(),
        ));
    }
    if message.deleted {
        return Ok(message);
    }
    let now = host.now();
    super::trace::record(host, &chat, &message, TraceAction::Deleted, &viewer.user, now)?;
    message.body = String::new();
    message.deleted = true;
    message.mentions.clear();
    log.replace(host, seq, &message)?;
    events::message(host, &message)?;
    renew_preview(host, &mut chat, &message)?;
    if chat.kind == ChatKind::Issue {
        super::issue_chats::changed(host, &chat, &message, &viewer.user)?;
    }
    Ok(message)
}

fn stored_message(storage: &mut impl Storage, log: &Thread, id: &str, seq: u64) -> PluginResult<TeamMessage> {
    log.get::<TeamMessage>(storage, seq)?
        .ok_or_else(|| PluginError::NotFound(format!("chat {id} has no message {seq}")))
}

/// The first message of a user-to-user chat puts it in the other person's list, and tells
/// them (TC-4).
fn tell_other_person<H: Directory + Issues + Storage + Push>(
    host: &mut H,
    chat: &StoredChat,
    author: &str,
) -> PluginResult<()> {
    let Some((a, b)) = &chat.pair else {
        return Ok(());
    };
    let other = if a == author { b } else { a };
    host.kv_set(&keys::direct_entry(other, &chat.id), chat.id.as_bytes())?;
    let as_other = super::access::Viewer {
        user: other.clone(),
        settings: super::access::load(host)?,
    };
    let shown = summary(host, &as_other, chat)?;
    events::chat_added(host, other, &shown)
}

/// Marks the viewer's messages read up to `seq` (never back).
pub fn mark_chat_read<H: Directory + Issues + Storage>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    seq: u64,
) -> PluginResult<ChatSummary> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let chat = load_readable(host, &viewer, id)?;
    set_read(host, &viewer.user, id, seq.min(chat.last_seq))?;
    summary(host, &viewer, &chat)
}

/// Moves a read marker forward to `seq`.
fn set_read(storage: &mut impl Storage, user: &str, chat: &str, seq: u64) -> PluginResult<()> {
    let key = keys::read_marker(user, chat);
    let read = get_counter(storage, &key)?.max(0) as u64;
    if seq > read {
        storage.kv_increment(&key, (seq - read) as i64)?;
    }
    Ok(())
}
