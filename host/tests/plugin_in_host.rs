//! The real plugin component in the real host code, without HTTP: presence rules over
//! SQLite, the host clock, and events that go out only after commit.

#[path = "support/test_host.rs"]
mod common;

use common::TestHost;
use helpdesk_host::runtime::bindings::exports::helpdesk::chat::presence::ChangeOutcome;
use helpdesk_host::runtime::bindings::helpdesk::chat::types::Error as WitError;
use helpdesk_host::runtime::plugin::call_context;
use helpdesk_host::runtime::{CallError, SandboxLimits};

async fn go_online(
    host: &TestHost,
    user: &str,
    project: &str,
    minutes: Option<u32>,
) -> Result<ChangeOutcome, CallError> {
    let ctx = call_context(Some(user), Some(project));
    host.plugin
        .call(&host.db, "test".into(), move |p, store| {
            p.helpdesk_chat_presence().call_go_online(store, &ctx, false, minutes)
        })
        .await
}

async fn online_count(host: &TestHost, viewer: &str, project: &str) -> u32 {
    let ctx = call_context(Some(viewer), Some(project));
    host.plugin
        .call(&host.db, "test".into(), move |p, store| {
            p.helpdesk_chat_presence().call_project_presence(store, &ctx)
        })
        .await
        .unwrap()
        .online_count
}

#[tokio::test]
async fn pr_4_online_for_duration_ends_by_itself_on_the_host_clock() {
    let host = TestHost::start(SandboxLimits::default());
    go_online(&host, "alice", "SUP", Some(30)).await.unwrap();
    assert_eq!(online_count(&host, "paula", "SUP").await, 1);
    host.clock.advance(29 * 60_000);
    assert_eq!(online_count(&host, "paula", "SUP").await, 1);
    host.clock.advance(60_000);
    assert_eq!(online_count(&host, "paula", "SUP").await, 0, "ended with nobody acting");
}

#[tokio::test]
async fn pr_1_a_refused_call_stores_and_publishes_nothing() {
    let host = TestHost::start(SandboxLimits::default());
    let mut events = host.hub.subscribe();
    let err = go_online(&host, "tom", "SUP", None).await.unwrap_err();
    assert!(matches!(err, CallError::Plugin(WitError::AccessDenied(_))), "{err:?}");
    let rows: i64 = host
        .db
        .run(|c| c.query_row("SELECT count(*) FROM kv", [], |r| r.get(0)))
        .await
        .unwrap();
    assert_eq!(rows, 0);
    assert!(events.try_recv().is_err(), "no event from a refused call");
}

#[tokio::test]
async fn pr_3_events_are_delivered_after_commit_with_stored_ids() {
    let host = TestHost::start(SandboxLimits::default());
    let mut events = host.hub.subscribe();
    go_online(&host, "alice", "SUP", None).await.unwrap();
    let first = events.try_recv().expect("an event once the call has committed");
    assert_eq!(first.topic, "presence:SUP");
    assert_eq!(first.kind, "presence-changed");
    let second = events.try_recv().unwrap();
    assert_eq!(second.topic, "chat-status:SUP");
    assert!(second.id > first.id);
    let stored: i64 = host
        .db
        .run(|c| c.query_row("SELECT count(*) FROM push_events", [], |r| r.get(0)))
        .await
        .unwrap();
    assert_eq!(stored, 2, "events are stored for resuming clients");
}

#[tokio::test]
async fn pl_5_many_concurrent_calls_share_commits_and_all_succeed() {
    let host = TestHost::start(SandboxLimits::default());
    let calls = (0..50).map(|i| {
        let user = if i % 2 == 0 { "alice" } else { "bob" };
        go_online(&host, user, "SUP", Some(1 + i))
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(online_count(&host, "paula", "SUP").await, 2);
}
