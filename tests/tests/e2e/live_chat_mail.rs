//! Live chat by e-mail end to end (LC-10, and transcripts on request): answers to offline
//! messages and transcripts go through the mail outbox, kept across restarts, delivered over
//! SMTP when a server is configured.

use helpdesk_e2e::TestSite;
use helpdesk_e2e::wait::eventually;
use reqwest::StatusCode;
use serde_json::json;

use crate::live_chat::{TOKEN_A, TOKEN_B, code, start};

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

    // The address the visitor typed is not known to be theirs: a code goes there first.
    let (status, sent) = visitor.post(&path, json!({})).await;
    assert_eq!(
        (status, sent),
        (
            StatusCode::OK,
            json!({ "to": "visitor@example.test", "awaiting_code": true })
        )
    );
    let sam = site.login("sam").await;
    let (_, outbox) = sam.get("/api/v1/admin/outbox").await;
    let code_mail = &outbox[0];
    let code_text = code_mail["body"].as_str().unwrap();
    assert!(!code_text.contains("plain"), "nothing the customer wrote: {code_text}");
    let mailed_code = code_mail["subject"]
        .as_str()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    let confirm = format!("{path}/confirm");
    let (status, wrong) = visitor.post(&confirm, json!({ "code": "12345x" })).await;
    assert_eq!(
        (status, wrong["sent"].clone(), wrong["tries_left"].clone()),
        (StatusCode::OK, json!(false), json!(4))
    );
    let (status, body) = site
        .visitor(TOKEN_B, None)
        .post(&confirm, json!({ "code": mailed_code }))
        .await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    let (status, right) = visitor.post(&confirm, json!({ "code": mailed_code })).await;
    assert_eq!(
        (status, right["sent"].clone()),
        (StatusCode::OK, json!(true)),
        "{right}"
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

    let (_, outbox) = sam.get("/api/v1/admin/outbox").await;
    let transcript = &outbox[0];
    assert_eq!(transcript["subject"], "Your chat with Customer Support");
    assert_eq!(transcript["to"], json!(["visitor@example.test"]));
    let text = transcript["body"].as_str().unwrap();
    assert!(text.contains("Anonymous Chat User #1: Is <b>this</b> plain?"), "{text}");
    assert!(text.contains("Bob Agent: Yes, plain text."), "{text}");
    let (status, again) = visitor.post(&path, json!({})).await;
    assert_eq!(
        (status, again["awaiting_code"].clone()),
        (StatusCode::OK, json!(false)),
        "proven now"
    );

    visitor.post(&path, json!({})).await;
    let (status, body) = visitor.post(&path, json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        "three requests in ten minutes: {body}"
    );
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
        json!({ "client_id": "a1", "body": "Answered by mail — Grüße" }),
    )
    .await;
    let mail = eventually("the answer to reach the mail server", || async {
        sink.received.lock().unwrap().first().cloned()
    })
    .await;
    assert_eq!(mail.to, vec!["visitor@example.test".to_string()]);
    // Read as a mail client reads it: MIME, its charset, its encoding.
    use mail_parser::MimeHeaders;
    let parsed = mail_parser::MessageParser::default()
        .parse(mail.data.as_bytes())
        .expect("a mail message");
    assert_eq!(
        parsed.header_raw("MIME-Version").map(str::trim),
        Some("1.0"),
        "{}",
        mail.data
    );
    let content_type = parsed.content_type().expect("a Content-Type");
    assert_eq!(content_type.attribute("charset"), Some("utf-8"), "{}", mail.data);
    assert!(
        parsed.message_id().is_some_and(|id| id.ends_with("@example.test")),
        "{}",
        mail.data
    );
    let text = parsed.body_text(0).expect("a text body");
    assert!(text.contains("Answered by mail — Grüße"), "{text}");
    let from = parsed
        .from()
        .and_then(|from| from.first())
        .and_then(|a| a.address())
        .unwrap_or_default();
    assert_eq!(from, "support@example.test");
    let sam = site.login("sam").await;
    let sent = eventually("the outbox to say sent", || async {
        let (_, outbox) = sam.get("/api/v1/admin/outbox").await;
        (!outbox[0]["sent_ms"].is_null()).then(|| outbox[0].clone())
    })
    .await;
    assert_eq!(sent["attempts"], 1, "{sent}");

    let dead = TestSite::start_with(&["--smtp-url", "smtp://127.0.0.1:9"]);
    answer_an_offline_message_and_see_the_try_fail(&dead, "Lost?").await;
}

#[tokio::test]
async fn lc_10_a_mail_server_without_the_tls_asked_for_gets_no_mail_and_the_reason_is_kept() {
    let sink = helpdesk_e2e::smtp_sink::SmtpSink::start().await;
    let smtp_url = format!("{}?tls=required", sink.url);
    let site = TestSite::start_with(&["--smtp-url", &smtp_url]);
    answer_an_offline_message_and_see_the_try_fail(&site, "Private answer").await;
    assert!(
        sink.received.lock().unwrap().is_empty(),
        "STARTTLS is required and the server does not offer it: nothing goes out in the clear"
    );
}

/// A visitor leaves a message while nobody is online, bob answers, and the outbox shows the
/// answer's first try failed, with the reason, and the mail not sent.
async fn answer_an_offline_message_and_see_the_try_fail(site: &TestSite, answer: &str) {
    let visitor = site.visitor(TOKEN_A, None);
    let (_, conv) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "Hello?"))
        .await;
    let id = conv["id"].as_str().unwrap();
    site.login("bob")
        .await
        .post(
            &format!("/api/v1/chat/conversations/{id}/messages"),
            json!({ "client_id": "a1", "body": answer }),
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
        !failed["last_error"].as_str().unwrap_or_default().is_empty(),
        "the reason is kept: {failed}"
    );
}

#[tokio::test]
async fn lc_10_mail_the_server_refuses_for_good_is_given_up_and_listed_as_failed() {
    let sink = helpdesk_e2e::smtp_sink::SmtpSink::start_refusing(&["visitor@example.test"]).await;
    let site = TestSite::start_with(&["--smtp-url", &sink.url]);
    let visitor = site.visitor(TOKEN_A, None);
    let (_, conv) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "Hello?"))
        .await;
    let id = conv["id"].as_str().unwrap();
    site.login("bob")
        .await
        .post(
            &format!("/api/v1/chat/conversations/{id}/messages"),
            json!({ "client_id": "a1", "body": "Never arrives" }),
        )
        .await;
    let sam = site.login("sam").await;
    let failed = eventually("the outbox to give the mail up", || async {
        let (_, outbox) = sam.get("/api/v1/admin/outbox").await;
        (!outbox[0]["failed_ms"].is_null()).then(|| outbox[0].clone())
    })
    .await;
    assert_eq!(failed["attempts"], 1, "refused for good: not tried again: {failed}");
    assert!(failed["sent_ms"].is_null());
    assert!(failed["last_error"].as_str().unwrap().contains("550"), "{failed}");
}
