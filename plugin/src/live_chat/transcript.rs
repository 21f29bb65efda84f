//! A conversation's transcript, as text: for the issue it becomes (LC-11) and for the
//! customer who asks for it by e-mail.

use super::rate_limits::{self, CountedAction};
use super::record::{self, Side};
use crate::bindings::exports::helpdesk::chat::live_chat::{ChatMessage, Conversation, TranscriptSent};
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Clock, Directory, Mail, Push, Storage};
use crate::error::{PluginError, PluginResult};

/// The most transcript one e-mail carries.
const MAX_MAIL_BYTES: usize = 200 * 1024;

/// Mails the transcript to the conversation's customer, at their request: to the address
/// known for them, or, when none is known, to the one they give, which the conversation
/// then keeps (later answers go there too).
pub fn email_transcript<H: Clock + Directory + Storage + Push + Mail>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    email: Option<&str>,
) -> PluginResult<TranscriptSent> {
    let (stored, side) = record::load_for(host, ctx, id)?;
    if side != Side::Customer {
        return Err(PluginError::AccessDenied(
            "the transcript is mailed to the conversation's customer, at their request".into(),
        ));
    }
    let given = email.map(str::trim).filter(|e| !e.is_empty());
    let to = match (&stored.view.customer.email, given) {
        (Some(known), None) => known.clone(),
        (Some(known), Some(given)) if known.eq_ignore_ascii_case(given) => known.clone(),
        (Some(_), Some(_)) => {
            return Err(PluginError::Invalid(
                "email: the transcript goes to the address this conversation already has".into(),
            ));
        }
        (None, Some(given)) => helpdesk_text_policy::email(given).map_err(PluginError::Invalid)?,
        (None, None) => {
            return Err(PluginError::Invalid(
                "email: give the address the transcript should go to".into(),
            ));
        }
    };
    rate_limits::count(host, ctx, &stored.customer, CountedAction::Transcript)?;
    let messages = all_messages(host, id)?;
    let project = host.project_name(&stored.view.project);
    let subject = format!("Your chat with {project}");
    let body = format!(
        "Here is the transcript of your chat with {project}, as you asked.\n\n{}",
        text(&stored.view, &messages, MAX_MAIL_BYTES)
    );
    host.send_mail(std::slice::from_ref(&to), &subject, &body)?;
    if stored.view.customer.email.is_none() {
        let before = stored.clone();
        let mut after = stored;
        after.view.customer.email = Some(to.clone());
        super::conversations::publish_update(host, Some(&before), &mut after)?;
    }
    Ok(TranscriptSent { to })
}

/// Every message of the conversation `id`, oldest first.
pub fn all_messages(storage: &mut impl Storage, id: &str) -> PluginResult<Vec<ChatMessage>> {
    super::conversations::thread(id).after(storage, 0)
}

/// The transcript: the conversation it came from, then each message with its time (UTC) and
/// author; cut, with a note, where it would pass `max_bytes`.
pub fn text(conversation: &Conversation, messages: &[ChatMessage], max_bytes: usize) -> String {
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
        if out.len() + line.len() > max_bytes {
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
