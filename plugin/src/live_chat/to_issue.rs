//! A conversation becomes an issue of its project (LC-11): the issue is created through the
//! issues capability, the transcript goes into its history, and each points to the other.

use helpdesk_text_policy::{SUMMARY, text};

use super::conversations::{Writer, agent_ref, append};
use super::record::{self, Side};
use super::transcript;
use crate::bindings::exports::helpdesk::chat::live_chat::{ChatMessage, Conversation};
use crate::bindings::helpdesk::chat::issues::HistoryKind;
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Clock, Directory, Issues, Mail, Push, Storage};
use crate::error::{PluginError, PluginResult};

/// The most transcript one history entry holds (the issues capability takes 64 KiB).
const MAX_TRANSCRIPT_BYTES: usize = 60 * 1024;

/// Turns the conversation into an issue, once; answers the conversation as it then is.
pub fn make_issue<H: Clock + Directory + Storage + Issues + Push + Mail>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    summary: Option<&str>,
) -> PluginResult<Conversation> {
    let (stored, side) = record::load_for(host, ctx, id)?;
    let project = stored.view.project.clone();
    let Side::Agent(agent) = side else {
        return Err(PluginError::AccessDenied(format!(
            "only agents of {project} turn its chats into issues"
        )));
    };
    if stored.view.issue.is_some() {
        return Ok(stored.view);
    }
    let messages = transcript::all_messages(host, id)?;
    let summary = match summary.map(str::trim).filter(|s| !s.is_empty()) {
        Some(given) => text(given, SUMMARY).map_err(PluginError::Invalid)?,
        None => default_summary(&stored.view, &messages),
    };
    let issue = host.create_issue(&project, &summary, stored.view.customer.user.as_deref())?;
    // The agents' private notes go along, each marked as internal (LC-18): the issue is the
    // team's, not the customer's.
    let notes = super::notes::all_notes(host, id)?;
    let mut history = transcript::text(&stored.view, &messages, MAX_TRANSCRIPT_BYTES);
    if !notes.is_empty() {
        history.push_str("\nInternal notes (agents only, never sent to the customer):\n");
        for note in &notes {
            let line = format!(
                "[{}] {} (internal note): {}\n",
                transcript::utc_minute(note.at),
                note.author.display_name,
                note.body
            );
            if history.len() + line.len() > MAX_TRANSCRIPT_BYTES {
                history.push_str(&format!("… more notes are in conversation {id}.\n"));
                break;
            }
            history.push_str(&line);
        }
    }
    host.append_history(&issue.key, Some(&agent), HistoryKind::Change, &history)?;

    let before = stored.clone();
    let mut after = stored;
    after.view.issue = Some(issue.key.clone());
    let notice = format!(
        "{} created issue {} from this conversation",
        agent_ref(host, &agent).display_name,
        issue.key
    );
    let client_id = format!("issue-{}", after.view.last_seq + 1);
    let (after, _) = append(host, Some(&before), after, Writer::System, &client_id, notice)?;
    Ok(after.view)
}

/// "Chat with <customer>: <first line of the first message>", cut to fit one summary.
fn default_summary(conversation: &Conversation, messages: &[ChatMessage]) -> String {
    let first = messages.first().and_then(|m| m.body.lines().next()).unwrap_or_default();
    let summary = format!("Chat with {}: {first}", conversation.customer.name);
    if summary.chars().count() <= SUMMARY.max_chars {
        return summary;
    }
    let mut cut: String = summary.chars().take(SUMMARY.max_chars - 1).collect();
    cut.push('…');
    cut
}
