//! The calls whose signature changed after `helpdesk:chat@0.2.0`, adapted by hand for a
//! plugin built against it (SPEC PL-10). In 0.3 a page's size and a list's view may be left
//! out (the plugin's default: 50, all), and `chat-online` became `chat-status`, answering
//! the project with the state; a 0.2 plugin is given the defaults and asked the old way. A
//! 0.3 widget view says when business hours close the widget (LC-22); a 0.2 one never does.

use wasmtime::AsContextMut;

use super::exports::helpdesk::chat::{live_chat, presence, team_chat};
use super::helpdesk::chat::types::{CallContext, Error};
use super::instance::convert;
use super::v0_2;

/// The page size a 0.3 plugin uses when none is given, for a 0.2 plugin that needs one.
const DEFAULT_PAGE: u32 = 50;

type Older = v0_2::ChatPlugin;

/// `presence.online-agents` with its limit left out as 0.3 allows.
pub fn presence_online_agents<S: AsContextMut>(
    plugin: &Older,
    store: S,
    ctx: &CallContext,
    after: Option<&str>,
    limit: Option<u32>,
) -> wasmtime::Result<Result<presence::OnlineAgentsPage, Error>>
where
    <S as wasmtime::AsContext>::Data: Send,
{
    let ctx: v0_2::helpdesk::chat::types::CallContext = convert(ctx)?;
    let answer =
        plugin
            .helpdesk_chat_presence()
            .call_online_agents(store, &ctx, after, limit.unwrap_or(DEFAULT_PAGE))?;
    convert(&answer)
}

/// `presence.chat-status`: a 0.2 plugin answers `chat-online` with the state alone.
pub fn presence_chat_status<S: AsContextMut>(
    plugin: &Older,
    store: S,
    ctx: &CallContext,
) -> wasmtime::Result<Result<presence::ChatStatusEvent, Error>>
where
    <S as wasmtime::AsContext>::Data: Send,
{
    let older: v0_2::helpdesk::chat::types::CallContext = convert(ctx)?;
    let answer = plugin.helpdesk_chat_presence().call_chat_online(store, &older)?;
    Ok(match answer {
        Ok(online) => Ok(presence::ChatStatusEvent {
            project: ctx.project.clone().unwrap_or_default(),
            online,
        }),
        Err(err) => Err(convert(&err)?),
    })
}

/// `presence.presence-history` with its limit left out as 0.3 allows.
pub fn presence_presence_history<S: AsContextMut>(
    plugin: &Older,
    store: S,
    ctx: &CallContext,
    filter: &presence::HistoryFilter,
    before: Option<&str>,
    limit: Option<u32>,
) -> wasmtime::Result<Result<presence::PresenceHistoryPage, Error>>
where
    <S as wasmtime::AsContext>::Data: Send,
{
    let ctx: v0_2::helpdesk::chat::types::CallContext = convert(ctx)?;
    let filter: v0_2::exports::helpdesk::chat::presence::HistoryFilter = convert(filter)?;
    let answer = plugin.helpdesk_chat_presence().call_presence_history(
        store,
        &ctx,
        &filter,
        before,
        limit.unwrap_or(DEFAULT_PAGE),
    )?;
    convert(&answer)
}

/// `live-chat.messages` with its limit left out as 0.3 allows.
pub fn live_chat_messages<S: AsContextMut>(
    plugin: &Older,
    store: S,
    ctx: &CallContext,
    conversation: &str,
    before: Option<u64>,
    limit: Option<u32>,
) -> wasmtime::Result<Result<live_chat::MessagePage, Error>>
where
    <S as wasmtime::AsContext>::Data: Send,
{
    let ctx: v0_2::helpdesk::chat::types::CallContext = convert(ctx)?;
    let answer = plugin.helpdesk_chat_live_chat().call_messages(
        store,
        &ctx,
        conversation,
        before,
        limit.unwrap_or(DEFAULT_PAGE),
    )?;
    convert(&answer)
}

/// `live-chat.inbox` with its view (all) and limit left out as 0.3 allows.
pub fn live_chat_inbox<S: AsContextMut>(
    plugin: &Older,
    store: S,
    ctx: &CallContext,
    view: Option<live_chat::InboxView>,
    before: Option<&str>,
    limit: Option<u32>,
) -> wasmtime::Result<Result<live_chat::InboxPage, Error>>
where
    <S as wasmtime::AsContext>::Data: Send,
{
    let ctx: v0_2::helpdesk::chat::types::CallContext = convert(ctx)?;
    let view: v0_2::exports::helpdesk::chat::live_chat::InboxView =
        convert(&view.unwrap_or(live_chat::InboxView::All))?;
    let answer =
        plugin
            .helpdesk_chat_live_chat()
            .call_inbox(store, &ctx, view, before, limit.unwrap_or(DEFAULT_PAGE))?;
    convert(&answer)
}

/// `team-chat.chat-messages` with its view (all) and limit left out as 0.3 allows.
pub fn team_chat_chat_messages<S: AsContextMut>(
    plugin: &Older,
    store: S,
    ctx: &CallContext,
    chat: &str,
    before: Option<u64>,
    view: Option<team_chat::HistoryView>,
    limit: Option<u32>,
) -> wasmtime::Result<Result<team_chat::TeamMessagePage, Error>>
where
    <S as wasmtime::AsContext>::Data: Send,
{
    let ctx: v0_2::helpdesk::chat::types::CallContext = convert(ctx)?;
    let view: v0_2::exports::helpdesk::chat::team_chat::HistoryView =
        convert(&view.unwrap_or(team_chat::HistoryView::All))?;
    let answer = plugin.helpdesk_chat_team_chat().call_chat_messages(
        store,
        &ctx,
        chat,
        before,
        view,
        limit.unwrap_or(DEFAULT_PAGE),
    )?;
    convert(&answer)
}

/// A 0.2 plugin's widget view as 0.3 gives it: 0.2 has no business hours (LC-22), so the
/// widget is never closed by them.
fn widget_view(
    answer: Result<v0_2::exports::helpdesk::chat::live_chat::WidgetView, v0_2::helpdesk::chat::types::Error>,
) -> wasmtime::Result<Result<live_chat::WidgetView, Error>> {
    Ok(match answer {
        Ok(old) => Ok(live_chat::WidgetView {
            project: old.project,
            project_name: old.project_name,
            chat_online: old.chat_online,
            welcome: old.welcome,
            greeting: old.greeting,
            may_start: old.may_start,
            registration: old.registration,
            customer_name: old.customer_name,
            closed: None,
            hours_change_at: None,
        }),
        Err(err) => Err(convert(&err)?),
    })
}

/// `live-chat.widget`: a 0.2 plugin's view has no business hours.
pub fn live_chat_widget<S: AsContextMut>(
    plugin: &Older,
    store: S,
    ctx: &CallContext,
) -> wasmtime::Result<Result<live_chat::WidgetView, Error>>
where
    <S as wasmtime::AsContext>::Data: Send,
{
    let ctx: v0_2::helpdesk::chat::types::CallContext = convert(ctx)?;
    widget_view(plugin.helpdesk_chat_live_chat().call_widget(store, &ctx)?)
}

/// `live-chat.identify-visitor`: a 0.2 plugin's view has no business hours.
pub fn live_chat_identify_visitor<S: AsContextMut>(
    plugin: &Older,
    store: S,
    ctx: &CallContext,
    token: Option<&str>,
) -> wasmtime::Result<Result<live_chat::WidgetView, Error>>
where
    <S as wasmtime::AsContext>::Data: Send,
{
    let ctx: v0_2::helpdesk::chat::types::CallContext = convert(ctx)?;
    widget_view(
        plugin
            .helpdesk_chat_live_chat()
            .call_identify_visitor(store, &ctx, token)?,
    )
}
