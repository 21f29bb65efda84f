//! The push event log in SQLite. With one writer, ids given at insert are in commit order.

use rusqlite::{OptionalExtension, params};

use super::tx::SqliteTx;
use crate::backend::{IdBounds, Keeping, PushEvent, PushLog, ReplayedEvent, Signal, StoreError};

impl PushLog for SqliteTx {
    fn publish_kept(
        &mut self,
        topic: &str,
        kind: &str,
        payload: &str,
        keeping: Keeping<'_>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let conn = self.write_conn()?;
        if let Some(subject) = keeping.subject {
            // Earlier events about the subject or a part of it (`<subject>:…`) leave the log.
            conn.prepare_cached(
                "DELETE FROM push_events
                 WHERE subject = ?1 OR (subject >= ?1 || ':' AND subject < ?1 || ';')",
            )?
            .execute(params![subject])?;
        }
        conn.prepare_cached(
            "INSERT INTO push_events (topic, kind, payload, created_ms, subject, requires)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![topic, kind, payload, now_ms, keeping.subject, keeping.requires])?;
        let id = conn.last_insert_rowid();
        self.staged.push(PushEvent {
            id,
            topic: topic.into(),
            kind: kind.into(),
            payload: payload.into(),
        });
        Ok(())
    }

    fn signal(&mut self, signal: Signal) -> Result<(), StoreError> {
        self.write_conn()?;
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
        // Ids first, from the (topic, id) index alone, so that at most `limit` payloads are
        // read however many topics the stream follows.
        let mut ids = Vec::new();
        let mut by_topic = self
            .conn()
            .prepare_cached("SELECT id FROM push_events WHERE topic = ?1 AND id > ?2 ORDER BY id LIMIT ?3 + 0")?;
        for topic in topics {
            for id in by_topic.query_map(params![topic, after_id, limit], |row| row.get::<_, i64>(0))? {
                ids.push(id?);
            }
        }
        ids.sort_unstable();
        ids.truncate(limit as usize);
        let mut by_id = self
            .conn()
            .prepare_cached("SELECT id, topic, kind, payload, requires, created_ms FROM push_events WHERE id = ?1")?;
        let mut events = Vec::with_capacity(ids.len());
        for id in ids {
            // One job reads one snapshot, so every id found above is still there.
            let (event, created_ms) = by_id.query_row(params![id], |row| {
                let event = ReplayedEvent {
                    event: PushEvent {
                        id: row.get(0)?,
                        topic: row.get(1)?,
                        kind: row.get(2)?,
                        payload: row.get(3)?,
                    },
                    requires: row.get(4)?,
                };
                Ok((event, row.get::<_, i64>(5)?))
            })?;
            // Past its retention, though housekeeping has not cleared it away yet.
            if created_ms >= since_ms {
                events.push(event);
            }
        }
        Ok(events)
    }

    fn id_bounds(&mut self) -> Result<IdBounds, StoreError> {
        // AUTOINCREMENT keeps the newest id in sqlite_sequence even after pruning.
        let latest: Option<i64> = self
            .conn()
            .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'push_events'")?
            .query_row([], |row| row.get(0))
            .optional()?;
        let oldest: Option<i64> = self
            .conn()
            .prepare_cached("SELECT min(id) FROM push_events")?
            .query_row([], |row| row.get(0))?;
        Ok(IdBounds {
            latest: latest.unwrap_or(0),
            oldest,
        })
    }

    fn prune_events(&mut self, before_ms: i64) -> Result<usize, StoreError> {
        Ok(self
            .write_conn()?
            .execute("DELETE FROM push_events WHERE created_ms < ?1", params![before_ms])?)
    }
}
