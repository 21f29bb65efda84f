//! A conversation as stored, who the caller is to it, and the indexes that list it: every
//! inbox view and the customer's own list are derived from the record, so one function
//! says which index entries a conversation has, and an update moves exactly those.

use serde::{Deserialize, Serialize};

use super::keys;
use super::settings::{self, require_allowed_page};
use super::verified;
use crate::bindings::exports::helpdesk::chat::live_chat::{Conversation, ConversationStatus, InboxCounts};
use crate::bindings::helpdesk::chat::types::{Actor, CallContext, ProjectRole};
use crate::capabilities::{Directory, Storage};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{is_project_staff, may_answer_customer_chats};
use crate::storage::{get_counter, get_json, put_json};

/// A conversation as stored: the record every client sees, and whose it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredConversation {
    /// The customer's key ([`customer_key`]); never shown to anyone.
    pub customer: String,
    /// The conversation as clients see it.
    pub view: Conversation,
    /// The project whose widget the customer chats in, when the conversation was transferred
    /// to another project's queue (LC-13): the customer's list and page rules stay there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home: Option<String>,
}

impl StoredConversation {
    /// The project whose widget the customer uses for this conversation.
    pub fn home_project(&self) -> &str {
        self.home.as_deref().unwrap_or(&self.view.project)
    }
}

/// The key that identifies a customer of `project` across calls: a user (`u:<id>`), a
/// visitor the project's site vouched for (`e:<project>:<their id there>`, the same in every
/// browser), or an anonymous visitor (`v:<id>`); `None` for nobody identified and the system.
pub fn customer_key(storage: &mut impl Storage, ctx: &CallContext, project: &str) -> PluginResult<Option<String>> {
    Ok(match &ctx.actor {
        Actor::User(user) | Actor::Customer(user) => Some(format!("u:{user}")),
        Actor::Visitor(visitor) => match verified::verified(storage, project, visitor)? {
            Some(verified) => Some(format!("e:{project}:{}", verified.id)),
            None => Some(format!("v:{visitor}")),
        },
        Actor::Anonymous | Actor::System => None,
    })
}

/// Who the caller is to one conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// Its customer, calling from a page the project allows.
    Customer,
    /// An agent of its project (online or not, PR-11).
    Agent(String),
    /// A project admin or site admin who is no agent there, or a colleague a note pulled in
    /// (LC-18) while the conversation is open: may read and add notes, not answer.
    Overseer(String),
}

/// Reads a conversation, or `not-found` (also when it does not decode as a conversation id).
pub fn load(storage: &mut impl Storage, id: &str) -> PluginResult<StoredConversation> {
    get_json(storage, &keys::conversation(id))?
        .ok_or_else(|| PluginError::NotFound(format!("conversation {id} does not exist")))
}

/// Reads a conversation the caller may see, and says who they are to it. Those who may not
/// see it are told it does not exist.
pub fn load_for<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
) -> PluginResult<(StoredConversation, Side)> {
    let stored = load(host, id)?;
    let side = side_of(host, ctx, &stored)?;
    Ok((stored, side))
}

/// Who the caller is to the conversation; a customer's call must come from an allowed page.
pub fn side_of<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    stored: &StoredConversation,
) -> PluginResult<Side> {
    let project = &stored.view.project;
    if let Actor::User(user) = &ctx.actor {
        if may_answer_customer_chats(host, user, project) {
            return Ok(Side::Agent(user.clone()));
        }
        if is_project_staff(host, user, project) {
            return Ok(Side::Overseer(user.clone()));
        }
        // A colleague a note pulled in reads along while the conversation is open (LC-18).
        if stored.view.status == ConversationStatus::Open
            && super::pulled_in::is_pulled_in(host, &stored.view.id, user)?
        {
            return Ok(Side::Overseer(user.clone()));
        }
    }
    // The customer keeps chatting through their own project's widget, wherever the
    // conversation was transferred (LC-13).
    let home = stored.home_project();
    if customer_key(host, ctx, home)?.as_deref() == Some(stored.customer.as_str()) {
        require_allowed_page(&settings::load(host, home)?, ctx)?;
        return Ok(Side::Customer);
    }
    Err(PluginError::NotFound(format!(
        "conversation {} does not exist",
        stored.view.id
    )))
}

/// The index entries a conversation has in this state: every inbox view it belongs to and
/// its customer's list, each ordered by last activity.
pub(super) fn index_entries(stored: &StoredConversation) -> Vec<String> {
    let view = &stored.view;
    let project = &view.project;
    let entry = |prefix: String| keys::view_entry(&prefix, view.last_at, &view.id);
    let mut entries = vec![
        entry(keys::all_prefix(project)),
        entry(keys::customer_prefix(stored.home_project(), &stored.customer)),
    ];
    if view.status == ConversationStatus::Open {
        match &view.assignee {
            None => entries.push(entry(keys::unassigned_prefix(project))),
            Some(agent) => entries.push(entry(keys::mine_prefix(project, &agent.user))),
        }
    }
    entries
}

/// How a conversation counts in its project's numbers: (open, unassigned).
fn counted(view: &Conversation) -> (i64, i64) {
    let open = view.status == ConversationStatus::Open;
    (i64::from(open), i64::from(open && view.assignee.is_none()))
}

/// Stores a conversation with its next revision, and moves its index entries and its
/// project's counts from its previous state (`None` for a new one). Returns whether the
/// counts changed.
pub fn save(
    storage: &mut impl Storage,
    before: Option<&StoredConversation>,
    after: &mut StoredConversation,
) -> PluginResult<bool> {
    after.view.revision = before.map_or(0, |b| b.view.revision) + 1;
    put_json(storage, &keys::conversation(&after.view.id), after)?;
    let old = before.map(index_entries).unwrap_or_default();
    let new = index_entries(after);
    for entry in old.iter().filter(|entry| !new.contains(entry)) {
        storage.kv_delete(entry)?;
    }
    for entry in new.iter().filter(|entry| !old.contains(entry)) {
        storage.kv_set(entry, after.view.id.as_bytes())?;
    }
    let project = &after.view.project;
    let (mut open_before, mut unassigned_before) = before.map(|b| counted(&b.view)).unwrap_or((0, 0));
    // Moved to another project (LC-13): it leaves the old project's counts.
    if let Some(moved) = before.filter(|b| b.view.project != *project) {
        storage.kv_increment(&keys::count(&moved.view.project, "open"), -open_before)?;
        storage.kv_increment(&keys::count(&moved.view.project, "unassigned"), -unassigned_before)?;
        (open_before, unassigned_before) = (0, 0);
    }
    let (open_after, unassigned_after) = counted(&after.view);
    if open_after != open_before {
        storage.kv_increment(&keys::count(project, "open"), open_after - open_before)?;
    }
    if unassigned_after != unassigned_before {
        storage.kv_increment(
            &keys::count(project, "unassigned"),
            unassigned_after - unassigned_before,
        )?;
    }
    Ok(open_after != open_before || unassigned_after != unassigned_before)
}

/// Whether `user` is an agent of `project`, the only role that answers its chats.
pub fn is_agent(directory: &impl Directory, user: &str, project: &str) -> bool {
    directory.has_project_role(user, project, ProjectRole::Agent)
}

/// The name a visitor with number `n` has for agents (LC-4).
pub fn anonymous_name(number: i64) -> String {
    format!("Anonymous Chat User #{number}")
}

/// A visitor's number, given on their first conversation when `assign` is true.
pub fn visitor_number(storage: &mut impl Storage, visitor: &str, assign: bool) -> PluginResult<Option<i64>> {
    let key = keys::visitor_number(visitor);
    if let Some(number) = get_json::<i64>(storage, &key)? {
        return Ok(Some(number));
    }
    if !assign {
        return Ok(None);
    }
    let number = storage.kv_increment(keys::VISITOR_SEQ, 1)?;
    put_json(storage, &key, &number)?;
    Ok(Some(number))
}

/// A project's inbox counts, read from its counters.
pub fn counts(storage: &mut impl Storage, project: &str) -> PluginResult<InboxCounts> {
    let mut read = |what: &str| -> PluginResult<u32> {
        let count = get_counter(storage, &keys::count(project, what))?.max(0);
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    };
    Ok(InboxCounts {
        unassigned: read("unassigned")?,
        open: read("open")?,
        project: project.to_string(),
    })
}
