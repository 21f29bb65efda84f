//! The push events team chat publishes (the WIT's `team-chat-event`), and their topics.

use crate::bindings::exports::helpdesk::chat::team_chat::{ChatSummary, Person, TeamChatEvent, TeamMessage};
use crate::capabilities::EventOptions;
use crate::capabilities::Push;
use crate::error::PluginResult;
use crate::publish::{about, publish, publish_with};

/// The topic kind of one chat's messages and changes (those who may read it).
pub const CHAT_TOPIC: &str = "team-chat";
/// The topic kind of one user's list (that user only).
pub const INBOX_TOPIC: &str = "team-inbox";
/// The topic kind of the site's rooms and settings changing (everyone who may see chat);
/// its one name is `site`.
pub const LISTS_TOPIC: &str = "team-lists";

/// The topic kind of everyone's status (everyone who may see chat); its one name is `site`.
pub const PEOPLE_TOPIC: &str = "team-people";

/// The topic of one chat.
pub fn chat_topic(chat: &str) -> String {
    format!("{CHAT_TOPIC}:{chat}")
}

/// The topic of one user's list.
pub fn inbox_topic(user: &str) -> String {
    format!("{INBOX_TOPIC}:{user}")
}

/// The topic of the site's lists.
pub fn lists_topic() -> String {
    format!("{LISTS_TOPIC}:site")
}

/// What every event quoting one message is about: an edit or a deletion drops from the log
/// every earlier event with its old text, on every topic (the message, its mentions).
fn message_subject(message: &TeamMessage) -> String {
    format!("team-message:{}:{}", message.chat, message.seq)
}

/// A message was written, edited or deleted: its newest form replaces the older ones in the
/// log, so a client resuming later never gets a text that was changed or taken back.
pub fn message(push: &mut impl Push, message: &TeamMessage) -> PluginResult<()> {
    publish_with(
        push,
        &chat_topic(&message.chat),
        &TeamChatEvent::TeamMessage(message.clone()),
        &about(message_subject(message)),
    )
}

/// What every event carrying a chat's summary is about: a summary holds the preview of the
/// last message, so a newer summary, or a preview changed by an edit or a deletion, drops
/// the older ones from the log.
fn summary_subject(chat: &str) -> String {
    format!("chat-summary:{chat}")
}

/// A chat changed (a room's name or kind); `summary` as everyone sees it.
pub fn chat_changed(push: &mut impl Push, summary: &ChatSummary) -> PluginResult<()> {
    publish_with(
        push,
        &chat_topic(&summary.id),
        &TeamChatEvent::ChatChanged(summary.clone()),
        &about(summary_subject(&summary.id)),
    )
}

/// A chat was deleted.
pub fn chat_deleted(push: &mut impl Push, chat: &str) -> PluginResult<()> {
    publish(push, &chat_topic(chat), &TeamChatEvent::ChatDeleted(chat.to_string()))
}

/// A chat came into `user`'s list (a user-to-user chat's first message, an invitation).
/// Replayed only while the user may still read the chat.
pub fn chat_added(push: &mut impl Push, user: &str, summary: &ChatSummary) -> PluginResult<()> {
    let options = EventOptions {
        subject: Some(format!("{}:added:{user}", summary_subject(&summary.id))),
        requires: Some(chat_topic(&summary.id)),
        ephemeral: false,
    };
    publish_with(
        push,
        &inbox_topic(user),
        &TeamChatEvent::ChatAdded(summary.clone()),
        &options,
    )
}

/// The site's rooms or settings changed: lists are worth reading again. Only the room's id
/// travels (a private room's name is for its members).
pub fn lists_changed(push: &mut impl Push, room: Option<&str>) -> PluginResult<()> {
    publish(
        push,
        &lists_topic(),
        &TeamChatEvent::ListsChanged(room.map(str::to_string)),
    )
}

/// Someone's status or words changed (PR-14).
pub fn person_changed(push: &mut impl Push, person: &Person) -> PluginResult<()> {
    let topic = format!("{PEOPLE_TOPIC}:site");
    publish(push, &topic, &TeamChatEvent::PersonChanged(person.clone()))
}

/// Someone joined an issue chat: its participants panel is worth reading again.
pub fn participants_changed(push: &mut impl Push, chat: &str) -> PluginResult<()> {
    publish(
        push,
        &chat_topic(chat),
        &TeamChatEvent::ParticipantsChanged(chat.to_string()),
    )
}

/// A message names `user` (`@user`): they are told wherever they are. It goes from the log
/// with the message's edit or deletion, and is replayed only while the user may still read
/// the chat.
pub fn mentioned(push: &mut impl Push, user: &str, message: &TeamMessage) -> PluginResult<()> {
    let options = EventOptions {
        subject: Some(format!("{}:mention:{user}", message_subject(message))),
        requires: Some(chat_topic(&message.chat)),
        ephemeral: false,
    };
    publish_with(
        push,
        &inbox_topic(user),
        &TeamChatEvent::Mentioned(message.clone()),
        &options,
    )
}

/// A chat's last message was edited or deleted: its preview in lists changed, and earlier
/// summaries with the old preview leave the log.
pub fn preview_changed(push: &mut impl Push, chat: &str) -> PluginResult<()> {
    publish_with(
        push,
        &chat_topic(chat),
        &TeamChatEvent::PreviewChanged(chat.to_string()),
        &about(summary_subject(chat)),
    )
}
