//! The platform end to end (SPEC PL-3, PL-7): refused input, the OpenAPI document, the
//! resumable push stream, restarts, and streams that end with their session or access.

use std::time::Duration;

use helpdesk_e2e::TestSite;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn pl_7_refused_input_gets_a_stable_code_and_changes_nothing() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
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
        .post(site.url("/api/v1/projects/SUP/presence/online"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let (_, presence) = alice.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(presence["online_count"], 0, "nothing was stored");
    let (status, answer) = site
        .anonymous()
        .post("/api/v1/auth/login", json!({ "user": "alice", "password": "wrong" }))
        .await;
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("bad_credentials"))
    );
}

#[tokio::test]
async fn pl_7_a_body_is_one_json_object_with_only_the_fields_of_its_record() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    alice
        .post("/api/v1/projects/SUP/presence/online", json!({ "all_projects": true }))
        .await;
    // A list where an object is wanted is refused, not read field by field.
    let (status, answer) = alice.post("/api/v1/projects/SUP/presence/offline", json!([true])).await;
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid")),
        "{answer}"
    );
    assert!(
        answer["error"]["message"].as_str().unwrap().contains("JSON object"),
        "{answer}"
    );
    let (_, me) = alice.get("/api/v1/presence/me").await;
    assert!(
        me.as_array().unwrap().iter().all(|p| p["online"] == true),
        "nobody went offline: {me}"
    );
    // Records of the contract take only their own fields, in every body that carries them.
    let paula = site.login("paula").await;
    let (_, mut settings) = paula.get("/api/v1/projects/SUP/chat/widget-settings").await;
    settings["surprise"] = json!(true);
    let (status, answer) = paula.put("/api/v1/projects/SUP/chat/widget-settings", settings).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("\"surprise\" is not a field"),
        "{answer}"
    );
    let (_, mut schedule) = alice.get("/api/v1/presence/schedule").await;
    schedule["schedule"]["extra"] = json!(1);
    let (status, answer) = alice
        .put("/api/v1/presence/schedule", schedule["schedule"].clone())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let sam = site.login("sam").await;
    let (status, answer) = sam
        .put(
            "/api/v1/team-chat/settings",
            json!({ "enabled": true, "grants": [], "color": "red" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let (status, saved) = sam
        .put(
            "/api/v1/team-chat/settings",
            json!({ "enabled": true, "grants": [
                { "permission": "see", "grantees": ["all-members"] },
                { "permission": "see", "grantees": ["all-members", { "group": "support-team" }] },
            ] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        saved["grants"].as_array().unwrap().len(),
        1,
        "a permission is stored once: {saved}"
    );
    assert_eq!(
        saved["grants"][0]["grantees"].as_array().unwrap().len(),
        2,
        "each grantee once: {saved}"
    );
}

#[tokio::test]
async fn pl_7_cookie_writes_come_only_from_the_sites_own_pages_and_query_tokens_only_open_streams() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    // A page of a sibling site under the same domain gets the cookie sent along (same-site),
    // but cannot add the header the site's own pages send; a body-less POST is refused.
    let cookie = alice.client.get(site.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(cookie.status(), StatusCode::OK);
    let bare = reqwest::Client::new();
    let session = {
        let (_, token) = site
            .anonymous()
            .post("/api/v1/auth/login", json!({ "user": "alice", "password": "demo" }))
            .await;
        token["token"].as_str().unwrap().to_string()
    };
    let forged = bare
        .post(site.url("/api/v1/projects/SUP/presence/online"))
        .header("cookie", format!("hd_session={session}"))
        .header("sec-fetch-site", "same-site")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let logout = bare
        .post(site.url("/api/v1/auth/logout"))
        .header("cookie", format!("hd_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::FORBIDDEN, "not even a body-less one");
    let own_page = bare
        .post(site.url("/api/v1/projects/SUP/presence/online"))
        .header("cookie", format!("hd_session={session}"))
        .header("x-requested-with", "helpdesk")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(own_page.status(), StatusCode::OK, "the site's own pages");
    let script = bare
        .post(site.url("/api/v1/projects/SUP/presence/offline"))
        .bearer_auth(&session)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), StatusCode::OK, "scripts with a bearer token");

    // A token in the query opens a stream, and nothing else.
    let me = bare
        .get(site.url(&format!("/api/v1/me?access_token={session}")))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    let stream = bare
        .get(site.url(&format!("/api/v1/stream?topic=presence:SUP&access_token={session}")))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
}

#[tokio::test]
async fn pl_7_the_stream_resumes_from_the_last_event_id() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    let bob = site.login("bob").await;
    let mut stream = site.stream(&bob, &["presence:SUP"], None).await;
    alice.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    let seen = stream.next_of_kind("presence-changed").await;
    drop(stream);

    // Missed while disconnected:
    alice.post("/api/v1/projects/SUP/presence/offline", json!({})).await;
    bob.post("/api/v1/projects/SUP/presence/online", json!({})).await;

    let mut resumed = site.stream(&bob, &["presence:SUP"], seen.id).await;
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
    let site = TestSite::start();
    let alice = site.login("alice").await;
    let (status, _) = alice.post("/api/v1/projects/OPS/presence/online", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let site = site.restart();
    let alice = site.login("alice").await;
    let (_, presence) = alice.get("/api/v1/projects/OPS/presence").await;
    assert_eq!(presence["online_count"], 1, "{presence}");
    assert_eq!(presence["viewer"]["online"], true);

    // The push stream's events are stored too: a client resumes across the restart.
    let mut resumed = site.stream(&alice, &["presence:OPS"], Some(0)).await;
    let missed = resumed.next_of_kind("presence-changed").await;
    assert_eq!(
        (missed.data["user"].clone(), missed.data["online"].clone()),
        (json!("alice"), json!(true))
    );
}

#[tokio::test]
async fn pl_7_the_openapi_document_is_served() {
    let site = TestSite::start();
    let (status, doc) = site.anonymous().get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/projects/{project}/presence/online"]["post"].is_object());
}

#[tokio::test]
async fn pl_7_the_openapi_document_passes_an_openapi_validator() {
    // openapi-spec-validator (PyPI), the validator OpenAPI's own tooling lists; `.ci/run`
    // installs it, and under CI a missing validator is a failure, never a skip.
    let present = std::process::Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .status()
        .is_ok_and(|status| status.success());
    if !present {
        let message = "openapi-spec-validator is missing (python3 -m pip install openapi-spec-validator)";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{message}; CI must validate the document"
        );
        eprintln!("{message}: not validated");
        return;
    }
    let site = TestSite::start();
    let (status, doc) = site.anonymous().get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let checked = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "the validator refuses the document:\n{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
}

#[tokio::test]
async fn pl_7_a_stream_ends_when_its_session_or_access_ends() {
    let site = TestSite::start();
    let paula = site.login("paula").await;
    let alice = site.login("alice").await;
    let sam = site.login("sam").await;
    let mut paula_stream = site.stream(&paula, &["presence:SUP"], None).await;
    let mut alice_stream = site.stream(&alice, &["presence:SUP"], None).await;
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
    let site = TestSite::start();
    let bob = site.login("bob").await;
    let mut stream = site.stream(&bob, &["presence:SUP"], Some(999_999)).await;
    let reset = stream.next_event().await.expect("a reset event");
    assert_eq!(reset.kind, "reset");
    assert_eq!(reset.data["reason"], "unknown-event-id");
    // The stream goes on from now.
    site.login("alice")
        .await
        .post("/api/v1/projects/SUP/presence/online", json!({}))
        .await;
    assert_eq!(stream.next_of_kind("presence-changed").await.data["user"], "alice");
}

#[tokio::test]
async fn pl_7_a_topic_named_twice_is_followed_once() {
    let site = TestSite::start();
    let bob = site.login("bob").await;
    let mut stream = site
        .stream(&bob, &["presence:SUP", "presence:SUP", "chat-status:SUP"], None)
        .await;
    site.login("alice")
        .await
        .post("/api/v1/projects/SUP/presence/online", json!({}))
        .await;
    let first = stream.next_of_kind("presence-changed").await;
    assert_eq!(first.data["user"], "alice");
    assert_eq!(stream.next_of_kind("chat-status").await.data["online"], true);
    assert!(
        stream.next_event_within(Duration::from_millis(500)).await.is_none(),
        "the change came once"
    );
}

#[tokio::test]
async fn pl_7_streams_end_as_soon_as_access_or_the_session_ends_not_at_the_next_check() {
    // Periodic checks every five minutes: only the event-driven path can end these streams.
    let site = TestSite::start_with(&["--stream-recheck-secs", "300"]);
    let paula = site.login("paula").await;
    let alice = site.login("alice").await;
    let sam = site.login("sam").await;
    let mut paula_stream = site.stream(&paula, &["presence:SUP"], None).await;
    let mut alice_stream = site.stream(&alice, &["presence:SUP"], None).await;
    sam.put("/api/v1/directory/projects/SUP/roles/paula", json!({ "roles": [] }))
        .await;
    assert!(
        paula_stream.ends_within(Duration::from_secs(5)).await,
        "her access ended"
    );
    alice.post("/api/v1/auth/logout", json!({})).await;
    assert!(
        alice_stream.ends_within(Duration::from_secs(5)).await,
        "her session ended"
    );
    let (status, _) = alice.get("/api/v1/presence/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn pl_7_a_client_that_sends_its_headers_too_slowly_is_disconnected() {
    use std::io::{Read, Write};
    let site = TestSite::start_with(&["--header-timeout-secs", "1"]);
    let address = site.host.base_url.trim_start_matches("http://").to_string();
    let (read, waited) = tokio::task::spawn_blocking(move || {
        let mut slow = std::net::TcpStream::connect(&address).unwrap();
        slow.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        // Half a request, and then nothing.
        slow.write_all(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        let started = std::time::Instant::now();
        let mut buffer = Vec::new();
        let read = slow.read_to_end(&mut buffer);
        (read.map(|_| buffer), started.elapsed())
    })
    .await
    .unwrap();
    let closed = match &read {
        Ok(answer) => answer.is_empty() || answer.starts_with(b"HTTP/1.1 408"),
        Err(err) => err.kind() == std::io::ErrorKind::ConnectionReset,
    };
    assert!(closed, "the server closed the connection: {read:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    // Others are served meanwhile.
    let (status, _) = site.anonymous().get("/api/v1/projects/SUP/chat-status").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn pl_7_behind_a_tls_proxy_the_session_cookie_is_secure() {
    let site = TestSite::start_with(&["--trusted-proxy", "127.0.0.1"]);
    let login = |proto: Option<&'static str>| {
        let mut request = reqwest::Client::new()
            .post(site.url("/api/v1/auth/login"))
            .json(&json!({ "user": "alice", "password": "demo" }));
        if let Some(proto) = proto {
            request = request.header("x-forwarded-proto", proto);
        }
        request.send()
    };
    let cookie = |response: &reqwest::Response| response.headers()["set-cookie"].to_str().unwrap().to_string();
    let over_tls = login(Some("https")).await.unwrap();
    assert!(cookie(&over_tls).ends_with("; Secure"), "{}", cookie(&over_tls));
    let plain = login(None).await.unwrap();
    assert!(!cookie(&plain).contains("Secure"), "{}", cookie(&plain));

    let untrusted = TestSite::start();
    let claimed = reqwest::Client::new()
        .post(untrusted.url("/api/v1/auth/login"))
        .header("x-forwarded-proto", "https")
        .json(&json!({ "user": "alice", "password": "demo" }))
        .send()
        .await
        .unwrap();
    assert!(
        !cookie(&claimed).contains("Secure"),
        "only a trusted proxy's word counts"
    );
}

#[tokio::test]
async fn pl_8_behind_a_tls_proxy_browsers_are_told_to_keep_to_https_when_the_operator_asks() {
    let site = TestSite::start_with(&["--trusted-proxy", "127.0.0.1", "--hsts-max-age-secs", "31536000"]);
    let client = reqwest::Client::new();
    let over_tls = client
        .get(site.url("/login"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert_eq!(
        over_tls.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    let plain = client.get(site.url("/login")).send().await.unwrap();
    assert!(
        plain.headers().get("strict-transport-security").is_none(),
        "not over plain HTTP"
    );
    let default_site = TestSite::start_with(&["--trusted-proxy", "127.0.0.1"]);
    let not_asked = client
        .get(default_site.url("/login"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert!(
        not_asked.headers().get("strict-transport-security").is_none(),
        "off unless asked for"
    );
}
