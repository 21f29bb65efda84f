//! The node's event feed: one connection that LISTENs for commits with events (from any
//! node) and reads the push log forward from the last id it handed on, in id order, which
//! is commit order. Every node's streams thus get every event once and in order, whichever
//! node committed it. A notification is only a wake-up: the log is the truth, so a missed
//! notification or a lost connection delays events (the feed also looks every
//! [`POLL_EVERY`]) but never loses them. Signals (events never stored) travel in their
//! notifications alone: a node that is not listening at that moment misses them, as a
//! stream that is not open misses someone typing.

use std::sync::Arc;
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;

use super::push_log::{EVENTS_CHANNEL, SIGNALS_CHANNEL, WAKE_CHANNEL, signal_from_notification};
use super::schema;
use super::tx::PgTx;
use crate::backend::{CommitListener, StoreError};

/// The longest the feed waits for a notification before reading the log anyway.
const POLL_EVERY: Duration = Duration::from_millis(500);
/// The most events read at once.
const PAGE: i64 = 1000;
/// The pause before reconnecting after the connection failed.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// Starts the feed from the newest event committed now: earlier ones are for resuming
/// clients, who read them from the log.
pub fn spawn(url: &str, listener: Arc<dyn CommitListener>) -> anyhow::Result<()> {
    let mut tx = PgTx::new(schema::connect(url)?, false);
    let start = newest_id(&mut tx)?;
    let url = url.to_string();
    std::thread::Builder::new()
        .name("pg-event-feed".into())
        .spawn(move || {
            let mut feed = Feed {
                url,
                last: start,
                listener,
            };
            let mut tx = Some(tx);
            loop {
                let current = match tx.take() {
                    Some(tx) => tx,
                    None => match schema::connect(&feed.url) {
                        Ok(client) => PgTx::new(client, false),
                        Err(err) => {
                            tracing::warn!("the event feed cannot reach PostgreSQL: {err:#}");
                            std::thread::sleep(RECONNECT_AFTER);
                            continue;
                        }
                    },
                };
                match feed.follow(current) {
                    Ok(()) => return,
                    Err(err) => {
                        tracing::warn!(
                            "the event feed lost its connection ({err}); it picks up from event {}",
                            feed.last
                        );
                        std::thread::sleep(RECONNECT_AFTER);
                    }
                }
            }
        })?;
    Ok(())
}

fn newest_id(tx: &mut PgTx) -> Result<i64, StoreError> {
    Ok(tx
        .row("SELECT coalesce(max(id), 0) FROM push_events", &[])?
        .map_or(0, |row| row.get(0)))
}

struct Feed {
    url: String,
    /// The newest event handed on.
    last: i64,
    listener: Arc<dyn CommitListener>,
}

impl Feed {
    /// Listens and hands events on until the connection fails.
    fn follow(&mut self, mut tx: PgTx) -> Result<(), StoreError> {
        tx.client
            .batch_execute(&format!(
                "LISTEN {EVENTS_CHANNEL}; LISTEN {WAKE_CHANNEL}; LISTEN {SIGNALS_CHANNEL}"
            ))
            .map_err(|err| tx.failure(err))?;
        loop {
            // Read after LISTEN: a commit between the read and the wait still notifies.
            self.catch_up(&mut tx)?;
            let mut wake_at: Option<i64> = None;
            let mut signals = Vec::new();
            {
                let mut notifications = tx.client.notifications();
                // The first notification (or the poll's timeout) ends the wait; those that
                // arrived with it are taken too.
                let first = notifications.timeout_iter(POLL_EVERY).next();
                let first = first.map_err(|err| StoreError::Backend(err.to_string()))?;
                let rest: Vec<_> = notifications
                    .iter()
                    .collect()
                    .map_err(|err| StoreError::Backend(err.to_string()))?;
                for note in first.into_iter().chain(rest) {
                    if note.channel() == WAKE_CHANNEL
                        && let Ok(at) = note.payload().parse::<i64>()
                    {
                        wake_at = Some(wake_at.map_or(at, |earliest| earliest.min(at)));
                    } else if note.channel() == SIGNALS_CHANNEL
                        && let Some(signal) = signal_from_notification(note.payload())
                    {
                        signals.push(signal);
                    }
                }
            }
            if !signals.is_empty() {
                self.listener.signals_committed(signals);
            }
            if tx.is_lost() {
                return Err(StoreError::Backend("the connection closed".into()));
            }
            if let Some(at) = wake_at {
                self.listener.wake_requested(at);
            }
        }
    }

    /// Hands on every event after the last one, a page at a time, each page read in an
    /// autocommit statement of its own (a snapshot of the log as committed then).
    fn catch_up(&mut self, tx: &mut PgTx) -> Result<(), StoreError> {
        loop {
            let events = tx.events_after(self.last, PAGE)?;
            let Some(newest) = events.last().map(|event| event.id) else {
                return Ok(());
            };
            let full = events.len() as i64 == PAGE;
            self.listener.events_committed(events);
            self.last = newest;
            if !full {
                return Ok(());
            }
        }
    }
}
