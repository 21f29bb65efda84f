//! What conversations the site keeps (SPEC LC-9, beyond the seeds): a project's retention
//! deletes ended conversations with their messages, and one customer's text is bounded.

use helpdesk_e2e::TestSite;
use reqwest::StatusCode;
use serde_json::json;

use crate::live_chat::{TOKEN_A, TOKEN_B, code, start};

#[tokio::test]
async fn lc_9_ended_conversations_are_deleted_after_the_projects_retention() {
    let site = TestSite::start();
    let paula = site.login("paula").await;
    let (_, mut settings) = paula.get("/api/v1/projects/SUP/chat/widget-settings").await;
    assert_eq!(
        settings["retention_days"],
        json!(null),
        "kept unless a project says otherwise"
    );
    settings["retention_days"] = json!(0);
    let (status, body) = paula
        .put("/api/v1/projects/SUP/chat/widget-settings", settings.clone())
        .await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "invalid"), "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("retention_days"),
        "{body}"
    );
    settings["retention_days"] = json!(2);
    let (status, saved) = paula.put("/api/v1/projects/SUP/chat/widget-settings", settings).await;
    assert_eq!((status, saved["retention_days"].clone()), (StatusCode::OK, json!(2)));

    let visitor = site.visitor(TOKEN_A, None);
    let (_, ended) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "Old question"))
        .await;
    let ended_id = ended["id"].as_str().unwrap().to_string();
    let (status, _) = visitor
        .post(&format!("/api/v1/chat/conversations/{ended_id}/end"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let other = site.visitor(TOKEN_B, None);
    let (_, open) = other
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "Still here"))
        .await;
    let open_id = open["id"].as_str().unwrap().to_string();

    let bob = site.login("bob").await;
    bob.advance_clock_minutes(60 * 24 * 2 + 5).await;
    let (status, body) = bob.get(&format!("/api/v1/chat/conversations/{ended_id}")).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"), "{body}");
    let (status, body) = visitor
        .get(&format!("/api/v1/chat/conversations/{ended_id}/messages"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "its messages went with it: {body}");
    let (_, inbox) = bob.get("/api/v1/projects/SUP/chat/inbox?view=all").await;
    let ids: Vec<_> = inbox["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, vec![open_id.clone()], "an open conversation is never deleted");
}

#[tokio::test]
async fn lc_9_one_customer_cannot_make_the_site_store_unbounded_text() {
    let site = TestSite::start();
    let visitor = site.visitor(TOKEN_A, None);
    let (status, conv) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m0", "hello"))
        .await;
    assert_eq!(status, StatusCode::OK, "{conv}");
    let id = conv["id"].as_str().unwrap().to_string();
    let long = "y".repeat(4000);
    let mut refusal = None;
    for n in 0..400 {
        if n % 20 == 19 {
            // Under the per-minute message limit: only the text quota can stop it.
            visitor.advance_clock_seconds(61).await;
        }
        let (status, body) = visitor
            .post(
                &format!("/api/v1/chat/conversations/{id}/messages"),
                json!({ "client_id": format!("n{n}"), "body": long }),
            )
            .await;
        if status != StatusCode::OK {
            refusal = Some((n, status, body));
            break;
        }
    }
    let (n, status, body) = refusal.expect("the text quota stops it");
    assert_eq!(
        (status, code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        "{body}"
    );
    assert!(n >= 250, "about a megabyte first; stopped after {n}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("too much chat text"),
        "{body}"
    );
}
