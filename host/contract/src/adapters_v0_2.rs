//! The calls whose signature changed after `helpdesk:chat@0.2.0`, adapted by hand for a
//! plugin built against it (SPEC PL-10). In 0.3 a page's size and a list's view may be left
//! out (the plugin's default: 50, all), and `chat-online` became `chat-status`, answering
//! the project with the state; a 0.2 plugin is given the defaults and asked the old way.

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
