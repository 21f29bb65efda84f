//! Registering as a portal customer through the widget (LC-5), where the project allows
//! it: the address must be the customer's, so a six-digit code is mailed to it and the
//! registration is finished only with that code. An address that already has an account is
//! told so by mail instead, and the caller gets the same answer either way, so registering
//! never tells anyone whether an address is known. The host keeps the password's hash for a
//! registration meanwhile; no password ever reaches the plugin.

use helpdesk_text_policy::{DISPLAY_NAME, text};
use serde::{Deserialize, Serialize};

use super::keys;
use super::settings::widget_on_page;
use crate::bindings::exports::helpdesk::chat::live_chat::{RegistrationOutcome, RegistrationStarted};
use crate::bindings::helpdesk::chat::types::{CallContext, ProjectRole, Timestamp};
use crate::capabilities::{Clock, Directory, Log, Mail, Storage, Wake};
use crate::due_markers::{marker, take_due_markers};
use crate::error::{PluginError, PluginResult};
use crate::one_time_code::{new_code, new_id};
use crate::storage::{get_json, put_json};

/// How long a mailed code finishes a registration.
pub const CODE_LIFETIME_MS: u64 = 30 * 60_000;
/// How many codes may be tried for one registration.
pub const CODE_TRIES: u32 = 5;
/// The most expired registrations one scheduler run clears away.
const EXPIRED_PER_RUN: u32 = 200;

/// A registration waiting for its code.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingRegistration {
    project: String,
    name: String,
    email: String,
    /// `None` when the address already had an account: no code finishes it.
    code: Option<String>,
    expires: Timestamp,
    tries_left: u32,
}

/// Every check of a registration: the project takes them on this page, the caller is not
/// logged in, the name and address are well formed, and the name is none the project's
/// staff go by. The host asks (read-only) before it hashes the password.
pub fn check_registration<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    display_name: &str,
    email: &str,
) -> PluginResult<(String, String, String)> {
    let (project, widget) = widget_on_page(host, ctx)?;
    if !widget.registration {
        return Err(PluginError::AccessDenied(format!(
            "{project} does not take registrations through its chat"
        )));
    }
    if crate::permissions::logged_in_user(ctx).is_some() {
        return Err(PluginError::Conflict("you are logged in already".into()));
    }
    let name = text(display_name, DISPLAY_NAME).map_err(PluginError::Invalid)?;
    let email = helpdesk_text_policy::email(email).map_err(PluginError::Invalid)?;
    if goes_by_staff_name(host, &project, &name) {
        return Err(PluginError::Invalid(format!(
            "display_name: {name:?} is the name of one of {project}'s staff; choose another"
        )));
    }
    Ok((project, name, email))
}

/// Starts a registration: the code (or, for a known address, the news that it has an
/// account) goes to the address; the answer is the same either way.
pub fn begin_registration<H: Clock + Directory + Storage + Mail + Wake>(
    host: &mut H,
    ctx: &CallContext,
    display_name: &str,
    email: &str,
) -> PluginResult<RegistrationStarted> {
    let (project, name, email) = check_registration(host, ctx, display_name, email)?;
    let project_name = host.project_name(&project);
    let code = if host.user_by_email(&email).is_some() {
        host.send_mail(
            std::slice::from_ref(&email),
            &format!("Your account with {project_name}"),
            &format!(
                "Someone tried to register with this address in {project_name}'s chat, but it already has an \
                 account.\n\nIf it was you, log in with it instead. If not, ignore this mail: nothing was changed.\n"
            ),
        )?;
        None
    } else {
        let code = new_code()?;
        host.send_mail(
            std::slice::from_ref(&email),
            &format!("Your code for {project_name}'s chat: {code}"),
            &format!(
                "To finish registering in {project_name}'s chat, enter this code: {code}\n\n\
                 It works for 30 minutes. If you did not register, ignore this mail: no account is made \
                 without the code.\n"
            ),
        )?;
        Some(code)
    };
    let id = new_id()?;
    let expires = host.now() + CODE_LIFETIME_MS;
    let pending = PendingRegistration {
        project,
        name,
        email: email.clone(),
        code,
        expires,
        tries_left: CODE_TRIES,
    };
    put_json(host, &keys::registration(&id), &pending)?;
    host.kv_set(&marker(keys::REGISTRATION_DUE_PREFIX, expires, &id), b"")?;
    host.wake_at(expires);
    Ok(RegistrationStarted {
        registration: id,
        to: email,
    })
}

/// Finishes a registration with its code: the right one registers the customer.
pub fn finish_registration<H: Clock + Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    code: &str,
) -> PluginResult<RegistrationOutcome> {
    let (project, _) = widget_on_page(host, ctx)?;
    if crate::permissions::logged_in_user(ctx).is_some() {
        return Err(PluginError::Conflict("you are logged in already".into()));
    }
    let key = keys::registration(id);
    let ended = || PluginError::Invalid("registration: it expired or ended; register again".into());
    let mut pending = get_json::<PendingRegistration>(host, &key)?
        .filter(|pending| pending.project == project && pending.expires > host.now() && pending.tries_left > 0)
        .ok_or_else(ended)?;
    let right = pending.code.as_deref().is_some_and(|expected| expected == code.trim());
    if !right {
        pending.tries_left -= 1;
        if pending.tries_left == 0 {
            host.kv_delete(&key)?;
        } else {
            put_json(host, &key, &pending)?;
        }
        return Ok(RegistrationOutcome {
            user: None,
            tries_left: pending.tries_left,
        });
    }
    host.kv_delete(&key)?;
    let user = host.register_customer(&pending.name, &pending.email)?;
    Ok(RegistrationOutcome {
        user: Some(user.id),
        tries_left: 0,
    })
}

/// Clears away registrations whose code expired (scheduled work).
pub fn expire_due<H: Clock + Storage + Wake + Log>(host: &mut H) -> PluginResult<()> {
    take_due_markers(
        host,
        keys::REGISTRATION_DUE_PREFIX,
        EXPIRED_PER_RUN,
        |host, _, id, _| {
            host.kv_delete(&keys::registration(&id))?;
            Ok(())
        },
    )
}

/// Whether `name` is, but for case, spaces and punctuation, the name of one of the
/// project's agents or admins: a customer going by it could pass for staff in the inbox.
fn goes_by_staff_name(directory: &impl Directory, project: &str, name: &str) -> bool {
    let folded = |name: &str| -> String {
        name.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = folded(name);
    let mut staff = directory.project_members(project, ProjectRole::Agent);
    staff.extend(directory.project_members(project, ProjectRole::ProjectAdmin));
    staff.sort();
    staff.dedup();
    let Ok(users) = directory.users(&staff) else {
        return false;
    };
    users.iter().flatten().any(|user| folded(&user.display_name) == wanted)
}
