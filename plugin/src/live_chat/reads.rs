//! Reading live chat: what the widget shows (LC-1 … LC-8), a conversation and its messages,
//! a customer's own conversations, and the agents' inbox (PR-11). All read-only.

use super::business_hours;
use super::keys;
use super::record::{self, StoredConversation, anonymous_name, counts, customer_key, is_agent, visitor_number};
use super::settings;
use super::verified;
use super::welcome::site_welcome;
use crate::bindings::exports::helpdesk::chat::live_chat::{
    ChatMessage, Conversation, InboxCounts, InboxPage, InboxView, MessagePage, WidgetSettings, WidgetView,
};
use crate::bindings::helpdesk::chat::types::{Actor, CallContext};
use crate::capabilities::{Clock, Directory, ScanRequest, Storage};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{is_project_staff, require_actor, require_project};
use crate::presence::online_list;
use crate::storage::{decode_json, prefix_end};

/// The most messages or conversations one page holds.
pub const MAX_PAGE: u32 = 200;
/// How many of their own conversations a customer sees.
pub const MY_CONVERSATIONS: u32 = 20;

/// What the widget shows the caller on the calling page.
pub fn widget<H: Clock + Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<WidgetView> {
    let (project, widget) = settings::widget_on_page(host, ctx)?;
    widget_view(host, ctx, project, &widget)
}

/// What the widget shows the caller, once [`settings::widget_on_page`] allowed the page.
pub fn widget_view<H: Clock + Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    project: String,
    widget: &WidgetSettings,
) -> PluginResult<WidgetView> {
    let now = host.now();
    let (closed, hours_change_at) = business_hours::state_at(host, &project, now, &ctx.languages)?;
    // Outside business hours the widget is closed, whoever is online (LC-22).
    let online = closed.is_none() && online_list::count(host, &project, now)? > 0;
    let (may_start, customer_name) = match &ctx.actor {
        Actor::User(user) | Actor::Customer(user) => {
            let name = host.user(user).map(|u| u.display_name);
            (!is_agent(host, user, &project), name)
        }
        Actor::Visitor(visitor) => match verified::verified(host, &project, visitor)? {
            // The project's own site vouched for them: its user, whatever the anonymous setting.
            Some(verified) => (true, Some(verified.name)),
            None => (
                widget.anonymous,
                visitor_number(host, visitor, false)?.map(anonymous_name),
            ),
        },
        Actor::Anonymous | Actor::System => (false, None),
    };
    let project_name = host.project_name(&project);
    let welcome = match widget.welcome_override.clone() {
        Some(text) => text,
        None => site_welcome(host, &ctx.languages)?,
    };
    Ok(WidgetView {
        welcome,
        greeting: widget.greeting.clone(),
        registration: widget.registration,
        project,
        project_name,
        chat_online: online,
        may_start,
        customer_name,
        closed,
        hours_change_at,
    })
}

/// One conversation the caller may see.
pub fn get_conversation<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
) -> PluginResult<Conversation> {
    Ok(record::load_for(host, ctx, id)?.0.view)
}

/// The latest messages of a conversation, or those before `before`, oldest first.
pub fn messages<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    before: Option<u64>,
    limit: Option<u32>,
) -> PluginResult<MessagePage> {
    let limit = crate::paging::page_size(limit, MAX_PAGE)?;
    record::load_for(host, ctx, id)?;
    let (messages, more_before) = super::conversations::thread(id).page::<ChatMessage>(host, before, limit)?;
    Ok(MessagePage { messages, more_before })
}

/// The caller's own conversations in the context project, newest first.
pub fn my_conversations<H: Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<Vec<Conversation>> {
    let (project, _) = settings::widget_on_page(host, ctx)?;
    let customer = customer_key(host, ctx, &project)?
        .ok_or_else(|| PluginError::AccessDenied("log in, or chat through the widget".into()))?;
    let prefix = keys::customer_prefix(&project, &customer);
    let (conversations, _) = indexed_page(host, &prefix, None, MY_CONVERSATIONS)?;
    Ok(conversations)
}

/// One page of a project's inbox, most recently active first.
pub fn inbox<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    view: Option<InboxView>,
    before: Option<&str>,
    limit: Option<u32>,
) -> PluginResult<InboxPage> {
    let limit = crate::paging::page_size(limit, MAX_PAGE)?;
    let (project, user) = inbox_context(host, ctx)?;
    let prefix = match view.unwrap_or(InboxView::All) {
        InboxView::Unassigned => keys::unassigned_prefix(&project),
        InboxView::Mine => keys::mine_prefix(&project, &user),
        InboxView::All => keys::all_prefix(&project),
    };
    let (conversations, cursor) = indexed_page(host, &prefix, before, limit)?;
    Ok(InboxPage {
        conversations,
        cursor,
        counts: counts(host, &project)?,
    })
}

/// A project's inbox counts, for its agents and admins.
pub fn get_inbox_counts<H: Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<InboxCounts> {
    let (project, _) = inbox_context(host, ctx)?;
    counts(host, &project)
}

/// The project and the viewer, when the viewer may read the project's inbox.
fn inbox_context(directory: &impl Directory, ctx: &CallContext) -> PluginResult<(String, String)> {
    let project = require_project(directory, ctx)?.to_string();
    let user = require_actor(ctx)?.to_string();
    if is_project_staff(directory, &user, &project) {
        Ok((project, user))
    } else {
        Err(PluginError::AccessDenied(format!(
            "only agents and admins of {project} read its chat inbox"
        )))
    }
}

/// Conversations listed under an activity index, newest first, after the cursor `before`.
fn indexed_page(
    storage: &mut impl Storage,
    prefix: &str,
    before: Option<&str>,
    limit: u32,
) -> PluginResult<(Vec<Conversation>, Option<String>)> {
    let end = match before {
        Some(cursor) if is_index_cursor(cursor) => format!("{prefix}{cursor}"),
        Some(_) => return Err(PluginError::Invalid("before: not a cursor this inbox gave".into())),
        None => prefix_end(prefix),
    };
    let page = storage.kv_scan(ScanRequest {
        start: prefix,
        end: &end,
        limit: limit + 1,
        reverse: true,
        cursor: None,
    })?;
    let more = page.entries.len() > limit as usize;
    let listed: Vec<_> = page.entries.into_iter().take(limit as usize).collect();
    let cursor = more
        .then(|| listed.last().map(|entry| entry.key[prefix.len()..].to_string()))
        .flatten();
    let ids: Vec<String> = listed
        .iter()
        .map(|entry| keys::conversation(&String::from_utf8_lossy(&entry.value)))
        .collect();
    let mut conversations = Vec::with_capacity(ids.len());
    for (key, value) in ids.iter().zip(storage.kv_get_many(&ids)?) {
        let bytes = value.ok_or_else(|| PluginError::Unavailable(format!("{key} is listed but missing")))?;
        conversations.push(decode_json::<StoredConversation>(key, &bytes)?.view);
    }
    Ok((conversations, cursor))
}

/// An index cursor: a 20-digit time, `/`, a conversation id part.
fn is_index_cursor(cursor: &str) -> bool {
    cursor.len() <= 100
        && cursor.split_once('/').is_some_and(|(time, id)| {
            time.len() == 20 && time.bytes().all(|b| b.is_ascii_digit()) && !id.is_empty() && !id.contains('/')
        })
}
