//! Transfer end to end (SPEC LC-13): to a colleague who accepts, told live on their
//! personal topic; to another project's queue, where the customer keeps chatting in their
//! own project's widget; in the inbox, an offer is accepted with one click.

use helpdesk_e2e::TestSite;
use reqwest::StatusCode;
use serde_json::json;

use crate::live_chat::{TOKEN_A, code, start};

async fn taken_by_bob(site: &TestSite) -> (helpdesk_e2e::ApiClient, String) {
    let visitor = site.visitor(TOKEN_A, None);
    let (status, conv) = visitor
        .post(
            "/api/v1/projects/SUP/chat/conversations",
            start("m1", "My invoice is wrong"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{conv}");
    let id = conv["id"].as_str().unwrap().to_string();
    let (status, _) = site
        .login("bob")
        .await
        .post(
            &format!("/api/v1/chat/conversations/{id}/assign"),
            json!({ "assignee": "bob" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    (visitor, id)
}

#[tokio::test]
async fn lc_13_a_colleague_accepts_and_a_project_queue_takes_a_conversation() {
    let site = TestSite::start();
    let (visitor, id) = taken_by_bob(&site).await;
    let bob = site.login("bob").await;
    let alice = site.login("alice").await;
    let mut alice_told = site.stream(&alice, &["chat-personal:alice"], None).await;
    let mut bob_told = site.stream(&bob, &["chat-personal:bob"], None).await;
    let path = format!("/api/v1/chat/conversations/{id}/transfer");

    let (status, body) = bob
        .post(&path, json!({ "to": { "agent": "paula" }, "note": null }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid"),
        "paula is no agent: {body}"
    );
    let (status, _) = bob
        .post(
            &path,
            json!({ "to": { "agent": "alice" }, "note": "Billing question, yours" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let offered = alice_told.next_of_kind("transfer-offered").await;
    assert_eq!(
        (offered.data["by"]["user"].clone(), offered.data["note"].clone()),
        (json!("bob"), json!("Billing question, yours"))
    );
    let (_, offers) = alice.get("/api/v1/chat/transfers").await;
    assert_eq!(offers.as_array().unwrap().len(), 1, "{offers}");
    let (status, taken) = alice.post(&format!("{path}/answer"), json!({ "accept": true })).await;
    assert_eq!(
        (status, taken["assignee"]["user"].clone()),
        (StatusCode::OK, json!("alice")),
        "{taken}"
    );
    assert_eq!(bob_told.next_of_kind("transfer-answered").await.data["accepted"], true);
    let (_, messages) = visitor.get(&format!("/api/v1/chat/conversations/{id}/messages")).await;
    let text = messages.to_string();
    assert!(
        text.contains("Alice Agent took over the conversation from Bob Agent"),
        "{text}"
    );
    assert!(!text.contains("Billing question"), "the note is the agents' only");

    // To the OPS queue: SUP's agents see it go; the customer keeps it in SUP's widget.
    let (status, moved) = alice
        .post(
            &path,
            json!({ "to": { "project": "OPS" }, "note": "Looks like an outage" }),
        )
        .await;
    assert_eq!(
        (status, moved["project"].clone(), moved["assignee"].clone()),
        (StatusCode::OK, json!("OPS"), json!(null)),
        "{moved}"
    );
    let (status, _) = bob.get(&format!("/api/v1/chat/conversations/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "bob is no agent of OPS");
    let (_, ops_inbox) = alice.get("/api/v1/projects/OPS/chat/inbox?view=unassigned").await;
    assert_eq!(ops_inbox["conversations"][0]["id"], id.as_str(), "{ops_inbox}");
    let (_, mine) = visitor.get("/api/v1/projects/SUP/chat/conversations").await;
    assert_eq!(
        mine[0]["id"],
        id.as_str(),
        "the customer's widget still lists it: {mine}"
    );
    let (status, _) = visitor
        .post(
            &format!("/api/v1/chat/conversations/{id}/messages"),
            json!({ "client_id": "m2", "body": "Still there?" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, messages) = visitor.get(&format!("/api/v1/chat/conversations/{id}/messages")).await;
    assert!(
        messages
            .to_string()
            .contains("passed the conversation to the Operations team"),
        "{messages}"
    );
}

#[tokio::test]
async fn lc_13_an_agent_transfers_in_the_inbox_and_the_colleague_accepts_with_one_click() {
    use helpdesk_e2e::browser::{screenshot, start_driver, wait_until};

    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let (status, _) = site
        .login("alice")
        .await
        .post("/api/v1/projects/SUP/presence/online", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "alice is online, so she is offered");
    let (_, id) = taken_by_bob(&site).await;
    let alice = driver
        .logged_in(&site.host.base_url, "alice", "/inbox?project=SUP")
        .await;
    wait_until(
        &alice,
        "alice's inbox",
        "return document.body.getAttribute('data-ready') === '1';",
    )
    .await;

    let bob = driver.logged_in(&site.host.base_url, "bob", "/inbox?project=SUP").await;
    wait_until(
        &bob,
        "the open conversation",
        &format!(
            "var c = document.getElementById('conversation'); if (c.hidden) {{ document.querySelector('.tab[data-view=\"mine\"]').click(); var i = document.querySelector('[data-id=\"{id}\"]'); if (i) i.click(); }} return !c.hidden;"
        ),
    )
    .await;
    bob.execute(
        "document.querySelector('#transfer summary').click(); return true;",
        vec![],
    )
    .await
    .unwrap();
    wait_until(
        &bob,
        "alice offered",
        "return !!document.querySelector('#transfer-to option[value=\"agent:alice\"]');",
    )
    .await;
    bob.execute(
        "document.getElementById('transfer-to').value = 'agent:alice';\
         document.getElementById('transfer-note').value = 'Billing question, yours';\
         document.getElementById('transfer-form').requestSubmit(); return true;",
        vec![],
    )
    .await
    .unwrap();

    let offer = wait_until(
        &alice,
        "the offer",
        "var o = document.querySelector('#offers .offer'); return !document.getElementById('offers').hidden && o && o.querySelector('.offer-text').textContent;",
    )
    .await;
    assert!(
        offer
            .as_str()
            .unwrap()
            .starts_with("Bob Agent offers you the chat with Anonymous Chat User #1 (SUP): “Billing question, yours”"),
        "{offer}"
    );
    screenshot(&alice, "inbox-transfer-offer").await;
    alice
        .execute(
            "document.querySelector('#offers .offer .btn-primary').click(); return true;",
            vec![],
        )
        .await
        .unwrap();
    let taken = wait_until(
        &alice,
        "the conversation, hers",
        "var c = document.getElementById('conversation'); return !c.hidden && document.getElementById('assignee').textContent;",
    )
    .await;
    assert_eq!(taken, json!("Assigned to Alice Agent"));
    wait_until(
        &bob,
        "bob told",
        "return document.getElementById('banner-text').textContent.indexOf('Alice Agent took over') === 0;",
    )
    .await;
}
