//! The `team-chat` export: the WIT functions onto the rules (inside a component only).

use super::{access, chats, issue_chats, messages, people, rooms, trace};
use crate::bindings::Component;
use crate::bindings::exports::helpdesk::chat::team_chat::{
    ChatSummary, Guest, HistoryView, MyStatus, Person, RoomSpec, TeamChatAccess, TeamChatSettings, TeamMessage,
    TeamMessagePage, TracePage, TraceQuery,
};
use crate::bindings::helpdesk::chat::types::{CallContext, Error};
use crate::capabilities::wit_host::WitHost;

impl Guest for Component {
    fn get_team_chat_settings(ctx: CallContext) -> Result<TeamChatSettings, Error> {
        Ok(access::get_settings(&mut WitHost, &ctx)?)
    }

    fn save_team_chat_settings(ctx: CallContext, settings: TeamChatSettings) -> Result<TeamChatSettings, Error> {
        Ok(access::save_settings(&mut WitHost, &ctx, settings)?)
    }

    fn my_access(ctx: CallContext) -> Result<TeamChatAccess, Error> {
        Ok(access::team_chat_access(&mut WitHost, &ctx)?)
    }

    fn my_chats(ctx: CallContext) -> Result<Vec<ChatSummary>, Error> {
        Ok(chats::my_chats(&mut WitHost, &ctx)?)
    }

    fn get_chat(ctx: CallContext, chat: String) -> Result<ChatSummary, Error> {
        Ok(chats::get_chat(&mut WitHost, &ctx, &chat)?)
    }

    fn open_direct_chat(ctx: CallContext, other: String) -> Result<ChatSummary, Error> {
        Ok(chats::open_direct_chat(&mut WitHost, &ctx, &other)?)
    }

    fn open_issue_chat(ctx: CallContext, issue: String) -> Result<ChatSummary, Error> {
        Ok(issue_chats::open_issue_chat(&mut WitHost, &ctx, &issue)?)
    }

    fn chat_participants(ctx: CallContext, chat: String) -> Result<Vec<Person>, Error> {
        Ok(issue_chats::chat_participants(&mut WitHost, &ctx, &chat)?)
    }

    fn invite_to_chat(ctx: CallContext, chat: String, user: String) -> Result<(), Error> {
        Ok(issue_chats::invite_to_chat(&mut WitHost, &ctx, &chat, &user)?)
    }

    fn create_room(ctx: CallContext, room: RoomSpec) -> Result<ChatSummary, Error> {
        Ok(rooms::create_room(&mut WitHost, &ctx, room)?)
    }

    fn get_room(ctx: CallContext, chat: String) -> Result<RoomSpec, Error> {
        Ok(rooms::get_room(&mut WitHost, &ctx, &chat)?)
    }

    fn edit_room(ctx: CallContext, chat: String, room: RoomSpec) -> Result<ChatSummary, Error> {
        Ok(rooms::edit_room(&mut WitHost, &ctx, &chat, room)?)
    }

    fn delete_room(ctx: CallContext, chat: String) -> Result<(), Error> {
        Ok(rooms::delete_room(&mut WitHost, &ctx, &chat)?)
    }

    fn get_my_status(ctx: CallContext) -> Result<MyStatus, Error> {
        Ok(people::get_my_status(&mut WitHost, &ctx)?)
    }

    fn set_my_status(ctx: CallContext, status: MyStatus) -> Result<Person, Error> {
        Ok(people::set_my_status(&mut WitHost, &ctx, status)?)
    }

    fn people(ctx: CallContext, users: Vec<String>) -> Result<Vec<Person>, Error> {
        Ok(people::people(&mut WitHost, &ctx, &users)?)
    }

    fn chat_messages(
        ctx: CallContext,
        chat: String,
        before: Option<u64>,
        view: Option<HistoryView>,
        limit: Option<u32>,
    ) -> Result<TeamMessagePage, Error> {
        Ok(messages::chat_messages(&mut WitHost, &ctx, &chat, before, view, limit)?)
    }

    fn post_team_message(
        ctx: CallContext,
        chat: String,
        client_id: String,
        body: String,
    ) -> Result<TeamMessage, Error> {
        Ok(messages::post_team_message(
            &mut WitHost,
            &ctx,
            &chat,
            &client_id,
            &body,
        )?)
    }

    fn edit_team_message(ctx: CallContext, chat: String, seq: u64, body: String) -> Result<TeamMessage, Error> {
        Ok(messages::edit_team_message(&mut WitHost, &ctx, &chat, seq, &body)?)
    }

    fn delete_team_message(ctx: CallContext, chat: String, seq: u64) -> Result<TeamMessage, Error> {
        Ok(messages::delete_team_message(&mut WitHost, &ctx, &chat, seq)?)
    }

    fn search_trace(
        ctx: CallContext,
        query: TraceQuery,
        before: Option<String>,
        limit: u32,
    ) -> Result<TracePage, Error> {
        Ok(trace::search_trace(
            &mut WitHost,
            &ctx,
            &query,
            before.as_deref(),
            limit,
        )?)
    }

    fn mark_chat_read(ctx: CallContext, chat: String, seq: u64) -> Result<ChatSummary, Error> {
        Ok(messages::mark_chat_read(&mut WitHost, &ctx, &chat, seq)?)
    }
}
