//! The stored facts of presence and how the current state is computed from them.

use serde::{Deserialize, Serialize};

use crate::platform::Timestamp;

/// Why a presence state changed (SPEC PR-15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeCause {
    /// The agent acted.
    Manual,
    /// The agent's online schedule switched.
    Schedule,
    /// An online duration ended by itself.
    DurationEnded,
    /// The inactivity timeout put the agent offline.
    Inactivity,
    /// An admin put the agent offline.
    Admin,
    /// A site admin ended all the agent's sessions.
    ForceLogout,
}

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
    /// The state at `now`: an online state whose duration has passed is offline since the
    /// moment it ended, whether or not anything ran since.
    pub fn state_at(&self, now: Timestamp) -> PresenceState {
        match self.until {
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

/// One entry of the presence history (PR-15): who changed what, how and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceChange {
    /// The project's key.
    pub project: String,
    /// The agent whose state changed.
    pub user: String,
    /// The state the change set.
    pub online: bool,
    /// When an online state with a duration ends by itself; `None` without an end.
    pub until: Option<Timestamp>,
    /// Why the state changed.
    pub cause: ChangeCause,
    /// Who made the change; `None` when nobody acted.
    pub by: Option<String>,
    /// When the change happened.
    pub at: Timestamp,
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
    fn pr_4_online_without_duration_stays_online() {
        assert!(online_until(None).state_at(u64::MAX).online);
    }
}
