//! Live chat with customers (SPEC LC-1 … LC-11, PR-11): the widget's settings per project
//! and the rule that a widget call comes from an allowed page, conversations and their
//! messages in one order, the agents' inbox, and conversations becoming issues.
//!
//! A conversation's record carries everything a list shows (status, assignee, last message,
//! unread counts), and indexes ordered by last activity list it in each inbox view and in its
//! customer's list; `record::save` moves those entries and the project's counters together,
//! so no read scans more than the page it returns.

pub mod business_hours;
pub mod canned_replies;
pub mod conversations;
pub mod events;
pub mod identity;
pub mod identity_token;
pub mod keys;
pub mod notes;
pub mod pulled_in;
pub mod rate_limits;
pub mod reads;
pub mod record;
pub mod registration;
pub mod retention;
pub mod retention_plan;
pub mod settings;
pub mod to_issue;
pub mod topics;
pub mod transcript;
pub mod transfer;
pub mod verified;
pub mod visitor_context;
pub mod welcome;

#[cfg(target_arch = "wasm32")]
mod exports;

use crate::capabilities::HostCapabilities;
use crate::hooks::Feature;

/// What live chat plugs into the shared exports.
pub fn feature<H: HostCapabilities>() -> Feature<H> {
    Feature {
        name: "live-chat",
        topic_kinds: &[
            events::CONVERSATION_TOPIC,
            events::INBOX_TOPIC,
            events::NOTES_TOPIC,
            events::PERSONAL_TOPIC,
        ],
        authorize: topics::authorize::<H>,
        run_due: |host| {
            registration::expire_due(host)?;
            retention::run_due(host)
        },
        on_host_event: |_, _, _| Ok(()),
        migrate: |_, _| Ok(()),
    }
}

#[cfg(test)]
mod tests;
