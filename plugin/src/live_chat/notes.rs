//! Private notes and swarming (LC-18). Agents write notes in a conversation that its
//! customer never receives: they are kept in a thread of their own, apart from the messages,
//! and published on `notes:<conversation>`, which only the conversation's agents and
//! overseers may follow; so no path that serves the customer (messages, their stream, replay,
//! the transcript mail) can carry one. `@user` in a note pulls that colleague in: they are
//! told (on `chat-personal:<user>` and by e-mail) and may read the conversation and write
//! notes in it until it ends, even if they are no agent of its project.

use super::conversations::agent_ref;
use super::record::{self, Side, StoredConversation};
use super::{events, keys, pulled_in};
use crate::bindings::exports::helpdesk::chat::live_chat::{ConversationNote, ConversationStatus, PulledIn};
use crate::bindings::helpdesk::chat::types::{CallContext, ProjectRole};
use crate::capabilities::{Clock, Directory, Mail, Push, Storage};
use crate::error::{PluginError, PluginResult};
use crate::message_log::{MESSAGE_BODY, Thread, check_client_id};

/// Where notes live, apart from the messages.
const NOTES_NAMESPACE: &str = "live-chat/notes";
/// The most colleagues one note pulls in.
pub const MAX_MENTIONS: usize = 10;
/// The most notes one page answers.
const PAGE: u32 = 500;

/// A conversation's notes thread.
fn thread(conversation: &str) -> Thread {
    Thread::new(NOTES_NAMESPACE, conversation)
}

/// Adds a note to a conversation; `@user` words pull those colleagues in.
pub fn add_note<H: Clock + Directory + Storage + Push + Mail>(
    host: &mut H,
    ctx: &CallContext,
    conversation: &str,
    client_id: &str,
    body: &str,
) -> PluginResult<ConversationNote> {
    let (stored, side) = record::load_for(host, ctx, conversation)?;
    let author = staff_side(&side, conversation)?;
    check_client_id(client_id)?;
    let notes = thread(conversation);
    if let Some(note) = notes.retried::<ConversationNote>(host, client_id)? {
        return if note.body == body.trim() {
            Ok(note)
        } else {
            Err(PluginError::Conflict(format!(
                "client_id: {client_id:?} already added another note"
            )))
        };
    }
    if stored.view.status != ConversationStatus::Open {
        return Err(PluginError::Invalid(format!("conversation {conversation} has ended")));
    }
    let body = helpdesk_text_policy::text(body, MESSAGE_BODY).map_err(PluginError::Invalid)?;
    let mentions = mentioned(host, &body, &author)?;
    let seq = u64::try_from(host.kv_increment(&keys::note_seq(conversation), 1)?).unwrap_or(0);
    let note = ConversationNote {
        conversation: conversation.to_string(),
        seq,
        author: agent_ref(host, &author),
        body,
        at: host.now(),
        mentions: mentions.iter().map(|user| agent_ref(host, user)).collect(),
    };
    notes.store(host, seq, client_id, &note)?;
    let newly: Vec<String> = mentions
        .into_iter()
        .filter(|user| !pulled_in::is_pulled_in(host, conversation, user).unwrap_or(false))
        .collect();
    for user in &newly {
        pulled_in::mark(host, conversation, user)?;
    }
    if !newly.is_empty() {
        // Their grants to follow the conversation change now.
        host.access_changed(&newly);
    }
    events::note_added(host, &note)?;
    for user in &newly {
        tell(host, &stored, &note, user)?;
    }
    Ok(note)
}

/// A conversation's notes, oldest first, for its agents, overseers and pulled-in colleagues.
pub fn notes<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    conversation: &str,
) -> PluginResult<Vec<ConversationNote>> {
    let (_, side) = record::load_for(host, ctx, conversation)?;
    staff_side(&side, conversation)?;
    Ok(thread(conversation).page(host, None, PAGE)?.0)
}

/// Every note of a conversation, oldest first (for its issue's transcript).
pub fn all_notes(storage: &mut impl Storage, conversation: &str) -> PluginResult<Vec<ConversationNote>> {
    thread(conversation).after(storage, 0)
}

/// Forgets a conversation's notes and who was pulled in (with the conversation).
pub fn delete_all(storage: &mut impl Storage, conversation: &str) -> PluginResult<()> {
    thread(conversation).delete_all(storage)?;
    pulled_in::forget_all(storage, conversation)?;
    storage.kv_delete(&keys::note_seq(conversation))?;
    Ok(())
}

/// The user behind a staff side; the customer is told the conversation does not exist.
fn staff_side(side: &Side, conversation: &str) -> PluginResult<String> {
    match side {
        Side::Agent(user) | Side::Overseer(user) => Ok(user.clone()),
        Side::Customer => Err(PluginError::NotFound(format!(
            "conversation {conversation} does not exist"
        ))),
    }
}

/// The users a note's `@user` words name: each a known member of the site or staff, not the
/// author, once each, at most [`MAX_MENTIONS`]. A word that names nobody stays plain text.
fn mentioned(directory: &impl Directory, body: &str, author: &str) -> PluginResult<Vec<String>> {
    let mut users: Vec<String> = Vec::new();
    let mut previous = ' ';
    for (at, c) in body.char_indices() {
        let starts_word = previous.is_whitespace() || "([{,;".contains(previous);
        previous = c;
        if c != '@' || !starts_word {
            continue;
        }
        let name: String = body[at + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            .collect();
        let name = name.trim_end_matches(['.', '-']).to_ascii_lowercase();
        if name.is_empty() || name == author || users.contains(&name) {
            continue;
        }
        let Some(user) = directory.user(&name) else { continue };
        if !user.member && !user.site_admin && directory.projects_with_role(&name, ProjectRole::Agent).is_empty() {
            // Customers are never pulled into another customer's chat.
            continue;
        }
        users.push(name);
        if users.len() > MAX_MENTIONS {
            return Err(PluginError::LimitExceeded(format!(
                "a note pulls in at most {MAX_MENTIONS} colleagues"
            )));
        }
    }
    Ok(users)
}

/// Tells a colleague they were pulled in: on their mentions topic and by e-mail.
fn tell<H: Directory + Push + Mail>(
    host: &mut H,
    stored: &StoredConversation,
    note: &ConversationNote,
    user: &str,
) -> PluginResult<()> {
    let pulled = PulledIn {
        conversation: stored.view.id.clone(),
        project: stored.view.project.clone(),
        customer: stored.view.customer.name.clone(),
        by: note.author.clone(),
        note: note.body.clone(),
    };
    events::pulled_in(host, user, &pulled)?;
    if let Some(address) = host.user(user).map(|u| u.email).filter(|e| !e.is_empty()) {
        let subject = format!(
            "{} asks for your help in a chat with {}",
            note.author.display_name, stored.view.customer.name
        );
        let body = format!(
            "{} pulled you into chat conversation {} ({}) with {}:\n\n{}\n\nOpen it: /inbox?conversation={}\n",
            note.author.display_name,
            stored.view.id,
            stored.view.project,
            stored.view.customer.name,
            note.body,
            stored.view.id
        );
        host.send_mail(&[address], &subject, &body)?;
    }
    Ok(())
}
