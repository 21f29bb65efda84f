//! Presence end to end: the host binary with the real plugin component, over HTTP and the
//! push stream (SPEC PR-1 … PR-6, PL-3, PL-7).

use std::time::Duration;

use helpdesk_e2e::{ApiClient, EventStream, HostProcess};
use reqwest::StatusCode;
use serde_json::json;

fn data_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[tokio::test]
async fn pr_1_new_agents_start_offline_and_only_agents_go_online() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let alice = ApiClient::login(&host.base_url, "alice").await;
    let (status, presence) = alice.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        presence["viewer"],
        json!({ "is_agent": true, "online": false, "until": null })
    );
    assert_eq!(presence["online_count"], 0);

    let tom = ApiClient::login(&host.base_url, "tom").await;
    let (status, body) = tom.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "access_denied");
    assert!(!body["error"]["request_id"].as_str().unwrap().is_empty());
    let (status, _) = alice.post("/api/v1/projects/DEV/presence/online", json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "alice is no agent of DEV");
}

#[tokio::test]
async fn pr_2_customers_see_only_whether_the_chat_is_online() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let anonymous = ApiClient::anonymous(&host.base_url);
    let (status, body) = anonymous.get("/api/v1/projects/SUP/chat-status").await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "project": "SUP", "online": false }))
    );
    let (status, _) = anonymous.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let cora = ApiClient::login(&host.base_url, "cora").await;
    let (status, body) = cora.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::FORBIDDEN, json!("access_denied"))
    );

    let mut customer_stream = EventStream::open(&anonymous.client, &host.base_url, &["chat-status:SUP"], None).await;
    let bob = ApiClient::login(&host.base_url, "bob").await;
    bob.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    let event = customer_stream.next_of_kind("chat-status").await;
    assert_eq!(event.data, json!({ "project": "SUP", "online": true }));
    let (_, body) = anonymous.get("/api/v1/projects/SUP/chat-status").await;
    assert_eq!(body["online"], true);
    let refused = anonymous
        .client
        .get(format!("{}/api/v1/stream?topic=presence:SUP", host.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "customers may not follow agents"
    );
}

#[tokio::test]
async fn pr_3_pr_6_two_agents_and_an_admin_follow_each_other_live() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let alice = ApiClient::login(&host.base_url, "alice").await;
    let bob = ApiClient::login(&host.base_url, "bob").await;
    let paula = ApiClient::login(&host.base_url, "paula").await;
    let mut bob_stream = EventStream::open(&bob.client, &host.base_url, &["presence:SUP"], None).await;
    let mut paula_stream = EventStream::open(&paula.client, &host.base_url, &["presence:SUP"], None).await;

    let (status, _) = alice.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    for stream in [&mut bob_stream, &mut paula_stream] {
        let event = stream.next_of_kind("presence-changed").await;
        assert_eq!(event.data["user"], "alice");
        assert_eq!(event.data["online"], true);
        assert_eq!(event.data["online_count"], 1);
    }
    bob.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    assert_eq!(
        paula_stream.next_of_kind("presence-changed").await.data["online_count"],
        2
    );
    assert_eq!(
        bob_stream.next_of_kind("presence-changed").await.data["user"],
        "bob",
        "bob's other tabs learn too (PR-10)"
    );

    let (_, presence) = paula.get("/api/v1/projects/SUP/presence").await;
    let names: Vec<&str> = presence["online_agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Alice Agent", "Bob Agent"]);
    assert_eq!(
        presence["viewer"]["is_agent"], false,
        "paula administers SUP but is no agent"
    );

    alice.post("/api/v1/projects/SUP/presence/offline", json!({})).await;
    let event = bob_stream.next_of_kind("presence-changed").await;
    assert_eq!(
        (event.data["user"].clone(), event.data["online"].clone()),
        (json!("alice"), json!(false))
    );
}

#[tokio::test]
async fn pr_4_online_in_all_projects_and_pr_5_offline_in_all() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let alice = ApiClient::login(&host.base_url, "alice").await;
    let (status, outcome) = alice
        .post("/api/v1/projects/SUP/presence/online", json!({ "all_projects": true }))
        .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["changed"], json!(["OPS", "SUP"]));
    let (_, mine) = alice.get("/api/v1/presence/me").await;
    assert!(mine.as_array().unwrap().iter().all(|s| s["online"] == true), "{mine}");

    alice
        .post(
            "/api/v1/projects/SUP/presence/offline",
            json!({ "all_projects": false }),
        )
        .await;
    let (_, mine) = alice.get("/api/v1/presence/me").await;
    assert_eq!(
        mine,
        json!([{ "project": "OPS", "online": true, "until": null }, { "project": "SUP", "online": false, "until": null }])
    );

    alice
        .post("/api/v1/projects/SUP/presence/offline", json!({ "all_projects": true }))
        .await;
    let (_, mine) = alice.get("/api/v1/presence/me").await;
    assert!(mine.as_array().unwrap().iter().all(|s| s["online"] == false), "{mine}");
}

#[tokio::test]
async fn pr_4_online_for_duration_ends_by_itself() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let alice = ApiClient::login(&host.base_url, "alice").await;
    let bob = ApiClient::login(&host.base_url, "bob").await;
    let mut stream = EventStream::open(&bob.client, &host.base_url, &["presence:SUP"], None).await;
    let (_, outcome) = alice
        .post(
            "/api/v1/projects/SUP/presence/online",
            json!({ "duration_minutes": 30 }),
        )
        .await;
    assert!(outcome["states"][0]["until"].is_u64(), "{outcome}");
    stream.next_of_kind("presence-changed").await;

    bob.advance_clock_minutes(29).await;
    let (_, presence) = bob.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(presence["online_count"], 1);

    bob.advance_clock_minutes(2).await;
    let event = stream.next_of_kind("presence-changed").await;
    assert_eq!(event.data["user"], "alice");
    assert_eq!(event.data["cause"], "duration-ended");
    assert_eq!(event.data["by"], serde_json::Value::Null, "nobody acted");
    let (_, presence) = bob.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(presence["online_count"], 0);
}

#[tokio::test]
async fn pl_7_refused_input_gets_a_stable_code_and_changes_nothing() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let alice = ApiClient::login(&host.base_url, "alice").await;
    for (body, code) in [
        (json!({ "duration_minutes": 0 }), "invalid"),
        (json!({ "duration_minutes": 100000 }), "invalid"),
        (json!({ "duration_minutes": "soon" }), "invalid"),
        (json!({ "all_projects": true, "surprise": 1 }), "invalid"),
    ] {
        let (status, answer) = alice.post("/api/v1/projects/SUP/presence/online", body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {answer}");
        assert_eq!(answer["error"]["code"], code, "{body} -> {answer}");
    }
    let (status, answer) = alice.post("/api/v1/projects/NOPE/presence/online", json!({})).await;
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (StatusCode::NOT_FOUND, json!("not_found"))
    );
    let raw = alice
        .client
        .post(format!("{}/api/v1/projects/SUP/presence/online", host.base_url))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let (_, presence) = alice.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(presence["online_count"], 0, "nothing was stored");
    let (status, answer) = ApiClient::anonymous(&host.base_url)
        .post("/api/v1/auth/login", json!({ "user": "alice", "password": "wrong" }))
        .await;
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("bad_credentials"))
    );
}

#[tokio::test]
async fn pl_7_the_stream_resumes_from_the_last_event_id() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let alice = ApiClient::login(&host.base_url, "alice").await;
    let bob = ApiClient::login(&host.base_url, "bob").await;
    let mut stream = EventStream::open(&bob.client, &host.base_url, &["presence:SUP"], None).await;
    alice.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    let seen = stream.next_of_kind("presence-changed").await;
    drop(stream);

    // Missed while disconnected:
    alice.post("/api/v1/projects/SUP/presence/offline", json!({})).await;
    bob.post("/api/v1/projects/SUP/presence/online", json!({})).await;

    let mut resumed = EventStream::open(&bob.client, &host.base_url, &["presence:SUP"], seen.id).await;
    let first = resumed.next_of_kind("presence-changed").await;
    let second = resumed.next_of_kind("presence-changed").await;
    assert_eq!(
        (first.data["user"].clone(), first.data["online"].clone()),
        (json!("alice"), json!(false))
    );
    assert_eq!(
        (second.data["user"].clone(), second.data["online"].clone()),
        (json!("bob"), json!(true))
    );
    assert!(first.id > seen.id && second.id > first.id);
}

#[tokio::test]
async fn pl_3_presence_survives_a_host_restart() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let alice = ApiClient::login(&host.base_url, "alice").await;
    let (status, _) = alice.post("/api/v1/projects/OPS/presence/online", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    host.stop();

    let host = HostProcess::start(dir.path());
    let alice = ApiClient::login(&host.base_url, "alice").await;
    let (_, presence) = alice.get("/api/v1/projects/OPS/presence").await;
    assert_eq!(presence["online_count"], 1, "{presence}");
    assert_eq!(presence["viewer"]["online"], true);

    // The push stream's events are stored too: a client resumes across the restart.
    let mut resumed = EventStream::open(&alice.client, &host.base_url, &["presence:OPS"], Some(0)).await;
    let missed = resumed.next_of_kind("presence-changed").await;
    assert_eq!(
        (missed.data["user"].clone(), missed.data["online"].clone()),
        (json!("alice"), json!(true))
    );
}

#[tokio::test]
async fn pl_3_the_directory_changes_through_the_api() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let sam = ApiClient::login(&host.base_url, "sam").await;
    let new_user =
        json!({ "id": "nina", "display_name": "Nina New", "email": "nina@example.test", "password": "longenough" });
    let (status, body) = sam.post("/api/v1/directory/users", new_user.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = sam.post("/api/v1/directory/users", new_user).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = sam
        .put(
            "/api/v1/directory/projects/DEV/roles/nina",
            json!({ "roles": ["agent"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let nina = ApiClient::anonymous(&host.base_url);
    let (status, login) = nina
        .post(
            "/api/v1/auth/login",
            json!({ "user": "nina", "password": "longenough" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The token works as a bearer token for scripts.
    let token = login["token"].as_str().unwrap();
    let script = reqwest::Client::new();
    let response = script
        .post(format!("{}/api/v1/projects/DEV/presence/online", host.base_url))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let tom = ApiClient::login(&host.base_url, "tom").await;
    let (status, body) = tom
        .put(
            "/api/v1/directory/projects/DEV/roles/tom",
            json!({ "roles": ["agent"] }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::FORBIDDEN, json!("access_denied"))
    );
    let (status, _) = sam
        .post(
            "/api/v1/directory/users",
            json!({ "id": "bad/id", "display_name": "X", "email": "x@y.z", "password": "longenough" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn pl_7_the_openapi_document_is_served() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let (status, doc) = ApiClient::anonymous(&host.base_url).get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/projects/{key}/presence/online"]["post"].is_object());
}

#[tokio::test]
async fn pl_3_groups_companies_and_issues_change_through_the_api() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let sam = ApiClient::login(&host.base_url, "sam").await;
    let (status, body) = sam
        .post(
            "/api/v1/directory/groups",
            json!({ "id": "night-shift", "name": "Night shift", "members": ["bob", "alice", "bob"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, groups) = sam.get("/api/v1/directory/groups").await;
    let night = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "night-shift")
        .unwrap()
        .clone();
    assert_eq!(night["members"], json!(["alice", "bob"]));
    let (status, body) = sam
        .post(
            "/api/v1/directory/companies",
            json!({ "id": "ghostco", "name": "Ghost", "members": ["ghost"] }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::NOT_FOUND, json!("not_found"))
    );
    let (_, companies) = sam.get("/api/v1/directory/companies").await;
    assert!(
        companies.as_array().unwrap().iter().all(|c| c["id"] != "ghostco"),
        "a refused create stores nothing"
    );

    let tom = ApiClient::login(&host.base_url, "tom").await;
    let (status, issue) = tom
        .post("/api/v1/projects/SUP/issues", json!({ "summary": "Printer on fire" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issue}");
    assert_eq!(issue["key"], "SUP-3", "after the two demo issues");
    let (status, _) = tom
        .post("/api/v1/projects/SUP/issues", json!({ "summary": "  " }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, history) = tom.get("/api/v1/issues/SUP-3/history?kind=comment").await;
    assert_eq!((status, history), (StatusCode::OK, json!([])));
    let (status, _) = tom.get("/api/v1/issues/SUP-99").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let cora = ApiClient::login(&host.base_url, "cora").await;
    let (status, _) = cora.get("/api/v1/issues/SUP-1").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "customers do not browse issues");
}

#[tokio::test]
async fn pr_1_an_online_agent_whose_role_is_removed_goes_offline_at_once() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let bob = ApiClient::login(&host.base_url, "bob").await;
    let sam = ApiClient::login(&host.base_url, "sam").await;
    let anonymous = ApiClient::anonymous(&host.base_url);
    let mut customers = EventStream::open(&anonymous.client, &host.base_url, &["chat-status:SUP"], None).await;
    let mut staff = EventStream::open(&sam.client, &host.base_url, &["presence:SUP"], None).await;
    bob.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    assert_eq!(customers.next_of_kind("chat-status").await.data["online"], true);
    staff.next_of_kind("presence-changed").await;

    let (status, body) = sam
        .put("/api/v1/directory/projects/SUP/roles/bob", json!({ "roles": [] }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let event = staff.next_of_kind("presence-changed").await;
    assert_eq!(
        (
            event.data["user"].clone(),
            event.data["cause"].clone(),
            event.data["by"].clone()
        ),
        (json!("bob"), json!("admin"), json!("sam"))
    );
    assert_eq!(customers.next_of_kind("chat-status").await.data["online"], false);

    sam.put(
        "/api/v1/directory/projects/SUP/roles/bob",
        json!({ "roles": ["agent"] }),
    )
    .await;
    let (_, presence) = bob.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(
        presence["viewer"],
        json!({ "is_agent": true, "online": false, "until": null }),
        "a new agent role starts offline"
    );
}

#[tokio::test]
async fn pl_7_a_stream_ends_when_its_session_or_access_ends() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let paula = ApiClient::login(&host.base_url, "paula").await;
    let alice = ApiClient::login(&host.base_url, "alice").await;
    let sam = ApiClient::login(&host.base_url, "sam").await;
    let mut paula_stream = EventStream::open(&paula.client, &host.base_url, &["presence:SUP"], None).await;
    let mut alice_stream = EventStream::open(&alice.client, &host.base_url, &["presence:SUP"], None).await;
    assert!(
        !paula_stream.ends_within(Duration::from_millis(600)).await,
        "open while allowed"
    );

    sam.put("/api/v1/directory/projects/SUP/roles/paula", json!({ "roles": [] }))
        .await;
    assert!(
        paula_stream.ends_within(Duration::from_secs(5)).await,
        "no more agent presence for paula"
    );

    alice.post("/api/v1/auth/logout", json!({})).await;
    assert!(
        alice_stream.ends_within(Duration::from_secs(5)).await,
        "logging out ends the stream"
    );
}

#[tokio::test]
async fn pl_7_a_client_resuming_from_an_unknown_id_is_told_to_reload() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let bob = ApiClient::login(&host.base_url, "bob").await;
    let mut stream = EventStream::open(&bob.client, &host.base_url, &["presence:SUP"], Some(999_999)).await;
    let reset = stream.next_event().await.expect("a reset event");
    assert_eq!(reset.kind, "reset");
    assert_eq!(reset.data["reason"], "unknown-event-id");
    // The stream goes on from now.
    ApiClient::login(&host.base_url, "alice")
        .await
        .post("/api/v1/projects/SUP/presence/online", json!({}))
        .await;
    assert_eq!(stream.next_of_kind("presence-changed").await.data["user"], "alice");
}

#[tokio::test]
async fn pr_15_the_presence_history_says_who_did_what_how_and_when() {
    let dir = data_dir();
    let host = HostProcess::start(dir.path());
    let alice = ApiClient::login(&host.base_url, "alice").await;
    let bob = ApiClient::login(&host.base_url, "bob").await;
    let paula = ApiClient::login(&host.base_url, "paula").await;
    alice
        .post("/api/v1/projects/SUP/presence/online", json!({ "duration_minutes": 5 }))
        .await;
    bob.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    bob.advance_clock_minutes(6).await;

    let (status, history) = paula.get("/api/v1/projects/SUP/presence/history").await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let changes = history["changes"].as_array().unwrap();
    let summary: Vec<(&str, bool, &str, Option<&str>)> = changes
        .iter()
        .map(|c| {
            (
                c["user"].as_str().unwrap(),
                c["online"].as_bool().unwrap(),
                c["cause"].as_str().unwrap(),
                c["by"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("alice", false, "duration-ended", None),
            ("bob", true, "manual", Some("bob")),
            ("alice", true, "manual", Some("alice"))
        ]
    );

    let (_, page) = paula.get("/api/v1/projects/SUP/presence/history?limit=2").await;
    let cursor = page["cursor"].as_str().unwrap().to_string();
    let (_, rest) = paula
        .get(&format!(
            "/api/v1/projects/SUP/presence/history?limit=2&before={cursor}"
        ))
        .await;
    assert_eq!(rest["changes"].as_array().unwrap().len(), 1);

    let (_, own) = bob.get("/api/v1/projects/SUP/presence/history").await;
    assert!(own["changes"].as_array().unwrap().iter().all(|c| c["user"] == "bob"));
    let (status, body) = bob.get("/api/v1/projects/SUP/presence/history?user=alice").await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::FORBIDDEN, json!("access_denied"))
    );
    let (status, _) = paula.get("/api/v1/projects/SUP/presence/history?limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
