//! Canned replies (LC-14): answers agents insert in the composer by typing `/` and a
//! shortcut. A project's replies are kept by its admins and offered to all its agents; each
//! agent may also keep their own, which nobody else sees. A reply's text may name the
//! customer, the agent and the project through placeholders, which are filled here as plain
//! text when the reply is used, so the page never builds HTML from them.

use helpdesk_text_policy::TextRule;

use super::{events, keys, record};
use crate::bindings::exports::helpdesk::chat::live_chat::{CannedRepliesChanged, CannedReply, CannedReplyDraft};
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Clock, Directory, Push, Storage};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{administers, is_project_staff, require_actor, require_project};
use crate::storage::{decode_json, get_json, prefix_end, put_json, scan_all};

/// The most replies a project keeps.
pub const MAX_PROJECT_REPLIES: usize = 200;
/// The most replies of their own one agent keeps in one project.
pub const MAX_PERSONAL_REPLIES: usize = 100;
/// The placeholders a text may hold, each filled when the reply is used.
pub const PLACEHOLDERS: &[&str] = &["customer.name", "agent.name", "project.name"];
/// The longest shortcut, without its `/`.
const MAX_SHORTCUT_CHARS: usize = 32;

const TITLE: TextRule = TextRule {
    field: "title",
    max_chars: 80,
    multiline: false,
};

const TEXT: TextRule = TextRule {
    field: "text",
    max_chars: 4000,
    multiline: true,
};

/// The replies the caller may use in the context's project: the project's and their own,
/// ordered by shortcut (the project's first where two share one).
pub fn canned_replies<H: Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<Vec<CannedReply>> {
    let (project, user) = require_staff(host, ctx)?;
    let mut replies = project_replies(host, project)?;
    replies.extend(personal_replies(host, project, user)?);
    replies.sort_by(|a, b| (&a.shortcut, a.owner.is_some()).cmp(&(&b.shortcut, b.owner.is_some())));
    Ok(replies)
}

/// Adds a reply: the project's (its admins only) or the caller's own.
pub fn add_canned_reply<H: Clock + Directory + Storage + Push>(
    host: &mut H,
    ctx: &CallContext,
    draft: CannedReplyDraft,
) -> PluginResult<CannedReply> {
    let (project, user) = require_staff(host, ctx)?;
    let owner = owner_for(host, project, user, draft.personal)?;
    let checked = checked_draft(&draft)?;
    let siblings = match &owner {
        None => project_replies(host, project)?,
        Some(owner) => personal_replies(host, project, owner)?,
    };
    let limit = if owner.is_none() {
        MAX_PROJECT_REPLIES
    } else {
        MAX_PERSONAL_REPLIES
    };
    if siblings.len() >= limit {
        return Err(PluginError::LimitExceeded(format!(
            "at most {limit} {} replies; delete one first",
            if owner.is_none() { "project" } else { "of your own" }
        )));
    }
    require_free_shortcut(host, project, owner.as_deref(), &checked.shortcut, None)?;
    let number = host.kv_increment(keys::CANNED_REPLY_SEQ, 1)?;
    let reply = CannedReply {
        id: format!("r{number}"),
        project: project.to_string(),
        owner,
        title: checked.title,
        shortcut: checked.shortcut,
        text: checked.text,
        updated: host.now(),
    };
    store(host, &reply)?;
    Ok(reply)
}

/// Replaces a reply's title, shortcut and text; who may is as for adding it. A reply stays
/// the project's or its owner's: `personal` must say what it is.
pub fn change_canned_reply<H: Clock + Directory + Storage + Push>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    draft: CannedReplyDraft,
) -> PluginResult<CannedReply> {
    let (project, user) = require_staff(host, ctx)?;
    let existing = visible_reply(host, project, user, id)?;
    if existing.owner.is_some() != draft.personal {
        return Err(PluginError::Invalid(
            "personal: a reply stays the project's or its owner's; add a new one instead".into(),
        ));
    }
    owner_for(host, project, user, draft.personal)?;
    let checked = checked_draft(&draft)?;
    require_free_shortcut(host, project, existing.owner.as_deref(), &checked.shortcut, Some(id))?;
    let reply = CannedReply {
        title: checked.title,
        shortcut: checked.shortcut,
        text: checked.text,
        updated: host.now(),
        ..existing
    };
    store(host, &reply)?;
    Ok(reply)
}

/// Deletes a reply; who may is as for adding it.
pub fn delete_canned_reply<H: Directory + Storage + Push>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
) -> PluginResult<()> {
    let (project, user) = require_staff(host, ctx)?;
    let existing = visible_reply(host, project, user, id)?;
    owner_for(host, project, user, existing.owner.is_some())?;
    host.kv_delete(&key_of(&existing))?;
    changed(host, &existing)
}

/// A reply's text for one conversation, its placeholders filled: what the agent's composer
/// takes. Only the conversation's agents and overseers may; to anyone else (its customer
/// too) the reply does not exist.
pub fn use_canned_reply<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    conversation: &str,
    id: &str,
) -> PluginResult<String> {
    let (stored, side) = record::load_for(host, ctx, conversation)?;
    let user = match side {
        record::Side::Agent(user) | record::Side::Overseer(user) => user,
        record::Side::Customer => return Err(PluginError::NotFound(format!("canned reply {id} does not exist"))),
    };
    let project = stored.view.project.clone();
    let reply = visible_reply(host, &project, &user, id)?;
    Ok(fill(
        &reply.text,
        &stored.view.customer.name,
        &host.display_name(&user),
        &host.project_name(&project),
    ))
}

/// `text` with each known placeholder replaced by its value, as plain text.
pub fn fill(text: &str, customer: &str, agent: &str, project: &str) -> String {
    text.replace("{customer.name}", customer)
        .replace("{agent.name}", agent)
        .replace("{project.name}", project)
}

/// The context's project and the acting user, who must be an agent or admin there.
fn require_staff<'c, H: Directory>(host: &H, ctx: &'c CallContext) -> PluginResult<(&'c str, &'c str)> {
    let project = require_project(host, ctx)?;
    let user = require_actor(ctx)?;
    if !is_project_staff(host, user, project) {
        return Err(PluginError::AccessDenied(format!(
            "only agents and admins of {project} use its canned replies"
        )));
    }
    Ok((project, user))
}

/// Whose a new or changed reply is: the caller's own, or the project's if they administer it.
fn owner_for(host: &impl Directory, project: &str, user: &str, personal: bool) -> PluginResult<Option<String>> {
    if personal {
        return Ok(Some(user.to_string()));
    }
    if administers(host, user, project) {
        Ok(None)
    } else {
        Err(PluginError::AccessDenied(format!(
            "only admins of {project} keep its canned replies; keep one of your own instead"
        )))
    }
}

/// A draft's fields as stored: trimmed, each within its rule, the shortcut without its `/`.
fn checked_draft(draft: &CannedReplyDraft) -> PluginResult<CannedReplyDraft> {
    let title = helpdesk_text_policy::text(&draft.title, TITLE).map_err(PluginError::Invalid)?;
    let text = helpdesk_text_policy::text(&draft.text, TEXT).map_err(PluginError::Invalid)?;
    if let Some(unknown) = unknown_placeholder(&text) {
        return Err(PluginError::Invalid(format!(
            "text: {{{unknown}}} is no placeholder; use {}",
            PLACEHOLDERS
                .iter()
                .map(|p| format!("{{{p}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let shortcut = draft.shortcut.trim().trim_start_matches('/').to_ascii_lowercase();
    let valid = !shortcut.is_empty()
        && shortcut.chars().count() <= MAX_SHORTCUT_CHARS
        && shortcut
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid {
        return Err(PluginError::Invalid(format!(
            "shortcut: 1 to {MAX_SHORTCUT_CHARS} of a-z, 0-9, - and _ (after the /), not {:?}",
            draft.shortcut
        )));
    }
    Ok(CannedReplyDraft {
        title,
        shortcut,
        text,
        personal: draft.personal,
    })
}

/// The first `{word.word}` in `text` that is no placeholder: a misspelt one would otherwise
/// reach the customer as it is.
fn unknown_placeholder(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return None;
        };
        let inside = &after[..close];
        let looks_like_one = inside.split_once('.').is_some_and(|(a, b)| {
            !a.is_empty() && !b.is_empty() && inside.chars().all(|c| c.is_ascii_alphabetic() || c == '.' || c == '_')
        });
        if looks_like_one && !PLACEHOLDERS.contains(&inside) {
            return Some(inside.to_string());
        }
        rest = &after[close + 1..];
    }
    None
}

/// `conflict` when the owner (or, for a project reply, the project) already has a reply
/// with `shortcut` that the same agents would see, other than `except`.
fn require_free_shortcut(
    host: &mut impl Storage,
    project: &str,
    owner: Option<&str>,
    shortcut: &str,
    except: Option<&str>,
) -> PluginResult<()> {
    let mut seen = project_replies(host, project)?;
    if let Some(owner) = owner {
        seen.extend(personal_replies(host, project, owner)?);
    }
    match seen
        .iter()
        .find(|reply| reply.shortcut == shortcut && Some(reply.id.as_str()) != except)
    {
        Some(taken) => Err(PluginError::Conflict(format!(
            "/{shortcut} is taken by \u{201c}{}\u{201d}; choose another shortcut",
            taken.title
        ))),
        None => Ok(()),
    }
}

/// The reply `id` as `user` sees it in `project` (the project's, or their own), or `not-found`.
fn visible_reply(host: &mut impl Storage, project: &str, user: &str, id: &str) -> PluginResult<CannedReply> {
    for key in [
        keys::canned_reply(project, None, id),
        keys::canned_reply(project, Some(user), id),
    ] {
        if let Some(reply) = get_json::<CannedReply>(host, &key)? {
            return Ok(reply);
        }
    }
    Err(PluginError::NotFound(format!("canned reply {id} does not exist")))
}

fn project_replies(storage: &mut impl Storage, project: &str) -> PluginResult<Vec<CannedReply>> {
    replies_under(storage, &keys::canned_replies_prefix(project, None))
}

fn personal_replies(storage: &mut impl Storage, project: &str, owner: &str) -> PluginResult<Vec<CannedReply>> {
    replies_under(storage, &keys::canned_replies_prefix(project, Some(owner)))
}

fn replies_under(storage: &mut impl Storage, prefix: &str) -> PluginResult<Vec<CannedReply>> {
    scan_all(storage, prefix, &prefix_end(prefix))?
        .into_iter()
        .map(|entry| decode_json(&entry.key, &entry.value))
        .collect()
}

fn key_of(reply: &CannedReply) -> String {
    keys::canned_reply(&reply.project, reply.owner.as_deref(), &reply.id)
}

fn store<H: Storage + Push>(host: &mut H, reply: &CannedReply) -> PluginResult<()> {
    put_json(host, &key_of(reply), reply)?;
    changed(host, reply)
}

/// Tells the project's composers to fetch the replies again.
fn changed(push: &mut impl Push, reply: &CannedReply) -> PluginResult<()> {
    events::canned_replies_changed(
        push,
        &CannedRepliesChanged {
            project: reply.project.clone(),
            owner: reply.owner.clone(),
        },
    )
}
