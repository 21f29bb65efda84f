//! Slows password guessing: failed logins are counted per user id from one client address,
//! per user id from anywhere (a slower limit), and per client address, in a sliding window;
//! past a limit further attempts for that key are refused until enough failures have left
//! the window. Counting a user's failures per address means ten wrong passwords from
//! somebody else's machine do not lock the real user out of theirs; the slower limit across
//! all addresses still stops a guesser spread over many. The counts live in the store, so a restart forgets nothing
//! and every host of a site sees the same counts.
//!
//! An attempt is counted as a failure before its password is checked, in the same write that
//! checks the limit: parallel attempts are serialized there, so a burst cannot all pass one
//! check while the slow password hashing runs. A login that succeeds takes its count back.

use std::time::Duration;

use crate::client_network::ClientNetwork;
use crate::storage::{StoreError, Transaction};

/// How long a failure counts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures one user id may have from one address in the window.
pub const PER_USER: usize = 10;
/// Failures one user id may have from all addresses together in the window.
pub const PER_USER_EVERYWHERE: usize = 100;
/// Failures one client address may have in the window (it may try many user ids).
pub const PER_ADDRESS: usize = 50;

/// What is being limited.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ThrottleKey {
    /// A user id, as typed (the user need not exist), from one client network (`None` when
    /// the host does not know it).
    UserFrom(String, Option<ClientNetwork>),
    /// A user id, as typed, from anywhere.
    User(String),
    /// A client's network: its IPv4 address, or its IPv6 network.
    Address(ClientNetwork),
}

impl ThrottleKey {
    fn limit(&self) -> usize {
        match self {
            ThrottleKey::UserFrom(..) => PER_USER,
            ThrottleKey::User(_) => PER_USER_EVERYWHERE,
            ThrottleKey::Address(_) => PER_ADDRESS,
        }
    }

    fn stored(&self) -> String {
        match self {
            ThrottleKey::UserFrom(user, Some(address)) => format!("user-from:{address}:{user}"),
            ThrottleKey::UserFrom(user, None) => format!("user-from:unknown:{user}"),
            ThrottleKey::User(user) => format!("user:{user}"),
            ThrottleKey::Address(address) => format!("address:{address}"),
        }
    }
}

fn window_ms() -> i64 {
    WINDOW.as_millis() as i64
}

/// How long until an attempt is allowed, given the failure times in the window (oldest
/// first): none while fewer than `limit`.
fn wait_for(times: &[i64], limit: usize, now_ms: i64) -> Option<Duration> {
    if times.len() < limit {
        return None;
    }
    // Allowed again once all but `limit - 1` of them have left the window.
    let leaving = times[times.len() - limit];
    let wait = (leaving + window_ms() - now_ms).max(0);
    (wait > 0).then(|| Duration::from_millis(wait as u64))
}

/// Checks the limits and, if none is reached, counts this attempt against every key; call it
/// in a write, before checking the password. `Ok(Err(wait))` when a key is over its limit:
/// how long until an attempt is allowed (nothing is counted then).
pub fn begin_attempt(
    tx: &mut dyn Transaction,
    keys: &[ThrottleKey],
    now_ms: i64,
) -> Result<Result<(), Duration>, StoreError> {
    if let Err(wait) = check(tx, keys, now_ms)? {
        return Ok(Err(wait));
    }
    record_failure(tx, keys, now_ms)?;
    Ok(Ok(()))
}

/// `Ok(Err(wait))` when any key is over its limit: how long until an attempt is allowed.
fn check(tx: &mut dyn Transaction, keys: &[ThrottleKey], now_ms: i64) -> Result<Result<(), Duration>, StoreError> {
    let mut wait = Duration::ZERO;
    for key in keys {
        let times = tx.login_failures(&key.stored(), now_ms - window_ms())?;
        if let Some(key_wait) = wait_for(&times, key.limit(), now_ms) {
            wait = wait.max(key_wait);
        }
    }
    Ok(if wait.is_zero() { Ok(()) } else { Err(wait) })
}

/// Counts a failed attempt against every key.
fn record_failure(tx: &mut dyn Transaction, keys: &[ThrottleKey], now_ms: i64) -> Result<(), StoreError> {
    let stored: Vec<String> = keys.iter().map(ThrottleKey::stored).collect();
    tx.record_login_failure(&stored, now_ms)
}

/// The attempt begun at `began_ms` with these keys succeeded: the user's count is cleared,
/// and the address takes back this attempt only (its other failures still count, since one
/// address may be trying many users).
pub fn record_success(tx: &mut dyn Transaction, keys: &[ThrottleKey], began_ms: i64) -> Result<(), StoreError> {
    for key in keys {
        match key {
            ThrottleKey::UserFrom(..) | ThrottleKey::User(_) => tx.clear_login_failures(&key.stored())?,
            ThrottleKey::Address(_) => tx.forget_login_failure(&key.stored(), began_ms)?,
        }
    }
    Ok(())
}

/// Forgets failures that no longer count.
pub fn prune(tx: &mut dyn Transaction, now_ms: i64) -> Result<usize, StoreError> {
    tx.prune_login_failures(now_ms - window_ms())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::backend::LoginFailures;

    fn net(address: &str) -> ClientNetwork {
        ClientNetwork::of(address.parse().unwrap(), crate::client_network::DEFAULT_IPV6_PREFIX)
    }

    #[test]
    fn failures_past_the_limit_block_until_enough_leave_the_window() {
        let start = 1_000_000;
        let times: Vec<i64> = (0..PER_USER as i64).map(|i| start + i).collect();
        assert_eq!(wait_for(&times[..PER_USER - 1], PER_USER, start + 10), None);
        assert_eq!(
            wait_for(&times, PER_USER, start + 10),
            Some(Duration::from_millis((window_ms() - 10) as u64))
        );
        assert_eq!(
            wait_for(&times, PER_USER, start + window_ms()),
            None,
            "the oldest has left"
        );
    }

    fn store() -> (crate::storage::sqlite::tx::SqliteTx, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::storage::sqlite::schema::open(&dir.path().join("t.db")).unwrap();
        (crate::storage::sqlite::tx::SqliteTx::new(conn, true), dir)
    }

    #[test]
    fn pl_7_failures_of_one_user_do_not_block_another() {
        let (mut tx, _dir) = store();
        let alice = [ThrottleKey::UserFrom("alice".into(), None)];
        for _ in 0..PER_USER {
            record_failure(&mut tx, &alice, 1_000).unwrap();
        }
        assert!(check(&mut tx, &alice, 1_000).unwrap().is_err());
        assert!(
            check(&mut tx, &[ThrottleKey::UserFrom("bob".into(), None)], 1_000)
                .unwrap()
                .is_ok()
        );
        assert!(
            check(&mut tx, &alice, 1_000 + window_ms()).unwrap().is_ok(),
            "allowed after the window"
        );
    }

    #[test]
    fn pl_7_success_clears_the_user_but_not_the_address() {
        let (mut tx, _dir) = store();
        let address = ThrottleKey::Address(net("127.0.0.1"));
        let keys = [ThrottleKey::User("alice".into()), address.clone()];
        for i in 0..PER_ADDRESS - 1 {
            begin_attempt(
                &mut tx,
                &[ThrottleKey::User(format!("user{i}")), address.clone()],
                1_000,
            )
            .unwrap()
            .unwrap();
        }
        // Alice's attempt counts until her password proves right, then only hers is taken back.
        begin_attempt(&mut tx, &keys, 2_000).unwrap().unwrap();
        assert!(check(&mut tx, std::slice::from_ref(&address), 2_000).unwrap().is_err());
        record_success(&mut tx, &keys, 2_000).unwrap();
        assert!(check(&mut tx, std::slice::from_ref(&address), 2_000).unwrap().is_ok());
        assert_eq!(tx.login_failures(&address.stored(), 0).unwrap().len(), PER_ADDRESS - 1);
        assert!(tx.login_failures(&keys[0].stored(), 0).unwrap().is_empty());
        assert_eq!(
            prune(&mut tx, 1_000 + window_ms() + 1).unwrap(),
            2 * (PER_ADDRESS - 1),
            "old failures (of each user and of the address) are forgotten"
        );
    }

    #[test]
    fn pl_7_an_attempt_over_the_limit_is_refused_and_not_counted() {
        let (mut tx, _dir) = store();
        let carol = [ThrottleKey::UserFrom("carol".into(), None)];
        for _ in 0..PER_USER {
            begin_attempt(&mut tx, &carol, 1_000).unwrap().unwrap();
        }
        assert!(begin_attempt(&mut tx, &carol, 1_000).unwrap().is_err());
        assert_eq!(tx.login_failures(&carol[0].stored(), 0).unwrap().len(), PER_USER);
    }

    #[test]
    fn pl_7_wrong_passwords_from_elsewhere_do_not_lock_the_user_out_of_their_own_machine() {
        let (mut tx, _dir) = store();
        let from = |address: &str| {
            let address = net(address);
            [
                ThrottleKey::UserFrom("alice".into(), Some(address)),
                ThrottleKey::User("alice".into()),
                ThrottleKey::Address(address),
            ]
        };
        for _ in 0..PER_USER {
            begin_attempt(&mut tx, &from("203.0.113.66"), 1_000).unwrap().unwrap();
        }
        assert!(
            begin_attempt(&mut tx, &from("203.0.113.66"), 1_000).unwrap().is_err(),
            "the guesser is held back"
        );
        assert!(
            check(&mut tx, &from("198.51.100.7"), 1_000).unwrap().is_ok(),
            "alice at her desk is not"
        );

        // A guesser spread over many addresses meets the slower limit for the user.
        for n in 0..(PER_USER_EVERYWHERE - PER_USER) {
            let address = format!("10.0.{}.{}", n / 200, n % 200 + 1);
            begin_attempt(&mut tx, &from(&address), 2_000).unwrap().unwrap();
        }
        assert!(begin_attempt(&mut tx, &from("198.51.100.7"), 2_000).unwrap().is_err());
    }

    #[test]
    fn pl_7_failures_from_one_ipv6_network_count_together() {
        let (mut tx, _dir) = store();
        for n in 0..PER_ADDRESS {
            let key = ThrottleKey::Address(net(&format!("2001:db8:0:7::{:x}", n + 1)));
            begin_attempt(&mut tx, &[ThrottleKey::User(format!("user{n}")), key], 1_000)
                .unwrap()
                .unwrap();
        }
        let next = [ThrottleKey::Address(net("2001:db8:0:7:ffff::1"))];
        assert!(begin_attempt(&mut tx, &next, 1_000).unwrap().is_err(), "the same /64");
        let elsewhere = [ThrottleKey::Address(net("2001:db8:0:8::1"))];
        assert!(
            begin_attempt(&mut tx, &elsewhere, 1_000).unwrap().is_ok(),
            "another /64"
        );
    }

    #[test]
    fn keys_are_kept_apart_by_kind() {
        let user = ThrottleKey::User("1.2.3.4".into());
        let address = ThrottleKey::Address(net("1.2.3.4"));
        assert_ne!(user.stored(), address.stored());
    }
}
