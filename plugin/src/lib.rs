//! The chat plugin component: glue between the WIT world `helpdesk:chat/chat-plugin` and the
//! rules, which live in plain modules and are unit-tested natively.
//!
//! Everything stateful lives in host storage; the plugin keeps nothing between calls.

#![warn(missing_docs)]

pub mod error;
pub mod permissions;
pub mod platform;
pub mod presence;
pub mod scheduler;
pub mod storage;
pub mod subscriptions;

#[cfg(test)]
mod fake_platform;

// The WIT glue links against the host's imports, which exist only inside a component.
#[cfg(target_arch = "wasm32")]
mod component;
