//! Customers' accounts through the widget: logging in (LC-6) and registering with a code
//! mailed to the address (LC-5). Both end in a bearer token of a widget session for the
//! widget to keep (it may run on another site, so no cookie), and every attempt counts
//! against the login throttle.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::auth::{LoginRequest, LoginResponse, password_login};
use crate::api::caller::Caller;
use crate::api::context::ApiContext;
use crate::api::error::{ApiError, ApiErrors, ApiJson, ApiPath, ApiResult, current_request_id};
use crate::api::params::ProjectPath;
use crate::contract::exports::helpdesk::chat::live_chat::RegistrationStarted;
use crate::runtime::Access::Read;

/// The widget's account routes (CORS-enabled with the rest of the widget's API).
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(widget_login))
        .routes(routes!(widget_register))
        .routes(routes!(widget_confirm_registration))
}

/// Logs a customer in through the widget (LC-6) and answers a bearer token for the widget to
/// keep; no cookie, as the widget may run on another site. Members of the groups the project
/// blocks are refused exactly like a wrong password, and every attempt counts against the
/// login throttle per user and per address (`429 rate_limited`).
#[utoipa::path(post, path = "/projects/{project}/chat/login", tag = "live-chat", params(ProjectPath),
    request_body = LoginRequest, responses((status = OK, body = LoginResponse), ApiErrors))]
async fn widget_login(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let user = request.user.trim().to_string();
    let allowed = api
        .call(Read, caller.in_project(&path.project), move |plugin, store, ctx| {
            plugin
                .helpdesk_chat_live_chat()
                .call_may_log_in_through_widget(store, ctx, &user)
        })
        .await?;
    let scope = crate::auth::SessionScope::Widget(path.project);
    password_login(&api, &caller, request, allowed, scope).await.map(Json)
}

/// `POST /projects/{project}/chat/register` body.
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

/// How long the password hash of a registration waiting for its code is kept: a little
/// longer than the code works, so a code given in its last second still finds it.
const PENDING_PASSWORD_MS: i64 = 35 * 60_000;

/// Starts registering a portal customer through the widget, where the project allows it
/// (LC-5): a six-digit code goes to the address (or, when it already has an account, a mail
/// saying so; the answer is the same), and `/chat/register/confirm` with that code makes the
/// account and logs the customer in. Every attempt counts against the login throttle of the
/// caller's address before anything else is done, and the slow password hashing comes only
/// after every other check passed.
#[utoipa::path(post, path = "/projects/{project}/chat/register", tag = "live-chat", params(ProjectPath),
    request_body = Register, responses((status = ACCEPTED, body = RegistrationStarted), ApiErrors))]
async fn widget_register(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(body): ApiJson<Register>,
) -> ApiResult<(StatusCode, Json<RegistrationStarted>)> {
    crate::validate::new_password(&body.password).map_err(ApiError::Invalid)?;
    let ctx = caller.in_project(&path.project);
    count_attempt(&api, &caller).await?;
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
    let now = api.site.clock.now_ms();
    let started = api
        .site
        .db
        .write(move |slot| -> Result<_, ApiError> {
            let started = plugin.call_in(slot, &request_id, &|plugin, store| {
                plugin
                    .helpdesk_chat_live_chat()
                    .call_begin_registration(store, &ctx, &name, &email)
            })?;
            slot.tx()?
                .keep_pending_password(&started.registration, &hash, now + PENDING_PASSWORD_MS)?;
            Ok(started)
        })
        .await?;
    Ok((StatusCode::ACCEPTED, Json(started)))
}

/// `POST /projects/{project}/chat/register/confirm` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRegistration {
    /// The registration `/chat/register` answered.
    pub registration: String,
    /// The six digits mailed to the address.
    pub code: String,
}

/// Finishes a registration with the code mailed for it: makes the account, sets the
/// password chosen at registering and logs the customer in through the widget (a bearer
/// token for the widget to keep). A wrong code is `400 invalid` with the tries left; the
/// fifth ends the registration. Attempts count against the login throttle of the address.
#[utoipa::path(post, path = "/projects/{project}/chat/register/confirm", tag = "live-chat", params(ProjectPath),
    request_body = ConfirmRegistration, responses((status = OK, body = LoginResponse), ApiErrors))]
async fn widget_confirm_registration(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(body): ApiJson<ConfirmRegistration>,
) -> ApiResult<Json<LoginResponse>> {
    count_attempt(&api, &caller).await?;
    let ctx = caller.in_project(&path.project);
    let scope = crate::auth::SessionScope::Widget(path.project.clone());
    let plugin = api.site.plugin.clone();
    let request_id = current_request_id();
    let now = api.site.clock.now_ms();
    // A wrong code is kept as counted (the job commits) and told after.
    let outcome = api
        .site
        .db
        .write(move |slot| -> Result<_, ApiError> {
            let outcome = plugin.call_in(slot, &request_id, &|plugin, store| {
                plugin
                    .helpdesk_chat_live_chat()
                    .call_finish_registration(store, &ctx, &body.registration, &body.code)
            })?;
            let Some(id) = outcome.user else {
                return Ok(Err(outcome.tries_left));
            };
            let mut tx = slot.tx()?;
            let hash = tx
                .take_pending_password(&body.registration, now)?
                .ok_or_else(|| ApiError::Invalid("registration: it expired; register again".into()))?;
            tx.set_password_hash(&id, &hash)?;
            let user = tx
                .user(&id)?
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("registered user {id} is missing")))?;
            Ok(Ok((crate::auth::start_session(&mut *tx, &id, &scope, now)?, user)))
        })
        .await?;
    match outcome {
        Ok((token, user)) => Ok(Json(LoginResponse { token, user })),
        Err(0) => Err(ApiError::Invalid(
            "code: wrong, and that was the last try; register again".into(),
        )),
        Err(left) => Err(ApiError::Invalid(format!(
            "code: wrong; {left} {} left",
            if left == 1 { "try" } else { "tries" }
        ))),
    }
}

/// Counts an attempt against the login throttle of the caller's address, in a commit of its
/// own so that refusals count too; `429` when the address is over its limit.
async fn count_attempt(api: &ApiContext, caller: &Caller) -> ApiResult<()> {
    let keys: Vec<_> = caller
        .network
        .map(crate::login_throttle::ThrottleKey::Address)
        .into_iter()
        .collect();
    let now = api.site.clock.now_ms();
    let throttled = api
        .site
        .db
        .write(move |slot| -> Result<_, ApiError> {
            Ok(crate::login_throttle::begin_attempt(&mut *slot.tx()?, &keys, now)?)
        })
        .await?;
    throttled.map_err(ApiError::too_many_logins)
}
