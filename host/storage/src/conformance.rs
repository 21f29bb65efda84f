//! The storage contract every backend keeps, as checks the backends' own tests run on a
//! fresh database of theirs.

use std::sync::Mutex;

use crate::{CommitListener, Database, Keeping, PushEvent, Signal, StoreError};

/// Keeps what a backend hands its listener after commits.
#[derive(Default)]
pub struct Recorder {
    /// Committed events, in the order handed on.
    pub events: Mutex<Vec<PushEvent>>,
    /// Committed signals, in the order handed on.
    pub signals: Mutex<Vec<Signal>>,
    /// Wake-ups asked for.
    pub wakes: Mutex<Vec<i64>>,
}

impl CommitListener for Recorder {
    fn events_committed(&self, events: Vec<PushEvent>) {
        self.events.lock().unwrap().extend(events);
    }
    fn signals_committed(&self, signals: Vec<Signal>) {
        self.signals.lock().unwrap().extend(signals);
    }
    fn wake_requested(&self, at_ms: i64) {
        self.wakes.lock().unwrap().push(at_ms);
    }
}

/// Scans page forward and backward with cursors; counters count; get-many keeps order.
pub async fn scans_page_forward_and_backward_and_counters_count(db: &Database) {
    let page = db
        .write(|slot| -> Result<_, StoreError> {
            let mut tx = slot.tx().map_err(StoreError::from)?;
            for key in ["a/1", "a/2", "a/3", "b/1"] {
                tx.kv_set(key, key.as_bytes())?;
            }
            let keys = |page: &helpdesk_contract::helpdesk::chat::storage::ScanPage| {
                page.entries.iter().map(|e| e.key.clone()).collect::<Vec<_>>()
            };
            let first = tx.kv_scan("a/", "a/\u{10FFFF}", 2, false, None)?;
            assert_eq!(keys(&first), ["a/1", "a/2"]);
            let second = tx.kv_scan("a/", "a/\u{10FFFF}", 2, false, first.cursor.as_deref())?;
            assert_eq!((keys(&second), second.cursor), (vec!["a/3".to_string()], None));
            let back = tx.kv_scan("a/", "a/\u{10FFFF}", 2, true, None)?;
            assert_eq!(keys(&back), ["a/3", "a/2"]);
            let back2 = tx.kv_scan("a/", "a/\u{10FFFF}", 2, true, back.cursor.as_deref())?;
            assert_eq!(keys(&back2), ["a/1"]);
            assert_eq!(tx.kv_increment("n", 5)?, 5);
            assert_eq!(tx.kv_increment("n", -2)?, 3);
            assert_eq!(tx.kv_get("n")?.as_deref(), Some(&b"3"[..]));
            assert!(matches!(tx.kv_increment("a/1", 1), Err(StoreError::Invalid(_))));
            let many = tx.kv_get_many(&["a/1".into(), "nope".into()])?;
            let twice = tx.kv_get_many(&["a/2".into(), "a/2".into()])?;
            assert_eq!(
                twice,
                [Some(b"a/2".to_vec()), Some(b"a/2".to_vec())],
                "a key asked for twice"
            );
            Ok(many)
        })
        .await
        .unwrap();
    assert_eq!(page, vec![Some(b"a/1".to_vec()), None]);
}

/// Limits are errors in words and store nothing.
pub async fn limits_are_errors_and_store_nothing(db: &Database) {
    let refused = db
        .write(|slot| -> Result<(), StoreError> {
            let mut tx = slot.tx().map_err(StoreError::from)?;
            assert!(matches!(
                tx.kv_set(&"k".repeat(513), b"v"),
                Err(StoreError::LimitExceeded(_))
            ));
            assert!(matches!(
                tx.kv_set("k", &vec![0; (1 << 20) + 1]),
                Err(StoreError::LimitExceeded(_))
            ));
            assert!(matches!(tx.kv_set("", b"v"), Err(StoreError::Invalid(_))));
            assert!(matches!(tx.kv_set("a\0b", b"v"), Err(StoreError::Invalid(_))));
            assert!(matches!(
                tx.kv_scan("b", "a", 10, false, None),
                Err(StoreError::Invalid(_))
            ));
            assert!(matches!(
                tx.kv_scan("a", "b", 10, false, Some("c")),
                Err(StoreError::Invalid(_))
            ));
            Ok(())
        })
        .await;
    assert!(refused.is_ok());
    let empty = db
        .read(|slot| -> Result<_, StoreError> {
            slot.tx()
                .map_err(StoreError::from)?
                .kv_scan("", "\u{10FFFF}", 10, false, None)
        })
        .await
        .unwrap();
    assert!(empty.entries.is_empty());
}

/// Events about a subject replace earlier ones about it or its parts, on every topic and in
/// the same job too; a replayed event says what it requires; events past the retention
/// given are not replayed; signals are never stored, and reach the listener only when their
/// job is kept.
pub async fn events_about_a_subject_replace_earlier_ones_and_signals_are_not_stored(
    db: &Database,
    recorder: &Recorder,
) {
    let about = |subject| Keeping {
        subject: Some(subject),
        requires: None,
    };
    db.write(move |slot| -> Result<(), StoreError> {
        let mut tx = slot.tx().map_err(StoreError::from)?;
        tx.publish_kept("room:1", "message", r#"{"v":1}"#, about("msg:1:7"), 100)?;
        let mention = Keeping {
            subject: Some("msg:1:7:mention:bob"),
            requires: Some("room:1"),
        };
        tx.publish_kept("inbox:bob", "mentioned", r#"{"v":1}"#, mention, 100)?;
        tx.publish_kept("room:1", "message", r#"{"other":true}"#, about("msg:1:70"), 100)?;
        tx.publish("room:1", "old", "{}", 10)
    })
    .await
    .unwrap();
    let topics = ["room:1".to_string(), "inbox:bob".to_string()];
    let stored = db
        .read(move |slot| -> Result<_, StoreError> { slot.tx().map_err(StoreError::from)?.replay(&topics, 0, 50, 100) })
        .await
        .unwrap();
    let kinds: Vec<(&str, &str)> = stored
        .iter()
        .map(|e| (e.event.kind.as_str(), e.event.payload.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("message", r#"{"v":1}"#),
            ("mentioned", r#"{"v":1}"#),
            ("message", r#"{"other":true}"#)
        ],
        "the event from before the retention given is left out"
    );
    assert_eq!(stored[1].requires.as_deref(), Some("room:1"));

    // The deletion replaces the message and its mention, not a message whose subject merely
    // starts alike (msg:1:70); within one job the later event replaces the earlier.
    db.write(move |slot| -> Result<(), StoreError> {
        let mut tx = slot.tx().map_err(StoreError::from)?;
        tx.publish_kept("room:1", "message", r#"{"v":2}"#, about("msg:1:7"), 200)?;
        tx.publish_kept("room:1", "message", r#"{"deleted":true}"#, about("msg:1:7"), 200)?;
        tx.signal(Signal {
            topic: "room:1".into(),
            kind: "typing".into(),
            payload: "{}".into(),
        })
    })
    .await
    .unwrap();
    let topics = ["room:1".to_string(), "inbox:bob".to_string()];
    let stored = db
        .read(move |slot| -> Result<_, StoreError> { slot.tx().map_err(StoreError::from)?.replay(&topics, 0, 0, 50) })
        .await
        .unwrap();
    let payloads: Vec<&str> = stored.iter().map(|e| e.event.payload.as_str()).collect();
    assert_eq!(payloads, [r#"{"other":true}"#, "{}", r#"{"deleted":true}"#]);
    assert!(
        stored.iter().all(|e| e.event.kind != "typing"),
        "signals are not stored"
    );
    for _ in 0..200 {
        if !recorder.signals.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(
        recorder.signals.lock().unwrap().len(),
        1,
        "the signal went out with the commit"
    );

    let refused = db
        .write(move |slot| -> Result<(), StoreError> {
            slot.tx().map_err(StoreError::from)?.signal(Signal {
                topic: "room:1".into(),
                kind: "typing".into(),
                payload: "{}".into(),
            })?;
            Err(StoreError::Invalid("the job fails".into()))
        })
        .await;
    assert!(refused.is_err());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        recorder.signals.lock().unwrap().len(),
        1,
        "no signal from a job not kept"
    );
}

impl From<crate::StorageFailure> for StoreError {
    fn from(failure: crate::StorageFailure) -> Self {
        StoreError::Backend(failure.to_string())
    }
}
