//! Logging in and out. Failed logins are throttled per user id and per address (through the
//! store, so every node sees them); logging out ends the session's open streams.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::{Caller, SESSION_COOKIE, session_token};
use super::context::ApiContext;
use super::error::{ApiError, ApiErrors, ApiJson, ApiResult, current_request_id};
use crate::auth::{self, SessionScope};
use crate::contract::helpdesk::chat::directory::User;
use crate::login_throttle::{self, ThrottleKey};
use crate::scheduler::end_session_in;

/// The auth routes.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(login)).routes(routes!(logout))
}

/// `POST /auth/login` body.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// The user id; surrounding spaces are ignored.
    pub user: String,
    /// The password, checked against the stored hash.
    pub password: String,
}

/// `POST /auth/login` answer: the token doubles as a bearer token for scripts.
#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// The session token, also set as the session cookie.
    pub token: String,
    /// The user now logged in.
    pub user: User,
}

/// An Argon2 hash of a random password, checked when the user does not exist, so timing
/// does not tell whether a user exists.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$7DgnRh5AsFe8o5nmvRkH1oeFXm5Ll7O0qphm0G4Hq1I";

/// Logs in: sets the session cookie and returns the token. Repeated failures for a user id
/// or from an address are refused for a while (`429 rate_limited` with `Retry-After`).
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = OK, body = LoginResponse), ApiErrors))]
async fn login(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiJson(request): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let answer = password_login(&api, &caller, request, true, SessionScope::Site).await?;
    // Logging in is being there: team chat shows the person online at once (PR-14), not
    // only after their first action.
    let session = auth::token_id(&answer.token);
    let signed_in = Caller {
        user: Some(answer.user.clone()),
        session: Some(session.clone()),
        ..caller.clone()
    };
    super::caller::note_activity(&api, &answer.user.id, Some(&session), signed_in.context(None)).await;
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        answer.token,
        auth::SESSION_TTL_MS / 1000,
        if caller.secure { "; Secure" } else { "" }
    );
    let mut response = Json(answer).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Checks a user's password and starts a session of `scope`, counting the attempt against
/// the login throttle (per user id and per address) before the password is checked. With
/// `allowed` false the attempt is refused whatever the password, with the same answer, the
/// same count and the same work as a wrong password, so the answer tells nothing about it.
pub async fn password_login(
    api: &ApiContext,
    caller: &Caller,
    request: LoginRequest,
    allowed: bool,
    scope: SessionScope,
) -> ApiResult<LoginResponse> {
    let refused = || ApiError::BadCredentials("wrong user or password".into());
    let user_id = request.user.trim().to_string();
    if crate::validate::user_id(&user_id).is_err() || request.password.len() > crate::validate::MAX_PASSWORD_BYTES {
        // No such user (or password) can exist, and nothing unbounded is stored for the
        // throttle or hashed.
        return Err(refused());
    }
    let mut keys = vec![
        ThrottleKey::UserFrom(user_id.clone(), caller.network),
        ThrottleKey::User(user_id.clone()),
    ];
    if let Some(network) = caller.network {
        keys.push(ThrottleKey::Address(network));
    }
    let now = api.site.clock.now_ms();
    // Counted before the password is checked, so parallel guesses cannot all pass the limit.
    let (lookup, attempt_keys) = (user_id.clone(), keys.clone());
    let (throttled, hash) = api
        .site
        .db
        .write(move |slot| -> Result<_, ApiError> {
            let mut tx = slot.tx()?;
            let throttled = login_throttle::begin_attempt(&mut *tx, &attempt_keys, now)?;
            Ok((throttled, tx.password_hash(&lookup)?))
        })
        .await?;
    if let Err(wait) = throttled {
        return Err(ApiError::too_many_logins(wait));
    }
    let hash = hash.filter(|_| allowed);
    let hash_to_check = hash.clone().unwrap_or_else(|| DUMMY_HASH.to_string());
    let verified = api.passwords.verify(request.password, hash_to_check).await?;
    if !(verified && hash.is_some()) {
        return Err(refused());
    }
    let (token, user) = api
        .site
        .db
        .write(move |slot| -> Result<_, ApiError> {
            let mut tx = slot.tx()?;
            login_throttle::record_success(&mut *tx, &keys, now)?;
            let user = tx.user(&user_id)?.ok_or_else(refused)?;
            Ok((auth::start_session(&mut *tx, &user_id, &scope, now)?, user))
        })
        .await?;
    Ok(LoginResponse { token, user })
}

/// Logs out: ends the session (its open streams end too) and clears the cookie.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", responses((status = NO_CONTENT, description = "Logged out."), ApiErrors))]
async fn logout(State(api): State<ApiContext>, caller: Caller, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = session_token(&headers) {
        let plugin = api.site.plugin.clone();
        let now = api.site.clock.now_ms();
        let request_id = current_request_id();
        api.site
            .db
            .write(move |slot| -> Result<_, ApiError> {
                let session = auth::token_id(&token);
                let ended = slot.tx()?.delete_session(&session)?;
                if let Some(user) = ended {
                    end_session_in(&plugin, slot, &request_id, &user, &session, now)?;
                }
                Ok(())
            })
            .await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let expired = format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if caller.secure { "; Secure" } else { "" }
    );
    if let Ok(value) = HeaderValue::from_str(&expired) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}
