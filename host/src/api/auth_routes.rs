//! Logging in and out.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::ApiContext;
use super::error::{ApiError, ApiJson};
use super::session::{ClientAddress, token_of};
use std::time::Instant;

use crate::auth::{self, SESSION_COOKIE};
use crate::directory::{self, User};
use crate::login_throttle::ThrottleKey;

/// The auth routes.
pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
}

/// `POST /auth/login` body.
#[derive(Deserialize)]
pub struct LoginRequest {
    /// The user id; surrounding spaces are ignored.
    pub user: String,
    /// The password, checked against the stored hash.
    pub password: String,
}

/// `POST /auth/login` answer: the token doubles as a bearer token for scripts.
#[derive(Serialize)]
pub struct LoginResponse {
    /// The session token, also set as the session cookie.
    pub token: String,
    /// The user now logged in.
    pub user: User,
}

async fn login(
    State(ctx): State<ApiContext>,
    ClientAddress(address): ClientAddress,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let refused = || ApiError::BadCredentials("wrong user or password".into());
    let user_id = request.user.trim().to_string();
    let mut keys = vec![ThrottleKey::User(user_id.clone())];
    if let Some(address) = address {
        keys.push(ThrottleKey::Address(address));
    }
    if let Err(wait) = ctx.login_throttle.check(&keys, Instant::now()) {
        return Err(ApiError::RateLimited(wait.as_secs().max(1)));
    }
    let lookup = user_id.clone();
    let hash = ctx.db.run(move |conn| directory::password_hash(conn, &lookup)).await?;
    // Verify even without a hash, so timing does not tell whether the user exists.
    let hash_to_check = hash.clone().unwrap_or_else(|| DUMMY_HASH.to_string());
    let password = request.password;
    let permit = ctx
        .password_checks
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let verified = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        auth::verify_password(&password, &hash_to_check)
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?;
    if !(verified && hash.is_some()) {
        ctx.login_throttle.record_failure(&keys, Instant::now());
        return Err(refused());
    }
    ctx.login_throttle.record_success(&user_id);
    let token = auth::new_token();
    let now = ctx.clock.now_ms();
    let session_token = token.clone();
    let user = ctx
        .db
        .run(move |conn| {
            auth::create_session(conn, &session_token, &user_id, now)?;
            directory::get_user(conn, &user_id)
        })
        .await?
        .ok_or_else(refused)?;
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        auth::SESSION_TTL_MS / 1000
    );
    let mut response = Json(LoginResponse { token, user }).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// An Argon2 hash of a random password, checked when the user does not exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$7DgnRh5AsFe8o5nmvRkH1oeFXm5Ll7O0qphm0G4Hq1I";

async fn logout(State(ctx): State<ApiContext>, request: axum::extract::Request) -> Result<Response, ApiError> {
    let (parts, _) = request.into_parts();
    if let Some(token) = token_of(&parts) {
        ctx.db.run(move |conn| auth::delete_session(conn, &token)).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let expired = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if let Ok(value) = HeaderValue::from_str(&expired) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}
