//! The PostgreSQL backend under the storage contract, on a throwaway database of the server
//! `HELPDESK_TEST_POSTGRES_URL` names (`.ci/postgres` starts one). Without it these tests
//! pass with a notice, except under `CI=true`, where a missing server fails them. Two
//! backends on one database stand for two nodes.

use std::sync::Arc;
use std::time::Duration;

use super::scratch::ScratchDatabase;
use super::{PostgresSettings, schema};
use crate::conformance::{self, Recorder};
use crate::{Database, StorageFailure, StoreError};

/// A database made for one test and dropped after it.
struct Scratch(ScratchDatabase);

impl Scratch {
    fn new() -> Option<Scratch> {
        let Ok(admin) = std::env::var("HELPDESK_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but HELPDESK_TEST_POSTGRES_URL is not set: run .ci/postgres"
            );
            eprintln!("skipped: no PostgreSQL (set HELPDESK_TEST_POSTGRES_URL, see .ci/postgres)");
            return None;
        };
        Some(Scratch(
            ScratchDatabase::create(&admin, "helpdesk_unit").expect("the test server answers"),
        ))
    }

    fn open(&self) -> (Database, Arc<Recorder>) {
        let recorder = Arc::new(Recorder::default());
        let mut settings = PostgresSettings::new(self.0.url.clone());
        settings.writers = 4;
        settings.readers = 2;
        let backend = super::open(&settings, recorder.clone()).unwrap();
        (Database::new(backend), recorder)
    }
}

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{what} did not happen within 5 s");
}

#[tokio::test]
async fn pl_6_scans_counters_and_limits_keep_the_storage_contract() {
    let Some(scratch) = Scratch::new() else { return };
    let (db, _) = scratch.open();
    conformance::limits_are_errors_and_store_nothing(&db).await;
    conformance::scans_page_forward_and_backward_and_counters_count(&db).await;
    let refused = db
        .read(|slot| -> Result<(), StoreError> { slot.tx().map_err(StoreError::from)?.kv_set("k", b"v") })
        .await;
    assert!(matches!(refused, Err(StoreError::ReadOnly)), "{refused:?}");
}

#[tokio::test]
async fn tc_10_lc_9_events_about_a_subject_replace_earlier_ones_and_signals_are_not_stored() {
    let Some(scratch) = Scratch::new() else { return };
    let (db, recorder) = scratch.open();
    conformance::events_about_a_subject_replace_earlier_ones_and_signals_are_not_stored(&db, &recorder).await;
}

#[tokio::test]
async fn pl_6_a_failed_job_keeps_nothing_and_a_swallowed_statement_error_is_not_a_commit() {
    let Some(scratch) = Scratch::new() else { return };
    let (db, _) = scratch.open();
    let failed = db
        .write(|slot| -> Result<(), StoreError> {
            slot.tx().map_err(StoreError::from)?.kv_set("gone", b"v")?;
            Err(StoreError::Invalid("the job says no".into()))
        })
        .await;
    assert!(failed.is_err());
    // The job goes on after a statement failed (inserting a group whose id exists): the
    // database would turn the COMMIT into a rollback, so the job must hear of a failure.
    let swallowed = db
        .write(|slot| -> Result<(), StorageFailure> {
            let mut tx = slot.tx()?;
            tx.kv_set("also-gone", b"v")?;
            let set = crate::NamedSet {
                id: "g".into(),
                name: "G".into(),
                members: vec![],
            };
            tx.insert_named(crate::NamedKind::Group, &set)?;
            let _ = tx.insert_named(crate::NamedKind::Group, &set);
            Ok(())
        })
        .await;
    assert!(matches!(swallowed, Err(StorageFailure::Database(_))), "{swallowed:?}");
    let kept = db
        .read(|slot| -> Result<_, StorageFailure> {
            let mut tx = slot.tx()?;
            Ok((tx.kv_get("gone")?, tx.kv_get("also-gone")?, tx.group("g")?))
        })
        .await
        .unwrap();
    assert_eq!(kept, (None, None, None));
}

#[tokio::test]
async fn pl_6_concurrent_increments_on_two_nodes_lose_none() {
    let Some(scratch) = Scratch::new() else { return };
    let (a, _) = scratch.open();
    let (b, _) = scratch.open();
    let bump = |db: Database| async move {
        db.write(|slot| -> Result<i64, StorageFailure> {
            let mut tx = slot.tx()?;
            // Read, then write: a lost update if two nodes interleaved.
            let n = tx.kv_increment("counter", 1)?;
            tx.kv_set(&format!("seen/{n:04}"), b"")?;
            Ok(n)
        })
        .await
    };
    let jobs: Vec<_> = (0..200)
        .map(|i| tokio::spawn(bump(if i % 2 == 0 { a.clone() } else { b.clone() })))
        .collect();
    let mut values = Vec::new();
    for job in jobs {
        values.push(job.await.unwrap().unwrap());
    }
    values.sort_unstable();
    assert_eq!(
        values,
        (1..=200).collect::<Vec<i64>>(),
        "each increment saw its own value"
    );
    let seen = a
        .read(|slot| -> Result<_, StorageFailure> {
            Ok(slot.tx()?.kv_scan("seen/", "seen0", 1000, false, None)?.entries.len())
        })
        .await
        .unwrap();
    assert_eq!(seen, 200);
    let retries = a.stats().retries + b.stats().retries;
    eprintln!("200 increments on two nodes: {retries} attempts lost a conflict and ran again");
}

#[tokio::test]
async fn pl_6_events_reach_both_nodes_in_commit_order_once_and_wake_ups_are_shared() {
    let Some(scratch) = Scratch::new() else { return };
    let (a, seen_by_a) = scratch.open();
    let (b, seen_by_b) = scratch.open();
    let publish = |db: Database, n: usize| async move {
        db.write(move |slot| -> Result<(), StorageFailure> {
            let mut tx = slot.tx()?;
            tx.publish("t:x", "k", &format!("{{\"n\":{n}}}"), 1)?;
            tx.publish("t:y", "k", &format!("{{\"n\":{n}}}"), 1)?;
            Ok(())
        })
        .await
    };
    let jobs: Vec<_> = (0..100)
        .map(|n| tokio::spawn(publish(if n % 2 == 0 { a.clone() } else { b.clone() }, n)))
        .collect();
    for job in jobs {
        job.await.unwrap().unwrap();
    }
    for recorder in [&seen_by_a, &seen_by_b] {
        eventually("all 200 events reach the node", || {
            recorder.events.lock().unwrap().len() >= 200
        })
        .await;
    }
    let a_events = seen_by_a.events.lock().unwrap().clone();
    let b_events = seen_by_b.events.lock().unwrap().clone();
    assert_eq!(a_events.len(), 200, "no duplicates");
    assert_eq!(a_events, b_events, "both nodes see the same events in the same order");
    assert!(a_events.windows(2).all(|w| w[0].id < w[1].id));
    // A job's two events are next to each other: ids are given at its commit, in order.
    assert!(
        a_events
            .chunks(2)
            .all(|pair| pair[0].payload == pair[1].payload && pair[0].topic == "t:x" && pair[1].topic == "t:y")
    );
    let bounds = b
        .read(|slot| -> Result<_, StorageFailure> { Ok(slot.tx()?.id_bounds()?) })
        .await
        .unwrap();
    assert_eq!(bounds.latest, a_events[199].id);

    a.write(|slot| -> Result<(), StorageFailure> { Ok(slot.tx()?.wake_at(42_000)?) })
        .await
        .unwrap();
    eventually("the other node hears of the wake-up", || {
        seen_by_b.wakes.lock().unwrap().contains(&42_000)
    })
    .await;
}

#[tokio::test]
async fn pl_6_due_wake_ups_and_due_mail_are_taken_by_one_node_only() {
    let Some(scratch) = Scratch::new() else { return };
    let (a, _) = scratch.open();
    let (b, _) = scratch.open();
    a.write(|slot| -> Result<(), StorageFailure> {
        let mut tx = slot.tx()?;
        tx.wake_at(1_000)?;
        for n in 0..10 {
            tx.queue_mail(&[format!("r{n}@example.com")], "s", "b", 0)?;
        }
        Ok(())
    })
    .await
    .unwrap();
    let take = |db: Database| async move {
        db.write(|slot| -> Result<_, StorageFailure> {
            let mut tx = slot.tx()?;
            let due = tx.take_due(2_000)?;
            let mail: Vec<i64> = tx.claim_due_mail(2_000, 60_000, 6)?.iter().map(|m| m.id).collect();
            Ok((due, mail))
        })
        .await
        .unwrap()
    };
    let (on_a, on_b) = tokio::join!(take(a.clone()), take(b.clone()));
    assert_eq!(
        u8::from(on_a.0) + u8::from(on_b.0),
        1,
        "the due work runs once: {on_a:?} {on_b:?}"
    );
    let mut mail: Vec<i64> = on_a.1.iter().chain(&on_b.1).copied().collect();
    mail.sort_unstable();
    mail.dedup();
    assert_eq!(mail.len(), on_a.1.len() + on_b.1.len(), "no message taken twice");
    assert!(mail.len() >= 6, "{mail:?}");
}

#[tokio::test]
async fn pl_6_jobs_and_the_event_feed_carry_on_after_the_server_cuts_every_connection() {
    let Some(scratch) = Scratch::new() else { return };
    let (db, recorder) = scratch.open();
    let publish = |n: i64| {
        db.write(move |slot| -> Result<(), StorageFailure> {
            let mut tx = slot.tx()?;
            tx.kv_set(&format!("k/{n}"), b"v")?;
            Ok(tx.publish("t:x", "k", &n.to_string(), 1)?)
        })
    };
    publish(1).await.unwrap();
    let (admin, name) = (scratch.0.admin().to_string(), scratch.0.name.clone());
    schema::off_runtime(move || {
        let mut client = schema::connect(&admin).unwrap();
        client
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                &[&name],
            )
            .unwrap();
    });
    // Every writer's connection is dead; the first use of each finds out and reconnects.
    for n in 2..=12 {
        publish(n).await.expect("a write after the connections were cut");
    }
    let read = db
        .read(|slot| -> Result<_, StorageFailure> { Ok(slot.tx()?.kv_get("k/12")?) })
        .await;
    assert_eq!(read.unwrap().as_deref(), Some(&b"v"[..]), "reads reconnect too");
    eventually("the feed reconnects and hands on every event", || {
        recorder.events.lock().unwrap().len() == 12
    })
    .await;
    let payloads: Vec<String> = recorder
        .events
        .lock()
        .unwrap()
        .iter()
        .map(|e| e.payload.clone())
        .collect();
    assert_eq!(payloads, (1..=12).map(|n| n.to_string()).collect::<Vec<_>>());
}

#[tokio::test]
async fn pl_6_issues_numbered_on_two_nodes_at_once_get_every_number_once() {
    let Some(scratch) = Scratch::new() else { return };
    let (a, _) = scratch.open();
    let (b, _) = scratch.open();
    a.write(|slot| -> Result<bool, StorageFailure> {
        let project = helpdesk_contract::helpdesk::chat::directory::Project {
            key: "SUP".into(),
            name: "Support".into(),
        };
        Ok(slot.tx()?.insert_project(&project)?)
    })
    .await
    .unwrap();
    let jobs: Vec<_> = (0..40)
        .map(|n| {
            let db = if n % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move {
                db.write(|slot| -> Result<String, StorageFailure> {
                    Ok(slot.tx()?.insert_issue("SUP", "a problem", None)?.key)
                })
                .await
            })
        })
        .collect();
    let mut keys = Vec::new();
    for job in jobs {
        keys.push(job.await.unwrap().expect("every issue is stored"));
    }
    keys.sort_by_key(|key| key[4..].parse::<u32>().unwrap());
    assert_eq!(keys, (1..=40).map(|n| format!("SUP-{n}")).collect::<Vec<_>>());
}

#[tokio::test]
async fn pl_6_pruning_keeps_the_newest_event_and_a_gap_in_ids_is_not_a_lost_event() {
    let Some(scratch) = Scratch::new() else { return };
    let (db, _) = scratch.open();
    let publish =
        |at: i64| db.write(move |slot| -> Result<(), StorageFailure> { Ok(slot.tx()?.publish("t:x", "k", "{}", at)?) });
    for at in [1, 2, 3] {
        publish(at).await.unwrap();
    }
    // A failed job publishes nothing and takes no id: events are written at the commit.
    let _ = db
        .write(|slot| -> Result<(), StoreError> {
            slot.tx().map_err(StoreError::from)?.publish("t:x", "k", "{}", 4)?;
            Err(StoreError::Invalid("rolled back".into()))
        })
        .await;
    let bounds = |db: Database| async move {
        db.read(|slot| -> Result<_, StorageFailure> { Ok(slot.tx()?.id_bounds()?) })
            .await
            .unwrap()
    };
    let before = bounds(db.clone()).await;
    assert_eq!((before.latest, before.oldest), (3, Some(1)));
    let pruned = db
        .write(|slot| -> Result<_, StorageFailure> { Ok(slot.tx()?.prune_events(100)?) })
        .await
        .unwrap();
    assert_eq!(pruned, 2, "every old event but the newest");
    let after = bounds(db.clone()).await;
    assert_eq!(
        (after.latest, after.oldest),
        (3, Some(3)),
        "a client after event 2 lost nothing"
    );
}

#[test]
fn pl_6_a_database_newer_than_the_host_is_refused_with_a_clear_message() {
    let Some(scratch) = Scratch::new() else { return };
    let mut client = schema::connect(&scratch.0.url).unwrap();
    schema::migrate(&mut client).unwrap();
    schema::migrate(&mut client).expect("migrating again does nothing");
    client
        .execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&(schema::known_version() + 1)],
        )
        .unwrap();
    let err = format!("{:#}", schema::migrate(&mut client).unwrap_err());
    assert!(err.contains("newer than this host knows"), "{err}");
}
