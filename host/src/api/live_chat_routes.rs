//! Live chat (SPEC LC-1 … LC-11, PR-11): the widget's settings, the agents' inbox, and the
//! conversations both sides use. Every answer comes from the plugin and every body is a WIT
//! record.
//!
//! Two routers: [`staff_router`] for the host's own pages, and [`widget_router`] for the
//! widget, which also runs on other web sites' pages, so the API answers CORS requests
//! ([`widget_cors`]) from any origin, never with credentials.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderName, Method, header};
use serde::Deserialize;
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::{Caller, SignedIn, VISITOR_HEADER};
use super::context::ApiContext;
use super::error::{ApiErrors, ApiJson, ApiPath, ApiQuery, ApiResult};
use super::params::{MessagesQuery, PostMessage, ProjectPath};
use super::request_limits::Frequent;
use crate::contract::exports::helpdesk::chat::live_chat::{
    ChatMessage, Conversation, ConversationStart, InboxCounts, InboxPage, InboxView, MessagePage,
    TranscriptConfirmation, TranscriptSent, WelcomeText, WidgetSettings, WidgetView,
};
use crate::runtime::Access::{Read, Write};

/// The routes of the host's own pages: widget settings and the inbox.
pub fn staff_router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(get_widget_settings, save_widget_settings))
        .routes(routes!(inbox))
        .routes(routes!(inbox_counts))
        .routes(routes!(assign))
        .routes(routes!(make_issue))
        .routes(routes!(welcome_texts))
        .routes(routes!(save_welcome_text))
}

/// The routes the widget uses, from the portal or another site, with CORS.
pub fn widget_router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(widget))
        .routes(routes!(my_conversations, start_conversation))
        .routes(routes!(get_conversation))
        .routes(routes!(messages, post_message))
        .routes(routes!(end_conversation))
        .routes(routes!(email_transcript))
        .routes(routes!(confirm_transcript))
        .routes(routes!(typing))
        .routes(routes!(mark_seen))
}

/// CORS for the API, which the widget calls from other sites' pages: any origin may ask,
/// and no answer ever allows credentials. So a browser sends no cookie with a cross-origin
/// call that needs a preflight (every write: they take JSON), and cross-site calls never
/// carry the session cookie anyway (`SameSite=Lax`); a visitor is known by the
/// `X-Visitor-Token` header and a customer of another site by a bearer token. Whether a page
/// may use the chat at all is the plugin's rule, from the page origin the browser sent (LC-3).
pub fn widget_cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::ACCEPT_LANGUAGE,
            HeaderName::from_static(VISITOR_HEADER),
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([HeaderName::from_static("x-request-id"), header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600))
}

/// A route under one conversation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ConversationPath {
    /// The conversation's id (for example `c42`).
    pub id: String,
}

/// The project's widget settings, for its admins (LC-1 … LC-8).
#[utoipa::path(get, path = "/projects/{key}/chat/widget-settings", tag = "live-chat", params(ProjectPath),
    responses((status = OK, body = WidgetSettings), ApiErrors))]
async fn get_widget_settings(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
) -> ApiResult<Json<WidgetSettings>> {
    api.call(Read, caller.in_project(&path.key), |plugin, store, ctx| {
        plugin.helpdesk_chat_live_chat().call_get_widget_settings(store, ctx)
    })
    .await
    .map(Json)
}

/// Replaces the project's widget settings; answers them as saved (allowed sites as
/// origins, texts trimmed).
#[utoipa::path(put, path = "/projects/{key}/chat/widget-settings", tag = "live-chat", params(ProjectPath),
    request_body = WidgetSettings, responses((status = OK, body = WidgetSettings), ApiErrors))]
async fn save_widget_settings(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(settings): ApiJson<WidgetSettings>,
) -> ApiResult<Json<WidgetSettings>> {
    api.call(Write, caller.in_project(&path.key), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_save_widget_settings(store, ctx, &settings)
    })
    .await
    .map(Json)
}

/// `GET /projects/{key}/chat/inbox` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// Which conversations: `unassigned`, `mine` or `all` (default `all`).
    pub view: Option<InboxView>,
    /// The cursor of the previous page.
    pub before: Option<String>,
    /// Conversations per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
}

/// The project's chat inbox for its agents, most recently active first (PR-11).
#[utoipa::path(get, path = "/projects/{key}/chat/inbox", tag = "live-chat", params(ProjectPath, InboxQuery),
    responses((status = OK, body = InboxPage), ApiErrors))]
async fn inbox(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiQuery(query): ApiQuery<InboxQuery>,
) -> ApiResult<Json<InboxPage>> {
    api.call(Read, caller.in_project(&path.key), move |plugin, store, ctx| {
        plugin.helpdesk_chat_live_chat().call_inbox(
            store,
            ctx,
            query.view.unwrap_or(InboxView::All),
            query.before.as_deref(),
            query.limit.unwrap_or(50),
        )
    })
    .await
    .map(Json)
}

/// The project's inbox counts: the header's new-request notice.
#[utoipa::path(get, path = "/projects/{key}/chat/inbox/counts", tag = "live-chat", params(ProjectPath),
    responses((status = OK, body = InboxCounts), ApiErrors))]
async fn inbox_counts(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
) -> ApiResult<Json<InboxCounts>> {
    api.call(Read, caller.in_project(&path.key), |plugin, store, ctx| {
        plugin.helpdesk_chat_live_chat().call_get_inbox_counts(store, ctx)
    })
    .await
    .map(Json)
}

/// `POST /chat/conversations/{id}/assign` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assign {
    /// The agent to assign it to (yourself to take it), or `null` for nobody.
    pub assignee: Option<String>,
}

/// Assigns a conversation to an agent of its project, or to nobody.
#[utoipa::path(post, path = "/chat/conversations/{id}/assign", tag = "live-chat", params(ConversationPath),
    request_body = Assign, responses((status = OK, body = Conversation), ApiErrors))]
async fn assign(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ConversationPath>,
    ApiJson(body): ApiJson<Assign>,
) -> ApiResult<Json<Conversation>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_assign(store, ctx, &path.id, body.assignee.as_ref())
    })
    .await
    .map(Json)
}

/// What the widget shows the caller on the calling page; refused for pages the project
/// does not allow (LC-1 … LC-4, LC-7, LC-8).
#[utoipa::path(get, path = "/projects/{key}/chat/widget", tag = "live-chat", params(ProjectPath),
    responses((status = OK, body = WidgetView), ApiErrors))]
async fn widget(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ProjectPath>,
) -> ApiResult<Json<WidgetView>> {
    api.call(Read, caller.in_project(&path.key), |plugin, store, ctx| {
        plugin.helpdesk_chat_live_chat().call_widget(store, ctx)
    })
    .await
    .map(Json)
}

/// The caller's own conversations in the project, newest first (a reload shows them).
#[utoipa::path(get, path = "/projects/{key}/chat/conversations", tag = "live-chat", params(ProjectPath),
    responses((status = OK, body = Vec<Conversation>), ApiErrors))]
async fn my_conversations(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ProjectPath>,
) -> ApiResult<Json<Vec<Conversation>>> {
    api.call(Read, caller.in_project(&path.key), |plugin, store, ctx| {
        plugin.helpdesk_chat_live_chat().call_my_conversations(store, ctx)
    })
    .await
    .map(Json)
}

/// Starts a conversation with its first message (LC-9); every agent of the project sees it
/// at once. A retry with the same `client_id` answers the same conversation.
#[utoipa::path(post, path = "/projects/{key}/chat/conversations", tag = "live-chat", params(ProjectPath),
    request_body = ConversationStart, responses((status = OK, body = Conversation), ApiErrors))]
async fn start_conversation(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(start): ApiJson<ConversationStart>,
) -> ApiResult<Json<Conversation>> {
    api.call(Write, caller.in_project(&path.key), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_start_conversation(store, ctx, &start)
    })
    .await
    .map(Json)
}

/// One conversation, for its customer and its project's agents and admins.
#[utoipa::path(get, path = "/chat/conversations/{id}", tag = "live-chat", params(ConversationPath),
    responses((status = OK, body = Conversation), ApiErrors))]
async fn get_conversation(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ConversationPath>,
) -> ApiResult<Json<Conversation>> {
    api.call(Read, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_get_conversation(store, ctx, &path.id)
    })
    .await
    .map(Json)
}

/// A conversation's latest messages, or those before a number, oldest first.
#[utoipa::path(get, path = "/chat/conversations/{id}/messages", tag = "live-chat",
    params(ConversationPath, MessagesQuery), responses((status = OK, body = MessagePage), ApiErrors))]
async fn messages(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ConversationPath>,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> ApiResult<Json<MessagePage>> {
    api.call(Read, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_messages(store, ctx, &path.id, query.before, query.limit.unwrap_or(50))
    })
    .await
    .map(Json)
}

/// Adds a message, by the customer or an agent of the project (PR-11: online or not).
#[utoipa::path(post, path = "/chat/conversations/{id}/messages", tag = "live-chat", params(ConversationPath),
    request_body = PostMessage, responses((status = OK, body = ChatMessage), ApiErrors))]
async fn post_message(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ConversationPath>,
    ApiJson(body): ApiJson<PostMessage>,
) -> ApiResult<Json<ChatMessage>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_post_message(store, ctx, &path.id, &body.client_id, &body.body)
    })
    .await
    .map(Json)
}

/// Ends a conversation, by its customer or an agent.
#[utoipa::path(post, path = "/chat/conversations/{id}/end", tag = "live-chat", params(ConversationPath),
    responses((status = OK, body = Conversation), ApiErrors))]
async fn end_conversation(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ConversationPath>,
) -> ApiResult<Json<Conversation>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_end_conversation(store, ctx, &path.id)
    })
    .await
    .map(Json)
}

/// `POST /chat/conversations/{id}/transcript` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranscriptRequest {
    /// Where to send it, only when no address is known for the customer yet.
    #[serde(default)]
    pub email: Option<String>,
}

/// Mails the conversation's transcript to its customer, at their request, through the mail
/// outbox (3 requests per 10 minutes): at once to an address known to be theirs, else a
/// code goes there first (`awaiting_code`) and `/transcript/confirm` releases it.
#[utoipa::path(post, path = "/chat/conversations/{id}/transcript", tag = "live-chat", params(ConversationPath),
    request_body = TranscriptRequest, responses((status = OK, body = TranscriptSent), ApiErrors))]
async fn email_transcript(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ConversationPath>,
    ApiJson(body): ApiJson<TranscriptRequest>,
) -> ApiResult<Json<TranscriptSent>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_email_transcript(store, ctx, &path.id, body.email.as_deref())
    })
    .await
    .map(Json)
}

/// `POST /chat/conversations/{id}/transcript/confirm` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranscriptCode {
    /// The six digits mailed to the address.
    pub code: String,
}

/// Gives the code mailed for a transcript: the right one sends it; a wrong one says how many
/// tries are left (five in all).
#[utoipa::path(post, path = "/chat/conversations/{id}/transcript/confirm", tag = "live-chat", params(ConversationPath),
    request_body = TranscriptCode, responses((status = OK, body = TranscriptConfirmation), ApiErrors))]
async fn confirm_transcript(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ConversationPath>,
    ApiJson(body): ApiJson<TranscriptCode>,
) -> ApiResult<Json<TranscriptConfirmation>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_confirm_transcript(store, ctx, &path.id, &body.code)
    })
    .await
    .map(Json)
}

/// `POST /chat/conversations/{id}/typing` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Typing {
    /// True when the caller started typing, false when they stopped.
    pub typing: bool,
}

/// Tells the other side that the caller started or stopped typing: an event to the streams
/// open now, never stored. At most ten at once, then one a second (`429 rate_limited`).
#[utoipa::path(post, path = "/chat/conversations/{id}/typing", tag = "live-chat", params(ConversationPath),
    request_body = Typing, responses((status = NO_CONTENT, description = "Told."), ApiErrors))]
async fn typing(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ConversationPath>,
    ApiJson(body): ApiJson<Typing>,
) -> ApiResult<axum::http::StatusCode> {
    api.limits.check(Frequent::Typing, &caller)?;
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_typing(store, ctx, &path.id, body.typing)
    })
    .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// `POST /chat/conversations/{id}/seen` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Seen {
    /// The number of the last message the caller has seen.
    pub seq: u64,
}

/// Marks the messages up to a number as seen by the caller's side.
#[utoipa::path(post, path = "/chat/conversations/{id}/seen", tag = "live-chat", params(ConversationPath),
    request_body = Seen, responses((status = OK, body = Conversation), ApiErrors))]
async fn mark_seen(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ConversationPath>,
    ApiJson(body): ApiJson<Seen>,
) -> ApiResult<Json<Conversation>> {
    api.limits.check(Frequent::Seen, &caller)?;
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_mark_seen(store, ctx, &path.id, body.seq)
    })
    .await
    .map(Json)
}

/// `POST /chat/conversations/{id}/issue` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MakeIssue {
    /// The issue's summary; "Chat with <customer>: <first message>" when omitted.
    #[serde(default)]
    pub summary: Option<String>,
}

/// Turns a conversation into an issue of its project, its transcript in the issue's
/// history (LC-11); asking again answers the conversation with the issue it became.
#[utoipa::path(post, path = "/chat/conversations/{id}/issue", tag = "live-chat", params(ConversationPath),
    request_body = MakeIssue, responses((status = OK, body = Conversation), ApiErrors))]
async fn make_issue(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ConversationPath>,
    ApiJson(body): ApiJson<MakeIssue>,
) -> ApiResult<Json<Conversation>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_make_issue(store, ctx, &path.id, body.summary.as_deref())
    })
    .await
    .map(Json)
}

/// The site-wide welcome texts, per language (site admins; LC-7).
#[utoipa::path(get, path = "/chat/welcome-texts", tag = "live-chat",
    responses((status = OK, body = Vec<WelcomeText>), ApiErrors))]
async fn welcome_texts(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
) -> ApiResult<Json<Vec<WelcomeText>>> {
    api.call(Read, caller.context(None), |plugin, store, ctx| {
        plugin.helpdesk_chat_live_chat().call_welcome_texts(store, ctx)
    })
    .await
    .map(Json)
}

/// A language of the welcome texts.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct LanguagePath {
    /// The language's primary subtag, lower case (for example `de`).
    pub language: String,
}

/// `PUT /chat/welcome-texts/{language}` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveWelcomeText {
    /// The text; `null` goes back to the text the product ships (or none).
    pub text: Option<String>,
}

/// Sets one language's site-wide welcome text (site admins; LC-7); answers them all.
#[utoipa::path(put, path = "/chat/welcome-texts/{language}", tag = "live-chat", params(LanguagePath),
    request_body = SaveWelcomeText, responses((status = OK, body = Vec<WelcomeText>), ApiErrors))]
async fn save_welcome_text(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<LanguagePath>,
    ApiJson(body): ApiJson<SaveWelcomeText>,
) -> ApiResult<Json<Vec<WelcomeText>>> {
    api.call(Write, caller.context(None), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_save_welcome_text(store, ctx, &path.language, body.text.as_deref())
    })
    .await
    .map(Json)
}
