//! The edge each export declares once in the WIT (SPEC PL-9) holds for the API that the
//! host generates from it: every route the document lists answers as declared, and a
//! read-only route never writes (a write in a read-only call traps, which would answer 5xx).

use helpdesk_e2e::{ApiClient, TestSite};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::live_chat::{TOKEN_A, start};

/// A path of the document with its placeholders filled from `values`.
fn filled(template: &str, values: &[(&str, String)]) -> String {
    values.iter().fold(template.to_string(), |path, (name, value)| {
        path.replace(&format!("{{{name}}}"), value)
    })
}

/// The status of `GET /api/v1<path>` for `client`, whatever the body holds.
async fn status_of(client: &ApiClient, path: &str) -> StatusCode {
    client
        .client
        .get(format!("{}/api/v1{path}", client.base_url))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn pl_9_every_read_only_route_answers_without_writing() {
    let site = TestSite::start();
    let visitor = site.visitor(TOKEN_A, None);
    let (_, conversation) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "Hello"))
        .await;
    let bob = site.login("bob").await;
    let (status, issue_chat) = bob.post("/api/v1/issues/SUP-1/chat", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{issue_chat}");
    let (status, reply) = site
        .login("paula")
        .await
        .post(
            "/api/v1/projects/SUP/chat/canned-replies",
            json!({ "title": "Hi", "shortcut": "hi", "text": "Hi {customer.name}", "personal": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let values = [
        ("project", "SUP".to_string()),
        ("reply", reply["id"].as_str().unwrap().to_string()),
        ("conversation", conversation["id"].as_str().unwrap().to_string()),
        ("chat", issue_chat["id"].as_str().unwrap().to_string()),
        ("issue", "SUP-1".to_string()),
        ("language", "de".to_string()),
        ("seq", "1".to_string()),
    ];
    let (_, doc) = site.anonymous().get("/api/v1/openapi.json").await;
    let callers = [site.login("sam").await, bob, site.login("paula").await, visitor];
    let (mut routes, mut answered) = (0, 0);
    for (template, item) in doc["paths"].as_object().unwrap() {
        // The stream stays open; everything else answers at once.
        if item.get("get").is_none() || template == "/stream" {
            continue;
        }
        routes += 1;
        let path = filled(template, &values);
        assert!(!path.contains('{'), "{template}: a placeholder this test does not fill");
        for caller in &callers {
            let status = status_of(caller, &path).await;
            assert!(
                !status.is_server_error(),
                "GET {path} answered {status}: a read-only route must not write"
            );
            answered += usize::from(status == StatusCode::OK);
        }
    }
    assert!(routes > 30, "{routes} read-only routes");
    assert!(answered > routes, "most routes answer someone: {answered} of {routes}");
}

#[tokio::test]
async fn pl_9_a_bound_route_takes_its_parameters_as_the_wit_declares() {
    let site = TestSite::start();
    let bob = site.login("bob").await;
    // `limit` left out is the plugin's default page; out of range is refused in words.
    let (status, inbox) = bob.get("/api/v1/projects/SUP/chat/inbox").await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    let (status, refused) = bob.get("/api/v1/projects/SUP/chat/inbox?limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(refused["error"]["message"], "limit: from 1 to 200, not 0");
    let (status, refused) = bob.get("/api/v1/projects/SUP/chat/inbox?view=some").await;
    assert_eq!(
        (status, refused["error"]["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid"))
    );
    // A field the function has no parameter for is refused, naming it.
    let (status, refused) = bob
        .post("/api/v1/team-chat/direct", json!({ "user": "alice", "other": "x" }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert!(
        refused["error"]["message"].as_str().unwrap().contains("other"),
        "{refused}"
    );
    // A function answering nothing answers 204.
    let (status, chat) = bob.post("/api/v1/issues/SUP-1/chat", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let id = chat["id"].as_str().unwrap();
    bob.post(
        &format!("/api/v1/team-chat/chats/{id}/messages"),
        json!({ "client_id": "m1", "body": "Who knows this one?" }),
    )
    .await;
    site.login("alice").await;
    let (status, answer) = bob
        .post(
            &format!("/api/v1/team-chat/chats/{id}/participants"),
            json!({ "user": "alice" }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{answer}");
    // The document describes each binding with the WIT's words.
    let (_, doc) = site.anonymous().get("/api/v1/openapi.json").await;
    let typing: &Value = &doc["paths"]["/chat/conversations/{conversation}/typing"]["post"];
    let words = format!("{} {}", typing["summary"], typing["description"]);
    assert!(words.contains("started or stopped typing"), "{typing}");
    let body = typing["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap();
    let schema = &doc["components"]["schemas"][body.rsplit('/').next().unwrap()];
    assert_eq!(
        schema["properties"]["typing"]["description"],
        "True when the caller started typing, false when they stopped."
    );
}
