//! Transfer (LC-13): an agent hands a conversation to a named colleague, who accepts or
//! declines, or to another project's queue. The note goes into the conversation's private
//! notes (LC-18), so the colleague reads it beside the history; the customer is told in
//! words when someone takes over or the conversation moves, and keeps chatting in their own
//! project's widget (`StoredConversation::home`). A linked issue stays linked: it is the same
//! conversation.

use serde::{Deserialize, Serialize};

use super::conversations::{Writer, agent_ref, append, require_open};
use super::notes;
use super::record::{self, Side};
use super::{events, keys};
use crate::bindings::exports::helpdesk::chat::live_chat::{
    Conversation, ConversationStatus, TransferAnswer, TransferOffer, TransferTarget,
};
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Clock, Directory, Mail, Push, Storage};
use crate::error::{PluginError, PluginResult};
use crate::permissions::require_actor;
use crate::storage::{decode_json, get_json, prefix_end, put_json, scan_all};

/// An offer as kept: the offer, under the conversation and under the agent it waits for.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredOffer {
    offer: TransferOffer,
}

/// Transfers a conversation to a colleague (an offer) or to another project's queue.
pub fn transfer_conversation<H: Clock + Directory + Storage + Push + Mail>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    to: TransferTarget,
    note: Option<&str>,
) -> PluginResult<Conversation> {
    let (stored, side) = record::load_for(host, ctx, id)?;
    let project = stored.view.project.clone();
    let Side::Agent(agent) = side else {
        return Err(PluginError::AccessDenied(format!(
            "only agents of {project} transfer its chats"
        )));
    };
    require_open(&stored).map_err(|_| PluginError::Invalid(format!("conversation {id} has ended")))?;
    let note = match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(note) => {
            Some(helpdesk_text_policy::text(note, crate::message_log::MESSAGE_BODY).map_err(PluginError::Invalid)?)
        }
        None => None,
    };
    match to {
        TransferTarget::Agent(colleague) => {
            if colleague == agent || !record::is_agent(host, &colleague, &project) {
                return Err(PluginError::Invalid(format!(
                    "to: {colleague} is no other agent of {project}"
                )));
            }
            if let Some(text) = &note {
                let body = format!("For {}: {text}", host.display_name(&colleague));
                notes::add_note(host, ctx, id, &format!("transfer-{}", host.now()), &body)?;
            }
            // A newer offer replaces an older one.
            withdraw(host, id)?;
            let offer = TransferOffer {
                conversation: id.to_string(),
                from_project: project,
                customer: stored.view.customer.name.clone(),
                by: agent_ref(host, &agent),
                to: agent_ref(host, &colleague),
                note,
                at: host.now(),
            };
            let kept = StoredOffer { offer: offer.clone() };
            put_json(host, &keys::transfer(id), &kept)?;
            put_json(host, &keys::transfer_to(&colleague, id), &kept)?;
            events::transfer_offered(host, &colleague, &offer)?;
            Ok(stored.view)
        }
        TransferTarget::Project(target) => {
            if target == project || !host.project_exists(&target) {
                return Err(PluginError::Invalid(format!("to: {target} is no other project")));
            }
            if let Some(text) = &note {
                let body = format!("For the {} team: {text}", host.project_name(&target));
                notes::add_note(host, ctx, id, &format!("transfer-{}", host.now()), &body)?;
            }
            withdraw(host, id)?;
            let before = stored.clone();
            let mut after = stored;
            after.home.get_or_insert_with(|| project.clone());
            after.view.project = target.clone();
            after.view.assignee = None;
            let notice = format!(
                "{} passed the conversation to the {} team",
                agent_ref(host, &agent).display_name,
                host.project_name(&target)
            );
            let client_id = format!("transfer-{}", after.view.last_seq + 1);
            let (after, _) = append(host, Some(&before), after, Writer::System, &client_id, notice)?;
            // The old project's agents see it leave their inbox, and their counts change.
            events::conversation_left(host, &project, &after.view)?;
            let counts = record::counts(host, &project)?;
            events::inbox_counts(host, &counts)?;
            Ok(after.view)
        }
    }
}

/// Accepts or declines the offer made to the caller.
pub fn answer_transfer<H: Clock + Directory + Storage + Push + Mail>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    accept: bool,
) -> PluginResult<Conversation> {
    let user = require_actor(ctx)?.to_string();
    let missing = || PluginError::NotFound(format!("no transfer of conversation {id} waits for you"));
    let kept: StoredOffer = get_json(host, &keys::transfer_to(&user, id))?.ok_or_else(missing)?;
    let (stored, _) = record::load_for(host, ctx, id)?;
    withdraw(host, id)?;
    let answer = TransferAnswer {
        conversation: id.to_string(),
        by: agent_ref(host, &user),
        accepted: accept,
    };
    events::transfer_answered(host, &kept.offer.by.user, &answer)?;
    if !accept {
        return Ok(stored.view);
    }
    require_open(&stored).map_err(|_| PluginError::Invalid(format!("conversation {id} has ended")))?;
    if !record::is_agent(host, &user, &stored.view.project) {
        return Err(missing());
    }
    let before = stored.clone();
    let mut after = stored;
    let taker = agent_ref(host, &user);
    after.view.assignee = Some(taker.clone());
    let notice = format!(
        "{} took over the conversation from {}",
        taker.display_name, kept.offer.by.display_name
    );
    let client_id = format!("transfer-{}", after.view.last_seq + 1);
    let (after, _) = append(host, Some(&before), after, Writer::System, &client_id, notice)?;
    Ok(after.view)
}

/// The offers waiting for the caller, oldest first.
pub fn transfer_offers<H: Storage>(storage: &mut H, ctx: &CallContext) -> PluginResult<Vec<TransferOffer>> {
    let user = require_actor(ctx)?;
    let prefix = keys::transfers_to_prefix(user);
    let offers: Vec<TransferOffer> = scan_all(storage, &prefix, &prefix_end(&prefix))?
        .into_iter()
        .map(|entry| decode_json::<StoredOffer>(&entry.key, &entry.value).map(|kept| kept.offer))
        .collect::<PluginResult<_>>()?;
    // An offer for a conversation that ended since is no offer any more.
    let mut open = Vec::with_capacity(offers.len());
    for offer in offers {
        let stored = record::load(storage, &offer.conversation);
        if stored.is_ok_and(|stored| stored.view.status == ConversationStatus::Open) {
            open.push(offer);
        }
    }
    open.sort_by_key(|offer| offer.at);
    Ok(open)
}

/// Withdraws the conversation's offer, if it has one.
pub fn withdraw(storage: &mut impl Storage, id: &str) -> PluginResult<()> {
    if let Some(kept) = get_json::<StoredOffer>(storage, &keys::transfer(id))? {
        storage.kv_delete(&keys::transfer_to(&kept.offer.to.user, id))?;
        storage.kv_delete(&keys::transfer(id))?;
    }
    Ok(())
}
