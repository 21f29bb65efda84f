//! The stored facts of presence and how the current state is computed from them.
//!
//! Records crossing the plugin boundary (`change-cause`, `presence-change`) are the WIT
//! ones; what is stored only for the plugin's own use is defined here, with the change a
//! rule applies and tells of.

use serde::{Deserialize, Serialize};

use crate::bindings::exports::helpdesk::chat::presence::ChangeCause;
use crate::bindings::helpdesk::chat::types::Timestamp;

/// What is stored for one agent in one project: the last change, not a live flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceRecord {
    /// The state the last change set.
    pub online: bool,
    /// When the last change happened.
    pub since: Timestamp,
    /// For an online state with a duration: when it ends by itself.
    pub until: Option<Timestamp>,
    /// Why the last change happened.
    pub cause: ChangeCause,
    /// Who made the last change; `None` when nobody acted.
    pub by: Option<String>,
    /// The key of the agent's entry in the project's online list while the last change
    /// left them online (stored since plugin 0.2; records of 0.1 have none until migrated).
    #[serde(default)]
    pub listed_as: Option<String>,
    /// For an online state: when the project's inactivity timeout ends it unless the agent
    /// is active again before (PR-9; records written before 0.2 have none).
    #[serde(default)]
    pub idle_at: Option<Timestamp>,
}

/// An agent's entry in a project's online list, stored under a key ordered by display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlineEntry {
    /// The agent.
    pub user: String,
    /// Since when they are online.
    pub since: Timestamp,
    /// When an online duration ends by itself.
    pub until: Option<Timestamp>,
    /// When the inactivity timeout ends it (PR-9), unless the agent is active before.
    #[serde(default)]
    pub idle_at: Option<Timestamp>,
}

impl OnlineEntry {
    /// Whether the entry's online state has ended by `now` (a duration or the timeout).
    pub fn ended_by(&self, now: Timestamp) -> bool {
        earliest(self.until, self.idle_at).is_some_and(|end| end <= now)
    }
}

/// The earlier of two optional ends.
pub fn earliest(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A state change to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// True to go online, false to go offline.
    pub online: bool,
    /// When an online duration ends by itself; `None` without an end or when going offline.
    pub until: Option<Timestamp>,
    /// Why the state changes; recorded in the history.
    pub cause: ChangeCause,
    /// Who made the change; `None` when nobody acted (for example a duration ending).
    pub by: Option<String>,
    /// When the change takes effect.
    pub at: Timestamp,
}

/// One change to tell the project's staff of.
#[derive(Debug, Clone)]
pub struct Announced {
    /// The agent whose state changed.
    pub user: String,
    /// The agent's name as people see it.
    pub display_name: String,
    /// The change.
    pub change: Change,
}

/// The state at one instant, computed from a record and the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresenceState {
    /// Whether the agent is online at that instant.
    pub online: bool,
    /// When the current state began; 0 for an agent who never changed state.
    pub since: Timestamp,
    /// When an online state with a duration ends by itself; `None` without an end or when offline.
    pub until: Option<Timestamp>,
}

impl PresenceState {
    /// An agent who never changed state is offline (PR-1).
    pub const NEVER_ONLINE: PresenceState = PresenceState {
        online: false,
        since: 0,
        until: None,
    };
}

impl PresenceRecord {
    /// When the online state ends by itself: its duration's end or the inactivity timeout,
    /// whichever comes first.
    pub fn ends_at(&self) -> Option<Timestamp> {
        if self.online {
            earliest(self.until, self.idle_at)
        } else {
            None
        }
    }

    /// The state at `now`: an online state whose duration or inactivity timeout has passed
    /// is offline since the moment it ended, whether or not anything ran since.
    pub fn state_at(&self, now: Timestamp) -> PresenceState {
        match self.ends_at() {
            Some(end) if self.online && end <= now => PresenceState {
                online: false,
                since: end,
                until: None,
            },
            _ => PresenceState {
                online: self.online,
                since: self.since,
                until: self.until,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn online_until(until: Option<Timestamp>) -> PresenceRecord {
        PresenceRecord {
            online: true,
            since: 100,
            until,
            cause: ChangeCause::Manual,
            by: None,
            listed_as: None,
            idle_at: None,
        }
    }

    #[test]
    fn pr_4_a_duration_ends_at_its_end_without_anyone_acting() {
        let record = online_until(Some(1_000));
        assert_eq!(
            record.state_at(999),
            PresenceState {
                online: true,
                since: 100,
                until: Some(1_000)
            }
        );
        assert_eq!(
            record.state_at(1_000),
            PresenceState {
                online: false,
                since: 1_000,
                until: None
            }
        );
        assert!(!record.state_at(5_000).online);
    }

    #[test]
    fn pr_15_a_record_keeps_the_json_form_of_plugin_0_1() {
        let stored = r#"{"online":true,"since":5,"until":null,"cause":"duration-ended","by":null}"#;
        let record: PresenceRecord = serde_json::from_str(stored).unwrap();
        assert_eq!(record.cause, ChangeCause::DurationEnded);
        assert_eq!(record.listed_as, None);
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["cause"], "duration-ended");
    }

    #[test]
    fn pr_4_online_without_duration_stays_online() {
        assert!(online_until(None).state_at(u64::MAX).online);
    }
}
