//! The chat plugin component (SPEC PL-2): every chat, presence and permission rule.
//!
//! - `bindings`: the types and imports generated from `wit/` (with their JSON form);
//! - `capabilities`: the host's capabilities as small traits, one per kind of need, so each
//!   rule names exactly what it uses and unit-tests natively against an in-memory host;
//! - one module per feature (`presence`, `live_chat`, `team_chat`), owning its rules, its WIT glue, its push
//!   topics, its due work, its reactions to host events and its migrations;
//! - `hooks` says what a feature plugs into the shared exports, and `features` lists the
//!   features, through which the shared exports (`subscriptions`, `scheduler`, `host_events`,
//!   `lifecycle`) reach each one;
//! - `message_log`: the one message model every chat shares (numbering, retries, paging);
//! - `component`: the `export!` of the whole world (only inside a component).
//!
//! Everything stateful lives in host storage; the plugin keeps nothing between calls.

#![warn(missing_docs)]

pub mod bindings;
pub mod capabilities;
pub mod due_markers;
pub mod error;
pub mod features;
pub mod hooks;
pub mod host_events;
pub mod lifecycle;
pub mod live_chat;
pub mod message_log;
pub mod one_time_code;
pub mod paging;
pub mod permissions;
pub mod presence;
pub mod publish;
pub mod scheduler;
pub mod storage;
pub mod subscriptions;
pub mod team_chat;
pub mod version;
pub mod weekly;

// The exports link against the host's imports, which exist only inside a component.
#[cfg(target_arch = "wasm32")]
mod component;
