//! The real plugin component in the real host code, without HTTP: presence rules over
//! SQLite, the host clock and the wake-ups, host events, events after commit only, and a
//! store of plugin 0.1 taken over by 0.2.

use std::time::Duration;

use helpdesk_host::contract::exports::helpdesk::chat::presence::ChangeOutcome;
use helpdesk_host::contract::helpdesk::chat::types::Error as WitError;
use helpdesk_host::push::{StreamOwner, StreamSignal};
use helpdesk_host::runtime::Access::{Read, Write};
use helpdesk_host::runtime::{CallError, SandboxLimits};
use helpdesk_host::site::Site;
use helpdesk_host::storage::StorageFailure;

use crate::support::{TestHost, site_settings, user_in};

async fn go_online(
    host: &TestHost,
    user: &str,
    project: &str,
    minutes: Option<u32>,
) -> Result<ChangeOutcome, CallError> {
    host.call(Write, user_in(user, project), move |p, store, ctx| {
        p.helpdesk_chat_presence().call_go_online(store, ctx, false, minutes)
    })
    .await
}

async fn online_count(host: &TestHost, viewer: &str, project: &str) -> u32 {
    host.call(Read, user_in(viewer, project), |p, store, ctx| {
        p.helpdesk_chat_presence().call_project_presence(store, ctx)
    })
    .await
    .unwrap()
    .online_count
}

#[tokio::test]
async fn pr_4_online_for_duration_ends_by_itself_on_the_host_clock() {
    let host = TestHost::start(SandboxLimits::default()).await;
    go_online(&host, "alice", "SUP", Some(30)).await.unwrap();
    assert_eq!(online_count(&host, "paula", "SUP").await, 1);
    host.site.clock.advance(29 * 60_000);
    assert_eq!(online_count(&host, "paula", "SUP").await, 1);
    host.site.clock.advance(60_000);
    assert_eq!(online_count(&host, "paula", "SUP").await, 0, "ended with nobody acting");
}

#[tokio::test]
async fn pr_4_the_plugin_asks_to_be_woken_when_a_duration_ends_and_the_scheduler_obeys() {
    let host = TestHost::start(SandboxLimits::default()).await;
    let outcome = go_online(&host, "alice", "SUP", Some(30)).await.unwrap();
    let until = outcome.states[0].until.unwrap() as i64;
    assert_eq!(
        host.site.scheduler.next_due().await.unwrap(),
        Some(until),
        "the wake-up is stored"
    );
    let mut staff = host
        .site
        .hub
        .subscribe(&["presence:SUP".into()], StreamOwner::default(), None)
        .unwrap();
    host.site.clock.advance(31 * 60_000);
    assert_eq!(
        host.site.scheduler.run_due().await.unwrap(),
        None,
        "nothing more is due"
    );
    let Some(StreamSignal::Event(event)) = staff.signals.recv().await else {
        panic!("no event")
    };
    assert!(
        event.payload.contains("\"cause\":\"duration-ended\""),
        "{}",
        event.payload
    );
}

#[tokio::test]
async fn pr_1_a_refused_call_stores_and_publishes_nothing() {
    let host = TestHost::start(SandboxLimits::default()).await;
    let mut events = host
        .site
        .hub
        .subscribe(
            &["presence:SUP".into(), "chat-status:SUP".into()],
            StreamOwner::default(),
            None,
        )
        .unwrap();
    let err = go_online(&host, "tom", "SUP", None).await.unwrap_err();
    assert!(matches!(err, CallError::Plugin(WitError::AccessDenied(_))), "{err:?}");
    assert!(!host.kv_has("presence/agent/SUP/tom").await);
    assert!(events.signals.try_recv().is_err(), "no event from a refused call");
}

#[tokio::test]
async fn pr_3_events_are_delivered_after_commit_with_stored_ids() {
    let host = TestHost::start(SandboxLimits::default()).await;
    let mut events = host
        .site
        .hub
        .subscribe(
            &["presence:SUP".into(), "chat-status:SUP".into()],
            StreamOwner::default(),
            None,
        )
        .unwrap();
    go_online(&host, "alice", "SUP", None).await.unwrap();
    let (Ok(StreamSignal::Event(first)), Ok(StreamSignal::Event(second))) =
        (events.signals.try_recv(), events.signals.try_recv())
    else {
        panic!("two events once the call has committed")
    };
    assert_eq!(
        (first.topic.as_str(), first.kind.as_str()),
        ("presence:SUP", "presence-changed")
    );
    assert_eq!(second.topic, "chat-status:SUP");
    assert!(second.id > first.id);
    let stored = host
        .site
        .db
        .read(|slot| -> Result<_, StorageFailure> {
            Ok(slot
                .tx()?
                .replay(&["presence:SUP".into(), "chat-status:SUP".into()], 0, 0, 100)?)
        })
        .await
        .unwrap();
    assert_eq!(stored.len(), 2, "events are stored for resuming clients");
}

#[tokio::test]
async fn pl_5_many_concurrent_calls_share_commits_and_all_succeed() {
    let host = TestHost::start(SandboxLimits::default()).await;
    let before = host.site.db.stats();
    let calls = (0..50).map(|i| {
        let user = if i % 2 == 0 { "alice" } else { "bob" };
        go_online(&host, user, "SUP", Some(1 + i))
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(online_count(&host, "paula", "SUP").await, 2);
    let after = host.site.db.stats();
    assert!(
        after.writes - before.writes >= 50 && after.commits - before.commits < 50,
        "{after:?}"
    );
}

#[tokio::test]
async fn pl_3_a_role_taken_away_reaches_the_plugin_in_the_same_transaction() {
    let host = TestHost::start(SandboxLimits::default()).await;
    go_online(&host, "bob", "SUP", None).await.unwrap();
    let mut access = host
        .site
        .hub
        .subscribe(&["presence:SUP".into()], StreamOwner::user("bob"), None)
        .unwrap();
    host.site
        .directory
        .set_roles(
            user_in("sam", "SUP"),
            "test".into(),
            "SUP".into(),
            "bob".into(),
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(online_count(&host, "paula", "SUP").await, 0, "offline with the role");
    let mut saw_recheck = false;
    while let Ok(signal) = access.signals.try_recv() {
        saw_recheck |= matches!(signal, StreamSignal::Recheck);
    }
    assert!(saw_recheck, "bob's streams are told to authorize again");
}

#[tokio::test]
async fn pl_4_a_store_of_plugin_0_1_is_taken_over_by_this_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let settings = site_settings(dir.path(), SandboxLimits::default());
    drop(Site::open(&settings).await.unwrap());
    // Make it a store as plugin 0.1 left it: alice online in SUP without the online list,
    // one global history counter, and the version 0.1 marked.
    let path = dir.path().join("helpdesk.db");
    tokio::task::spawn_blocking(move || {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.execute_batch(
            r#"DELETE FROM kv;
               INSERT INTO kv VALUES ('presence/agent/SUP/alice',
                 CAST('{"online":true,"since":1000,"until":null,"cause":"manual","by":"alice"}' AS BLOB));
               INSERT INTO kv VALUES ('presence/log-seq', CAST('41' AS BLOB));
               UPDATE meta SET value = '0.1.0' WHERE key = 'plugin-version';"#,
        )
        .unwrap();
    })
    .await
    .unwrap();
    let site = Site::open(&settings).await.unwrap();
    let host = TestHost { site, dir };
    assert_eq!(
        online_count(&host, "paula", "SUP").await,
        1,
        "alice is counted from the new list"
    );
    assert!(host.kv_has("presence/log-seq/SUP").await);
    assert!(!host.kv_has("presence/log-seq").await);
    let version = host
        .site
        .db
        .read(|slot| -> Result<_, StorageFailure> { Ok(slot.tx()?.meta("plugin-version")?) })
        .await
        .unwrap();
    assert_eq!(version.as_deref(), Some(host.site.plugin.manifest().version.as_str()));
}

#[tokio::test]
async fn pl_4_a_store_written_by_a_newer_plugin_stops_the_host_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let settings = site_settings(dir.path(), SandboxLimits::default());
    drop(Site::open(&settings).await.unwrap());
    let path = dir.path().join("helpdesk.db");
    tokio::task::spawn_blocking(move || {
        rusqlite::Connection::open(path)
            .unwrap()
            .execute("UPDATE meta SET value = '9.0.0' WHERE key = 'plugin-version'", [])
            .unwrap();
    })
    .await
    .unwrap();
    let err = Site::open(&settings).await.err().expect("refused");
    let message = format!("{err:#}");
    assert!(message.contains("9.0.0") && message.contains("newer"), "{message}");
}

#[tokio::test]
async fn pl_3_reads_are_served_while_the_writer_is_busy() {
    let host = TestHost::start(SandboxLimits::default()).await;
    let (started, busy) = std::sync::mpsc::channel();
    let db = host.site.db.clone();
    let writer = tokio::spawn(async move {
        db.write(move |_| -> Result<(), StorageFailure> {
            let _ = started.send(());
            std::thread::sleep(Duration::from_millis(800));
            Ok(())
        })
        .await
    });
    tokio::task::spawn_blocking(move || busy.recv()).await.unwrap().unwrap();
    let began = std::time::Instant::now();
    assert_eq!(online_count(&host, "paula", "SUP").await, 0);
    assert!(began.elapsed() < Duration::from_millis(600), "{:?}", began.elapsed());
    writer.await.unwrap().unwrap();
}

#[tokio::test]
async fn pl_7_housekeeping_ends_expired_sessions_in_batches_and_their_streams_with_them() {
    use helpdesk_host::auth::{SESSION_TTL_MS, SessionScope, start_session, token_id};
    let host = TestHost::start(SandboxLimits::default()).await;
    let start_sessions = |count: usize| {
        let now = host.site.clock.now_ms();
        host.site.db.write(move |slot| -> Result<Vec<String>, StorageFailure> {
            let mut tx = slot.tx()?;
            (0..count)
                .map(|_| Ok(token_id(&start_session(&mut *tx, "alice", &SessionScope::Site, now)?)))
                .collect()
        })
    };
    let expiring = start_sessions(250).await.unwrap();
    host.site.clock.advance(SESSION_TTL_MS - 1_000);
    let live = start_sessions(1).await.unwrap().remove(0);
    host.site.clock.advance(2_000);
    let mut stream = host
        .site
        .hub
        .subscribe(&["presence:SUP".into()], StreamOwner::user("alice"), Some(&expiring[7]))
        .unwrap();

    let done = host.site.scheduler.housekeeping().await.unwrap();
    assert_eq!(done.sessions, 250, "more than one batch: {done:?}");
    let mut ended = false;
    while let Ok(signal) = stream.signals.try_recv() {
        ended |= matches!(signal, StreamSignal::SessionEnded);
    }
    assert!(ended, "the stream of an expired session is told to end");
    let now = host.site.clock.now_ms();
    let (gone, kept) = host
        .site
        .db
        .read(move |slot| -> Result<_, StorageFailure> {
            let mut tx = slot.tx()?;
            Ok((tx.session_user(&expiring[0], now)?, tx.session_user(&live, now)?))
        })
        .await
        .unwrap();
    assert_eq!(
        (gone, kept.map(|session| session.user)),
        (None, Some("alice".to_string()))
    );
    assert_eq!(
        host.site.scheduler.housekeeping().await.unwrap().sessions,
        0,
        "nothing left"
    );
}
