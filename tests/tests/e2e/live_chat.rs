//! Live chat end to end: the host binary with the real plugin component, over HTTP and the
//! push stream (SPEC LC-1 … LC-4, LC-7, LC-9, PR-11).

use helpdesk_e2e::TestSite;
use helpdesk_e2e::wait::eventually;
use reqwest::StatusCode;
use serde_json::{Value, json};

const TOKEN_A: &str = "visitor-token-aaaaaaaaaaaaaaaaaaaa";
const TOKEN_B: &str = "visitor-token-bbbbbbbbbbbbbbbbbbbb";

/// A first message; nobody is online in most tests, so it leaves an address (LC-10).
fn start(client_id: &str, body: &str) -> Value {
    json!({ "client_id": client_id, "body": body, "page_url": "https://shop.example/cart", "email": "visitor@example.test" })
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

/// Lets the widget run on `sites` (besides the portal).
async fn allow_sites(site: &TestSite, sites: &[&str]) {
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
async fn lc_9_a_customer_asks_for_the_transcript_and_it_waits_in_the_outbox() {
    let site = TestSite::start();
    let visitor = site.visitor(TOKEN_A, None);
    let (_, conv) = visitor
        .post(
            "/api/v1/projects/SUP/chat/conversations",
            start("m1", "Is <b>this</b> plain?"),
        )
        .await;
    let id = conv["id"].as_str().unwrap().to_string();
    let bob = site.login("bob").await;
    bob.post(
        &format!("/api/v1/chat/conversations/{id}/messages"),
        json!({ "client_id": "a1", "body": "Yes, plain text." }),
    )
    .await;
    let path = format!("/api/v1/chat/conversations/{id}/transcript");

    let (status, sent) = visitor.post(&path, json!({})).await;
    assert_eq!(
        (status, sent),
        (StatusCode::OK, json!({ "to": "visitor@example.test" }))
    );
    let (status, body) = visitor.post(&path, json!({ "email": "someone@else.test" })).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid"),
        "only to the known address"
    );
    let (status, body) = bob.post(&path, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "access_denied"));
    let (status, body) = site.visitor(TOKEN_B, None).post(&path, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));

    let sam = site.login("sam").await;
    let (_, outbox) = sam.get("/api/v1/admin/outbox").await;
    let transcript = &outbox[0];
    assert_eq!(transcript["subject"], "Your chat with Customer Support");
    assert_eq!(transcript["to"], json!(["visitor@example.test"]));
    let text = transcript["body"].as_str().unwrap();
    assert!(text.contains("Anonymous Chat User #1: Is <b>this</b> plain?"), "{text}");
    assert!(text.contains("Bob Agent: Yes, plain text."), "{text}");

    visitor.post(&path, json!({})).await;
    visitor.post(&path, json!({})).await;
    let (status, body) = visitor.post(&path, json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        "{body}"
    );
}

/// What a site's server computes for its logged-in user: the hex HMAC-SHA256 of their id.
fn identity_hash(secret: &str, id: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn lc_4_an_allowed_site_passes_its_logged_in_user_with_an_identity_hash() {
    let site = TestSite::start();
    allow_sites(&site, &["https://shop.example"]).await;
    let paula = site.login("paula").await;
    let (status, body) = paula.get("/api/v1/projects/SUP/chat/identity-secret").await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "secret": null })));
    let (status, on) = paula
        .put("/api/v1/projects/SUP/chat/identity-secret", json!({ "enabled": true }))
        .await;
    assert_eq!(status, StatusCode::OK, "{on}");
    let secret = on["secret"].as_str().unwrap().to_string();
    let (status, body) = site
        .login("bob")
        .await
        .get("/api/v1/projects/SUP/chat/identity-secret")
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "agents do not see it"
    );

    let jane = |hash: &str| json!({ "user": { "id": "shop-user-42", "name": "Jane Shopper", "email": "jane@shop.example", "hash": hash } });
    let laptop = site.visitor(TOKEN_A, Some("https://shop.example"));
    let (status, body) = laptop
        .post(
            "/api/v1/projects/SUP/chat/identify",
            jane(&identity_hash("guess", "shop-user-42")),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "{body}"
    );
    let (status, view) = laptop
        .post(
            "/api/v1/projects/SUP/chat/identify",
            jane(&identity_hash(&secret, "shop-user-42")),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["customer_name"], "Jane Shopper");
    let (_, conv) = laptop
        .post(
            "/api/v1/projects/SUP/chat/conversations",
            json!({ "client_id": "m1", "body": "Hello from my laptop" }),
        )
        .await;
    assert_eq!(
        (conv["customer"]["name"].clone(), conv["customer"]["email"].clone()),
        (json!("Jane Shopper"), json!("jane@shop.example")),
        "agents see who she is: {conv}"
    );

    let phone = site.visitor(TOKEN_B, Some("https://shop.example"));
    phone
        .post(
            "/api/v1/projects/SUP/chat/identify",
            jane(&identity_hash(&secret, "shop-user-42")),
        )
        .await;
    let (_, mine) = phone.get("/api/v1/projects/SUP/chat/conversations").await;
    assert_eq!(
        mine[0]["id"], conv["id"],
        "her conversation follows her to another browser"
    );

    let elsewhere = site.visitor("visitor-token-cccccccccccccccccccc", Some("https://evil.example"));
    let (status, _) = elsewhere
        .post(
            "/api/v1/projects/SUP/chat/identify",
            jane(&identity_hash(&secret, "shop-user-42")),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only on allowed sites");

    let (_, off) = paula
        .put("/api/v1/projects/SUP/chat/identity-secret", json!({ "enabled": false }))
        .await;
    assert_eq!(off, json!({ "secret": null }));
    let (status, _) = site
        .visitor("visitor-token-dddddddddddddddddddd", Some("https://shop.example"))
        .post(
            "/api/v1/projects/SUP/chat/identify",
            jane(&identity_hash(&secret, "shop-user-42")),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "verification switched off");
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
async fn lc_10_an_offline_message_is_answered_by_mail_through_the_outbox_kept_across_restarts() {
    let site = TestSite::start();
    let visitor = site.visitor(TOKEN_A, None);
    let (status, body) = visitor
        .post(
            "/api/v1/projects/SUP/chat/conversations",
            json!({ "client_id": "m1", "body": "Hello?", "page_url": null, "email": null }),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid"),
        "nobody online, no address: {body}"
    );
    let (_, widget) = visitor.get("/api/v1/projects/SUP/chat/widget").await;
    assert_eq!(widget["chat_online"], false, "the widget says nobody is online");
    let (status, conv) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "Hello?"))
        .await;
    assert_eq!(
        (status, conv["offline"].clone()),
        (StatusCode::OK, json!(true)),
        "{conv}"
    );
    let id = conv["id"].as_str().unwrap().to_string();

    let bob = site.login("bob").await;
    let (status, _) = bob
        .post(
            &format!("/api/v1/chat/conversations/{id}/messages"),
            json!({ "client_id": "a1", "body": "Here now: how can I help?" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let site = site.restart();
    let sam = site.login("sam").await;
    let (status, outbox) = sam.get("/api/v1/admin/outbox").await;
    assert_eq!(status, StatusCode::OK, "{outbox}");
    let mail = &outbox[0];
    assert_eq!(mail["to"], json!(["visitor@example.test"]));
    assert!(
        mail["subject"].as_str().unwrap().contains("Bob Agent answered"),
        "{mail}"
    );
    assert!(
        mail["body"].as_str().unwrap().contains("Here now: how can I help?"),
        "{mail}"
    );
    let (status, _) = site.login("paula").await.get("/api/v1/admin/outbox").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "site admins only");

    let visitor = site.visitor(TOKEN_A, None);
    let (_, mine) = visitor.get("/api/v1/projects/SUP/chat/conversations").await;
    assert_eq!(
        mine[0]["id"],
        id.as_str(),
        "the customer comes back to the same conversation"
    );
    assert_eq!(mine[0]["unread_for_customer"], 1);
}

#[tokio::test]
async fn lc_6_widget_logins_refuse_blocked_groups_like_a_wrong_password_and_are_throttled() {
    let site = TestSite::start();
    let paula = site.login("paula").await;
    let (_, mut settings) = paula.get("/api/v1/projects/SUP/chat/widget-settings").await;
    settings["login_blocked_groups"] = json!(["site-admins"]);
    let (status, body) = paula.put("/api/v1/projects/SUP/chat/widget-settings", settings).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let widget = site.visitor(TOKEN_A, None);
    let login = |user: &str, password: &str| json!({ "user": user, "password": password });
    let (right_status, right) = widget
        .post("/api/v1/projects/SUP/chat/login", login("sam", "demo"))
        .await;
    let (wrong_status, wrong) = widget
        .post("/api/v1/projects/SUP/chat/login", login("sam", "nope"))
        .await;
    assert_eq!(
        (right_status, wrong_status),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(
        right["error"]["code"], wrong["error"]["code"],
        "the same answer whether the password was right"
    );
    assert_eq!(right["error"]["message"], wrong["error"]["message"]);
    let (status, _) = site.anonymous().post("/api/v1/auth/login", login("sam", "demo")).await;
    assert_eq!(status, StatusCode::OK, "sam still logs in to the site itself");

    let (status, answer) = widget
        .post("/api/v1/projects/SUP/chat/login", login("cora", "demo"))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let token = answer["token"].as_str().unwrap();
    let (status, conv) = widget
        .client
        .post(site.url("/api/v1/projects/SUP/chat/conversations"))
        .bearer_auth(token)
        .json(&json!({ "client_id": "m1", "body": "Hi, it is Cora", "page_url": null, "email": null }))
        .send()
        .await
        .map(|r| (r.status(), r))
        .unwrap();
    let conv: Value = conv.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{conv}");
    assert_eq!(
        (conv["customer"]["name"].as_str(), conv["customer"]["email"].as_str()),
        (Some("Cora Customer"), Some("cora@customer.test"))
    );

    let foreign = site.visitor(TOKEN_A, Some("https://evil.example"));
    let (status, body) = foreign
        .post("/api/v1/projects/SUP/chat/login", login("cora", "demo"))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "not from a page the project refuses"
    );

    let mut limited = false;
    for _ in 0..12 {
        let (status, _) = widget
            .post("/api/v1/projects/SUP/chat/login", login("tom", "wrong"))
            .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
    }
    assert!(limited, "repeated widget logins for one account are throttled");
}

#[tokio::test]
async fn lc_5_visitors_register_through_the_widget_as_portal_customers_where_allowed() {
    let site = TestSite::start();
    let widget = site.visitor(TOKEN_A, None);
    let register =
        |email: &str, password: &str| json!({ "display_name": "Vera Visitor", "email": email, "password": password });
    let (status, body) = widget
        .post(
            "/api/v1/projects/SUP/chat/register",
            register("vera@example.test", "long enough"),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "off by default: {body}"
    );

    let paula = site.login("paula").await;
    let (_, mut settings) = paula.get("/api/v1/projects/SUP/chat/widget-settings").await;
    settings["registration"] = json!(true);
    paula.put("/api/v1/projects/SUP/chat/widget-settings", settings).await;

    let (status, body) = widget
        .post(
            "/api/v1/projects/SUP/chat/register",
            register("vera@example.test", "short"),
        )
        .await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "invalid"));
    let (status, answer) = widget
        .post(
            "/api/v1/projects/SUP/chat/register",
            register("Vera@Example.test", "long enough"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        (answer["user"]["id"].as_str(), answer["user"]["member"].as_bool()),
        (Some("vera"), Some(false)),
        "a portal customer"
    );
    let (status, body) = widget
        .post(
            "/api/v1/projects/SUP/chat/register",
            register("vera@example.test", "long enough"),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "conflict"),
        "one account per address: {body}"
    );

    let (status, _) = site
        .anonymous()
        .post(
            "/api/v1/auth/login",
            json!({ "user": "vera", "password": "long enough" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the password the customer chose works");
    let token = answer["token"].as_str().unwrap();
    let response = widget
        .client
        .post(site.url("/api/v1/projects/SUP/chat/conversations"))
        .bearer_auth(token)
        .json(&json!({ "client_id": "m1", "body": "Hello, I just registered", "page_url": null, "email": null }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let conv: Value = response.json().await.unwrap();
    assert_eq!(conv["customer"]["name"], "Vera Visitor");
    let foreign = site.visitor(TOKEN_B, Some("https://evil.example"));
    let (status, _) = foreign
        .post(
            "/api/v1/projects/SUP/chat/register",
            register("eve@example.test", "long enough"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not from a page the project refuses");
}

#[tokio::test]
async fn lc_10_the_outbox_is_delivered_over_smtp_and_a_failing_server_keeps_the_mail() {
    let sink = helpdesk_e2e::smtp_sink::SmtpSink::start().await;
    let site = TestSite::start_with(&["--smtp-url", &sink.url, "--mail-from", "Support <support@example.test>"]);
    let visitor = site.visitor(TOKEN_A, None);
    let (_, conv) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "Hello?"))
        .await;
    let id = conv["id"].as_str().unwrap();
    let bob = site.login("bob").await;
    bob.post(
        &format!("/api/v1/chat/conversations/{id}/messages"),
        json!({ "client_id": "a1", "body": "Answered by mail" }),
    )
    .await;
    let mail = eventually("the answer to reach the mail server", || async {
        sink.received.lock().unwrap().first().cloned()
    })
    .await;
    assert_eq!(mail.to, vec!["visitor@example.test".to_string()]);
    assert!(mail.data.contains("Answered by mail"), "{}", mail.data);
    assert!(mail.data.contains("support@example.test"), "{}", mail.data);
    let sam = site.login("sam").await;
    let sent = eventually("the outbox to say sent", || async {
        let (_, outbox) = sam.get("/api/v1/admin/outbox").await;
        (!outbox[0]["sent_ms"].is_null()).then(|| outbox[0].clone())
    })
    .await;
    assert_eq!(sent["attempts"], 1, "{sent}");

    let dead = TestSite::start_with(&["--smtp-url", "smtp://127.0.0.1:9"]);
    let visitor = dead.visitor(TOKEN_A, None);
    let (_, conv) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "Hello?"))
        .await;
    let id = conv["id"].as_str().unwrap();
    dead.login("bob")
        .await
        .post(
            &format!("/api/v1/chat/conversations/{id}/messages"),
            json!({ "client_id": "a1", "body": "Lost?" }),
        )
        .await;
    let sam = dead.login("sam").await;
    let failed = eventually("a failed try in the outbox", || async {
        let (_, outbox) = sam.get("/api/v1/admin/outbox").await;
        (outbox[0]["attempts"].as_i64().unwrap_or(0) >= 1).then(|| outbox[0].clone())
    })
    .await;
    assert!(failed["sent_ms"].is_null(), "{failed}");
    assert!(
        !failed["last_error"].as_str().unwrap_or_default().is_empty(),
        "the reason is kept: {failed}"
    );
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
async fn lc_10_a_mail_server_without_the_tls_asked_for_gets_no_mail_and_the_reason_is_kept() {
    let sink = helpdesk_e2e::smtp_sink::SmtpSink::start().await;
    let smtp_url = format!("{}?tls=required", sink.url);
    let site = TestSite::start_with(&["--smtp-url", &smtp_url]);
    let visitor = site.visitor(TOKEN_A, None);
    let (_, conv) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "Hello?"))
        .await;
    let id = conv["id"].as_str().unwrap();
    site.login("bob")
        .await
        .post(
            &format!("/api/v1/chat/conversations/{id}/messages"),
            json!({ "client_id": "a1", "body": "Private answer" }),
        )
        .await;
    let sam = site.login("sam").await;
    let failed = eventually("a failed try in the outbox", || async {
        let (_, outbox) = sam.get("/api/v1/admin/outbox").await;
        (outbox[0]["attempts"].as_i64().unwrap_or(0) >= 1).then(|| outbox[0].clone())
    })
    .await;
    assert!(failed["sent_ms"].is_null(), "{failed}");
    assert!(
        sink.received.lock().unwrap().is_empty(),
        "STARTTLS is required and the server does not offer it: nothing goes out in the clear"
    );
    assert!(
        !failed["last_error"].as_str().unwrap_or_default().is_empty(),
        "the reason is kept: {failed}"
    );
}
