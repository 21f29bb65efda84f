//! Who is asking: the session from the cookie or a bearer token.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::ApiContext;
use super::error::ApiError;
use crate::auth::{self, SESSION_COOKIE};
use crate::directory::User;

/// The session token a request carries, if any: `Authorization: Bearer …` first, then the cookie.
pub fn token_of(parts: &Parts) -> Option<String> {
    token_in(&parts.headers)
}

/// The session token in these headers, if any (see [`token_of`]).
pub fn token_in(headers: &axum::http::HeaderMap) -> Option<String> {
    if let Some(bearer) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim().to_string());
    }
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The logged-in user, if any.
pub struct MaybeUser(pub Option<User>);

/// The logged-in user; `401 unauthenticated` otherwise.
pub struct CurrentUser(pub User);

impl FromRequestParts<ApiContext> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, Self::Rejection> {
        let Some(token) = token_of(parts) else {
            return Ok(MaybeUser(None));
        };
        let now = ctx.clock.now_ms();
        let user = ctx.db.run(move |conn| auth::session_user(conn, &token, now)).await?;
        Ok(MaybeUser(user))
    }
}

impl FromRequestParts<ApiContext> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, Self::Rejection> {
        match MaybeUser::from_request_parts(parts, ctx).await? {
            MaybeUser(Some(user)) => Ok(CurrentUser(user)),
            MaybeUser(None) => Err(ApiError::Unauthenticated),
        }
    }
}

/// `access-denied` unless `user` is a licensed member of the site (not a portal-only
/// customer): members use the directory, issues and team chat.
pub fn require_member(user: &User) -> Result<(), ApiError> {
    if user.member {
        Ok(())
    } else {
        Err(ApiError::AccessDenied("only members of the site may do this".into()))
    }
}

/// `access-denied` unless `user` is a site admin: only they change the directory.
pub fn require_site_admin(user: &User) -> Result<(), ApiError> {
    if user.site_admin {
        Ok(())
    } else {
        Err(ApiError::AccessDenied("only site admins change the directory".into()))
    }
}

/// The client's IP address, when the server knows it (not in in-process tests).
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let address = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        Ok(ClientAddress(address))
    }
}
