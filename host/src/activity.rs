//! Activity (PR-9, PR-10): what a logged-in user does in any tab or on any device tells the
//! plugin they are active, which postpones the inactivity timeout of every project where
//! they are online. An action (any request that is not a read) counts, and so does the
//! heartbeat a page sends while the person is using it; reads do not, as an open tab reads
//! by itself when pushed events arrive. The host tells the plugin at most once a minute per
//! user; this keeps the last time per user.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How often, at most, one user's activity reaches the plugin.
pub const ACTIVITY_EVERY_MS: i64 = 60_000;

/// The last time each user's activity was passed on.
#[derive(Clone, Default)]
pub struct ActivityTracker {
    last: Arc<Mutex<HashMap<String, i64>>>,
}

impl ActivityTracker {
    /// Whether activity of `user` at `now_ms` is to be passed on (and notes that it is).
    pub fn due(&self, user: &str, now_ms: i64) -> bool {
        let Ok(mut last) = self.last.lock() else { return true };
        match last.get(user) {
            Some(&at) if (now_ms - at).abs() < ACTIVITY_EVERY_MS => false,
            _ => {
                last.insert(user.to_string(), now_ms);
                true
            }
        }
    }
}
