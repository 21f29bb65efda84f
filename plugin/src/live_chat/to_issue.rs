//! A conversation becomes an issue of its project (LC-11): the issue is created through the
//! issues capability, the transcript goes into its history, and each points to the other.

use helpdesk_text_policy::{SUMMARY, text};

use super::conversations::{Writer, agent_ref, append};
use super::record::{self, Side};
use crate::bindings::exports::helpdesk::chat::live_chat::{ChatMessage, Conversation};
use crate::bindings::helpdesk::chat::issues::HistoryKind;
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Clock, Directory, Issues, Mail, Push, Storage};
use crate::error::{PluginError, PluginResult};
use crate::storage::{decode_json, prefix_end, scan_all};

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
    let messages: Vec<ChatMessage> = scan_all(
        host,
        &super::keys::messages(id),
        &prefix_end(&super::keys::messages(id)),
    )?
    .iter()
    .map(|entry| decode_json(&entry.key, &entry.value))
    .collect::<PluginResult<_>>()?;
    let summary = match summary.map(str::trim).filter(|s| !s.is_empty()) {
        Some(given) => text(given, SUMMARY).map_err(PluginError::Invalid)?,
        None => default_summary(&stored.view, &messages),
    };
    let issue = host.create_issue(&project, &summary, stored.view.customer.user.as_deref())?;
    host.append_history(
        &issue.key,
        Some(&agent),
        HistoryKind::Change,
        &transcript(&stored.view, &messages),
    )?;

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

/// The transcript as one history entry: the conversation it came from, then each message
/// with its time (UTC) and author; cut, with a note, when it would not fit.
fn transcript(conversation: &Conversation, messages: &[ChatMessage]) -> String {
    let mut out = format!(
        "Chat conversation {} with {}{}, started {} UTC{}.\n\n",
        conversation.id,
        conversation.customer.name,
        conversation
            .customer
            .email
            .as_deref()
            .map(|e| format!(" <{e}>"))
            .unwrap_or_default(),
        utc_minute(conversation.started),
        conversation
            .page_url
            .as_deref()
            .map(|u| format!(" on {u}"))
            .unwrap_or_default(),
    );
    for (n, message) in messages.iter().enumerate() {
        let who = if message.author_name.is_empty() {
            "—"
        } else {
            &message.author_name
        };
        let line = format!("[{}] {who}: {}\n", utc_minute(message.at), message.body);
        if out.len() + line.len() > MAX_TRANSCRIPT_BYTES {
            out.push_str(&format!(
                "… {} more messages are in conversation {}.\n",
                messages.len() - n,
                conversation.id
            ));
            break;
        }
        out.push_str(&line);
    }
    out
}

/// `YYYY-MM-DD HH:MM` in UTC, from milliseconds since the epoch (the civil-from-days
/// algorithm; the plugin carries no calendar library for one format).
pub fn utc_minute(ms: u64) -> String {
    let minutes = ms / 60_000;
    let (hour, minute) = ((minutes / 60) % 24, minutes % 60);
    let days = (minutes / 1440) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}")
}
