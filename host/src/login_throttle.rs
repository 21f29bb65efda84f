//! Slows password guessing: failed logins are counted per user id and per client address
//! in a sliding window, and past a limit further attempts for that key are refused until
//! the window has passed. Memory stays bounded whatever names attackers try.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a failure counts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures one user id may have in the window.
pub const PER_USER: usize = 10;
/// Failures one client address may have in the window (it may try many user ids).
pub const PER_ADDRESS: usize = 50;
/// The most keys remembered; past that the stalest are forgotten first.
const MAX_KEYS: usize = 50_000;

/// What is being limited.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ThrottleKey {
    /// A user id, as typed (the user need not exist).
    User(String),
    /// A client's IP address.
    Address(std::net::IpAddr),
}

impl ThrottleKey {
    fn limit(&self) -> usize {
        match self {
            ThrottleKey::User(_) => PER_USER,
            ThrottleKey::Address(_) => PER_ADDRESS,
        }
    }
}

/// The failure counts; shared by every request.
#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<ThrottleKey, VecDeque<Instant>>>,
}

impl LoginThrottle {
    /// `Err(wait)` when any key is over its limit: how long until an attempt is allowed.
    pub fn check(&self, keys: &[ThrottleKey], now: Instant) -> Result<(), Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut wait = Duration::ZERO;
        for key in keys {
            if let Some(times) = failures.get_mut(key) {
                forget_old(times, now);
                if times.len() >= key.limit()
                    && let Some(oldest) = times.front()
                {
                    wait = wait.max(WINDOW.saturating_sub(now.duration_since(*oldest)));
                }
            }
        }
        if wait.is_zero() { Ok(()) } else { Err(wait) }
    }

    /// Counts a failed attempt against every key.
    pub fn record_failure(&self, keys: &[ThrottleKey], now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, times| {
                forget_old(times, now);
                !times.is_empty()
            });
            while failures.len() >= MAX_KEYS {
                let stalest = failures
                    .iter()
                    .min_by_key(|(_, times)| times.back().copied())
                    .map(|(key, _)| key.clone());
                match stalest {
                    Some(key) => failures.remove(&key),
                    None => break,
                };
            }
        }
        for key in keys {
            let times = failures.entry(key.clone()).or_default();
            forget_old(times, now);
            times.push_back(now);
            // Never more than the limit is needed to decide; keep memory per key bounded.
            while times.len() > key.limit() {
                times.pop_front();
            }
        }
    }

    /// A successful login clears the user's count (not the address's).
    pub fn record_success(&self, user: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        failures.remove(&ThrottleKey::User(user.to_string()));
    }
}

fn forget_old(times: &mut VecDeque<Instant>, now: Instant) {
    while times.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_past_the_limit_block_until_the_window_passes() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        let keys = [ThrottleKey::User("alice".into())];
        for i in 0..PER_USER {
            assert!(throttle.check(&keys, start).is_ok(), "attempt {i}");
            throttle.record_failure(&keys, start);
        }
        let wait = throttle.check(&keys, start).unwrap_err();
        assert_eq!(wait, WINDOW);
        assert!(
            throttle.check(&keys, start + WINDOW).is_ok(),
            "allowed again after the window"
        );
        assert!(
            throttle.check(&[ThrottleKey::User("bob".into())], start).is_ok(),
            "others are not affected"
        );
    }

    #[test]
    fn success_clears_the_user_but_not_the_address() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        let address = ThrottleKey::Address("127.0.0.1".parse().unwrap());
        for _ in 0..PER_ADDRESS {
            throttle.record_failure(&[ThrottleKey::User("alice".into()), address.clone()], now);
        }
        throttle.record_success("alice");
        assert!(throttle.check(&[ThrottleKey::User("alice".into())], now).is_ok());
        assert!(throttle.check(&[address], now).is_err());
    }
}
