//! Who a customer is in the widget, end to end: registering (LC-5), logging in with blocked
//! groups and throttling (LC-6), and a site's own logged-in users passed with a token
//! signed under the project's identity secret.

use helpdesk_e2e::TestSite;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::live_chat::{TOKEN_A, TOKEN_B, allow_sites, code};

/// What a site's server makes for its logged-in user: a JSON Web Token signed with HS256
/// under the project's identity secret, valid for an hour of the host's clock (`now_ms`).
pub(crate) fn identity_token(secret: &str, claims: Value) -> String {
    use base64::Engine as _;
    use hmac::Mac;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let signing_input = format!(
        "{}.{}",
        b64(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes())
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    format!("{signing_input}.{}", b64(&mac.finalize().into_bytes()))
}

/// Claims naming a user, expiring in an hour (of the real clock, which the host's starts at).
pub(crate) fn user_claims(id: &str, name: &str, email: &str) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    json!({ "sub": id, "name": name, "email": email, "exp": now + 3600 })
}

#[tokio::test]
async fn lc_4_an_allowed_site_passes_its_logged_in_user_with_a_signed_token() {
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

    let jane_claims = user_claims("shop-user-42", "Jane Shopper", "jane@shop.example");
    let jane = |secret: &str| json!({ "token": identity_token(secret, jane_claims.clone()) });
    let laptop = site.visitor(TOKEN_A, Some("https://shop.example"));
    let (status, body) = laptop.post("/api/v1/projects/SUP/chat/identify", jane("guess")).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "{body}"
    );
    // Mallory keeps Jane's signature but names herself and her own address.
    let good = identity_token(&secret, jane_claims.clone());
    let mut mallory = jane_claims.clone();
    mallory["name"] = json!("Mallory");
    mallory["email"] = json!("mallory@evil.net");
    let forged_claims = identity_token(&secret, mallory);
    let forged = format!(
        "{}.{}.{}",
        good.split('.').next().unwrap(),
        forged_claims.split('.').nth(1).unwrap(),
        good.split('.').nth(2).unwrap()
    );
    let (status, body) = laptop
        .post("/api/v1/projects/SUP/chat/identify", json!({ "token": forged }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "{body}"
    );
    let mut expired = jane_claims.clone();
    expired["exp"] = json!(1_000_000_000);
    let (status, body) = laptop
        .post(
            "/api/v1/projects/SUP/chat/identify",
            json!({ "token": identity_token(&secret, expired) }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an expired token: {body}");
    let (status, view) = laptop.post("/api/v1/projects/SUP/chat/identify", jane(&secret)).await;
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
    phone.post("/api/v1/projects/SUP/chat/identify", jane(&secret)).await;
    let (_, mine) = phone.get("/api/v1/projects/SUP/chat/conversations").await;
    assert_eq!(
        mine[0]["id"], conv["id"],
        "her conversation follows her to another browser"
    );

    let elsewhere = site.visitor("visitor-token-cccccccccccccccccccc", Some("https://evil.example"));
    let (status, _) = elsewhere
        .post("/api/v1/projects/SUP/chat/identify", jane(&secret))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only on allowed sites");

    let (_, off) = paula
        .put("/api/v1/projects/SUP/chat/identity-secret", json!({ "enabled": false }))
        .await;
    assert_eq!(off, json!({ "secret": null }));
    let (status, _) = site
        .visitor("visitor-token-dddddddddddddddddddd", Some("https://shop.example"))
        .post("/api/v1/projects/SUP/chat/identify", jane(&secret))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "verification switched off");
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
    let (status, started) = widget
        .post(
            "/api/v1/projects/SUP/chat/register",
            register("Vera@Example.test", "long enough"),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    assert_eq!(started["to"], "Vera@Example.test");
    let sam = site.login("sam").await;
    let (_, outbox) = sam.get("/api/v1/admin/outbox").await;
    let mailed_code = outbox[0]["subject"]
        .as_str()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    let confirm = |code: &str| json!({ "registration": started["registration"], "code": code });
    let (status, body) = widget
        .post("/api/v1/projects/SUP/chat/register/confirm", confirm("999999x"))
        .await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "invalid"), "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("4 tries left"),
        "{body}"
    );
    let (status, answer) = widget
        .post("/api/v1/projects/SUP/chat/register/confirm", confirm(&mailed_code))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        (answer["user"]["id"].as_str(), answer["user"]["member"].as_bool()),
        (Some("vera"), Some(false)),
        "a portal customer"
    );

    // Registering a known address answers the same, and tells the address's owner by mail.
    let (status, again) = widget
        .post(
            "/api/v1/projects/SUP/chat/register",
            register("vera@example.test", "long enough"),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::ACCEPTED,
        "the answer does not tell that it is known: {again}"
    );
    let (_, outbox) = sam.get("/api/v1/admin/outbox").await;
    assert!(
        outbox[0]["body"].as_str().unwrap().contains("already has an account"),
        "{}",
        outbox[0]
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
async fn lc_6_a_widget_login_is_good_for_the_widget_only() {
    let site = TestSite::start();
    let widget = site.visitor(TOKEN_A, None);
    // A site admin logs in through the widget: the token is a customer's in SUP's chat.
    let (status, answer) = widget
        .post(
            "/api/v1/projects/SUP/chat/login",
            json!({ "user": "sam", "password": "demo" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let token = answer["token"].as_str().unwrap().to_string();
    let with_token = |method: reqwest::Method, path: &str| {
        widget
            .client
            .request(method, site.url(path))
            .bearer_auth(&token)
            .header("content-type", "application/json")
    };
    for path in [
        "/api/v1/me",
        "/api/v1/admin/outbox",
        "/api/v1/directory/users",
        "/api/v1/team-chat/chats",
        "/api/v1/projects/SUP/presence",
        "/api/v1/projects/SUP/chat/inbox",
        "/api/v1/projects/SUP/chat/widget-settings",
    ] {
        let response = with_token(reqwest::Method::GET, path).send().await.unwrap();
        let status = response.status();
        assert!(
            status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN,
            "{path} refuses a widget session: {status}"
        );
    }
    let response = with_token(reqwest::Method::POST, "/api/v1/projects/SUP/presence/online")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "no staff action either");
    let stream = widget
        .client
        .get(site.url(&format!("/api/v1/stream?topic=presence:SUP&access_token={token}")))
        .send()
        .await
        .unwrap();
    assert!(stream.status().is_client_error(), "no staff topic on the stream");

    // In the widget the session works: sam chats as a customer.
    let response = with_token(reqwest::Method::POST, "/api/v1/projects/SUP/chat/conversations")
        .body(json!({ "client_id": "m1", "body": "Testing the widget", "page_url": null, "email": null }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let conv: Value = response.json().await.unwrap();
    assert_eq!(conv["customer"]["user"], "sam");
    let (status, _) = site.login("sam").await.get("/api/v1/admin/outbox").await;
    assert_eq!(status, StatusCode::OK, "sam's own site login still has his rights");
}
