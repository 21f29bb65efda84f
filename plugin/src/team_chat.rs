//! Team chat (SPEC TC-1 … TC-10, PR-14): the whole team talks inside the tracker, in
//! company chats, rooms, user-to-user chats and issue chats, with everyone's status beside
//! them, on the one message model every chat shares
//! (`message_log`).
//!
//! Every call checks the site's settings first: switched off, or without the permission the
//! call needs, it is refused (TC-1). Who may read a chat is decided each time from the
//! directory as it is now (companies, groups, a room's list), so taking someone off a list,
//! a group or a company ends their access at once; their open streams are asked again.

pub mod access;
pub mod chats;
pub mod events;
pub mod host_events;
pub mod issue_chats;
pub mod keys;
pub mod messages;
pub mod people;
pub mod rooms;
pub mod topics;
pub mod trace;

#[cfg(target_arch = "wasm32")]
mod exports;

use crate::capabilities::HostCapabilities;
use crate::hooks::Feature;

/// What team chat plugs into the shared exports.
pub fn feature<H: HostCapabilities>() -> Feature<H> {
    Feature {
        name: "team-chat",
        topic_kinds: &[
            events::CHAT_TOPIC,
            events::INBOX_TOPIC,
            events::LISTS_TOPIC,
            events::PEOPLE_TOPIC,
        ],
        authorize: topics::authorize::<H>,
        run_due: people::run_due::<H>,
        on_host_event: host_events::on_host_event::<H>,
        migrate: |_, _| Ok(()),
    }
}

#[cfg(test)]
mod tests;
