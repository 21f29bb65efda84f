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
use crate::push::{RETENTION_MS, SESSIONS_TOPIC, SessionEnded};
use crate::runtime::{CallError, ChatPluginRuntime, system_context};
use crate::storage::{Database, StorageFailure};

/// The longest the scheduler sleeps, so a wake-up it was not told of (another node's, a
/// moved clock) is found soon.
const MAX_SLEEP: Duration = Duration::from_secs(5);
/// How often old push events, expired sessions and old login failures are cleared away.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(10 * 60);

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
                    plugin.call_in(
                        slot,
                        &request_id,
                        Box::new(|plugin, store| {
                            plugin.helpdesk_chat_scheduler().call_run_due(store, &system_context())
                        }),
                    )?;
                }
                Ok(slot.tx()?.next_wake().map_err(StorageFailure::from)?)
            })
            .await
    }

    /// Clears away what only grows: push events past their retention (resuming clients get
    /// a `reset` instead), expired sessions (the plugin and their streams are told), and
    /// login failures that no longer count. Returns how many of each.
    pub async fn housekeeping(&self) -> Result<(usize, usize, usize), CallError> {
        let now = self.clock.now_ms();
        let plugin = self.plugin.clone();
        self.db
            .write(move |slot| {
                let tx = slot.tx()?;
                let events = tx.prune_events(now - RETENTION_MS).map_err(StorageFailure::from)?;
                let expired = tx.purge_expired_sessions(now).map_err(StorageFailure::from)?;
                let failures = crate::login_throttle::prune(tx, now).map_err(StorageFailure::from)?;
                for (user, session) in &expired {
                    end_session_in(&plugin, slot, "housekeeping", user, session, now)?;
                }
                Ok((events, expired.len(), failures))
            })
            .await
    }

    /// Loops for the life of the host: run what is due, sleep until the next due time, a
    /// poke, or [`MAX_SLEEP`]; now and then, housekeeping.
    pub async fn run_forever(self) {
        let mut last_housekeeping = tokio::time::Instant::now();
        loop {
            if last_housekeeping.elapsed() >= HOUSEKEEPING_EVERY {
                last_housekeeping = tokio::time::Instant::now();
                match self.housekeeping().await {
                    Ok((events, sessions, failures)) => {
                        tracing::debug!(events, sessions, failures, "housekeeping done")
                    }
                    Err(err) => tracing::warn!(error = %err, "housekeeping failed; trying again later"),
                }
            }
            let next = match self.next_due().await {
                Ok(Some(at)) if at <= self.clock.now_ms() => self.run_due().await.map_err(|err| err.to_string()),
                Ok(next) => Ok(next),
                Err(err) => Err(err.to_string()),
            };
            let sleep = match next {
                Ok(Some(at)) => Duration::from_millis((at - self.clock.now_ms()).max(0) as u64).min(MAX_SLEEP),
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
    let payload = serde_json::to_string(&SessionEnded {
        session: session.to_string(),
    })
    .map_err(|err| CallError::Fault(err.to_string()))?;
    slot.tx()?
        .publish(SESSIONS_TOPIC, "session-ended", &payload, now_ms)
        .map_err(StorageFailure::from)?;
    let event = HostEvent::SessionEnded(SessionEnd {
        user: user.to_string(),
        session: session.to_string(),
    });
    plugin.tell_in(slot, request_id, &system_context(), event)
}
