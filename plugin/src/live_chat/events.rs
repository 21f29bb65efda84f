//! The push events live chat publishes (the WIT's `live-chat-event`), and their topics.

use crate::bindings::exports::helpdesk::chat::live_chat::{
    AuthorKind, CannedRepliesChanged, ChatMessage, Conversation, ConversationNote, InboxCounts, LiveChatEvent,
    PulledIn, TransferAnswer, TransferOffer, TypingEvent, VisitorContext,
};
use crate::capabilities::Push;
use crate::error::PluginResult;
use crate::publish::{about, ephemeral, publish, publish_with};

/// The topic kind of one conversation (its customer and its project's agents).
pub const CONVERSATION_TOPIC: &str = "conversation";
/// The topic kind of a project's inbox (its agents and admins).
pub const INBOX_TOPIC: &str = "inbox";
/// The topic kind of one conversation's private notes (its staff, never its customer).
pub const NOTES_TOPIC: &str = "notes";
/// The topic kind of one user's own live chat notices: mentions, transfer offers (that user only).
pub const PERSONAL_TOPIC: &str = "chat-personal";

/// The topic of one conversation.
pub fn conversation_topic(id: &str) -> String {
    format!("{CONVERSATION_TOPIC}:{id}")
}

/// The topic of a project's inbox.
pub fn inbox_topic(project: &str) -> String {
    format!("{INBOX_TOPIC}:{project}")
}

/// The topic of one user's own live chat notices.
pub fn personal_topic(user: &str) -> String {
    format!("{PERSONAL_TOPIC}:{user}")
}

/// A new message, to both sides of its conversation.
pub fn message(push: &mut impl Push, message: &ChatMessage) -> PluginResult<()> {
    let topic = conversation_topic(&message.conversation);
    publish(push, &topic, &LiveChatEvent::ChatMessage(message.clone()))
}

/// A conversation's new state, to both sides and to its project's inbox. A resuming client
/// needs only its newest state, so each replaces the one before in the log (per topic).
pub fn conversation_updated(push: &mut impl Push, conversation: &Conversation) -> PluginResult<()> {
    let id = &conversation.id;
    let event = LiveChatEvent::ConversationUpdated(conversation.clone());
    publish_with(
        push,
        &conversation_topic(id),
        &event,
        &about(format!("conversation-updated:{id}")),
    )?;
    publish_with(
        push,
        &inbox_topic(&conversation.project),
        &event,
        &about(format!("conversation-updated:inbox:{id}")),
    )
}

/// A project's new inbox counts (the agents' header notice).
pub fn inbox_counts(push: &mut impl Push, counts: &InboxCounts) -> PluginResult<()> {
    let topic = inbox_topic(&counts.project);
    publish(push, &topic, &LiveChatEvent::InboxCounts(counts.clone()))
}

/// Someone started or stopped typing: to the streams open now only.
pub fn typing(
    push: &mut impl Push,
    conversation: &Conversation,
    author: AuthorKind,
    name: String,
    typing: bool,
) -> PluginResult<()> {
    let event = LiveChatEvent::Typing(TypingEvent {
        conversation: conversation.id.clone(),
        author,
        name,
        typing,
    });
    // Who is typing matters now only: never kept, never replayed.
    publish_with(push, &conversation_topic(&conversation.id), &event, &ephemeral())
}

/// A project's canned replies (or one agent's own there) changed: its composers fetch them
/// again. Only the newest matters to a resuming client.
pub fn canned_replies_changed(push: &mut impl Push, changed: &CannedRepliesChanged) -> PluginResult<()> {
    let subject = format!(
        "canned-replies-changed:{}:{}",
        changed.project,
        changed.owner.as_deref().unwrap_or("-")
    );
    publish_with(
        push,
        &inbox_topic(&changed.project),
        &LiveChatEvent::CannedRepliesChanged(changed.clone()),
        &about(subject),
    )
}

/// Where a conversation's visitor is now, to its project's agents. Only the newest matters to
/// a resuming client.
pub fn visitor_context_changed(push: &mut impl Push, project: &str, context: &VisitorContext) -> PluginResult<()> {
    publish_with(
        push,
        &inbox_topic(project),
        &LiveChatEvent::VisitorContextChanged(context.clone()),
        &about(format!("visitor-context-changed:{}", context.conversation)),
    )
}

/// A note, to the conversation's staff only (never on `conversation:<id>`, which its
/// customer follows).
pub fn note_added(push: &mut impl Push, note: &ConversationNote) -> PluginResult<()> {
    let topic = format!("{NOTES_TOPIC}:{}", note.conversation);
    publish(push, &topic, &LiveChatEvent::NoteAdded(note.clone()))
}

/// Tells `user` a note pulled them into a conversation.
pub fn pulled_in(push: &mut impl Push, user: &str, pulled: &PulledIn) -> PluginResult<()> {
    publish(
        push,
        &personal_topic(user),
        &LiveChatEvent::ColleaguePulledIn(pulled.clone()),
    )
}

/// Offers `user` a conversation (LC-13).
pub fn transfer_offered(push: &mut impl Push, user: &str, offer: &TransferOffer) -> PluginResult<()> {
    publish(
        push,
        &personal_topic(user),
        &LiveChatEvent::TransferOffered(offer.clone()),
    )
}

/// Tells `user`, who offered a conversation, the colleague's answer (LC-13).
pub fn transfer_answered(push: &mut impl Push, user: &str, answer: &TransferAnswer) -> PluginResult<()> {
    publish(
        push,
        &personal_topic(user),
        &LiveChatEvent::TransferAnswered(answer.clone()),
    )
}

/// A conversation as it now is, to the inbox of the project it left (LC-13), so that list
/// drops it.
pub fn conversation_left(push: &mut impl Push, project: &str, conversation: &Conversation) -> PluginResult<()> {
    publish_with(
        push,
        &inbox_topic(project),
        &LiveChatEvent::ConversationUpdated(conversation.clone()),
        &about(format!("conversation-updated:inbox:{}", conversation.id)),
    )
}
