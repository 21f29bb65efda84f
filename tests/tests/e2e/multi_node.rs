//! Several host nodes on one PostgreSQL database behave as one site (SPEC PL-6): two host
//! processes on one throwaway database, each with its own data directory. Skipped with a
//! notice without a PostgreSQL server, failed under `CI=true`.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use helpdesk_e2e::postgres::{self, ScratchDatabase};
use helpdesk_e2e::{ApiClient, TestSite};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Two nodes on one new database; `None` when there is no server.
fn two_nodes(test: &str) -> Option<(TestSite, TestSite, Arc<ScratchDatabase>)> {
    two_nodes_with(test, &[])
}

/// Two nodes started with `extra` arguments each.
fn two_nodes_with(test: &str, extra: &[&str]) -> Option<(TestSite, TestSite, Arc<ScratchDatabase>)> {
    let server = postgres::server_url(test)?;
    let database = ScratchDatabase::create(&server);
    // One after the other: the first migrates and loads the demo site, the second finds
    // both done (they would also wait for each other on the migration lock).
    let a = TestSite::start_on(Some(database.clone()), extra);
    let b = TestSite::start_on(Some(database.clone()), extra);
    Some((a, b, database))
}

/// The same session, talking to another node (the cookie is the host's, not the port's).
fn on_node(client: &ApiClient, node: &TestSite) -> ApiClient {
    ApiClient {
        base_url: node.host.base_url.clone(),
        client: client.client.clone(),
    }
}

#[tokio::test]
async fn pl_6_an_agent_online_through_node_a_changes_the_counter_streamed_from_node_b() {
    let Some((a, b, _db)) = two_nodes("pl_6_an_agent_online_through_node_a…") else {
        return;
    };
    let sam_on_b = b.login("sam").await;
    let mut staff_on_b = b.stream(&sam_on_b, &["presence:SUP"], None).await;
    let customer_on_b = b.anonymous();
    let mut customers_on_b = b.stream(&customer_on_b, &["chat-status:SUP"], None).await;

    let alice_on_a = a.login("alice").await;
    let (status, _) = alice_on_a.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let changed = staff_on_b.next_of_kind("presence-changed").await;
    assert_eq!(
        (changed.data["user"].as_str(), changed.data["online"].as_bool()),
        (Some("alice"), Some(true))
    );
    assert_eq!(customers_on_b.next_of_kind("chat-status").await.data["online"], true);
    let (_, presence) = sam_on_b.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(presence["online_count"], 1, "node B reads what node A wrote");

    // A session made on A is a session of the site: alice goes offline through B.
    let alice_on_b = on_node(&alice_on_a, &b);
    let (status, _) = alice_on_b
        .post("/api/v1/projects/SUP/presence/offline", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(customers_on_b.next_of_kind("chat-status").await.data["online"], false);
    let mut staff_on_a = a
        .stream(&on_node(&sam_on_b, &a), &["presence:SUP"], Some(changed.id.unwrap()))
        .await;
    let replayed = staff_on_a.next_of_kind("presence-changed").await;
    assert_eq!(replayed.data["online"], false, "node A replays what node B committed");
}

#[tokio::test]
async fn pl_6_resuming_on_node_b_after_a_disconnect_from_node_a_misses_nothing() {
    let Some((a, b, _db)) = two_nodes("pl_6_resuming_on_node_b…") else {
        return;
    };
    let bob_on_a = a.login("bob").await;
    let alice = a.login("alice").await;
    let topic = ["team-chat:company-acme"];
    let mut first = a.stream(&bob_on_a, &topic, None).await;
    let send = |n: usize| {
        let alice = &alice;
        async move {
            let (status, body) = alice
                .post(
                    "/api/v1/team-chat/chats/company-acme/messages",
                    json!({ "client_id": format!("m-{n}"), "body": format!("message {n}") }),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    };
    for n in 0..3 {
        send(n).await;
    }
    let mut last_id = 0;
    for _ in 0..3 {
        let event = first.next_of_kind("team-message").await;
        last_id = event.id.expect("events carry ids");
    }
    drop(first);
    // While bob is away, messages go in through both nodes.
    for n in 3..13 {
        if n % 2 == 0 {
            send(n).await;
        } else {
            let (status, _) = on_node(&alice, &b)
                .post(
                    "/api/v1/team-chat/chats/company-acme/messages",
                    json!({ "client_id": format!("m-{n}"), "body": format!("message {n}") }),
                )
                .await;
            assert_eq!(status, StatusCode::OK);
        }
    }
    let mut resumed = b.stream(&on_node(&bob_on_a, &b), &topic, Some(last_id)).await;
    let mut bodies = Vec::new();
    let mut ids = Vec::new();
    while bodies.len() < 10 {
        let event = resumed
            .next_event_within(Duration::from_secs(10))
            .await
            .expect("the missed events are replayed");
        if event.kind == "team-message" {
            bodies.push(event.data["body"].as_str().unwrap_or_default().to_string());
            ids.push(event.id.unwrap());
        }
    }
    let expected: Vec<String> = (3..13).map(|n| format!("message {n}")).collect();
    assert_eq!(bodies, expected, "every missed message once, in commit order");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    send(13).await;
    let live = resumed.next_of_kind("team-message").await;
    assert_eq!(live.data["body"], "message 13", "then live, without duplicates");
}

#[tokio::test]
async fn pl_6_work_due_runs_once_across_nodes_and_goes_on_when_a_node_dies() {
    let Some((a, b, _db)) = two_nodes("pl_6_work_due_runs_once…") else {
        return;
    };
    let sam = b.login("sam").await;
    let mut staff_on_b = b.stream(&sam, &["presence:SUP"], None).await;
    let alice_on_a = a.login("alice").await;
    alice_on_a
        .post("/api/v1/projects/SUP/presence/online", json!({ "duration_minutes": 5 }))
        .await;
    staff_on_b.next_of_kind("presence-changed").await;
    // Both nodes' clocks move past the end: both schedulers wake for it.
    alice_on_a.advance_clock_minutes(6).await;
    sam.advance_clock_minutes(6).await;
    let ended = staff_on_b.next_of_kind("presence-changed").await;
    assert_eq!(ended.data["cause"], "duration-ended");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (_, history) = sam.get("/api/v1/projects/SUP/presence/history?user=alice").await;
    let ends = history["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["cause"] == "duration-ended")
        .count();
    assert_eq!(ends, 1, "the duration ended once, not once per node: {history}");

    // Node A asks for the next wake-up, then dies; node B does the work.
    alice_on_a
        .post("/api/v1/projects/SUP/presence/online", json!({ "duration_minutes": 5 }))
        .await;
    staff_on_b.next_of_kind("presence-changed").await;
    a.host.stop();
    sam.advance_clock_minutes(6).await;
    let ended = staff_on_b.next_of_kind("presence-changed").await;
    assert_eq!(
        (ended.data["user"].as_str(), ended.data["cause"].as_str()),
        (Some("alice"), Some("duration-ended"))
    );
}

#[tokio::test]
async fn pl_6_killing_node_a_under_load_loses_nothing_acknowledged_and_node_b_serves_on() {
    // A load far past what people type: the members' message rate limit is lifted.
    let lifted = ["--team-messages-per-minute", "1000000"];
    let Some((a, b, _db)) = two_nodes_with("pl_6_killing_node_a_under_load…", &lifted) else {
        return;
    };
    let alice_on_a = a.login("alice").await;
    let alice_on_b = on_node(&alice_on_a, &b);
    let acknowledged = Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let writer = |client: ApiClient, prefix: &'static str, count: usize| {
        let acknowledged = acknowledged.clone();
        tokio::spawn(async move {
            for n in 0..count {
                let body = format!("{prefix}-{n}");
                let sent = client
                    .try_post(
                        "/api/v1/team-chat/chats/company-acme/messages",
                        &json!({ "client_id": body, "body": body }),
                    )
                    .await;
                if let Ok((StatusCode::OK, _)) = sent {
                    acknowledged.lock().unwrap().insert(body);
                }
            }
        })
    };
    let on_a = writer(alice_on_a, "a", 400);
    let on_b = writer(on_node(&alice_on_b, &b), "b", 150);
    // Let both write for a while, then kill node A mid-stream.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let a_before_kill = acknowledged
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.starts_with("a-"))
        .count();
    a.host.stop();
    on_a.await.unwrap();
    on_b.await.unwrap();
    assert!(a_before_kill > 0, "node A acknowledged messages before it died");

    let (status, body) = alice_on_b
        .post(
            "/api/v1/team-chat/chats/company-acme/messages",
            json!({ "client_id": "after", "body": "after" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "node B serves on: {body}");
    let stored = all_messages(&alice_on_b).await;
    let acknowledged = acknowledged.lock().unwrap().clone();
    let missing: Vec<&String> = acknowledged.iter().filter(|m| !stored.contains(*m)).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    assert!(
        acknowledged.iter().filter(|m| m.starts_with("b-")).count() == 150,
        "every write on B went through"
    );
    let unique: BTreeSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "nothing stored twice");
}

/// Every message body in the Acme company chat, oldest first.
async fn all_messages(client: &ApiClient) -> Vec<String> {
    let mut bodies = Vec::new();
    let mut before: Option<u64> = None;
    loop {
        let path = match before {
            Some(seq) => format!("/api/v1/team-chat/chats/company-acme/messages?limit=200&before={seq}"),
            None => "/api/v1/team-chat/chats/company-acme/messages?limit=200".to_string(),
        };
        let (status, page) = client.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let messages: Vec<Value> = page["messages"].as_array().cloned().unwrap_or_default();
        if messages.is_empty() {
            break;
        }
        before = messages[0]["seq"].as_u64();
        let mut older: Vec<String> = messages
            .iter()
            .map(|m| m["body"].as_str().unwrap_or_default().to_string())
            .collect();
        older.extend(bodies);
        bodies = older;
        if before == Some(1) {
            break;
        }
    }
    bodies
}
