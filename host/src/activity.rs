//! Activity (PR-9, PR-10): what a logged-in user does in any tab or on any device tells the
//! plugin they are active, which postpones the inactivity timeout of every project where
//! they are online. An action (any request that is not a read) counts, and so does the
//! heartbeat a page sends while the person is using it; reads do not, as an open tab reads
//! by itself when pushed events arrive.
//!
//! The host tells the plugin at most once a minute per user, and holds back what comes in
//! between: the latest activity held is told, with its time, once the minute is over
//! ([`ActivityTracker::take_held`], run every few seconds), so an inactivity timeout is
//! reckoned from the person's last action, never up to a minute before it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How often, at most, one user's activity reaches the plugin.
pub const ACTIVITY_EVERY_MS: i64 = 60_000;

/// Activity to tell the plugin of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldActivity {
    /// Whose.
    pub user: String,
    /// The session it came from.
    pub session: Option<String>,
    /// When it happened.
    pub at_ms: i64,
}

#[derive(Debug, Default)]
struct UserActivity {
    /// When activity was last told.
    told_ms: i64,
    /// The latest activity since, held back.
    held: Option<(i64, Option<String>)>,
}

/// The last time each user's activity was passed on, and what is held back since.
#[derive(Clone, Default)]
pub struct ActivityTracker {
    users: Arc<Mutex<HashMap<String, UserActivity>>>,
}

impl ActivityTracker {
    /// Whether activity of `user` at `now_ms` is to be told now (and notes that it is);
    /// otherwise it is held back for [`ActivityTracker::take_held`].
    pub fn due(&self, user: &str, session: Option<&str>, now_ms: i64) -> bool {
        let mut users = self.users.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = users.entry(user.to_string()).or_insert(UserActivity {
            told_ms: i64::MIN / 2,
            held: None,
        });
        if (now_ms - entry.told_ms).abs() >= ACTIVITY_EVERY_MS {
            entry.told_ms = now_ms;
            entry.held = None;
            true
        } else {
            entry.held = Some((now_ms, session.map(str::to_string)));
            false
        }
    }

    /// The activity held back whose minute is over by `now_ms`, to be told now (each noted
    /// as told).
    pub fn take_held(&self, now_ms: i64) -> Vec<HeldActivity> {
        let mut users = self.users.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut due = Vec::new();
        for (user, entry) in users.iter_mut() {
            if (now_ms - entry.told_ms).abs() < ACTIVITY_EVERY_MS {
                continue;
            }
            if let Some((at_ms, session)) = entry.held.take() {
                entry.told_ms = now_ms;
                due.push(HeldActivity {
                    user: user.clone(),
                    session,
                    at_ms,
                });
            }
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pr_9_activity_within_the_minute_is_held_and_told_with_its_time() {
        let tracker = ActivityTracker::default();
        assert!(tracker.due("bob", Some("s1"), 0), "the first is told at once");
        assert!(!tracker.due("bob", Some("s1"), 20_000));
        assert!(!tracker.due("bob", Some("s2"), 50_000), "held back");
        assert!(tracker.take_held(59_999).is_empty(), "not before the minute is over");
        assert_eq!(
            tracker.take_held(60_000),
            [HeldActivity {
                user: "bob".into(),
                session: Some("s2".into()),
                at_ms: 50_000,
            }],
            "the latest held, with its own time"
        );
        assert!(tracker.take_held(200_000).is_empty(), "told once");
        assert!(tracker.due("bob", None, 200_000));
    }
}
