//! The push event log in PostgreSQL. A job's events are kept in memory until its commit;
//! the worker then writes them under a transaction-scoped advisory lock that it holds
//! through the commit, so ids are taken in commit order across every node: whoever sees
//! an event sees every event with a lower id, and a node reading the log forward misses none.

use postgres::Row;

use super::tx::{PgTx, StagedEvent};
use crate::backend::{IdBounds, Keeping, Meta, PushEvent, PushLog, ReplayedEvent, Signal, StoreError};

/// The advisory lock that orders the commits of transactions that publish events.
pub(super) const PUBLISH_LOCK: i64 = 0x0070_7573_686c_6f67; // "pushlog"
/// The marker holding the newest pruned event id.
const PRUNED_THROUGH_KEY: &str = "push-pruned-through";
/// The channel on which a commit with events wakes every node's event feed.
pub(super) const EVENTS_CHANNEL: &str = "helpdesk_events";
/// The channel on which a commit that asked for a wake-up pokes every node's scheduler.
pub(super) const WAKE_CHANNEL: &str = "helpdesk_wake";
/// The channel that carries signals (events never stored) to every node's streams; each
/// notification is one signal, `<topic>\n<kind>\n<payload>`.
pub(super) const SIGNALS_CHANNEL: &str = "helpdesk_signals";

/// A signal as its notification carries it (topics and kinds hold no line breaks).
pub(super) fn signal_to_notification(signal: &Signal) -> String {
    format!("{}\n{}\n{}", signal.topic, signal.kind, signal.payload)
}

/// The signal a notification carries, if it is well formed.
pub(super) fn signal_from_notification(text: &str) -> Option<Signal> {
    let mut parts = text.splitn(3, '\n');
    Some(Signal {
        topic: parts.next()?.to_string(),
        kind: parts.next()?.to_string(),
        payload: parts.next()?.to_string(),
    })
}

/// Whether `subject` is `about` or a part of it (`<about>:…`).
fn is_about(subject: Option<&str>, about: &str) -> bool {
    subject.is_some_and(|subject| {
        subject == about || subject.strip_prefix(about).is_some_and(|rest| rest.starts_with(':'))
    })
}

fn event_from_row(row: &Row) -> PushEvent {
    PushEvent {
        id: row.get(0),
        topic: row.get(1),
        kind: row.get(2),
        payload: row.get(3),
    }
}

impl PgTx {
    /// Writes the staged events, under the lock held until the end of the transaction, and
    /// wakes every node's feed on commit. The caller commits next.
    pub(super) fn write_staged_events(&mut self) -> Result<(), StoreError> {
        // Notifications go out with the commit, and only if it happens.
        for signal in std::mem::take(&mut self.signals) {
            self.rows(
                "SELECT pg_notify($1, $2)",
                &[&SIGNALS_CHANNEL, &signal_to_notification(&signal)],
            )?;
        }
        if self.staged.is_empty() {
            return Ok(());
        }
        let staged: Vec<StagedEvent> = std::mem::take(&mut self.staged);
        self.rows("SELECT pg_advisory_xact_lock($1)", &[&PUBLISH_LOCK])?;
        let mut subjects: Vec<&str> = staged.iter().filter_map(|e| e.subject.as_deref()).collect();
        subjects.sort_unstable();
        subjects.dedup();
        if !subjects.is_empty() {
            // Earlier events about these subjects or their parts leave the log.
            self.execute(
                "DELETE FROM push_events p USING unnest($1::text[]) AS s(about)
                 WHERE p.subject = s.about
                    OR (p.subject >= s.about || ':' AND p.subject < s.about || ';')",
                &[&subjects],
            )?;
        }
        let topics: Vec<&str> = staged.iter().map(|e| e.topic.as_str()).collect();
        let kinds: Vec<&str> = staged.iter().map(|e| e.kind.as_str()).collect();
        let payloads: Vec<&str> = staged.iter().map(|e| e.payload.as_str()).collect();
        let created: Vec<i64> = staged.iter().map(|e| e.created_ms).collect();
        let about: Vec<Option<&str>> = staged.iter().map(|e| e.subject.as_deref()).collect();
        let requires: Vec<Option<&str>> = staged.iter().map(|e| e.requires.as_deref()).collect();
        // `WITH ORDINALITY` keeps the job's order: ids are given as the rows are inserted.
        self.execute(
            "INSERT INTO push_events (topic, kind, payload, created_ms, subject, requires)
             SELECT topic, kind, payload, created_ms, subject, requires
             FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::text[], $6::text[])
                  WITH ORDINALITY AS e(topic, kind, payload, created_ms, subject, requires, n)
             ORDER BY n",
            &[&topics, &kinds, &payloads, &created, &about, &requires],
        )?;
        self.rows("SELECT pg_notify($1, '')", &[&EVENTS_CHANNEL])?;
        Ok(())
    }

    /// Pokes every node's scheduler on commit.
    pub(super) fn announce_wake(&mut self, at_ms: i64) -> Result<(), StoreError> {
        self.rows("SELECT pg_notify($1, $2)", &[&WAKE_CHANNEL, &at_ms.to_string()])?;
        Ok(())
    }

    /// Up to `limit` events after `after_id`, oldest first, whatever their topic.
    pub(super) fn events_after(&mut self, after_id: i64, limit: i64) -> Result<Vec<PushEvent>, StoreError> {
        Ok(self
            .rows(
                "SELECT id, topic, kind, payload FROM push_events WHERE id > $1 ORDER BY id LIMIT $2",
                &[&after_id, &limit],
            )?
            .iter()
            .map(event_from_row)
            .collect())
    }
}

impl PushLog for PgTx {
    fn publish_kept(
        &mut self,
        topic: &str,
        kind: &str,
        payload: &str,
        keeping: Keeping<'_>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.check_writable()?;
        if let Some(subject) = keeping.subject {
            // An earlier event of this job about the subject is replaced before it is written.
            self.staged
                .retain(|earlier| !is_about(earlier.subject.as_deref(), subject));
        }
        self.staged.push(StagedEvent {
            topic: topic.into(),
            kind: kind.into(),
            payload: payload.into(),
            created_ms: now_ms,
            subject: keeping.subject.map(str::to_string),
            requires: keeping.requires.map(str::to_string),
        });
        Ok(())
    }

    fn signal(&mut self, signal: Signal) -> Result<(), StoreError> {
        self.check_writable()?;
        self.signals.push(signal);
        Ok(())
    }

    fn replay(
        &mut self,
        topics: &[String],
        after_id: i64,
        since_ms: i64,
        limit: u32,
    ) -> Result<Vec<ReplayedEvent>, StoreError> {
        Ok(self
            .rows(
                "SELECT id, topic, kind, payload, requires FROM push_events
                 WHERE topic = ANY($1) AND id > $2 AND created_ms >= $3 ORDER BY id LIMIT $4",
                &[&topics, &after_id, &since_ms, &i64::from(limit)],
            )?
            .iter()
            .map(|row| ReplayedEvent {
                event: event_from_row(row),
                requires: row.get(4),
            })
            .collect())
    }

    fn id_bounds(&mut self) -> Result<IdBounds, StoreError> {
        // Not the sequence: it may hold an id whose transaction has not committed yet. The
        // newest row is never pruned, so max(id) is the newest id this snapshot can see.
        let row = self.row("SELECT max(id) FROM push_events", &[])?;
        let latest: Option<i64> = row.and_then(|row| row.get(0));
        // Ids are not dense here (an attempt that took one and rolled back leaves a gap),
        // so the first id a client may still be given is the one after the newest pruned,
        // not the smallest stored: a gap is not a lost event.
        let oldest = match latest {
            None => None,
            Some(_) => {
                let pruned = self.meta(PRUNED_THROUGH_KEY)?.and_then(|text| text.parse::<i64>().ok());
                Some(pruned.unwrap_or(0) + 1)
            }
        };
        Ok(IdBounds {
            latest: latest.unwrap_or(0),
            oldest,
        })
    }

    fn prune_events(&mut self, before_ms: i64) -> Result<usize, StoreError> {
        let rows = self.write_rows(
            "WITH pruned AS (
                 DELETE FROM push_events WHERE created_ms < $1
                 AND id < (SELECT coalesce(max(id), 0) FROM push_events)
                 RETURNING id)
             SELECT count(*), max(id) FROM pruned",
            &[&before_ms],
        )?;
        let (count, newest): (i64, Option<i64>) = rows.first().map_or((0, None), |row| (row.get(0), row.get(1)));
        if let Some(newest) = newest {
            let previous = self.meta(PRUNED_THROUGH_KEY)?.and_then(|text| text.parse::<i64>().ok());
            if previous.is_none_or(|previous| previous < newest) {
                self.set_meta(PRUNED_THROUGH_KEY, &newest.to_string())?;
            }
        }
        Ok(count as usize)
    }
}
