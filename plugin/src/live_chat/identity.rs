//! Identity verification (beyond the seeds, as Chatwoot and Intercom do it): a project's own
//! web site passes its logged-in user to the widget with an HMAC-SHA256 of the user's id
//! under a per-project secret that only the site's server and this plugin know. A visitor
//! who shows a matching hash is that user: their conversations follow them across browsers,
//! and agents see their name and address instead of "Anonymous Chat User".

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::keys;
use super::settings::{self, require_project_admin};
use super::verified::VerifiedVisitor;
use crate::bindings::exports::helpdesk::chat::live_chat::{IdentitySecretView, VerifiedUser, WidgetView};
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
    user: Option<VerifiedUser>,
) -> PluginResult<WidgetView> {
    let (project, widget) = settings::widget_on_page(host, ctx)?;
    let Actor::Visitor(visitor) = &ctx.actor else {
        return Err(PluginError::AccessDenied(
            "only an anonymous widget visitor is identified by the site".into(),
        ));
    };
    let key = keys::verified_visitor(&project, visitor);
    match user {
        None => {
            host.kv_delete(&key)?;
        }
        Some(user) => {
            let secret = get_json::<String>(host, &keys::identity_secret(&project))?
                .ok_or_else(|| PluginError::AccessDenied(format!("identity verification is off in {project}")))?;
            let id = text(&user.id, USER_ID).map_err(PluginError::Invalid)?;
            if !hash_matches(&secret, &id, &user.hash) {
                return Err(PluginError::AccessDenied(
                    "the identity hash does not match: compute it on your server as the hex HMAC-SHA256 of the user id with the project's identity secret".into(),
                ));
            }
            let name = text(&user.name, DISPLAY_NAME).map_err(PluginError::Invalid)?;
            let email = optional_email(user.email.as_deref()).map_err(PluginError::Invalid)?;
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

/// Whether `hash` (hex) is the HMAC-SHA256 of `id` under `secret`, compared in constant time.
pub fn hash_matches(secret: &str, id: &str, hash: &str) -> bool {
    let Ok(given) = hex::decode(hash.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(id.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// The hex HMAC-SHA256 of `id` under `secret`: what a site's server computes.
pub fn hash_of(secret: &str, id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}
