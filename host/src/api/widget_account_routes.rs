//! Customers' accounts through the widget: logging in (LC-6) and registering (LC-5). Both
//! answer a bearer token for the widget to keep (it may run on another site, so no cookie),
//! and both count against the login throttle.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth_routes::{LoginRequest, LoginResponse, password_login};
use super::caller::Caller;
use super::context::ApiContext;
use super::error::{ApiError, ApiErrors, ApiJson, ApiPath, ApiResult, current_request_id};
use super::params::ProjectPath;
use crate::runtime::Access::Read;

/// The widget's account routes (CORS-enabled with the rest of the widget's API).
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(widget_login))
        .routes(routes!(widget_register))
}

/// Logs a customer in through the widget (LC-6) and answers a bearer token for the widget to
/// keep; no cookie, as the widget may run on another site. Members of the groups the project
/// blocks are refused exactly like a wrong password, and every attempt counts against the
/// login throttle per user and per address (`429 rate_limited`).
#[utoipa::path(post, path = "/projects/{key}/chat/login", tag = "live-chat", params(ProjectPath),
    request_body = LoginRequest, responses((status = OK, body = LoginResponse), ApiErrors))]
async fn widget_login(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let user = request.user.trim().to_string();
    let allowed = api
        .call(Read, caller.in_project(&path.key), move |plugin, store, ctx| {
            plugin
                .helpdesk_chat_live_chat()
                .call_may_log_in_through_widget(store, ctx, &user)
        })
        .await?;
    let scope = crate::auth::SessionScope::Widget(path.key);
    password_login(&api, &caller, request, allowed, scope).await.map(Json)
}

/// `POST /projects/{key}/chat/register` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Register {
    /// The name agents will see.
    pub display_name: String,
    /// The customer's e-mail address; answers to offline messages go there.
    pub email: String,
    /// At least 8 characters.
    pub password: String,
}

/// Registers a portal customer through the widget, where the project allows it (LC-5), and
/// logs them in: answers a bearer token for the widget to keep. Every attempt counts against
/// the login throttle of the caller's address before anything else is done, and the slow
/// password hashing comes only after every other check passed.
#[utoipa::path(post, path = "/projects/{key}/chat/register", tag = "live-chat", params(ProjectPath),
    request_body = Register, responses((status = OK, body = LoginResponse), ApiErrors))]
async fn widget_register(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(body): ApiJson<Register>,
) -> ApiResult<Json<LoginResponse>> {
    crate::validate::new_password(&body.password).map_err(ApiError::Invalid)?;
    let ctx = caller.in_project(&path.key);
    // Counted first, in a commit of its own, so refusals count too.
    let keys: Vec<_> = caller
        .network
        .map(crate::login_throttle::ThrottleKey::Address)
        .into_iter()
        .collect();
    let now = api.site.clock.now_ms();
    let throttled = api
        .site
        .db
        .write(move |slot| -> Result<_, ApiError> { Ok(crate::login_throttle::begin_attempt(slot.tx()?, &keys, now)?) })
        .await?;
    if let Err(wait) = throttled {
        return Err(ApiError::too_many_logins(wait));
    }
    let (name, email) = (body.display_name, body.email);
    let (checked_name, checked_email) = (name.clone(), email.clone());
    api.call(Read, ctx.clone(), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_check_registration(store, ctx, &checked_name, &checked_email)
    })
    .await?;
    let hash = api.passwords.hash(body.password).await?;
    let plugin = api.site.plugin.clone();
    let request_id = current_request_id();
    let scope = crate::auth::SessionScope::Widget(path.key.clone());
    let (token, user) = api
        .site
        .db
        .write(move |slot| -> Result<_, ApiError> {
            let id = plugin.call_in(slot, &request_id, &|plugin, store| {
                plugin
                    .helpdesk_chat_live_chat()
                    .call_register_customer(store, &ctx, &name, &email)
            })?;
            let tx = slot.tx()?;
            tx.set_password_hash(&id, &hash)?;
            let user = tx
                .user(&id)?
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("registered user {id} is missing")))?;
            Ok((crate::auth::start_session(tx, &id, &scope, now)?, user))
        })
        .await?;
    Ok(Json(LoginResponse { token, user }))
}
