//! Where team chat keeps its data. Every key starts with `team-chat/`; user-chosen parts
//! go through [`key_part`].
//!
//! - `team-chat/settings`: the site's settings (TC-1).
//! - `team-chat/chat/<id>`: a chat's record; its messages are in the shared message log
//!   under `team-chat/message/<id>/`.
//! - `team-chat/rooms/<id>`: every room, for the lists.
//! - `team-chat/direct-pair/<a>/<b>`: the user-to-user chat of two users (`a` < `b`).
//! - `team-chat/directs/<user>/<id>`: the user-to-user chats in a user's list.
//! - `team-chat/read/<user>/<id>`: the last message number a user read in a chat.
//! - `team-chat/issue-chats/<user>/<id>`: the issue chats a user takes part in.
//! - `team-chat/room-seq`, `team-chat/direct-seq`: counters numbering rooms and user chats.
//! - `team-chat/person/<user>`: a person's status, words and activity (PR-14).
//! - `team-chat/person-due/<time>/<user>`: when that status turns by itself.

use crate::storage::{key_part, prefix_end};

/// What every team chat key starts with (its messages too, in the shared message log).
pub const NAMESPACE: &str = "team-chat";

/// The site's team-chat settings.
pub const SETTINGS: &str = "team-chat/settings";

/// The counter numbering rooms.
pub const ROOM_SEQ: &str = "team-chat/room-seq";

/// The counter numbering user-to-user chats.
pub const DIRECT_SEQ: &str = "team-chat/direct-seq";

/// One chat's record.
pub fn chat(id: &str) -> String {
    format!("team-chat/chat/{}", key_part(id))
}

/// The range of every room's entry.
pub fn rooms() -> (String, String) {
    let prefix = "team-chat/rooms/".to_string();
    let end = prefix_end(&prefix);
    (prefix, end)
}

/// A room's entry in the list of rooms.
pub fn room_entry(id: &str) -> String {
    format!("team-chat/rooms/{}", key_part(id))
}

/// The user-to-user chat of two users, whichever opened it.
pub fn direct_pair(one: &str, other: &str) -> String {
    let (a, b) = if one <= other { (one, other) } else { (other, one) };
    format!("team-chat/direct-pair/{}/{}", key_part(a), key_part(b))
}

/// The range of a user's user-to-user chats.
pub fn directs_of(user: &str) -> (String, String) {
    let prefix = format!("team-chat/directs/{}/", key_part(user));
    let end = prefix_end(&prefix);
    (prefix, end)
}

/// A user-to-user chat's entry in a user's list.
pub fn direct_entry(user: &str, id: &str) -> String {
    format!("team-chat/directs/{}/{}", key_part(user), key_part(id))
}

/// The last message number `user` read in a chat.
pub fn read_marker(user: &str, id: &str) -> String {
    format!("team-chat/read/{}/{}", key_part(user), key_part(id))
}

/// A person's status, words and activity (PR-14).
pub fn person(user: &str) -> String {
    format!("team-chat/person/{}", key_part(user))
}

/// The range of the issue chats a user takes part in.
pub fn issue_chats_of(user: &str) -> (String, String) {
    let prefix = format!("team-chat/issue-chats/{}/", key_part(user));
    let end = prefix_end(&prefix);
    (prefix, end)
}

/// An issue chat's entry in a participant's list.
pub fn issue_chat_entry(user: &str, id: &str) -> String {
    format!("team-chat/issue-chats/{}/{}", key_part(user), key_part(id))
}
