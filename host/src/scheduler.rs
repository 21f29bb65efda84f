//! Runs the plugin's time-driven work (durations ending, and later schedules and inactivity)
//! when a time it asked for (`wake.wake-at`) has come, and the host's housekeeping.
//!
//! Wake-ups are stored with the call that asked, so they survive restarts. Taking the due
//! ones and running `scheduler.run-due` is one transaction: if the run fails, the wake-ups
//! stay and the run is tried again.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::clock::HostClock;
use crate::contract::exports::helpdesk::chat::host_events::{HostEvent, SessionEnd};
use crate::contract::helpdesk::chat::types::CallContext;
use crate::push::{RETENTION_MS, SESSIONS_TOPIC, SessionEnded};
use crate::runtime::{CallError, ChatPluginRuntime, system_context};
use crate::storage::{Database, StorageFailure};

/// The longest the scheduler sleeps, so a wake-up it was not told of (another node's, a
/// moved clock) is found soon.
const MAX_SLEEP: Duration = Duration::from_secs(5);
/// The least the scheduler waits after a run that left work due (taken by another node).
const MIN_SLEEP_AFTER_RUN: Duration = Duration::from_millis(100);
/// How often old push events, expired sessions and old login failures are cleared away.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(10 * 60);
/// How many expired sessions are ended together (each in its own job, sharing commits).
const SESSION_BATCH: u32 = 100;

/// What one housekeeping round cleared away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Housekeeping {
    /// Push events past their retention.
    pub events: usize,
    /// Expired sessions ended.
    pub sessions: usize,
    /// Login failures that no longer count.
    pub login_failures: usize,
}

/// Pokes the scheduler when a commit asked for a wake-up.
#[derive(Debug, Default)]
pub struct WakeSignal {
    notify: Notify,
}

impl WakeSignal {
    /// A committed call asked to be woken; the scheduler looks again.
    pub fn poke(&self) {
        self.notify.notify_one();
    }
}

/// The scheduler of one host.
#[derive(Clone)]
pub struct Scheduler {
    db: Database,
    plugin: Arc<ChatPluginRuntime>,
    clock: HostClock,
    signal: Arc<WakeSignal>,
}

impl Scheduler {
    /// A scheduler over the site's storage and plugin.
    pub fn new(db: Database, plugin: Arc<ChatPluginRuntime>, clock: HostClock, signal: Arc<WakeSignal>) -> Scheduler {
        Scheduler {
            db,
            plugin,
            clock,
            signal,
        }
    }

    /// When the next wake-up is due, if any is asked for.
    pub async fn next_due(&self) -> Result<Option<i64>, StorageFailure> {
        self.db
            .read(|slot| -> Result<_, StorageFailure> { Ok(slot.tx()?.next_wake()?) })
            .await
    }

    /// Runs the plugin's due work if a wake-up has come, in one transaction with taking
    /// the wake-ups; returns when the next one is due.
    pub async fn run_due(&self) -> Result<Option<i64>, CallError> {
        let now = self.clock.now_ms();
        let plugin = self.plugin.clone();
        let request_id = format!("scheduler-{}", uuid::Uuid::new_v4());
        self.db
            .write(move |slot| {
                if slot.tx()?.take_due(now).map_err(StorageFailure::from)? {
                    plugin.call_in(slot, &request_id, &|plugin, store| {
                        plugin.helpdesk_chat_scheduler().call_run_due(store, &system_context())
                    })?;
                }
                Ok(slot.tx()?.next_wake().map_err(StorageFailure::from)?)
            })
            .await
    }

    /// Clears away what only grows: push events past their retention (resuming clients get
    /// a `reset` instead), login failures that no longer count, and expired sessions (the
    /// plugin and their streams are told).
    pub async fn housekeeping(&self) -> Result<Housekeeping, CallError> {
        let now = self.clock.now_ms();
        let (events, login_failures) = self
            .db
            .write(move |slot| -> Result<_, CallError> {
                let mut tx = slot.tx()?;
                let events = tx.prune_events(now - RETENTION_MS).map_err(StorageFailure::from)?;
                let failures = crate::login_throttle::prune(&mut *tx, now).map_err(StorageFailure::from)?;
                tx.prune_pending_passwords(now).map_err(StorageFailure::from)?;
                Ok((events, failures))
            })
            .await?;
        let sessions = self.end_expired_sessions(now).await?;
        Ok(Housekeeping {
            events,
            sessions,
            login_failures,
        })
    }

    /// Ends the sessions expired by `now`, a batch at a time and each in its own job: the
    /// jobs of a batch share commits, and a session the plugin fails on neither holds the
    /// writer long nor keeps the others alive.
    async fn end_expired_sessions(&self, now: i64) -> Result<usize, CallError> {
        let mut ended = 0;
        loop {
            let expired = self
                .db
                .read(move |slot| -> Result<_, StorageFailure> { Ok(slot.tx()?.expired_sessions(now, SESSION_BATCH)?) })
                .await?;
            let ends = expired
                .iter()
                .map(|(user, session)| self.end_expired_session(user, session, now));
            let done = futures::future::join_all(ends).await;
            let progress = done.iter().filter(|outcome| matches!(outcome, Ok(true))).count();
            ended += progress;
            if let Some(Err(err)) = done.into_iter().find(Result::is_err) {
                // Storage itself fails: stop here and try again at the next housekeeping.
                return Err(err);
            }
            if expired.len() < SESSION_BATCH as usize || progress == 0 {
                return Ok(ended);
            }
        }
    }

    /// Ends one expired session; `false` if it was already gone. If the plugin fails on it,
    /// the session still ends (an expired session must not stay usable), without the plugin.
    async fn end_expired_session(&self, user: &str, session: &str, now: i64) -> Result<bool, CallError> {
        let plugin = self.plugin.clone();
        let (user, session) = (user.to_string(), session.to_string());
        let (first_user, first_session) = (user.clone(), session.clone());
        let told = self
            .db
            .write(move |slot| {
                if slot
                    .tx()?
                    .delete_session(&first_session)
                    .map_err(StorageFailure::from)?
                    .is_none()
                {
                    return Ok(false);
                }
                end_session_in(&plugin, slot, "housekeeping", &first_user, &first_session, now)?;
                Ok(true)
            })
            .await;
        match told {
            Err(err @ (CallError::Plugin(_) | CallError::Fault(_) | CallError::Timeout)) => {
                tracing::error!(error = %err, user, "the plugin failed on an expired session; ending it without the plugin");
                self.db
                    .write(move |slot| -> Result<bool, CallError> {
                        if slot
                            .tx()?
                            .delete_session(&session)
                            .map_err(StorageFailure::from)?
                            .is_none()
                        {
                            return Ok(false);
                        }
                        announce_session_end(slot, &session, now)?;
                        Ok(true)
                    })
                    .await
            }
            other => other,
        }
    }

    /// Loops for the life of the host: run what is due, sleep until the next due time, a
    /// poke, or [`MAX_SLEEP`]; now and then, housekeeping.
    pub async fn run_forever(self) {
        let mut last_housekeeping = tokio::time::Instant::now();
        loop {
            if last_housekeeping.elapsed() >= HOUSEKEEPING_EVERY {
                last_housekeeping = tokio::time::Instant::now();
                match self.housekeeping().await {
                    Ok(done) => tracing::debug!(?done, "housekeeping done"),
                    Err(err) => tracing::warn!(error = %err, "housekeeping failed; trying again later"),
                }
            }
            let mut ran = false;
            let next = match self.next_due().await {
                Ok(Some(at)) if at <= self.clock.now_ms() => {
                    ran = true;
                    self.run_due().await.map_err(|err| err.to_string())
                }
                Ok(next) => Ok(next),
                Err(err) => Err(err.to_string()),
            };
            // Still due right after a run: another node holds it (and commits in a moment),
            // or it failed here; look again shortly rather than at once.
            let floor = if ran { MIN_SLEEP_AFTER_RUN } else { Duration::ZERO };
            let sleep = match next {
                Ok(Some(at)) => Duration::from_millis((at - self.clock.now_ms()).max(0) as u64).clamp(floor, MAX_SLEEP),
                Ok(None) => MAX_SLEEP,
                Err(err) => {
                    tracing::warn!(error = %err, "scheduled work failed; trying again soon");
                    MAX_SLEEP
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = self.signal.notify.notified() => {}
            }
        }
    }
}

/// Ends a session inside a running write job: the plugin is told, and the session's open
/// streams on every node end (through the `@sessions` event).
pub fn end_session_in(
    plugin: &ChatPluginRuntime,
    slot: &mut crate::storage::TxSlot,
    request_id: &str,
    user: &str,
    session: &str,
    now_ms: i64,
) -> Result<(), CallError> {
    announce_session_end(slot, session, now_ms)?;
    let event = HostEvent::SessionEnded(SessionEnd {
        user: user.to_string(),
        session: session.to_string(),
    });
    plugin.tell_in(slot, request_id, &system_context(), &event)
}

/// Ends every session of `user` at once (PR-13, a forced logout by `ctx`'s actor): their
/// tokens stop working, each session's open streams end once the job commits, and the plugin
/// is told, in the same transaction. Returns how many sessions ended.
pub fn end_all_sessions_in(
    plugin: &ChatPluginRuntime,
    slot: &mut crate::storage::TxSlot,
    request_id: &str,
    ctx: &CallContext,
    user: &str,
    now_ms: i64,
) -> Result<usize, CallError> {
    let sessions = slot.tx()?.delete_sessions_of(user).map_err(StorageFailure::from)?;
    for session in &sessions {
        announce_session_end(slot, session, now_ms)?;
    }
    plugin.tell_in(slot, request_id, ctx, &HostEvent::AllSessionsEnded(user.to_string()))?;
    Ok(sessions.len())
}

/// Ends the session's open streams on every node, once the running job commits.
fn announce_session_end(slot: &mut crate::storage::TxSlot, session: &str, now_ms: i64) -> Result<(), CallError> {
    let payload = serde_json::to_string(&SessionEnded {
        session: session.to_string(),
    })
    .map_err(|err| CallError::Fault(err.to_string()))?;
    slot.tx()?
        .publish(SESSIONS_TOPIC, "session-ended", &payload, now_ms)
        .map_err(StorageFailure::from)?;
    Ok(())
}
