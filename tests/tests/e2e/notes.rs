//! Private notes and swarming end to end (SPEC LC-18): notes reach the agents on their own
//! stream and never the customer; `@user` pulls a colleague in, who is told live and by
//! e-mail and reads along until the conversation ends; the inbox shows notes apart.

use std::time::Duration;

use helpdesk_e2e::TestSite;
use reqwest::StatusCode;
use serde_json::json;

use crate::live_chat::{TOKEN_A, code, start};

#[tokio::test]
async fn lc_18_notes_reach_agents_and_pulled_in_colleagues_and_never_the_customer() {
    let site = TestSite::start();
    let visitor = site.visitor(TOKEN_A, None);
    let (status, conv) = visitor
        .post(
            "/api/v1/projects/SUP/chat/conversations",
            start("m1", "My parcel is late"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{conv}");
    let id = conv["id"].as_str().unwrap().to_string();
    let bob = site.login("bob").await;
    let tom = site.login("tom").await;
    let notes_topic = format!("notes:{id}");
    let conversation_topic = format!("conversation:{id}");
    let mut agents = site.stream(&bob, &[&notes_topic], None).await;
    let mut customer = site.stream(&visitor, &[&conversation_topic], None).await;
    let mut tom_told = site.stream(&tom, &["chat-personal:tom"], None).await;
    let (status, _) = tom.get(&format!("/api/v1/chat/conversations/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "tom is no agent of SUP");

    let (status, note) = bob
        .post(
            &format!("/api/v1/chat/conversations/{id}/notes"),
            json!({ "client_id": "n1", "body": "@tom can the warehouse check order 42?" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{note}");
    assert_eq!(note["mentions"][0]["user"], "tom");
    assert_eq!(
        agents.next_of_kind("note-added").await.data["body"],
        "@tom can the warehouse check order 42?"
    );
    let told = tom_told.next_of_kind("colleague-pulled-in").await;
    assert_eq!(
        (told.data["conversation"].clone(), told.data["by"]["user"].clone()),
        (json!(id), json!("bob"))
    );

    // The customer's stream carries the next message and nothing of the note.
    let (status, _) = bob
        .post(
            &format!("/api/v1/chat/conversations/{id}/messages"),
            json!({ "client_id": "a1", "body": "Checking!" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    loop {
        let event = customer
            .next_event_within(Duration::from_secs(5))
            .await
            .expect("the message");
        assert_ne!(event.kind, "note-added", "a note on the customer's stream");
        assert!(!event.data.to_string().contains("warehouse"), "{:?}", event.data);
        if event.kind == "chat-message" {
            break;
        }
    }
    let (_, messages) = visitor.get(&format!("/api/v1/chat/conversations/{id}/messages")).await;
    assert!(!messages.to_string().contains("warehouse"), "{messages}");
    let (status, body) = visitor.get(&format!("/api/v1/chat/conversations/{id}/notes")).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "unauthenticated"),
        "{body}"
    );
    let refused = visitor
        .client
        .get(site.url(&format!("/api/v1/stream?topic={notes_topic}")))
        .send()
        .await
        .unwrap();
    assert_ne!(
        refused.status(),
        StatusCode::OK,
        "the customer may not follow the notes"
    );

    // Tom reads along, adds a note, and does not answer the customer.
    let (status, _) = tom.get(&format!("/api/v1/chat/conversations/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, notes) = tom.get(&format!("/api/v1/chat/conversations/{id}/notes")).await;
    assert_eq!((status, notes.as_array().unwrap().len()), (StatusCode::OK, 1));
    let (status, _) = tom
        .post(
            &format!("/api/v1/chat/conversations/{id}/notes"),
            json!({ "client_id": "t1", "body": "Shipping today" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = tom
        .post(
            &format!("/api/v1/chat/conversations/{id}/messages"),
            json!({ "client_id": "t2", "body": "Hi" }),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "{body}"
    );
    let (_, outbox) = site.login("sam").await.get("/api/v1/admin/outbox").await;
    assert!(
        outbox.to_string().contains("asks for your help"),
        "tom was told by e-mail too: {outbox}"
    );

    let (status, _) = bob
        .post(&format!("/api/v1/chat/conversations/{id}/end"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = tom.get(&format!("/api/v1/chat/conversations/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "until the conversation ends");
}

#[tokio::test]
async fn lc_18_an_agent_writes_a_note_in_the_inbox_and_a_pulled_in_colleague_opens_the_chat() {
    use fantoccini::Locator;
    use helpdesk_e2e::browser::{open_in_inbox, screenshot, start_driver, wait_until};

    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let visitor = site.visitor(TOKEN_A, None);
    let (_, conv) = visitor
        .post(
            "/api/v1/projects/SUP/chat/conversations",
            start("m1", "My parcel is late"),
        )
        .await;
    let id = conv["id"].as_str().unwrap().to_string();
    let tom = driver.logged_in(&site.host.base_url, "tom", "/inbox").await;
    wait_until(
        &tom,
        "tom's inbox",
        "return document.body.getAttribute('data-ready') === '1';",
    )
    .await;

    let bob = driver.logged_in(&site.host.base_url, "bob", "/inbox?project=SUP").await;
    wait_until(
        &bob,
        "the request",
        "return !!document.querySelector('#conversation-list .conversation-item');",
    )
    .await;
    open_in_inbox(&bob, "#conversation-list .conversation-item").await;
    wait_until(
        &bob,
        "the conversation",
        "return !document.getElementById('conversation').hidden;",
    )
    .await;
    bob.find(Locator::Id("mode-note")).await.unwrap().click().await.unwrap();
    bob.find(Locator::Id("reply"))
        .await
        .unwrap()
        .send_keys("@tom is order 42 in the warehouse?")
        .await
        .unwrap();
    bob.find(Locator::Id("send")).await.unwrap().click().await.unwrap();
    let shown = wait_until(
        &bob,
        "the note among the messages",
        "var n = document.querySelector('#messages .message.note'); return n && [n.textContent.indexOf('note for agents') >= 0, n.querySelector('.mentions').textContent];",
    )
    .await;
    assert_eq!(shown, json!([true, "Pulled in: Tom Teammate"]));
    screenshot(&bob, "inbox-note").await;

    // Tom, on a page with no inbox of his own, is told and opens the chat from there.
    let link = wait_until(
        &tom,
        "the call for help",
        "var b = document.getElementById('banner'); var a = b && b.querySelector('a'); return !b.hidden && a && [document.getElementById('banner-text').textContent.indexOf('Bob Agent asks for your help') === 0, a.getAttribute('href')];",
    )
    .await;
    assert_eq!(link[0], true, "{link}");
    tom.goto(&site.url(link[1].as_str().unwrap())).await.unwrap();
    let opened = wait_until(
        &tom,
        "the chat with its note",
        "var c = document.getElementById('conversation'); return !c.hidden && document.querySelectorAll('#messages .message.note').length === 1 && [document.getElementById('take').hidden, document.getElementById('send').textContent];",
    )
    .await;
    assert_eq!(
        opened,
        json!([true, "Add note"]),
        "tom reads along and writes notes only"
    );
    let (_, messages) = visitor.get(&format!("/api/v1/chat/conversations/{id}/messages")).await;
    assert!(!messages.to_string().contains("warehouse"));

    // Made into an issue, the conversation opens the issue's chat in one click (TC-5).
    bob.find(Locator::Id("make-issue"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let issue_chat = wait_until(
        &bob,
        "the issue chat link",
        "var a = document.getElementById('issue-chat-link'); return a && a.getAttribute('href');",
    )
    .await;
    assert!(
        issue_chat.as_str().unwrap().starts_with("/team-chat?issue=SUP-"),
        "{issue_chat}"
    );
    let (_, issue) = site
        .login("bob")
        .await
        .get(&format!("/api/v1/chat/conversations/{id}"))
        .await;
    let key = issue["issue"].as_str().unwrap().to_string();
    let (_, history) = site
        .login("bob")
        .await
        .get(&format!("/api/v1/issues/{key}/history"))
        .await;
    assert!(
        history
            .to_string()
            .contains("(internal note): @tom is order 42 in the warehouse?"),
        "the issue's transcript marks the note as internal: {history}"
    );
}
