//! Clients that mean harm (SPEC PL-5, PL-7, LC-5, LC-9): what one anonymous client can
//! take from everyone else is bounded, and refusals come early and cheap.

use std::time::Duration;

use helpdesk_e2e::{ApiClient, EventStream, TestSite};
use reqwest::StatusCode;
use serde_json::Value;

/// A visitor token for visitor `n`.
fn token(n: usize) -> String {
    format!("hostile-visitor-token-{n:06}")
}

/// Asks for an anonymous stream on the chat status of SUP; the raw answer.
async fn open_stream(client: &ApiClient) -> reqwest::Response {
    client
        .client
        .get(format!("{}/api/v1/stream?topic=chat-status:SUP", client.base_url))
        .send()
        .await
        .unwrap()
}

/// An open stream (its `ready` read), or the refusal's status and body.
async fn stream_or_refusal(client: &ApiClient) -> Result<EventStream, (StatusCode, Value)> {
    let response = open_stream(client).await;
    let status = response.status();
    if status != StatusCode::OK {
        return Err((status, response.json().await.unwrap_or(Value::Null)));
    }
    let mut stream = EventStream::from_response(response);
    let ready = stream.next_event().await.expect("ready");
    assert_eq!(ready.kind, "ready");
    Ok(stream)
}

#[tokio::test]
async fn pl_7_one_network_holds_only_its_share_of_anonymous_streams() {
    let site = TestSite::start_with(&["--trusted-proxy", "127.0.0.1", "--max-streams-per-address", "8"]);
    let mut open = Vec::new();
    for n in 0..8 {
        let visitor = site.visitor_from(&token(n), "203.0.113.5");
        open.push(stream_or_refusal(&visitor).await.expect("within the share"));
    }
    let ninth = site.visitor_from(&token(8), "203.0.113.5");
    let (status, body) = stream_or_refusal(&ninth).await.err().expect("refused past the share");
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("network"),
        "said in words: {body}"
    );

    // Every address of one IPv6 /64 is one client; another network is another.
    for n in 0..8 {
        let visitor = site.visitor_from(&token(100 + n), &format!("2001:db8:5:6:{n:x}::1"));
        open.push(stream_or_refusal(&visitor).await.expect("within the /64's share"));
    }
    let same_net = site.visitor_from(&token(200), "[2001:db8:5:6:ffff::9]:443");
    assert_eq!(
        stream_or_refusal(&same_net).await.err().map(|e| e.0),
        Some(StatusCode::TOO_MANY_REQUESTS)
    );
    let other_net = site.visitor_from(&token(201), "2001:db8:5:7::1");
    assert!(stream_or_refusal(&other_net).await.is_ok());

    // A stream that closes gives its place back.
    drop(open.remove(0));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(stream_or_refusal(&ninth).await.is_ok());
}

#[tokio::test]
async fn pl_5_anonymous_streams_cannot_take_every_connection() {
    // Forty connections in all; streams without a login may hold at most half of them.
    let site = TestSite::start_with(&[
        "--trusted-proxy",
        "127.0.0.1",
        "--max-connections",
        "40",
        "--max-streams-per-address",
        "1000",
    ]);
    let mut anonymous = Vec::new();
    for n in 0..30 {
        let visitor = site.visitor_from(&token(n), &format!("198.51.100.{}", n + 1));
        anonymous.push(
            stream_or_refusal(&visitor)
                .await
                .expect("anonymous streams are shed, not refused"),
        );
    }
    let mut ended = 0;
    for stream in &mut anonymous {
        if stream.ends_within(Duration::from_millis(50)).await {
            ended += 1;
        }
    }
    assert_eq!(ended, 10, "the ten oldest made room for newer ones");
    // People who log in and their streams still get in.
    let alice = site.login("alice").await;
    let mut staff = site.stream(&alice, &["presence:SUP"], None).await;
    let (status, _) = alice.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    drop(staff.next_event_within(Duration::from_millis(10)).await);
}

#[tokio::test]
async fn pl_5_a_full_host_ends_the_oldest_anonymous_stream_for_a_new_connection() {
    let site = TestSite::start_with(&[
        "--trusted-proxy",
        "127.0.0.1",
        "--max-connections",
        "12",
        "--max-streams-per-address",
        "1000",
        "--max-anonymous-streams",
        "1000",
    ]);
    let mut anonymous = Vec::new();
    for n in 0..12 {
        let visitor = site.visitor_from(&token(n), &format!("198.51.100.{}", n + 1));
        anonymous.push(stream_or_refusal(&visitor).await.expect("a place"));
    }
    // Every connection is a stream now; logging in still works.
    let alice = site.login("alice").await;
    let (status, _) = alice.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        anonymous[0].ends_within(Duration::from_secs(2)).await,
        "the oldest anonymous stream gave its connection"
    );
}

#[tokio::test]
async fn pl_7_failed_logins_from_one_ipv6_network_are_counted_together() {
    let site = TestSite::start_with(&["--trusted-proxy", "127.0.0.1"]);
    let mut statuses = Vec::new();
    for n in 0..60 {
        // A new address of the same /64 for each guess, and a new user id.
        let guesser = site.visitor_from(&token(n), &format!("[2001:db8:7:7:{n:x}::1]:443"));
        let (status, _) = guesser
            .post(
                "/api/v1/auth/login",
                serde_json::json!({ "user": format!("user{n}"), "password": "guess" }),
            )
            .await;
        statuses.push(status);
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "one /64 is one client: {statuses:?}"
    );
    let elsewhere = site.visitor_from(&token(99), "2001:db8:7:8::1");
    let (status, _) = elsewhere
        .post(
            "/api/v1/auth/login",
            serde_json::json!({ "user": "alice", "password": "demo" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "another network is not held back");
}

fn registration(n: usize) -> serde_json::Value {
    serde_json::json!({
        "display_name": format!("Flood {n}"),
        "email": format!("flood{n}@example.test"),
        "password": "long enough",
    })
}

#[tokio::test]
async fn lc_5_refused_registrations_count_against_the_address() {
    let site = TestSite::start_with(&["--trusted-proxy", "127.0.0.1"]);
    let visitor = site.visitor_from(&token(1), "203.0.113.9");
    let mut statuses = Vec::new();
    for n in 0..55 {
        // Registration is off in SUP: each is refused, and each counts.
        let (status, _) = visitor
            .post("/api/v1/projects/SUP/chat/register", registration(n))
            .await;
        statuses.push(status);
    }
    assert_eq!(statuses[0], StatusCode::FORBIDDEN);
    assert_eq!(statuses[54], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    let elsewhere = site.visitor_from(&token(2), "203.0.113.10");
    let (status, _) = elsewhere
        .post("/api/v1/projects/SUP/chat/register", registration(99))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another address is not held back");
}

#[tokio::test]
async fn lc_5_a_flood_of_registrations_is_refused_at_once_not_queued() {
    let site = TestSite::start_with(&["--trusted-proxy", "127.0.0.1"]);
    let paula = site.login("paula").await;
    let (_, mut settings) = paula.get("/api/v1/projects/SUP/chat/widget-settings").await;
    settings["registration"] = serde_json::json!(true);
    paula.put("/api/v1/projects/SUP/chat/widget-settings", settings).await;

    let attempts = (0..150).map(|n| {
        let visitor = site.visitor_from(&token(n), &format!("198.51.{}.{}", n / 200, n % 200 + 1));
        async move {
            let response = visitor
                .client
                .post(format!("{}/api/v1/projects/SUP/chat/register", visitor.base_url))
                .json(&registration(n))
                .send()
                .await
                .unwrap();
            (response.status(), response.headers().get("retry-after").cloned())
        }
    });
    let outcomes = futures::future::join_all(attempts).await;
    let registered = outcomes
        .iter()
        .filter(|(status, _)| *status == StatusCode::ACCEPTED)
        .count();
    let busy: Vec<_> = outcomes
        .iter()
        .filter(|(status, _)| *status == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert_eq!(registered + busy.len(), outcomes.len(), "{outcomes:?}");
    assert!(
        registered > 0 && !busy.is_empty(),
        "{registered} registered, {} busy",
        busy.len()
    );
    assert!(busy.iter().all(|(_, retry)| retry.is_some()), "told when to try again");
    let (status, _) = paula.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK, "the host keeps answering");
}
