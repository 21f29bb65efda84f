//! Team chat (SPEC TC-1 … TC-10): the site's settings, the caller's chats, rooms,
//! user-to-user chats and messages. Every answer comes from the plugin and every body is a
//! WIT record; the routes only carry them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::SignedIn;
use super::context::ApiContext;
use super::error::ApiError;
use super::error::{ApiErrors, ApiJson, ApiPath, ApiQuery, ApiResult};
use super::params::{IssuePath, PostMessage};
use super::request_limits::Frequent;
use crate::contract::exports::helpdesk::chat::team_chat::{
    ChatSummary, HistoryView, MyStatus, Person, RoomSpec, TeamChatAccess, TeamChatSettings, TeamMessage,
    TeamMessagePage,
};
use crate::runtime::Access::{Read, Write};

/// The team chat routes.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(settings, save_settings))
        .routes(routes!(access))
        .routes(routes!(my_chats))
        .routes(routes!(get_chat))
        .routes(routes!(open_direct_chat))
        .routes(routes!(open_issue_chat))
        .routes(routes!(participants, invite))
        .routes(routes!(create_room))
        .routes(routes!(get_room, edit_room, delete_room))
        .routes(routes!(messages, post_message))
        .routes(routes!(mark_read))
        .routes(routes!(edit_message, delete_message))
        .routes(routes!(my_status, set_my_status))
        .routes(routes!(people))
}

/// A route under one chat.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ChatPath {
    /// The chat's id (for example `company-acme`, `room-3`, `direct-7`).
    pub chat: String,
}

/// The site's team-chat settings: the switch and who holds each permission (TC-1); site
/// admins only.
#[utoipa::path(get, path = "/team-chat/settings", tag = "team-chat",
    responses((status = OK, body = TeamChatSettings), ApiErrors))]
async fn settings(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
) -> ApiResult<Json<TeamChatSettings>> {
    api.call(Read, caller.context(None), |plugin, store, ctx| {
        plugin.helpdesk_chat_team_chat().call_get_team_chat_settings(store, ctx)
    })
    .await
    .map(Json)
}

/// Saves the site's team-chat settings (site admins); access taken away ends at once.
#[utoipa::path(put, path = "/team-chat/settings", tag = "team-chat", request_body = TeamChatSettings,
    responses((status = OK, body = TeamChatSettings), ApiErrors))]
async fn save_settings(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiJson(settings): ApiJson<TeamChatSettings>,
) -> ApiResult<Json<TeamChatSettings>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_team_chat()
            .call_save_team_chat_settings(store, ctx, &settings)
    })
    .await
    .map(Json)
}

/// What the caller may do in team chat, for the pages.
#[utoipa::path(get, path = "/team-chat/access", tag = "team-chat",
    responses((status = OK, body = TeamChatAccess), ApiErrors))]
async fn access(State(api): State<ApiContext>, SignedIn { caller, .. }: SignedIn) -> ApiResult<Json<TeamChatAccess>> {
    api.call(Read, caller.context(None), |plugin, store, ctx| {
        plugin.helpdesk_chat_team_chat().call_my_access(store, ctx)
    })
    .await
    .map(Json)
}

/// The chats the caller may read: company chats first, then by last activity.
#[utoipa::path(get, path = "/team-chat/chats", tag = "team-chat",
    responses((status = OK, body = Vec<ChatSummary>), ApiErrors))]
async fn my_chats(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
) -> ApiResult<Json<Vec<ChatSummary>>> {
    api.call(Read, caller.context(None), |plugin, store, ctx| {
        plugin.helpdesk_chat_team_chat().call_my_chats(store, ctx)
    })
    .await
    .map(Json)
}

/// One chat as the caller sees it.
#[utoipa::path(get, path = "/team-chat/chats/{chat}", tag = "team-chat", params(ChatPath),
    responses((status = OK, body = ChatSummary), ApiErrors))]
async fn get_chat(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ChatPath>,
) -> ApiResult<Json<ChatSummary>> {
    api.call(Read, caller.context(None), move |plugin, store, ctx| {
        plugin.helpdesk_chat_team_chat().call_get_chat(store, ctx, &path.chat)
    })
    .await
    .map(Json)
}

/// `POST /team-chat/direct` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenDirect {
    /// The other person's user id.
    pub user: String,
}

/// Opens the caller's user-to-user chat with another user (TC-4): the other person learns
/// of it with its first message, not before.
#[utoipa::path(post, path = "/team-chat/direct", tag = "team-chat", request_body = OpenDirect,
    responses((status = OK, body = ChatSummary), ApiErrors))]
async fn open_direct_chat(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiJson(body): ApiJson<OpenDirect>,
) -> ApiResult<Json<ChatSummary>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_team_chat()
            .call_open_direct_chat(store, ctx, &body.user)
    })
    .await
    .map(Json)
}

/// Opens an issue's chat (TC-5); its messages are also comments in the issue's history.
#[utoipa::path(post, path = "/issues/{key}/chat", tag = "team-chat", params(IssuePath),
    responses((status = OK, body = ChatSummary), ApiErrors))]
async fn open_issue_chat(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<IssuePath>,
) -> ApiResult<Json<ChatSummary>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_team_chat()
            .call_open_issue_chat(store, ctx, &path.key)
    })
    .await
    .map(Json)
}

/// The participants of an issue chat with their status (TC-5).
#[utoipa::path(get, path = "/team-chat/chats/{chat}/participants", tag = "team-chat", params(ChatPath),
    responses((status = OK, body = Vec<Person>), ApiErrors))]
async fn participants(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ChatPath>,
) -> ApiResult<Json<Vec<Person>>> {
    api.call(Read, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_team_chat()
            .call_chat_participants(store, ctx, &path.chat)
    })
    .await
    .map(Json)
}

/// `POST /team-chat/chats/{chat}/participants` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    /// The person invited.
    pub user: String,
}

/// A participant invites someone into an issue chat, who is told (TC-5).
#[utoipa::path(post, path = "/team-chat/chats/{chat}/participants", tag = "team-chat", params(ChatPath),
    request_body = Invite, responses((status = NO_CONTENT, description = "Invited."), ApiErrors))]
async fn invite(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ChatPath>,
    ApiJson(body): ApiJson<Invite>,
) -> ApiResult<StatusCode> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_team_chat()
            .call_invite_to_chat(store, ctx, &path.chat, &body.user)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates a room, public or private (TC-3).
#[utoipa::path(post, path = "/team-chat/rooms", tag = "team-chat", request_body = RoomSpec,
    responses((status = OK, body = ChatSummary), ApiErrors))]
async fn create_room(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiJson(room): ApiJson<RoomSpec>,
) -> ApiResult<Json<ChatSummary>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin.helpdesk_chat_team_chat().call_create_room(store, ctx, &room)
    })
    .await
    .map(Json)
}

/// A room as it was given, for those who may edit it.
#[utoipa::path(get, path = "/team-chat/rooms/{chat}", tag = "team-chat", params(ChatPath),
    responses((status = OK, body = RoomSpec), ApiErrors))]
async fn get_room(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ChatPath>,
) -> ApiResult<Json<RoomSpec>> {
    api.call(Read, caller.context(None), move |plugin, store, ctx| {
        plugin.helpdesk_chat_team_chat().call_get_room(store, ctx, &path.chat)
    })
    .await
    .map(Json)
}

/// Changes a room; members taken off lose it at once, open streams included.
#[utoipa::path(put, path = "/team-chat/rooms/{chat}", tag = "team-chat", params(ChatPath), request_body = RoomSpec,
    responses((status = OK, body = ChatSummary), ApiErrors))]
async fn edit_room(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ChatPath>,
    ApiJson(room): ApiJson<RoomSpec>,
) -> ApiResult<Json<ChatSummary>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_team_chat()
            .call_edit_room(store, ctx, &path.chat, &room)
    })
    .await
    .map(Json)
}

/// Deletes a room from every list.
#[utoipa::path(delete, path = "/team-chat/rooms/{chat}", tag = "team-chat", params(ChatPath),
    responses((status = NO_CONTENT, description = "Deleted."), ApiErrors))]
async fn delete_room(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ChatPath>,
) -> ApiResult<StatusCode> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_team_chat()
            .call_delete_room(store, ctx, &path.chat)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /team-chat/chats/{chat}/messages` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TeamMessagesQuery {
    /// Only messages before this number; the latest when omitted.
    pub before: Option<u64>,
    /// Messages per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
    /// How far back: `yesterday`, `last-7-days`, `last-30-days` or `all` (the default), in
    /// the caller's time zone.
    #[param(value_type = Option<String>)]
    pub view: Option<HistoryView>,
}

/// A chat's latest messages, or those before a number, oldest first, as far back as the
/// view lets through (TC-6).
#[utoipa::path(get, path = "/team-chat/chats/{chat}/messages", tag = "team-chat",
    params(ChatPath, TeamMessagesQuery), responses((status = OK, body = TeamMessagePage), ApiErrors))]
async fn messages(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ChatPath>,
    ApiQuery(query): ApiQuery<TeamMessagesQuery>,
) -> ApiResult<Json<TeamMessagePage>> {
    api.call(Read, caller.context(None), move |plugin, store, ctx| {
        plugin.helpdesk_chat_team_chat().call_chat_messages(
            store,
            ctx,
            &path.chat,
            query.before,
            query.view.unwrap_or(HistoryView::All),
            query.limit.unwrap_or(50),
        )
    })
    .await
    .map(Json)
}

/// Writes a message (TC-7); a retry with the same client id stores nothing new. At most 300
/// a minute per person by default, a hundred of them at once (`429 rate_limited`).
#[utoipa::path(post, path = "/team-chat/chats/{chat}/messages", tag = "team-chat", params(ChatPath),
    request_body = PostMessage, responses((status = OK, body = TeamMessage), ApiErrors))]
async fn post_message(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ChatPath>,
    ApiJson(body): ApiJson<PostMessage>,
) -> ApiResult<Json<TeamMessage>> {
    api.limits.check(Frequent::TeamMessage, &caller)?;
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_team_chat()
            .call_post_team_message(store, ctx, &path.chat, &body.client_id, &body.body)
    })
    .await
    .map(Json)
}

/// `POST /team-chat/chats/{chat}/read` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// The number of the last message read.
    pub seq: u64,
}

/// Marks the caller's messages read up to a number (never back).
#[utoipa::path(post, path = "/team-chat/chats/{chat}/read", tag = "team-chat", params(ChatPath),
    request_body = MarkRead, responses((status = OK, body = ChatSummary), ApiErrors))]
async fn mark_read(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ChatPath>,
    ApiJson(body): ApiJson<MarkRead>,
) -> ApiResult<Json<ChatSummary>> {
    api.limits.check(Frequent::Seen, &caller)?;
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_team_chat()
            .call_mark_chat_read(store, ctx, &path.chat, body.seq)
    })
    .await
    .map(Json)
}

/// The caller's own status, words and auto-away time (PR-14).
#[utoipa::path(get, path = "/team-chat/status", tag = "team-chat",
    responses((status = OK, body = MyStatus), ApiErrors))]
async fn my_status(State(api): State<ApiContext>, SignedIn { caller, .. }: SignedIn) -> ApiResult<Json<MyStatus>> {
    api.call(Read, caller.context(None), |plugin, store, ctx| {
        plugin.helpdesk_chat_team_chat().call_get_my_status(store, ctx)
    })
    .await
    .map(Json)
}

/// Sets the caller's status, words and auto-away time (PR-14); everyone's people list
/// follows at once.
#[utoipa::path(put, path = "/team-chat/status", tag = "team-chat", request_body = MyStatus,
    responses((status = OK, body = Person), ApiErrors))]
async fn set_my_status(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiJson(status): ApiJson<MyStatus>,
) -> ApiResult<Json<Person>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin.helpdesk_chat_team_chat().call_set_my_status(store, ctx, &status)
    })
    .await
    .map(Json)
}

/// The people of team chat with their status, online ones first, then by name (TC-8,
/// PR-14). The host offers every user of its directory; the plugin says who is in team
/// chat and how they are.
#[utoipa::path(get, path = "/team-chat/people", tag = "team-chat",
    responses((status = OK, body = Vec<Person>), ApiErrors))]
async fn people(State(api): State<ApiContext>, SignedIn { caller, .. }: SignedIn) -> ApiResult<Json<Vec<Person>>> {
    let users: Vec<String> = api
        .site
        .db
        .read(|slot| -> Result<_, ApiError> { Ok(slot.tx()?.list_users()?) })
        .await?
        .into_iter()
        .filter(|user| user.member)
        .map(|user| user.id)
        .collect();
    api.call(Read, caller.context(None), move |plugin, store, ctx| {
        plugin.helpdesk_chat_team_chat().call_people(store, ctx, &users)
    })
    .await
    .map(Json)
}

/// A route under one message of a chat.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MessagePath {
    /// The chat's id.
    pub chat: String,
    /// The message's number in the chat.
    pub seq: u64,
}

/// `PUT /team-chat/chats/{chat}/messages/{seq}` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditMessage {
    /// The new text: plain text, 1 to 4,000 characters.
    pub body: String,
}

/// Changes one of the caller's own messages (TC-10); the trace keeps both texts.
#[utoipa::path(put, path = "/team-chat/chats/{chat}/messages/{seq}", tag = "team-chat", params(MessagePath),
    request_body = EditMessage, responses((status = OK, body = TeamMessage), ApiErrors))]
async fn edit_message(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<MessagePath>,
    ApiJson(body): ApiJson<EditMessage>,
) -> ApiResult<Json<TeamMessage>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_team_chat()
            .call_edit_team_message(store, ctx, &path.chat, path.seq, &body.body)
    })
    .await
    .map(Json)
}

/// Deletes a message: its author, or a site admin (TC-10); the trace keeps its text.
#[utoipa::path(delete, path = "/team-chat/chats/{chat}/messages/{seq}", tag = "team-chat", params(MessagePath),
    responses((status = OK, body = TeamMessage), ApiErrors))]
async fn delete_message(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<MessagePath>,
) -> ApiResult<Json<TeamMessage>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_team_chat()
            .call_delete_team_message(store, ctx, &path.chat, path.seq)
    })
    .await
    .map(Json)
}
