//! Chats as stored, who may read each, and the lists (TC-2 company chats, TC-4 user-to-user
//! chats; rooms are in `rooms.rs`). A company chat needs no making: it exists for every
//! company, and is stored from its first message on.

use serde::{Deserialize, Serialize};

use super::access::{Viewer, require};
use super::keys;
use crate::bindings::exports::helpdesk::chat::team_chat::{ChatKind, ChatPermission, ChatSummary, RoomMember};
use crate::bindings::helpdesk::chat::types::{CallContext, Timestamp};
use crate::capabilities::{Clock, Directory, Issues, Storage};
use crate::error::{PluginError, PluginResult};
use crate::storage::{get_counter, get_json, put_json, scan_all};

/// What a company chat's id starts with.
const COMPANY_PREFIX: &str = "company-";
/// What an issue chat's id starts with.
const ISSUE_PREFIX: &str = "issue-";

/// A room's own facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomRecord {
    /// For its members only.
    pub private: bool,
    /// Who may read a private room.
    pub members: Vec<RoomMember>,
    /// Who made it: they always may read, edit and delete it.
    pub creator: String,
}

/// A chat as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredChat {
    /// Its id.
    pub id: String,
    /// Its kind.
    pub kind: ChatKind,
    /// A room's name; a company's id; unused for a user-to-user chat.
    pub name: String,
    /// For a room.
    pub room: Option<RoomRecord>,
    /// For a user-to-user chat: the one who opened it, then the other.
    pub pair: Option<(String, String)>,
    /// For an issue chat: who wrote in it or was invited, in the order they joined.
    #[serde(default)]
    pub participants: Vec<String>,
    /// The number of its last message.
    pub last_seq: u64,
    /// When its last message was written, or when it was made.
    pub last_at: Timestamp,
    /// The start of its last message.
    pub last_preview: String,
}

/// The id of a company's chat.
pub fn company_chat_id(company: &str) -> String {
    format!("{COMPANY_PREFIX}{company}")
}

/// The id of an issue's chat.
pub fn issue_chat_id(issue: &str) -> String {
    format!("{ISSUE_PREFIX}{issue}")
}

/// A chat of a kind that exists before its first message: a company's or an issue's.
fn unsaved(id: &str, kind: ChatKind, name: &str) -> StoredChat {
    StoredChat {
        id: id.to_string(),
        kind,
        name: name.to_string(),
        room: None,
        pair: None,
        participants: Vec::new(),
        last_seq: 0,
        last_at: 0,
        last_preview: String::new(),
    }
}

/// The chat `id` as stored; a company's or an issue's chat before its first message is
/// made up here.
pub fn load(host: &mut (impl Directory + Issues + Storage), id: &str) -> PluginResult<Option<StoredChat>> {
    if let Some(stored) = get_json::<StoredChat>(host, &keys::chat(id))? {
        return Ok(Some(stored));
    }
    if let Some(company) = id.strip_prefix(COMPANY_PREFIX)
        && host.company(company).is_some()
    {
        return Ok(Some(unsaved(id, ChatKind::Company, company)));
    }
    if let Some(issue) = id.strip_prefix(ISSUE_PREFIX)
        && host.issue(issue).is_some()
    {
        return Ok(Some(unsaved(id, ChatKind::Issue, issue)));
    }
    Ok(None)
}

/// Stores a chat.
pub fn save(storage: &mut impl Storage, chat: &StoredChat) -> PluginResult<()> {
    put_json(storage, &keys::chat(&chat.id), chat)
}

/// May `user` read `chat`? Decided from the directory as it is now.
pub fn may_read(host: &(impl Directory + Issues), viewer: &Viewer, chat: &StoredChat) -> bool {
    let user = viewer.user.as_str();
    match chat.kind {
        ChatKind::Company => host.companies_of(user).contains(&chat.name),
        ChatKind::Direct => chat.pair.as_ref().is_some_and(|(a, b)| a == user || b == user),
        ChatKind::Room => chat.room.as_ref().is_some_and(|room| may_read_room(host, user, room)),
        // Those in team chat who may see the issue, as the tracker says, read its chat.
        ChatKind::Issue => host.may_see_issue(user, &chat.name),
    }
}

/// May `user` read the room? Its creator always; a public room everyone in team chat; a
/// private one those on its list, or in a group or company on it, as they are now.
pub fn may_read_room(directory: &impl Directory, user: &str, room: &RoomRecord) -> bool {
    if !room.private || room.creator == user {
        return true;
    }
    let mut groups = None;
    let mut companies = None;
    room.members.iter().any(|member| match member {
        RoomMember::User(id) => id == user,
        RoomMember::Group(group) => groups.get_or_insert_with(|| directory.groups_of(user)).contains(group),
        RoomMember::Company(company) => companies
            .get_or_insert_with(|| directory.companies_of(user))
            .contains(company),
    })
}

/// The chat `id` when the viewer may read it; otherwise it does not exist for them.
pub fn load_readable(
    host: &mut (impl Directory + Issues + Storage),
    viewer: &Viewer,
    id: &str,
) -> PluginResult<StoredChat> {
    load(host, id)?
        .filter(|chat| may_read(host, viewer, chat))
        .ok_or_else(|| PluginError::NotFound(format!("chat {id} does not exist")))
}

/// The chat as `viewer` sees it in their list.
pub fn summary(
    host: &mut (impl Directory + Issues + Storage),
    viewer: &Viewer,
    chat: &StoredChat,
) -> PluginResult<ChatSummary> {
    let read = get_counter(host, &keys::read_marker(&viewer.user, &chat.id))?.max(0) as u64;
    let (name, other, issue) = match chat.kind {
        ChatKind::Company => (
            host.company(&chat.name)
                .map_or_else(|| chat.name.clone(), |company| company.name),
            None,
            None,
        ),
        ChatKind::Direct => {
            let other = chat
                .pair
                .as_ref()
                .map(|(a, b)| if *a == viewer.user { b.clone() } else { a.clone() })
                .unwrap_or_default();
            (host.display_name(&other), Some(other), None)
        }
        ChatKind::Issue => {
            let name = host
                .issue(&chat.name)
                .map_or_else(|| chat.name.clone(), |issue| format!("{} {}", issue.key, issue.summary));
            (name, None, Some(chat.name.clone()))
        }
        ChatKind::Room => (chat.name.clone(), None, None),
    };
    let (may_edit, may_delete) = match &chat.room {
        Some(room) => (
            room.creator == viewer.user || viewer.may(host, ChatPermission::EditRooms),
            room.creator == viewer.user || viewer.may(host, ChatPermission::DeleteRooms),
        ),
        None => (false, false),
    };
    Ok(ChatSummary {
        id: chat.id.clone(),
        kind: chat.kind,
        name,
        other,
        issue,
        private: chat.room.as_ref().is_some_and(|room| room.private),
        last_seq: chat.last_seq,
        last_at: chat.last_at,
        last_preview: chat.last_preview.clone(),
        unread: chat.last_seq.saturating_sub(read).min(u64::from(u32::MAX)) as u32,
        may_edit,
        may_delete,
    })
}

/// The chats the viewer may read: company chats first by name, then the others by last
/// activity, newest first.
pub fn my_chats<H: Directory + Issues + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<Vec<ChatSummary>> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let mut chats = Vec::new();
    for company in host.companies_of(&viewer.user) {
        if let Some(chat) = load(host, &company_chat_id(&company))? {
            chats.push(chat);
        }
    }
    let (start, end) = keys::rooms();
    for entry in scan_all(host, &start, &end)? {
        let id = String::from_utf8_lossy(&entry.value).into_owned();
        if let Some(chat) = load(host, &id)?
            && may_read(host, &viewer, &chat)
        {
            chats.push(chat);
        }
    }
    let (directs, directs_end) = keys::directs_of(&viewer.user);
    let (issues, issues_end) = keys::issue_chats_of(&viewer.user);
    let mut listed = scan_all(host, &directs, &directs_end)?;
    listed.extend(scan_all(host, &issues, &issues_end)?);
    for entry in listed {
        let id = String::from_utf8_lossy(&entry.value).into_owned();
        if let Some(chat) = load(host, &id)? {
            chats.push(chat);
        }
    }
    let mut summaries = chats
        .iter()
        .map(|chat| summary(host, &viewer, chat))
        .collect::<PluginResult<Vec<_>>>()?;
    summaries.sort_by(|a, b| {
        let company = |s: &ChatSummary| s.kind != ChatKind::Company;
        company(a)
            .cmp(&company(b))
            .then_with(|| match a.kind {
                ChatKind::Company => a.name.cmp(&b.name),
                _ => b.last_at.cmp(&a.last_at),
            })
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(summaries)
}

/// One chat as the viewer sees it.
pub fn get_chat<H: Directory + Issues + Storage>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
) -> PluginResult<ChatSummary> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let chat = load_readable(host, &viewer, id)?;
    summary(host, &viewer, &chat)
}

/// Opens the viewer's user-to-user chat with `other`, making it if needed; the other
/// person learns nothing until a message is sent (TC-4).
pub fn open_direct_chat<H: Clock + Directory + Issues + Storage>(
    host: &mut H,
    ctx: &CallContext,
    other: &str,
) -> PluginResult<ChatSummary> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    if !viewer.may(host, ChatPermission::Post) {
        return Err(PluginError::AccessDenied("you may not write in team chat".into()));
    }
    if other == viewer.user {
        return Err(PluginError::Invalid("other: a chat with yourself is no chat".into()));
    }
    if !super::access::holds(host, &viewer.settings, other, ChatPermission::Post) {
        return Err(PluginError::NotFound(format!("{other} is nobody you can chat with")));
    }
    let pair_key = keys::direct_pair(&viewer.user, other);
    let chat = match get_json::<String>(host, &pair_key)? {
        Some(id) => load(host, &id)?.ok_or_else(|| PluginError::Unavailable(format!("chat {id} is missing")))?,
        None => {
            let id = format!("direct-{}", host.kv_increment(keys::DIRECT_SEQ, 1)?);
            let chat = StoredChat {
                id: id.clone(),
                kind: ChatKind::Direct,
                name: String::new(),
                room: None,
                pair: Some((viewer.user.clone(), other.to_string())),
                participants: Vec::new(),
                last_seq: 0,
                last_at: host.now(),
                last_preview: String::new(),
            };
            save(host, &chat)?;
            put_json(host, &pair_key, &id)?;
            chat
        }
    };
    // In the opener's list from now on; in the other's from the first message.
    host.kv_set(&keys::direct_entry(&viewer.user, &chat.id), chat.id.as_bytes())?;
    summary(host, &viewer, &chat)
}
