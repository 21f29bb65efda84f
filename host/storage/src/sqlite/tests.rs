//! The SQLite backend under the storage contract: group commit, savepoints, reads beside
//! writes, read-only snapshots, bounded queues, deadlines, and events after commit only.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::SqliteSettings;
use crate::conformance::{self, Recorder};
use crate::{Database, StorageFailure, StoreError};

struct Fixture {
    db: Database,
    recorder: Arc<Recorder>,
    _dir: tempfile::TempDir,
}

fn open_with(change: impl FnOnce(&mut SqliteSettings)) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = SqliteSettings::new(dir.path().join("t.db"));
    change(&mut settings);
    let recorder = Arc::new(Recorder::default());
    let backend = super::open(&settings, recorder.clone()).unwrap();
    Fixture {
        db: Database::new(backend),
        recorder,
        _dir: dir,
    }
}

fn open() -> Fixture {
    open_with(|_| {})
}

async fn write(db: &Database, key: &'static str) -> Result<(), StorageFailure> {
    db.write(move |slot| -> Result<(), StorageFailure> { Ok(slot.tx()?.kv_set(key, b"v")?) })
        .await
}

async fn has(db: &Database, key: &'static str) -> bool {
    db.read(move |slot| -> Result<_, StorageFailure> { Ok(slot.tx()?.kv_get(key)?) })
        .await
        .unwrap()
        .is_some()
}

/// Occupies the writer for `hold` and returns once it is busy, so that the jobs sent next
/// queue up behind it.
async fn occupy_writer(db: &Database, hold: Duration) -> tokio::task::JoinHandle<Result<(), StorageFailure>> {
    let (started, busy) = std::sync::mpsc::channel();
    let db = db.clone();
    let holding = tokio::spawn(async move {
        db.write(move |_| -> Result<(), StorageFailure> {
            let _ = started.send(());
            std::thread::sleep(hold);
            Ok(())
        })
        .await
    });
    tokio::task::spawn_blocking(move || busy.recv()).await.unwrap().unwrap();
    holding
}

#[tokio::test]
async fn pl_5_a_panicking_job_fails_its_batch_and_the_next_batch_works() {
    let f = open();
    let hold = occupy_writer(&f.db, Duration::from_millis(200)).await;
    let panicking =
        f.db.write(|_| -> Result<(), StorageFailure> { panic!("a bug in a job") });
    let (before, panicked, after) = tokio::join!(write(&f.db, "before"), panicking, write(&f.db, "after"));
    assert!(hold.await.unwrap().is_ok());
    assert!(panicked.is_err());
    assert!(before.is_err() && after.is_err(), "the batch failed as a whole");
    assert!(
        !has(&f.db, "before").await && !has(&f.db, "after").await,
        "nothing of it was kept"
    );
    write(&f.db, "later").await.unwrap();
    assert!(has(&f.db, "later").await, "the writer goes on");
}

#[tokio::test]
async fn pl_5_a_job_that_keeps_its_lease_loses_its_batch_and_the_worker_goes_on() {
    // A job may lend its transaction (to a plugin call); the worker takes it back only when
    // every lease has ended. One kept beyond the job's run takes the transaction with it.
    let f = open();
    let kept: Arc<std::sync::Mutex<Option<crate::SharedTx>>> = Arc::default();
    let keeper = kept.clone();
    let leaking = f.db.write(move |slot| -> Result<(), StorageFailure> {
        slot.tx()?.kv_set("leaked", b"v")?;
        *keeper.lock().unwrap() = Some(slot.lend()?);
        Ok(())
    });
    assert_eq!(leaking.await, Err(StorageFailure::ConnectionLost));
    assert!(!has(&f.db, "leaked").await, "nothing of the batch was kept");
    // The kept lease still holds the old connection (and SQLite's write lock) until it ends;
    // then the worker, on a new connection, goes on.
    assert!(kept.lock().unwrap().take().is_some());
    write(&f.db, "later").await.unwrap();
    assert!(
        has(&f.db, "later").await,
        "the worker opened a new connection and goes on"
    );
    assert!(
        !has(&f.db, "leaked").await,
        "the old connection rolled back as it closed"
    );
}

#[tokio::test]
async fn pl_5_a_failed_job_rolls_back_alone_within_its_batch() {
    let f = open();
    let hold = occupy_writer(&f.db, Duration::from_millis(200)).await;
    let failing = f.db.write(|slot| -> Result<(), StorageFailure> {
        slot.tx()?.kv_set("failed", b"v")?;
        slot.tx()?.publish("t:x", "k", "{}", 1)?;
        Err(StorageFailure::Database("the job refuses".into()))
    });
    let kept = f.db.write(|slot| -> Result<(), StorageFailure> {
        slot.tx()?.kv_set("kept", b"v")?;
        slot.tx()?.publish("t:x", "k", "{\"kept\":true}", 1)?;
        Ok(())
    });
    let (ok, failed) = tokio::join!(kept, failing);
    assert!(hold.await.unwrap().is_ok());
    assert!(ok.is_ok() && failed.is_err());
    assert!(has(&f.db, "kept").await);
    assert!(!has(&f.db, "failed").await);
    let events = f.recorder.events.lock().unwrap().clone();
    assert_eq!(events.len(), 1, "only the kept job's event went out: {events:?}");
    assert_eq!(events[0].payload, "{\"kept\":true}");
    let stats = f.db.stats();
    assert!(stats.writes > stats.commits, "jobs shared a commit: {stats:?}");
}

#[tokio::test]
async fn pl_3_reads_run_beside_a_busy_writer() {
    let f = open();
    write(&f.db, "present").await.unwrap();
    let hold = occupy_writer(&f.db, Duration::from_millis(800)).await;
    let started = Instant::now();
    assert!(has(&f.db, "present").await);
    assert!(
        started.elapsed() < Duration::from_millis(600),
        "the read did not wait for the writer ({:?})",
        started.elapsed()
    );
    hold.await.unwrap().unwrap();
}

#[tokio::test]
async fn pl_3_a_read_job_cannot_write() {
    let f = open();
    let refused =
        f.db.read(|slot| -> Result<(), StoreError> { slot.tx().map_err(StoreError::from)?.kv_set("k", b"v") })
            .await;
    assert!(matches!(refused, Err(StoreError::ReadOnly)), "{refused:?}");
    assert!(!has(&f.db, "k").await);
}

#[tokio::test]
async fn pl_5_a_full_write_queue_refuses_at_once() {
    let f = open_with(|settings| settings.max_queued_writes = 1);
    let hold = occupy_writer(&f.db, Duration::from_millis(300)).await;
    let queued = tokio::spawn({
        let db = f.db.clone();
        async move { write(&db, "queued").await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = Instant::now();
    let refused = write(&f.db, "refused").await;
    assert_eq!(refused, Err(StorageFailure::Overloaded));
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "refused without waiting"
    );
    hold.await.unwrap().unwrap();
    queued.await.unwrap().unwrap();
    assert!(has(&f.db, "queued").await && !has(&f.db, "refused").await);
    assert_eq!(f.db.stats().shed, 1);
}

#[tokio::test]
async fn pl_5_a_job_whose_deadline_passes_in_the_queue_does_nothing() {
    let f = open();
    let hold = occupy_writer(&f.db, Duration::from_millis(200)).await;
    let late = crate::deadline::within(Instant::now() + Duration::from_millis(20), write(&f.db, "late")).await;
    assert_eq!(late, Err(StorageFailure::DeadlinePassed));
    hold.await.unwrap().unwrap();
    assert!(!has(&f.db, "late").await);
}

#[tokio::test]
async fn pl_7_event_ids_follow_commit_order_and_wake_ups_are_announced() {
    let f = open();
    for n in 0..3 {
        f.db.write(move |slot| -> Result<(), StorageFailure> {
            let mut tx = slot.tx()?;
            tx.publish("t:x", "k", &format!("{{\"n\":{n}}}"), 1)?;
            tx.wake_at(1_000 + n)?;
            Ok(())
        })
        .await
        .unwrap();
    }
    let events = f.recorder.events.lock().unwrap().clone();
    assert!(events.windows(2).all(|w| w[0].id < w[1].id), "{events:?}");
    assert_eq!(*f.recorder.wakes.lock().unwrap(), [1_000, 1_001, 1_002]);
    let next =
        f.db.write(|slot| -> Result<_, StorageFailure> {
            let mut tx = slot.tx()?;
            assert!(tx.take_due(1_001)?);
            Ok(tx.next_wake()?)
        })
        .await
        .unwrap();
    assert_eq!(next, Some(1_002));
}

#[tokio::test]
async fn pl_3_scans_page_forward_and_backward_and_counters_count() {
    conformance::scans_page_forward_and_backward_and_counters_count(&open().db).await;
}

#[tokio::test]
async fn tc_10_lc_9_events_about_a_subject_replace_earlier_ones_and_signals_are_not_stored() {
    let fixture = open();
    conformance::events_about_a_subject_replace_earlier_ones_and_signals_are_not_stored(&fixture.db, &fixture.recorder)
        .await;
}

#[tokio::test]
async fn pl_3_limits_are_errors_and_store_nothing() {
    conformance::limits_are_errors_and_store_nothing(&open().db).await;
}

#[test]
fn pl_3_scans_keep_their_prepared_statement_whatever_the_limit() {
    use crate::KvStore;
    let dir = tempfile::tempdir().unwrap();
    let conn = super::schema::open(&dir.path().join("p.db")).unwrap();
    let mut tx = super::tx::SqliteTx::new(conn, true);
    for limit in [1, 5, 1000, 2, 200] {
        tx.kv_scan("a", "b", limit, false, None).unwrap();
    }
    let sql = "SELECT key, value FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key LIMIT ?3 + 0";
    let statement = tx.conn().prepare_cached(sql).unwrap();
    assert_eq!(statement.get_status(rusqlite::StatementStatus::RePrepare), 0);
    assert!(
        statement.get_status(rusqlite::StatementStatus::Run) >= 5,
        "the cached statement ran"
    );
}

#[test]
fn pl_7_replay_merges_topics_in_id_order_and_stops_at_the_limit() {
    use crate::PushLog;
    let dir = tempfile::tempdir().unwrap();
    let conn = super::schema::open(&dir.path().join("r.db")).unwrap();
    let mut tx = super::tx::SqliteTx::new(conn, true);
    // ids 1..=12 on three topics in turn: a, b, c, a, b, c, …
    for i in 0..12 {
        let topic = ["a", "b", "c"][i % 3];
        tx.publish(topic, "k", &format!("{i}"), 0).unwrap();
    }
    let ids = |events: Vec<crate::ReplayedEvent>| events.iter().map(|e| e.event.id).collect::<Vec<_>>();
    let topics = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    assert_eq!(
        ids(tx.replay(&topics(&["c", "a"]), 0, 0, 100).unwrap()),
        [1, 3, 4, 6, 7, 9, 10, 12]
    );
    assert_eq!(ids(tx.replay(&topics(&["c", "a"]), 4, 0, 3).unwrap()), [6, 7, 9]);
    let last = tx.replay(&topics(&["b"]), 10, 0, 10).unwrap();
    let last = &last[0].event;
    assert_eq!((last.id, last.topic.as_str(), last.payload.as_str()), (11, "b", "10"));
    assert!(tx.replay(&topics(&["none"]), 0, 0, 10).unwrap().is_empty());
}
