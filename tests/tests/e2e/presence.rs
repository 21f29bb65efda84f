//! Presence end to end: the host binary with the real plugin component, over HTTP and the
//! push stream (SPEC PR-1 … PR-6, PR-8, PR-9, PR-13, PR-15).

use helpdesk_e2e::{ApiClient, TestSite};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn pr_1_new_agents_start_offline_and_only_agents_go_online() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    let (status, presence) = alice.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        presence["viewer"],
        json!({ "is_agent": true, "online": false, "until": null, "may_put_offline": false })
    );
    assert_eq!(presence["online_count"], 0);

    let tom = site.login("tom").await;
    let (status, body) = tom.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "access_denied");
    assert!(!body["error"]["request_id"].as_str().unwrap().is_empty());
    let (status, _) = alice.post("/api/v1/projects/DEV/presence/online", json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "alice is no agent of DEV");
}

#[tokio::test]
async fn pr_2_customers_see_only_whether_the_chat_is_online() {
    let site = TestSite::start();
    let anonymous = site.anonymous();
    let (status, body) = anonymous.get("/api/v1/projects/SUP/chat-status").await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "project": "SUP", "online": false }))
    );
    let (status, _) = anonymous.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let cora = site.login("cora").await;
    let (_, projects) = cora.get("/api/v1/projects").await;
    assert_eq!(projects, json!([]), "customers do not see the site's projects");
    let (_, me) = cora.get("/api/v1/me").await;
    assert_eq!(me["projects"], json!([]));
    let (status, body) = cora.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::FORBIDDEN, json!("access_denied"))
    );

    let mut customer_stream = site.stream(&anonymous, &["chat-status:SUP"], None).await;
    let bob = site.login("bob").await;
    bob.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    let event = customer_stream.next_of_kind("chat-status").await;
    assert_eq!(event.data, json!({ "project": "SUP", "online": true }));
    let (_, body) = anonymous.get("/api/v1/projects/SUP/chat-status").await;
    assert_eq!(body["online"], true);
    let refused = anonymous
        .client
        .get(site.url("/api/v1/stream?topic=presence:SUP"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::UNAUTHORIZED,
        "nobody logged in: 401, as the REST call says"
    );
    let refused = cora
        .client
        .get(site.url("/api/v1/stream?topic=presence:SUP"))
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
    let site = TestSite::start();
    let alice = site.login("alice").await;
    let bob = site.login("bob").await;
    let paula = site.login("paula").await;
    let mut bob_stream = site.stream(&bob, &["presence:SUP"], None).await;
    let mut paula_stream = site.stream(&paula, &["presence:SUP"], None).await;

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
    let site = TestSite::start();
    let alice = site.login("alice").await;
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
    let site = TestSite::start();
    let alice = site.login("alice").await;
    let bob = site.login("bob").await;
    let mut stream = site.stream(&bob, &["presence:SUP"], None).await;
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
async fn pr_1_an_online_agent_whose_role_is_removed_goes_offline_at_once() {
    let site = TestSite::start();
    let bob = site.login("bob").await;
    let sam = site.login("sam").await;
    let anonymous = site.anonymous();
    let mut customers = site.stream(&anonymous, &["chat-status:SUP"], None).await;
    let mut staff = site.stream(&sam, &["presence:SUP"], None).await;
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
        json!({ "is_agent": true, "online": false, "until": null, "may_put_offline": false }),
        "a new agent role starts offline"
    );
}

#[tokio::test]
async fn pr_15_the_presence_history_says_who_did_what_how_and_when() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    let bob = site.login("bob").await;
    let paula = site.login("paula").await;
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

#[tokio::test]
async fn pr_6_the_online_agents_page_through_the_api_by_name() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    let bob = site.login("bob").await;
    for agent in [&alice, &bob] {
        let (status, _) = agent.post("/api/v1/projects/SUP/presence/online", json!({})).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, first) = alice.get("/api/v1/projects/SUP/presence/online-agents?limit=1").await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["agents"][0]["display_name"], "Alice Agent");
    let cursor = first["cursor"].as_str().expect("a next page").to_string();
    let (_, second) = alice
        .get(&format!(
            "/api/v1/projects/SUP/presence/online-agents?limit=1&after={cursor}"
        ))
        .await;
    assert_eq!(second["agents"][0]["display_name"], "Bob Agent");
    assert_eq!(second["cursor"], serde_json::Value::Null);
    let (status, body) = alice.get("/api/v1/projects/SUP/presence/online-agents?limit=0").await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid"))
    );
}

#[tokio::test]
async fn pr_8_only_an_admin_of_the_project_who_is_also_a_site_admin_puts_agents_offline() {
    let site = TestSite::start();
    let sam = site.login("sam").await;
    let (status, body) = sam
        .post(
            "/api/v1/directory/users",
            json!({ "id": "sid", "display_name": "Sid Siteadmin", "email": "sid@example.test",
                    "site_admin": true, "password": "long enough" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let alice = site.login("alice").await;
    let bob = site.login("bob").await;
    for agent in [&alice, &bob] {
        let (status, _) = agent.post("/api/v1/projects/SUP/presence/online", json!({})).await;
        assert_eq!(status, StatusCode::OK);
    }
    let mut watcher = site.stream(&alice, &["presence:SUP"], None).await;
    let path = "/api/v1/projects/SUP/presence/put-offline";

    let sid = ApiClient::login_with(&site.host.base_url, "sid", "long enough").await;
    for (who, client) in [
        ("an agent", &alice),
        ("a project admin only", &site.login("paula").await),
        ("a site admin only", &sid),
        ("a customer", &site.login("cora").await),
    ] {
        let (status, body) = client.post(path, json!({ "agent": "bob" })).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {body}");
        let (_, view) = client.get("/api/v1/projects/SUP/presence").await;
        assert_ne!(view["viewer"]["may_put_offline"], json!(true), "{who} sees no door");
    }
    let (status, _) = site.anonymous().post(path, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (_, view) = sam.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(view["viewer"]["may_put_offline"], true);
    let (status, outcome) = sam.post(path, json!({ "agent": "bob" })).await;
    assert_eq!((status, outcome), (StatusCode::OK, json!({ "agents": ["bob"] })));
    let event = watcher.next_of_kind("presence-changed").await;
    assert_eq!(
        (
            event.data["user"].clone(),
            event.data["cause"].clone(),
            event.data["by"].clone()
        ),
        (json!("bob"), json!("admin"), json!("sam")),
        "everyone watching sees it at once"
    );
    let (status, outcome) = sam.post(path, json!({})).await;
    assert_eq!((status, outcome), (StatusCode::OK, json!({ "agents": ["alice"] })));
    let (_, status_now) = site.anonymous().get("/api/v1/projects/SUP/chat-status").await;
    assert_eq!(status_now["online"], false);
    let (status, body) = sam.post(path, json!({ "agent": "tom" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "tom is no agent of SUP: {body}");

    // PR-15: the history by agent and time range, with the names of everyone it shows.
    let (_, history) = sam.get("/api/v1/projects/SUP/presence/history?user=bob&since=0").await;
    let causes: Vec<_> = history["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cause"].clone())
        .collect();
    assert_eq!(
        causes,
        [json!("admin"), json!("manual")],
        "bob's changes only, newest first"
    );
    let names = history["names"].as_array().unwrap();
    assert!(
        names.contains(&json!({ "user": "sam", "display_name": "Sam Siteadmin" })),
        "{history}"
    );
    assert!(
        names.contains(&json!({ "user": "bob", "display_name": "Bob Agent" })),
        "{history}"
    );
    let (_, later) = sam
        .get("/api/v1/projects/SUP/presence/history?since=99999999999999")
        .await;
    assert_eq!(later["changes"], json!([]), "nothing after the range's start");
    let (status, _) = sam.get("/api/v1/projects/SUP/presence/history?since=10&until=5").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a range that ends before it starts");
}

#[tokio::test]
async fn pr_13_a_site_admin_logs_an_agent_out_everywhere_at_once() {
    let site = TestSite::start();
    let laptop = site.login("alice").await;
    let (_, login) = site
        .anonymous()
        .post("/api/v1/auth/login", json!({ "user": "alice", "password": "demo" }))
        .await;
    let token = login["token"].as_str().unwrap().to_string();
    let script = |path: &str| reqwest::Client::new().get(site.url(path)).bearer_auth(&token).send();
    let (status, _) = laptop
        .post("/api/v1/projects/SUP/presence/online", json!({ "all_projects": true }))
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut alices_stream = site.stream(&laptop, &["presence:SUP"], None).await;
    let bob = site.login("bob").await;
    let mut watcher = site.stream(&bob, &["presence:SUP"], None).await;

    let path = "/api/v1/directory/users/alice/end-sessions";
    let (status, _) = site.login("paula").await.post(path, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only site admins");
    let sam = site.login("sam").await;
    let (status, body) = sam.post("/api/v1/directory/users/nobody/end-sessions", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, ended) = sam.post(path, json!({})).await;
    assert_eq!((status, ended), (StatusCode::OK, json!({ "ended_sessions": 2 })));

    assert!(
        alices_stream.ends_within(std::time::Duration::from_secs(2)).await,
        "her open stream is closed at once, not at the next periodic check"
    );
    let (status, _) = laptop.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the cookie stopped working");
    assert_eq!(
        script("/api/v1/me").await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "the bearer token too"
    );
    let event = watcher.next_of_kind("presence-changed").await;
    assert_eq!(
        (
            event.data["user"].clone(),
            event.data["online"].clone(),
            event.data["cause"].clone(),
            event.data["by"].clone()
        ),
        (json!("alice"), json!(false), json!("force-logout"), json!("sam"))
    );
    let (_, ops) = sam.get("/api/v1/projects/OPS/presence").await;
    assert_eq!(ops["online_count"], 0, "offline in every project");
}

#[tokio::test]
async fn pr_9_an_inactive_agent_goes_offline_at_the_timeout_and_a_heartbeat_postpones_it() {
    let site = TestSite::start();
    let paula = site.login("paula").await;
    let (status, body) = paula
        .put(
            "/api/v1/projects/SUP/presence/settings",
            json!({ "inactivity_minutes": 30 }),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "inactivity_minutes": 30 })));
    let (status, _) = site
        .login("alice")
        .await
        .put(
            "/api/v1/projects/SUP/presence/settings",
            json!({ "inactivity_minutes": 5 }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "agents read, admins set");

    let alice = site.login("alice").await;
    let bob = site.login("bob").await;
    let mut stream = site.stream(&bob, &["presence:SUP"], None).await;
    alice.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    stream.next_of_kind("presence-changed").await;

    bob.advance_clock_minutes(20).await;
    let (status, _) = alice.post("/api/v1/activity", json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "her page's heartbeat");
    bob.advance_clock_minutes(20).await;
    let (_, presence) = bob.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(presence["online_count"], 1, "40 minutes on, but active 20 minutes ago");

    bob.advance_clock_minutes(11).await;
    let event = stream.next_of_kind("presence-changed").await;
    assert_eq!(
        (
            event.data["user"].clone(),
            event.data["cause"].clone(),
            event.data["by"].clone()
        ),
        (json!("alice"), json!("inactivity"), json!(null)),
        "offline with nobody acting"
    );
    let (_, presence) = bob.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(presence["online_count"], 0);
}

#[tokio::test]
async fn pr_9_activity_within_a_minute_of_the_last_told_still_postpones_the_timeout() {
    let site = TestSite::start();
    let paula = site.login("paula").await;
    paula
        .put(
            "/api/v1/projects/SUP/presence/settings",
            json!({ "inactivity_minutes": 5 }),
        )
        .await;
    let alice = site.login("alice").await;
    alice.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    // Her last action comes 30 s after the one the host told of: it is held back, then told
    // with its own time once the minute is over.
    paula.advance_clock_seconds(30).await;
    let (status, _) = alice.post("/api/v1/activity", json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    paula.advance_clock_seconds(31).await;
    paula.advance_clock_seconds(5 * 60 - 61 + 20).await;
    let (_, presence) = paula.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(
        presence["online_count"], 1,
        "5 min 20 s after going online, 4 min 50 s after her last action"
    );
    paula.advance_clock_seconds(11).await;
    let (_, presence) = paula.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(presence["online_count"], 0, "offline 5 minutes after her last action");
}
