//! Visitor context (LC-21): where a conversation's visitor is and has been in this visit.
//! The widget reports a page only while its visitor has a conversation, so nobody is
//! followed before they chat; a page on another site must be on the calling page's own
//! site, which the host has checked is allowed. Agents see the context live beside the
//! conversation; it goes when the conversation does.

use helpdesk_text_policy::TextRule;

use super::conversations::checked_web_address;
use super::rate_limits::{self, CountedAction};
use super::record::{self, Side};
use super::{events, keys};
use crate::bindings::exports::helpdesk::chat::live_chat::{
    ConversationStatus, PageReport, VisitedPage, VisitorContext,
};
use crate::bindings::helpdesk::chat::types::{CallContext, PageOrigin};
use crate::capabilities::{Clock, Directory, Push, Storage};
use crate::error::{PluginError, PluginResult};
use crate::storage::{get_json, put_json};
use crate::weekly;

/// The most pages one conversation keeps: the newest.
pub const MAX_PAGES: usize = 20;
/// A page title as kept: one line, cut to 200 characters.
const TITLE: TextRule = TextRule {
    field: "title",
    max_chars: 200,
    multiline: false,
};

/// Records where the conversation's customer is now.
pub fn report_page<H: Clock + Directory + Storage + Push>(
    host: &mut H,
    ctx: &CallContext,
    conversation: &str,
    report: PageReport,
) -> PluginResult<()> {
    let (stored, side) = record::load_for(host, ctx, conversation)?;
    if side != Side::Customer {
        return Err(PluginError::NotFound(format!(
            "conversation {conversation} does not exist"
        )));
    }
    rate_limits::count(host, ctx, &stored.customer, CountedAction::PageReport)?;
    let url = checked_web_address(&report.url, "url")?;
    if let PageOrigin::External(origin) = &ctx.page
        && url.origin().ascii_serialization() != *origin
    {
        return Err(PluginError::Invalid(format!("url: the page must be on {origin}")));
    }
    let url = String::from(url);
    // A browser gives an empty referrer for none; a page title is cut, never refused.
    let referrer = match report.referrer.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(referrer) => Some(checked_web_address(referrer, "referrer")?.into()),
    };
    let title = report.title.as_deref().and_then(|title| {
        let cut: String = title.trim().chars().take(TITLE.max_chars).collect();
        helpdesk_text_policy::text(&cut, TITLE).ok()
    });
    let time_zone = match report.time_zone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(zone) if zone.len() <= 64 => Some(weekly::zone(zone).map(|_| zone.to_string())?),
        Some(_) => return Err(PluginError::Invalid("time_zone: at most 64 characters".into())),
    };
    if stored.view.status != ConversationStatus::Open {
        // An ended conversation follows nobody.
        return Ok(());
    }
    let key = keys::visitor_context(conversation);
    let mut context = get_json(host, &key)?.unwrap_or_else(|| empty(conversation, stored.view.locale.clone()));
    let before = context.clone();
    if context.pages.is_empty() {
        context.referrer = referrer;
    }
    if time_zone.is_some() {
        context.time_zone = time_zone;
    }
    let same_page = context
        .pages
        .last()
        .is_some_and(|last| last.url == url && last.title == title);
    if !same_page {
        context.pages.push(VisitedPage {
            url,
            title,
            at: host.now(),
        });
        let excess = context.pages.len().saturating_sub(MAX_PAGES);
        context.pages.drain(..excess);
    }
    if context == before {
        return Ok(());
    }
    put_json(host, &key, &context)?;
    events::visitor_context_changed(host, &stored.view.project, &context)
}

/// Where the conversation's visitor is and has been, for its agents and overseers.
pub fn visitor_context<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    conversation: &str,
) -> PluginResult<VisitorContext> {
    let (stored, side) = record::load_for(host, ctx, conversation)?;
    if side == Side::Customer {
        return Err(PluginError::NotFound(format!(
            "conversation {conversation} does not exist"
        )));
    }
    Ok(get_json(host, &keys::visitor_context(conversation))?
        .unwrap_or_else(|| empty(conversation, stored.view.locale.clone())))
}

fn empty(conversation: &str, language: Option<String>) -> VisitorContext {
    VisitorContext {
        conversation: conversation.to_string(),
        referrer: None,
        language,
        time_zone: None,
        pages: Vec::new(),
    }
}
