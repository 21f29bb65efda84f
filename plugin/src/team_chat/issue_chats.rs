//! Issue chats (TC-5): one chat per issue, opened from the issue page or an issue's menu in
//! lists. Each message is also a comment in the issue's history (through the issues
//! capability), so the issue's "comments only" view shows it. Its participants are those
//! who wrote in it or were invited by a participant ("Invite to SUP-12"), who is told.

use super::access::{self, Viewer, require};
use super::chats::{self, StoredChat, issue_chat_id, load_readable, summary};
use super::{events, keys};
use crate::bindings::exports::helpdesk::chat::team_chat::{ChatKind, ChatPermission, ChatSummary, Person, TeamMessage};
use crate::bindings::helpdesk::chat::issues::HistoryKind;
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Clock, Directory, Issues, Push, Storage};
use crate::error::{PluginError, PluginResult};

/// Opens the chat of `issue`.
pub fn open_issue_chat<H: Directory + Issues + Storage>(
    host: &mut H,
    ctx: &CallContext,
    issue: &str,
) -> PluginResult<ChatSummary> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let chat = load_readable(host, &viewer, &issue_chat_id(issue))
        .map_err(|_| PluginError::NotFound(format!("issue {issue} does not exist")))?;
    summary(host, &viewer, &chat)
}

/// A message was written in an issue chat: it goes into the issue's history as a comment,
/// and its author takes part from now on.
pub fn written<H: Directory + Issues + Storage + Push>(
    host: &mut H,
    chat: &mut StoredChat,
    message: &TeamMessage,
) -> PluginResult<()> {
    host.append_history(&chat.name, Some(&message.author), HistoryKind::Comment, &message.body)?;
    join(host, chat, &message.author)
}

/// A message of an issue chat was edited or deleted: the issue's history says so in a change
/// record (the issues capability appends; it does not rewrite the comment already there).
pub fn changed<H: Directory + Issues>(
    host: &mut H,
    chat: &StoredChat,
    message: &TeamMessage,
    actor: &str,
) -> PluginResult<()> {
    let who = host.display_name(actor);
    let body = if message.deleted {
        format!("{who} deleted chat message {} of the issue chat.", message.seq)
    } else {
        format!(
            "{who} edited chat message {} of the issue chat to:\n{}",
            message.seq, message.body
        )
    };
    host.append_history(&chat.name, Some(actor), HistoryKind::Change, &body)?;
    Ok(())
}

/// Adds `user` to the participants (once), with the chat in their list.
fn join<H: Storage + Push>(host: &mut H, chat: &mut StoredChat, user: &str) -> PluginResult<()> {
    if chat.participants.iter().any(|known| known == user) {
        return Ok(());
    }
    chat.participants.push(user.to_string());
    chats::save(host, chat)?;
    host.kv_set(&keys::issue_chat_entry(user, &chat.id), chat.id.as_bytes())?;
    events::participants_changed(host, &chat.id)
}

/// The participants with their status, online first.
pub fn chat_participants<H: Clock + Directory + Issues + Storage>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
) -> PluginResult<Vec<Person>> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let chat = issue_chat(host, &viewer, id)?;
    super::people::people(host, ctx, &chat.participants)
}

/// A participant invites `user`, who joins and is told.
pub fn invite_to_chat<H: Clock + Directory + Issues + Storage + Push>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    user: &str,
) -> PluginResult<()> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let mut chat = issue_chat(host, &viewer, id)?;
    if !chat.participants.contains(&viewer.user) || !viewer.may(host, ChatPermission::Post) {
        return Err(PluginError::AccessDenied(format!(
            "only those who take part in the chat of {} invite others",
            chat.name
        )));
    }
    if user == viewer.user {
        return Err(PluginError::Invalid("user: you take part in this chat already".into()));
    }
    if !access::holds(host, &viewer.settings, user, ChatPermission::See) {
        return Err(PluginError::NotFound(format!("{user} is nobody in team chat")));
    }
    if !host.may_see_issue(user, &chat.name) {
        return Err(PluginError::AccessDenied(format!(
            "{} may not see {}, so not its chat either",
            host.display_name(user),
            chat.name
        )));
    }
    if chat.participants.iter().any(|known| known == user) {
        return Ok(());
    }
    if !super::people::is_online(host, user)? {
        return Err(PluginError::Conflict(format!(
            "{} is offline; invite someone who is online",
            host.display_name(user)
        )));
    }
    join(host, &mut chat, user)?;
    let invited = Viewer {
        user: user.to_string(),
        settings: viewer.settings.clone(),
    };
    let shown = summary(host, &invited, &chat)?;
    events::chat_added(host, user, &shown)
}

fn issue_chat(host: &mut (impl Directory + Issues + Storage), viewer: &Viewer, id: &str) -> PluginResult<StoredChat> {
    let chat = load_readable(host, viewer, id)?;
    if chat.kind != ChatKind::Issue {
        return Err(PluginError::Invalid(format!("chat {id} is no issue chat")));
    }
    Ok(chat)
}
