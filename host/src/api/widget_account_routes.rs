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
    password_login(&api, &caller, request, allowed).await.map(Json)
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

/// The shortest password a customer may choose.
const MIN_PASSWORD_CHARS: usize = 8;

/// Registers a portal customer through the widget, where the project allows it (LC-5), and
/// logs them in: answers a bearer token for the widget to keep. Registrations count against
/// the login throttle of the caller's address.
#[utoipa::path(post, path = "/projects/{key}/chat/register", tag = "live-chat", params(ProjectPath),
    request_body = Register, responses((status = OK, body = LoginResponse), ApiErrors))]
async fn widget_register(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(body): ApiJson<Register>,
) -> ApiResult<Json<LoginResponse>> {
    if body.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::Invalid(format!(
            "password: at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    let password = body.password;
    let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    let ctx = caller.in_project(&path.key);
    let keys: Vec<_> = caller
        .network
        .map(crate::login_throttle::ThrottleKey::Address)
        .into_iter()
        .collect();
    let plugin = api.site.plugin.clone();
    let request_id = current_request_id();
    let now = api.site.clock.now_ms();
    let (name, email) = (body.display_name, body.email);
    let (token, user) = api
        .site
        .db
        .write(move |slot| -> Result<_, ApiError> {
            if let Err(wait) = crate::login_throttle::begin_attempt(slot.tx()?, &keys, now)? {
                return Err(ApiError::too_many_logins(wait));
            }
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
            Ok((crate::auth::start_session(tx, &id, now)?, user))
        })
        .await?;
    Ok(Json(LoginResponse { token, user }))
}
