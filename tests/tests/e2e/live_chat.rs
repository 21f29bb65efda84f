//! Live chat end to end: the host binary with the real plugin component, over HTTP and the
//! push stream (SPEC LC-1 … LC-4, LC-7, LC-9, PR-11).

use std::time::Duration;

use helpdesk_e2e::TestSite;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub(crate) const TOKEN_A: &str = "visitor-token-aaaaaaaaaaaaaaaaaaaa";
pub(crate) const TOKEN_B: &str = "visitor-token-bbbbbbbbbbbbbbbbbbbb";

/// A first message; nobody is online in most tests, so it leaves an address (LC-10).
pub(crate) fn start(client_id: &str, body: &str) -> Value {
    json!({ "client_id": client_id, "body": body, "page_url": "https://shop.example/cart", "email": "visitor@example.test" })
}

pub(crate) fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

/// Lets the widget run on `sites` (besides the portal).
pub(crate) async fn allow_sites(site: &TestSite, sites: &[&str]) {
    let paula = site.login("paula").await;
    let (status, saved) = paula
        .put(
            "/api/v1/projects/SUP/chat/widget-settings",
            json!({
                "portal": true, "external": true, "allowed_sites": sites, "anonymous": true,
                "registration": false, "login_blocked_groups": [], "welcome_override": null, "greeting": null
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
}

#[tokio::test]
async fn lc_9_pr_11_a_visitor_and_an_offline_agent_chat_live_until_the_visitor_ends_it() {
    let site = TestSite::start();
    let bob = site.login("bob").await;
    let mut inbox = site.stream(&bob, &["inbox:SUP"], None).await;
    let visitor = site.visitor(TOKEN_A, None);
    let (status, widget) = visitor.get("/api/v1/projects/SUP/chat/widget").await;
    assert_eq!(status, StatusCode::OK, "{widget}");
    assert_eq!(
        (widget["chat_online"].clone(), widget["may_start"].clone()),
        (json!(false), json!(true))
    );

    let (status, conv) = visitor
        .post(
            "/api/v1/projects/SUP/chat/conversations",
            start("m1", "Where is my parcel?"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{conv}");
    let id = conv["id"].as_str().unwrap().to_string();
    assert_eq!(conv["customer"]["name"], "Anonymous Chat User #1");
    let request = inbox.next_of_kind("conversation-updated").await;
    assert_eq!(
        request.data["id"],
        id.as_str(),
        "the offline agent sees the request at once (PR-11)"
    );
    let counts = inbox.next_of_kind("inbox-counts").await;
    assert_eq!(counts.data["unassigned"], 1);

    let topic = format!("conversation:{id}");
    let mut customer_side = site.stream(&visitor, &[&topic], None).await;
    let mut agent_side = site.stream(&bob, &[&topic], None).await;
    let (status, _) = bob
        .post(
            &format!("/api/v1/chat/conversations/{id}/typing"),
            json!({ "typing": true }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let typing = customer_side.next_of_kind("typing").await;
    assert_eq!(
        (typing.data["name"].clone(), typing.data["typing"].clone()),
        (json!("Bob Agent"), json!(true))
    );
    assert_eq!(typing.id, None, "typing is never stored: it has no event id");

    let (status, reply) = bob
        .post(
            &format!("/api/v1/chat/conversations/{id}/messages"),
            json!({ "client_id": "a1", "body": "On its way!" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let received = customer_side.next_of_kind("chat-message").await;
    assert_eq!(
        (received.data["seq"].clone(), received.data["author_name"].clone()),
        (json!(2), json!("Bob Agent"))
    );

    visitor
        .post(
            &format!("/api/v1/chat/conversations/{id}/messages"),
            json!({ "client_id": "m2", "body": "Thanks" }),
        )
        .await;
    assert_eq!(
        agent_side.next_of_kind("chat-message").await.data["body"],
        "On its way!",
        "one order for all"
    );
    let received = agent_side.next_of_kind("chat-message").await;
    assert_eq!(received.data["body"], "Thanks");
    let (status, seen) = bob
        .post(&format!("/api/v1/chat/conversations/{id}/seen"), json!({ "seq": 3 }))
        .await;
    assert_eq!((status, seen["seen_by_agents"].clone()), (StatusCode::OK, json!(3)));

    let (status, ended) = visitor
        .post(&format!("/api/v1/chat/conversations/{id}/end"), json!({}))
        .await;
    assert_eq!((status, ended["status"].clone()), (StatusCode::OK, json!("ended")));
    let (status, body) = bob
        .post(
            &format!("/api/v1/chat/conversations/{id}/messages"),
            json!({ "client_id": "a2", "body": "Hello?" }),
        )
        .await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "conflict"));

    let (_, history) = visitor.get(&format!("/api/v1/chat/conversations/{id}/messages")).await;
    let bodies: Vec<_> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        bodies,
        [
            "Where is my parcel?",
            "On its way!",
            "Thanks",
            "Anonymous Chat User #1 ended the conversation"
        ]
    );
    let (_, mine) = visitor.get("/api/v1/projects/SUP/chat/conversations").await;
    assert_eq!(mine[0]["id"], id.as_str(), "reopening the page shows the conversation");
}

#[tokio::test]
async fn lc_3_only_allowed_web_sites_may_use_the_widget_and_tricky_origins_are_refused() {
    let site = TestSite::start();
    allow_sites(&site, &["https://Shop.Example", "http://127.0.0.2:8081"]).await;
    for allowed in ["https://shop.example", "http://127.0.0.2:8081"] {
        let visitor = site.visitor(TOKEN_A, Some(allowed));
        let (status, body) = visitor.get("/api/v1/projects/SUP/chat/widget").await;
        assert_eq!(status, StatusCode::OK, "{allowed}: {body}");
    }
    for refused in [
        "https://shop.example.evil.net",
        "http://shop.example",
        "https://shop.example:8443",
        "http://127.0.0.2:8082",
        "null",
    ] {
        let visitor = site.visitor(TOKEN_A, Some(refused));
        let (status, body) = visitor
            .post("/api/v1/projects/SUP/chat/conversations", start("m1", "hi"))
            .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::FORBIDDEN, "access_denied"),
            "{refused}: {body}"
        );
    }
    let no_origin = site.anonymous();
    let (status, body) = no_origin
        .client
        .post(site.url("/api/v1/projects/SUP/chat/conversations"))
        .header("x-visitor-token", TOKEN_A)
        .json(&start("m1", "hi"))
        .send()
        .await
        .map(|r| (r.status(), r))
        .unwrap();
    let body: Value = body.json().await.unwrap();
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "a missing Origin: {body}"
    );

    let refused = site
        .visitor(TOKEN_A, Some("https://evil.example"))
        .client
        .get(site.url("/api/v1/stream?topic=inbox:SUP"))
        .send()
        .await
        .unwrap();
    assert_ne!(refused.status(), StatusCode::OK);

    let preflight = reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            site.url("/api/v1/projects/SUP/chat/conversations"),
        )
        .header("origin", "https://shop.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,x-visitor-token")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://shop.example"
    );
    assert!(
        preflight.headers().get("access-control-allow-credentials").is_none(),
        "never with cookies"
    );
}

#[tokio::test]
async fn lc_4_visitors_keep_their_own_conversations_and_need_anonymous_access() {
    let site = TestSite::start();
    let a = site.visitor(TOKEN_A, None);
    let b = site.visitor(TOKEN_B, None);
    let (_, conv) = a
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "mine"))
        .await;
    let id = conv["id"].as_str().unwrap();
    let (status, body) = b.get(&format!("/api/v1/chat/conversations/{id}")).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "not_found"),
        "another visitor's conversation"
    );
    let (status, body) = b
        .post(
            &format!("/api/v1/chat/conversations/{id}/messages"),
            json!({ "client_id": "x", "body": "hi" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let refused = b
        .client
        .get(site.url(&format!("/api/v1/stream?topic=conversation:{id}")))
        .send()
        .await
        .unwrap();
    assert_ne!(refused.status(), StatusCode::OK);
    let (_, again) = a.get("/api/v1/projects/SUP/chat/conversations").await;
    assert_eq!(again.as_array().unwrap().len(), 1, "the same token continues");

    let paula = site.login("paula").await;
    let (_, mut settings) = paula.get("/api/v1/projects/SUP/chat/widget-settings").await;
    settings["anonymous"] = json!(false);
    let (status, _) = paula.put("/api/v1/projects/SUP/chat/widget-settings", settings).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = b
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "hi"))
        .await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "access_denied"));
    assert!(body["error"]["message"].as_str().unwrap().contains("log in"));
}

#[tokio::test]
async fn lc_4_visitors_are_rate_limited_each_and_per_address_behind_a_trusted_proxy() {
    let site = TestSite::start_with(&["--trusted-proxy", "127.0.0.1"]);
    let token = |n: u32| format!("visitor-token-rate-limit-{n:06}");
    let one = site.visitor_from(&token(0), "198.51.100.7");
    let (_, conv) = one
        .post("/api/v1/projects/SUP/chat/conversations", start("m0", "first"))
        .await;
    let id = conv["id"].as_str().unwrap().to_string();
    let mut refused = None;
    for n in 1..=40 {
        let (status, body) = one
            .post(
                &format!("/api/v1/chat/conversations/{id}/messages"),
                json!({ "client_id": format!("m{n}"), "body": "spam" }),
            )
            .await;
        if status != StatusCode::OK {
            refused = Some((n, status, body));
            break;
        }
    }
    let (n, status, body) = refused.expect("a visitor cannot send 40 messages a minute");
    assert_eq!(
        (n, status, code(&body)),
        (31, StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert!(
        body["error"]["message"].as_str().unwrap().contains("try again"),
        "{body}"
    );

    // Many visitors behind one address (one office, one mobile network) share a larger limit.
    let mut started = 1;
    let last = loop {
        let visitor = site.visitor_from(&token(started), "198.51.100.7");
        let response = visitor
            .client
            .post(site.url("/api/v1/projects/SUP/chat/conversations"))
            .json(&start("m0", "hello"))
            .send()
            .await
            .unwrap();
        if response.status() != StatusCode::OK || started > 30 {
            break response;
        }
        started += 1;
    };
    assert_eq!((started, last.status()), (20, StatusCode::TOO_MANY_REQUESTS));
    let retry_after: u64 = last.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry_after), "Retry-After: {retry_after}");
    let body: Value = last.json().await.unwrap();
    assert!(
        body["error"]["message"].as_str().unwrap().contains("network address"),
        "{body}"
    );

    let elsewhere = site.visitor_from(&token(99), "198.51.100.8");
    let (status, body) = elsewhere
        .post("/api/v1/projects/SUP/chat/conversations", start("m0", "hello"))
        .await;
    assert_eq!(status, StatusCode::OK, "another address is not held back: {body}");
    let (_, mine) = site
        .visitor_from(&token(started), "198.51.100.7")
        .get("/api/v1/projects/SUP/chat/conversations")
        .await;
    assert_eq!(mine, json!([]), "the refused start stored nothing");
}

#[tokio::test]
async fn lc_9_a_retried_message_is_stored_once_and_bad_input_is_refused() {
    let site = TestSite::start();
    let visitor = site.visitor(TOKEN_A, None);
    let (_, conv) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "hi"))
        .await;
    let id = conv["id"].as_str().unwrap();
    let path = format!("/api/v1/chat/conversations/{id}/messages");
    let html = "<script>alert(1)</script>";
    let (_, first) = visitor.post(&path, json!({ "client_id": "m2", "body": html })).await;
    let (_, retry) = visitor.post(&path, json!({ "client_id": "m2", "body": html })).await;
    assert_eq!(first, retry);
    assert_eq!(first["body"], html, "stored as the text it is");
    let (status, body) = visitor.post(&path, json!({ "client_id": "m2", "body": "other" })).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "conflict"));
    for bad in [
        json!({ "client_id": "m3", "body": "x".repeat(4001) }),
        json!({ "client_id": "m3", "body": "\u{202E}" }),
        json!({ "client_id": "", "body": "x" }),
    ] {
        let (status, body) = visitor.post(&path, bad).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "invalid"), "{body}");
    }
    let (_, page) = visitor.get(&path).await;
    assert_eq!(
        page["messages"].as_array().unwrap().len(),
        2,
        "one message per client id"
    );
}

#[tokio::test]
async fn pr_11_only_agents_and_admins_of_the_project_read_its_inbox() {
    let site = TestSite::start();
    let visitor = site.visitor(TOKEN_A, None);
    visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "hi"))
        .await;
    let bob = site.login("bob").await;
    let (status, inbox) = bob.get("/api/v1/projects/SUP/chat/inbox?view=unassigned").await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    assert_eq!(inbox["conversations"].as_array().unwrap().len(), 1);
    assert_eq!(inbox["counts"]["unassigned"], 1);
    for (user, project) in [("cora", "SUP"), ("tom", "SUP"), ("bob", "OPS")] {
        let client = site.login(user).await;
        let (status, body) = client.get(&format!("/api/v1/projects/{project}/chat/inbox")).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::FORBIDDEN, "access_denied"),
            "{user} in {project}"
        );
    }
    let (status, _) = site.anonymous().get("/api/v1/projects/SUP/chat/inbox").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = bob.get("/api/v1/projects/SUP/chat/widget-settings").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "agents do not configure the widget"
    );
}

#[tokio::test]
async fn lc_11_an_agent_turns_a_conversation_into_an_issue_with_its_transcript() {
    let site = TestSite::start();
    let visitor = site.visitor(TOKEN_A, None);
    let (_, conv) = visitor
        .post(
            "/api/v1/projects/SUP/chat/conversations",
            start("m1", "The printer is on fire"),
        )
        .await;
    let id = conv["id"].as_str().unwrap();
    let bob = site.login("bob").await;
    bob.post(
        &format!("/api/v1/chat/conversations/{id}/messages"),
        json!({ "client_id": "a1", "body": "Calling the fire brigade" }),
    )
    .await;
    let (status, body) = visitor
        .post(&format!("/api/v1/chat/conversations/{id}/issue"), json!({}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "customers do not make issues: {body}");
    let (status, linked) = bob
        .post(&format!("/api/v1/chat/conversations/{id}/issue"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{linked}");
    let key = linked["issue"].as_str().unwrap().to_string();
    let (_, issue) = bob.get(&format!("/api/v1/issues/{key}")).await;
    assert_eq!(
        issue["summary"],
        "Chat with Anonymous Chat User #1: The printer is on fire"
    );
    let (_, history) = bob.get(&format!("/api/v1/issues/{key}/history")).await;
    let entry = &history.as_array().unwrap()[0];
    let transcript = entry["body"].as_str().unwrap();
    assert!(
        transcript.starts_with(&format!("Chat conversation {id} with Anonymous Chat User #1")),
        "{transcript}"
    );
    assert!(
        transcript.contains("Bob Agent: Calling the fire brigade"),
        "{transcript}"
    );
    assert_eq!(
        (entry["kind"].as_str(), entry["author"].as_str()),
        (Some("change"), Some("bob"))
    );
    let (_, seen) = visitor.get(&format!("/api/v1/chat/conversations/{id}")).await;
    assert_eq!(seen["issue"], key.as_str(), "the conversation links to the issue");
}

#[tokio::test]
async fn lc_7_site_admins_translate_the_welcome_and_visitors_get_their_language() {
    let site = TestSite::start();
    let sam = site.login("sam").await;
    let (status, texts) = sam
        .put(
            "/api/v1/chat/welcome-texts/de",
            json!({ "text": "Willkommen! <b>Fragen?</b>" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{texts}");
    let (status, body) = site.login("paula").await.get("/api/v1/chat/welcome-texts").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "site admins only"
    );
    let (_, german) = site
        .visitor(TOKEN_A, None)
        .get_in_language("/api/v1/projects/SUP/chat/widget", "de-CH,de;q=0.9,en;q=0.5")
        .await;
    assert_eq!(german["welcome"], "Willkommen! <b>Fragen?</b>", "kept as text");
    let (status, body) = sam.put("/api/v1/chat/welcome-texts/DE", json!({ "text": "x" })).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "invalid"));
    let paula = site.login("paula").await;
    let (_, mut settings) = paula.get("/api/v1/projects/SUP/chat/widget-settings").await;
    settings["welcome_override"] = json!("Support is here");
    paula.put("/api/v1/projects/SUP/chat/widget-settings", settings).await;
    let (_, overridden) = site
        .visitor(TOKEN_A, None)
        .get_in_language("/api/v1/projects/SUP/chat/widget", "de")
        .await;
    assert_eq!(
        overridden["welcome"], "Support is here",
        "the project's override wins in every language"
    );
}

#[tokio::test]
async fn lc_9_typing_is_never_stored_and_a_flood_of_it_is_refused() {
    let site = TestSite::start();
    let visitor = site.visitor(TOKEN_A, None);
    let (_, conv) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "Hello"))
        .await;
    let id = conv["id"].as_str().unwrap().to_string();
    let topic = format!("conversation:{id}");
    let mut statuses = Vec::new();
    for n in 0..40 {
        let (status, _) = visitor
            .post(
                &format!("/api/v1/chat/conversations/{id}/typing"),
                json!({ "typing": n % 2 == 0 }),
            )
            .await;
        statuses.push(status);
    }
    assert_eq!(statuses[0], StatusCode::NO_CONTENT);
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "a flood of typing notices is refused: {statuses:?}"
    );
    // Resuming from the start gives the conversation, never anyone typing.
    let bob = site.login("bob").await;
    let mut resumed = site.stream(&bob, &[&topic], Some(0)).await;
    let mut kinds = Vec::new();
    while let Some(event) = resumed.next_event_within(Duration::from_millis(500)).await {
        kinds.push(event.kind);
    }
    assert!(kinds.iter().any(|k| k == "chat-message"), "{kinds:?}");
    assert!(!kinds.iter().any(|k| k == "typing"), "{kinds:?}");
}
