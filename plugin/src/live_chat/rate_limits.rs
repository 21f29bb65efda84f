//! Limits on what customers do through the public widget (LC-4): a widget anyone can load
//! is a spam target, so starting conversations and sending messages are counted per
//! customer (visitor or user) and per network address. An address gets more room than one
//! customer, because an office or a mobile network puts many people behind one address.

use serde::{Deserialize, Serialize};

use super::keys;
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Clock, Storage};
use crate::error::{PluginError, PluginResult};
use crate::storage::{get_json, put_json};

/// What a customer does that is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountedAction {
    /// Starting a conversation.
    Start,
    /// Sending a message in one.
    Message,
    /// Asking for a conversation's transcript by e-mail.
    Transcript,
    /// Telling which page the visitor is on (LC-21).
    PageReport,
    /// The text of messages written, counted in bytes: what a customer can make the site
    /// store, however their messages are spread over conversations.
    Text,
}

/// How many of one action fit in one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Actions allowed per window.
    pub count: u32,
    /// The window's length.
    pub window_ms: u64,
}

impl CountedAction {
    fn name(self) -> &'static str {
        match self {
            CountedAction::Start => "start",
            CountedAction::Message => "message",
            CountedAction::Transcript => "transcript",
            CountedAction::PageReport => "page report",
            CountedAction::Text => "text",
        }
    }

    /// A refusal in words: what was done too much, and the limit.
    fn refused(self, limit: Limit) -> String {
        match self {
            CountedAction::Text => format!(
                "too much chat text: at most {} KiB in {} minutes",
                limit.count / 1024,
                limit.window_ms / 60_000
            ),
            other => format!(
                "too many chat {}s: at most {} in {} s",
                other.name(),
                limit.count,
                limit.window_ms / 1000
            ),
        }
    }

    /// The limit for one customer.
    pub fn per_customer(self) -> Limit {
        match self {
            CountedAction::Start => Limit {
                count: 5,
                window_ms: 10 * 60_000,
            },
            CountedAction::Message => Limit {
                count: 30,
                window_ms: 60_000,
            },
            CountedAction::Transcript => Limit {
                count: 3,
                window_ms: 10 * 60_000,
            },
            CountedAction::PageReport => Limit {
                count: 30,
                window_ms: 60_000,
            },
            // A megabyte an hour: some 250 long messages.
            CountedAction::Text => Limit {
                count: 1 << 20,
                window_ms: 60 * 60_000,
            },
        }
    }

    /// The limit for one network address, whoever uses it.
    pub fn per_address(self) -> Limit {
        match self {
            CountedAction::Start => Limit {
                count: 20,
                window_ms: 10 * 60_000,
            },
            CountedAction::Message => Limit {
                count: 120,
                window_ms: 60_000,
            },
            CountedAction::Transcript => Limit {
                count: 10,
                window_ms: 10 * 60_000,
            },
            CountedAction::PageReport => Limit {
                count: 120,
                window_ms: 60_000,
            },
            CountedAction::Text => Limit {
                count: 4 << 20,
                window_ms: 60 * 60_000,
            },
        }
    }
}

/// Counts one `action` of `customer`, and of the caller's address when the host knows it;
/// `rate-limited` (and nothing counted, as the call rolls back) when either is full.
pub fn count<H: Clock + Storage>(
    host: &mut H,
    ctx: &CallContext,
    customer: &str,
    action: CountedAction,
) -> PluginResult<()> {
    count_amount(host, ctx, customer, action, 1)
}

/// Counts `amount` of `action` (bytes of text, say), as [`count`] counts one.
pub fn count_amount<H: Clock + Storage>(
    host: &mut H,
    ctx: &CallContext,
    customer: &str,
    action: CountedAction,
    amount: u32,
) -> PluginResult<()> {
    count_in_window(
        host,
        &keys::rate(action.name(), customer),
        action.per_customer(),
        amount,
        || action.refused(action.per_customer()),
    )?;
    if let Some(address) = ctx.address.as_deref() {
        count_in_window(
            host,
            &keys::rate_by_address(action.name(), address),
            action.per_address(),
            amount,
            || format!("from your network address, {}", action.refused(action.per_address())),
        )?;
    }
    Ok(())
}

/// A count of recent actions in a fixed window.
#[derive(Debug, Serialize, Deserialize)]
struct RateWindow {
    start: u64,
    count: u32,
}

fn count_in_window<H: Clock + Storage>(
    host: &mut H,
    key: &str,
    limit: Limit,
    amount: u32,
    what: impl FnOnce() -> String,
) -> PluginResult<()> {
    let now = host.now();
    // A window that starts in the future (the clock was set back) is over as well.
    let mut window = get_json::<RateWindow>(host, key)?
        .filter(|w| w.start <= now && now - w.start < limit.window_ms)
        .unwrap_or(RateWindow { start: now, count: 0 });
    if window.count.saturating_add(amount) > limit.count {
        let wait = (window.start + limit.window_ms)
            .saturating_sub(now)
            .div_ceil(1000)
            .max(1);
        return Err(PluginError::RateLimited(
            format!("{}; try again in {wait} s", what()),
            u32::try_from(wait).unwrap_or(u32::MAX),
        ));
    }
    window.count = window.count.saturating_add(amount);
    put_json(host, key, &window)
}
