//! Identity verification (beyond the seeds, as Chatwoot and Intercom do it): a project's own
//! web site passes its logged-in user to the widget in a token signed (HMAC-SHA256) under a
//! per-project secret that only the site's server and this plugin know, with the user's id,
//! name and address and an expiry (see `identity_token`). A visitor who shows a valid token
//! is that user: their conversations follow them across browsers, and agents see their name
//! and address instead of "Anonymous Chat User".

use super::keys;
use super::settings::{self, require_project_admin};
use super::verified::VerifiedVisitor;
use crate::bindings::exports::helpdesk::chat::live_chat::{IdentitySecretView, WidgetView};
use crate::bindings::helpdesk::chat::types::{Actor, CallContext};
use crate::capabilities::{Clock, Directory, Storage};
use crate::error::{PluginError, PluginResult};
use crate::storage::{get_json, put_json};
use helpdesk_text_policy::{DISPLAY_NAME, TextRule, optional_email, text};

/// A site's user id: one line, at most 100 characters.
const USER_ID: TextRule = TextRule {
    field: "id",
    max_chars: 100,
    multiline: false,
};

/// Binds the calling visitor to the user the site vouches for, or forgets the binding.
pub fn identify_visitor<H: Clock + Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    token: Option<&str>,
) -> PluginResult<WidgetView> {
    let (project, widget) = settings::widget_on_page(host, ctx)?;
    let Actor::Visitor(visitor) = &ctx.actor else {
        return Err(PluginError::AccessDenied(
            "only an anonymous widget visitor is identified by the site".into(),
        ));
    };
    let key = keys::verified_visitor(&project, visitor);
    match token {
        None => {
            host.kv_delete(&key)?;
        }
        Some(token) => {
            let secret = get_json::<String>(host, &keys::identity_secret(&project))?
                .ok_or_else(|| PluginError::AccessDenied(format!("identity verification is off in {project}")))?;
            let claims =
                super::identity_token::verify(&secret, token, host.now() / 1000).map_err(PluginError::AccessDenied)?;
            let id = text(&claims.id, USER_ID).map_err(PluginError::Invalid)?;
            let name = text(&claims.name, DISPLAY_NAME).map_err(PluginError::Invalid)?;
            let email = optional_email(claims.email.as_deref()).map_err(PluginError::Invalid)?;
            put_json(host, &key, &VerifiedVisitor { id, name, email })?;
        }
    }
    super::reads::widget_view(host, ctx, project, &widget)
}

/// The project's identity secret, for its admins.
pub fn identity_secret<H: Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<IdentitySecretView> {
    let project = require_project_admin(host, ctx)?;
    Ok(IdentitySecretView {
        secret: get_json(host, &keys::identity_secret(&project))?,
    })
}

/// A new random secret, or none.
pub fn change_identity_secret<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    enabled: bool,
) -> PluginResult<IdentitySecretView> {
    let project = require_project_admin(host, ctx)?;
    let key = keys::identity_secret(&project);
    if !enabled {
        host.kv_delete(&key)?;
        return Ok(IdentitySecretView { secret: None });
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|err| PluginError::Unavailable(format!("no random numbers for a new secret: {err}")))?;
    let secret = hex::encode(bytes);
    put_json(host, &key, &secret)?;
    Ok(IdentitySecretView { secret: Some(secret) })
}
