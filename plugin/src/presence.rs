//! Agent presence (SPEC PR-1 … PR-13, PR-15): going online and offline, per project or in
//! all projects, optionally for a duration or by a weekly schedule; inactivity; admins
//! putting agents offline; who is online; whether a project's chat is online and the alerts
//! when it stays so; the history of every change.
//!
//! Nothing here trusts a flag to be cleared on time: the state is computed from the stored
//! last change and the current time (see [`record::PresenceRecord::state_at`]). The
//! scheduler only takes ended durations off, so that history and live clients learn of them.

pub mod activity;
pub mod changes;
pub mod due;
pub mod events;
pub mod history;
pub mod host_events;
pub mod keys;
pub mod migrate;
pub mod monitoring;
pub mod online_list;
pub mod put_offline;
pub mod reads;
pub mod record;
pub mod schedule;
pub mod settings;
pub mod topics;

#[cfg(target_arch = "wasm32")]
mod exports;

pub use changes::{Change, MAX_DURATION_MINUTES, go_offline, go_online};
pub use history::presence_history;
pub use reads::{chat_status, my_presence, online_agents, project_presence};

use crate::capabilities::HostCapabilities;
use crate::hooks::Feature;

/// What presence plugs into the shared exports.
pub fn feature<H: HostCapabilities>() -> Feature<H> {
    Feature {
        name: "presence",
        topic_kinds: &[events::PRESENCE_TOPIC, events::CHAT_STATUS_TOPIC],
        authorize: topics::authorize::<H>,
        run_due: due::run_due::<H>,
        on_host_event: host_events::on_host_event::<H>,
        migrate: migrate::migrate::<H>,
    }
}

#[cfg(test)]
mod tests;
