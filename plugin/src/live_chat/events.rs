//! The push events live chat publishes and their topics. Payloads are WIT records in their
//! one JSON form: `chat-message`, `conversation` (kind `conversation-updated`),
//! `typing-event` and `inbox-counts`.

use crate::bindings::exports::helpdesk::chat::live_chat::{
    AuthorKind, ChatMessage, Conversation, InboxCounts, TypingEvent,
};
use crate::capabilities::Push;
use crate::error::PluginResult;
use crate::publish::{about, ephemeral, publish_json, publish_json_with};

/// The topic kind of one conversation (its customer and its project's agents).
pub const CONVERSATION_TOPIC: &str = "conversation";
/// The topic kind of a project's inbox (its agents and admins).
pub const INBOX_TOPIC: &str = "inbox";

/// The topic of one conversation.
pub fn conversation_topic(id: &str) -> String {
    format!("{CONVERSATION_TOPIC}:{id}")
}

/// The topic of a project's inbox.
pub fn inbox_topic(project: &str) -> String {
    format!("{INBOX_TOPIC}:{project}")
}

/// A new message, to both sides of its conversation.
pub fn message(push: &mut impl Push, message: &ChatMessage) -> PluginResult<()> {
    publish_json(
        push,
        &conversation_topic(&message.conversation),
        "chat-message",
        message,
    )
}

/// A conversation's new state, to both sides and to its project's inbox. A resuming client
/// needs only its newest state, so each replaces the one before in the log (per topic).
pub fn conversation_updated(push: &mut impl Push, conversation: &Conversation) -> PluginResult<()> {
    let id = &conversation.id;
    publish_json_with(
        push,
        &conversation_topic(id),
        "conversation-updated",
        conversation,
        &about(format!("conversation-updated:{id}")),
    )?;
    publish_json_with(
        push,
        &inbox_topic(&conversation.project),
        "conversation-updated",
        conversation,
        &about(format!("conversation-updated:inbox:{id}")),
    )
}

/// A project's new inbox counts (the agents' header notice).
pub fn inbox_counts(push: &mut impl Push, counts: &InboxCounts) -> PluginResult<()> {
    publish_json(push, &inbox_topic(&counts.project), "inbox-counts", counts)
}

/// Someone started or stopped typing: to the streams open now only.
pub fn typing(
    push: &mut impl Push,
    conversation: &Conversation,
    author: AuthorKind,
    name: String,
    typing: bool,
) -> PluginResult<()> {
    let payload = TypingEvent {
        conversation: conversation.id.clone(),
        author,
        name,
        typing,
    };
    // Who is typing matters now only: never kept, never replayed.
    publish_json_with(
        push,
        &conversation_topic(&conversation.id),
        "typing",
        &payload,
        &ephemeral(),
    )
}
