//! Rooms (TC-3): made for chosen users, groups or companies, public or private; created,
//! edited and deleted by permission (a room's creator always may). Whoever is taken off a
//! private room's list, or leaves a listed group or company, loses it at once.

use helpdesk_text_policy::{TextRule, text};

use super::access::{Viewer, require};
use super::chats::{self, RoomRecord, StoredChat, load_readable, summary};
use super::{events, keys};
use crate::bindings::exports::helpdesk::chat::team_chat::{
    ChatKind, ChatPermission, ChatSummary, RoomMember, RoomSpec,
};
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Clock, Directory, Issues, Push, Storage};
use crate::error::{PluginError, PluginResult};

/// The most entries on a private room's list.
pub const MAX_MEMBERS: usize = 200;

/// A room's name: one line.
const ROOM_NAME: TextRule = TextRule {
    field: "name",
    max_chars: 100,
    multiline: false,
};

/// Creates a room; its creator may always read, edit and delete it.
pub fn create_room<H: Clock + Directory + Issues + Storage + Push>(
    host: &mut H,
    ctx: &CallContext,
    spec: RoomSpec,
) -> PluginResult<ChatSummary> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    if !viewer.may(host, ChatPermission::CreateRooms) {
        return Err(PluginError::AccessDenied("you may not create rooms".into()));
    }
    let (name, room) = checked(host, spec, viewer.user.clone())?;
    let id = format!("room-{}", host.kv_increment(keys::ROOM_SEQ, 1)?);
    let chat = StoredChat {
        id: id.clone(),
        kind: ChatKind::Room,
        name,
        room: Some(room),
        pair: None,
        participants: Vec::new(),
        last_seq: 0,
        last_at: host.now(),
        last_preview: String::new(),
    };
    chats::save(host, &chat)?;
    host.kv_set(&keys::room_entry(&id), id.as_bytes())?;
    events::lists_changed(host, Some(&id))?;
    summary(host, &viewer, &chat)
}

/// A room as it was given, for those who may edit it.
pub fn get_room<H: Directory + Issues + Storage>(host: &mut H, ctx: &CallContext, id: &str) -> PluginResult<RoomSpec> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let (chat, room) = editable(host, &viewer, id, ChatPermission::EditRooms)?;
    Ok(RoomSpec {
        name: chat.name,
        private: room.private,
        members: room.members,
    })
}

/// Changes a room; members taken off lose it at once, open streams included.
pub fn edit_room<H: Directory + Issues + Storage + Push>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    spec: RoomSpec,
) -> PluginResult<ChatSummary> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    let (mut chat, room) = editable(host, &viewer, id, ChatPermission::EditRooms)?;
    let (name, new_room) = checked(host, spec, room.creator.clone())?;
    chat.name = name;
    chat.room = Some(new_room);
    chats::save(host, &chat)?;
    // Whoever followed the room is asked again: those it no longer lets in lose it now.
    host.access_changed_on(&[events::chat_topic(id)]);
    let mut shown = summary(host, &viewer, &chat)?;
    (shown.unread, shown.may_edit, shown.may_delete) = (0, false, false);
    events::chat_changed(host, &shown)?;
    events::lists_changed(host, Some(id))?;
    summary(host, &viewer, &chat)
}

/// Deletes a room from every list; its messages stay as the trace (TC-10).
pub fn delete_room<H: Directory + Issues + Storage + Push>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
) -> PluginResult<()> {
    let viewer = require(host, ctx, ChatPermission::See)?;
    editable(host, &viewer, id, ChatPermission::DeleteRooms)?;
    host.kv_delete(&keys::chat(id))?;
    host.kv_delete(&keys::room_entry(id))?;
    events::chat_deleted(host, id)?;
    events::lists_changed(host, Some(id))?;
    host.access_changed_on(&[events::chat_topic(id)]);
    Ok(())
}

/// A room the viewer may read and may act on with `permission` (or made themselves).
fn editable(
    host: &mut (impl Directory + Issues + Storage),
    viewer: &Viewer,
    id: &str,
    permission: ChatPermission,
) -> PluginResult<(StoredChat, RoomRecord)> {
    let chat = load_readable(host, viewer, id)?;
    let Some(room) = chat.room.clone() else {
        return Err(PluginError::Invalid(format!("chat {id} is no room")));
    };
    if room.creator != viewer.user && !viewer.may(host, permission) {
        let act = if permission == ChatPermission::DeleteRooms {
            "delete"
        } else {
            "edit"
        };
        return Err(PluginError::AccessDenied(format!("you may not {act} {}", chat.name)));
    }
    Ok((chat, room))
}

/// A room's name and record from what was given, every member checked against the
/// directory.
fn checked(directory: &impl Directory, spec: RoomSpec, creator: String) -> PluginResult<(String, RoomRecord)> {
    let name = text(&spec.name, ROOM_NAME).map_err(PluginError::Invalid)?;
    let members = if spec.private { spec.members } else { Vec::new() };
    if members.len() > MAX_MEMBERS {
        return Err(PluginError::LimitExceeded(format!(
            "members: at most {MAX_MEMBERS}, not {}",
            members.len()
        )));
    }
    for member in &members {
        let (known, what) = match member {
            RoomMember::User(id) => (
                directory.user(id).is_some_and(|user| user.member),
                format!("no member of the tracker is called {id:?} (customers take no part in team chat)"),
            ),
            RoomMember::Group(id) => (directory.group_exists(id), format!("there is no group {id:?}")),
            RoomMember::Company(id) => (directory.company(id).is_some(), format!("there is no company {id:?}")),
        };
        if !known {
            return Err(PluginError::NotFound(format!("members: {what}")));
        }
    }
    let mut unique: Vec<RoomMember> = Vec::with_capacity(members.len());
    for member in members {
        if !unique.contains(&member) {
            unique.push(member);
        }
    }
    Ok((
        name,
        RoomRecord {
            private: spec.private,
            members: unique,
            creator,
        },
    ))
}
