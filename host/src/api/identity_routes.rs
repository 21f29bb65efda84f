//! Identity verification for the widget on a project's own web site: its admins read and
//! change the identity secret, and the widget passes the user the site vouches for (a token
//! the site's server signs with the secret). The plugin checks the token; the host only
//! carries it.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::{Caller, SignedIn};
use super::context::ApiContext;
use super::error::{ApiErrors, ApiJson, ApiPath, ApiResult};
use super::params::ProjectPath;
use crate::contract::exports::helpdesk::chat::live_chat::{IdentitySecretView, WidgetView};
use crate::runtime::Access::{Read, Write};

/// The identity verification routes.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(identity_secret, change_identity_secret))
        .routes(routes!(identify_visitor))
}

/// The project's identity secret (project and site admins).
#[utoipa::path(get, path = "/projects/{key}/chat/identity-secret", tag = "live-chat", params(ProjectPath),
    responses((status = OK, body = IdentitySecretView), ApiErrors))]
async fn identity_secret(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
) -> ApiResult<Json<IdentitySecretView>> {
    api.call(Read, caller.in_project(&path.key), |plugin, store, ctx| {
        plugin.helpdesk_chat_live_chat().call_identity_secret(store, ctx)
    })
    .await
    .map(Json)
}

/// `PUT /projects/{key}/chat/identity-secret` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeIdentitySecret {
    /// True: a new random secret (hashes made with the old one stop working); false: off.
    pub enabled: bool,
}

/// Turns identity verification on with a new secret, or off (project and site admins).
#[utoipa::path(put, path = "/projects/{key}/chat/identity-secret", tag = "live-chat", params(ProjectPath),
    request_body = ChangeIdentitySecret, responses((status = OK, body = IdentitySecretView), ApiErrors))]
async fn change_identity_secret(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(body): ApiJson<ChangeIdentitySecret>,
) -> ApiResult<Json<IdentitySecretView>> {
    api.call(Write, caller.in_project(&path.key), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_change_identity_secret(store, ctx, body.enabled)
    })
    .await
    .map(Json)
}

/// `POST /projects/{key}/chat/identify` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentifyVisitor {
    /// The user the site vouches for: a JSON Web Token its server signed with HS256 under
    /// the project's identity secret, with the claims `sub`, `name`, `email` (optional) and
    /// `exp` (at most 7 days ahead); `null` forgets who the visitor was.
    pub token: Option<String>,
}

/// Tells the chat which user of the project's site the calling visitor is, with the token the
/// site's server signed; answers the widget view as the visitor now is.
#[utoipa::path(post, path = "/projects/{key}/chat/identify", tag = "live-chat", params(ProjectPath),
    request_body = IdentifyVisitor, responses((status = OK, body = WidgetView), ApiErrors))]
async fn identify_visitor(
    State(api): State<ApiContext>,
    caller: Caller,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(body): ApiJson<IdentifyVisitor>,
) -> ApiResult<Json<WidgetView>> {
    api.call(Write, caller.in_project(&path.key), move |plugin, store, ctx| {
        plugin
            .helpdesk_chat_live_chat()
            .call_identify_visitor(store, ctx, body.token.as_deref())
    })
    .await
    .map(Json)
}
