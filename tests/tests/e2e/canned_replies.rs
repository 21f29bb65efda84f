//! Canned replies end to end (SPEC LC-14): kept by admins and agents over the API, told to
//! the inbox's stream, filled for a conversation by the plugin.

use helpdesk_e2e::TestSite;
use reqwest::StatusCode;
use serde_json::json;

use crate::live_chat::{TOKEN_A, code, start};

const REPLIES: &str = "/api/v1/projects/SUP/chat/canned-replies";

#[tokio::test]
async fn lc_14_admins_and_agents_keep_canned_replies_and_use_them_filled_in_a_conversation() {
    let site = TestSite::start();
    let paula = site.login("paula").await;
    let bob = site.login("bob").await;
    let alice = site.login("alice").await;
    let mut inbox = site.stream(&bob, &["inbox:SUP"], None).await;

    let (status, hello) = paula
        .post(
            REPLIES,
            json!({ "title": "Greeting", "shortcut": "/hello", "text": "Hi {customer.name}, {agent.name} of {project.name} here.", "personal": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{hello}");
    assert_eq!(
        (hello["shortcut"].clone(), hello["owner"].clone()),
        (json!("hello"), json!(null))
    );
    let changed = inbox.next_of_kind("canned-replies-changed").await;
    assert_eq!(
        (changed.data["project"].clone(), changed.data["owner"].clone()),
        (json!("SUP"), json!(null))
    );

    let (status, mine) = bob
        .post(
            REPLIES,
            json!({ "title": "Mine", "shortcut": "bye", "text": "Bye!", "personal": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    let (status, refused) = bob
        .post(
            REPLIES,
            json!({ "title": "Not mine to add", "shortcut": "x", "text": "x", "personal": false }),
        )
        .await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "{refused}"
    );
    let (status, taken) = bob
        .post(
            REPLIES,
            json!({ "title": "Again", "shortcut": "HELLO", "text": "x", "personal": true }),
        )
        .await;
    assert_eq!((status, code(&taken)), (StatusCode::CONFLICT, "conflict"), "{taken}");
    let (status, misspelt) = bob
        .post(
            REPLIES,
            json!({ "title": "Typo", "shortcut": "typo", "text": "Hi {customer.nmae}", "personal": true }),
        )
        .await;
    assert_eq!(
        (status, code(&misspelt)),
        (StatusCode::BAD_REQUEST, "invalid"),
        "{misspelt}"
    );

    let (_, bobs) = bob.get(REPLIES).await;
    let shortcuts: Vec<&str> = bobs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["shortcut"].as_str().unwrap())
        .collect();
    assert_eq!(shortcuts, ["bye", "hello"]);
    let (_, alices) = alice.get(REPLIES).await;
    assert_eq!(
        alices.as_array().unwrap().len(),
        1,
        "nobody sees bob's own replies but bob: {alices}"
    );
    let (status, body) = site.login("tom").await.get(REPLIES).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "access_denied"));

    let visitor = site.visitor(TOKEN_A, None);
    let (status, conv) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m1", "Hello?"))
        .await;
    assert_eq!(status, StatusCode::OK, "{conv}");
    let id = conv["id"].as_str().unwrap();
    let use_path = |reply: &serde_json::Value| {
        format!(
            "/api/v1/chat/conversations/{id}/canned-replies/{}",
            reply["id"].as_str().unwrap()
        )
    };
    let (status, filled) = bob.get(&use_path(&hello)).await;
    assert_eq!(status, StatusCode::OK, "{filled}");
    assert_eq!(
        filled,
        json!("Hi Anonymous Chat User #1, Bob Agent of Customer Support here.")
    );
    let (status, body) = visitor.get(&use_path(&hello)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "unauthenticated"),
        "a visitor never reaches canned replies"
    );
    let (status, body) = alice.get(&use_path(&mine)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "not_found"),
        "bob's own reply is his"
    );

    let (status, changed) = bob
        .put(
            &format!("{REPLIES}/{}", mine["id"].as_str().unwrap()),
            json!({ "title": "Goodbye", "shortcut": "bye", "text": "Goodbye, {customer.name}!", "personal": true }),
        )
        .await;
    assert_eq!(
        (status, changed["title"].clone()),
        (StatusCode::OK, json!("Goodbye")),
        "{changed}"
    );
    let (status, _) = bob.delete(&format!("{REPLIES}/{}", mine["id"].as_str().unwrap())).await;
    assert!(status.is_success(), "{status}");
    let (_, bobs) = bob.get(REPLIES).await;
    assert_eq!(bobs.as_array().unwrap().len(), 1);
    let (status, body) = bob
        .delete(&format!("{REPLIES}/{}", hello["id"].as_str().unwrap()))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "an agent cannot delete the project's"
    );
}

#[tokio::test]
async fn lc_14_an_agent_keeps_a_reply_on_its_page_and_picks_it_with_a_slash_in_the_inbox() {
    use fantoccini::Locator;
    use helpdesk_e2e::browser::{open_in_inbox, screenshot, start_driver, wait_until};

    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let (status, body) = site
        .login("paula")
        .await
        .post(REPLIES, json!({ "title": "Refund", "shortcut": "refund", "text": "Hi {customer.name}, <b>your</b> refund is on its way.", "personal": false }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let visitor = site.visitor(TOKEN_A, None);
    let (status, conv) = visitor
        .post(
            "/api/v1/projects/SUP/chat/conversations",
            start("m1", "Where is my money?"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{conv}");
    let id = conv["id"].as_str().unwrap().to_string();

    // Bob keeps a reply of his own on the canned replies page.
    let bob = driver
        .logged_in(&site.host.base_url, "bob", "/canned-replies?project=SUP")
        .await;
    wait_until(
        &bob,
        "the project's replies",
        "return document.querySelectorAll('#project-replies tr').length === 1;",
    )
    .await;
    let disabled = bob
        .execute("return document.getElementById('reply-personal').disabled;", vec![])
        .await
        .unwrap();
    assert_eq!(disabled, json!(true), "an agent keeps replies of their own only");
    for (field, text) in [
        ("reply-title", "Thanks"),
        ("reply-shortcut", "thanks"),
        ("reply-text", "Thank you, {customer.name}!"),
    ] {
        bob.find(Locator::Id(field))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }
    bob.find(Locator::Id("reply-save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(
        &bob,
        "his reply in his list",
        "var r = document.querySelector('#own-replies tr'); return r && r.dataset.shortcut === 'thanks';",
    )
    .await;
    screenshot(&bob, "canned-replies").await;

    // In the inbox, `/ref` narrows the list to the refund reply and Enter puts it in, filled.
    bob.goto(&format!("{}/inbox?project=SUP", site.host.base_url))
        .await
        .unwrap();
    wait_until(
        &bob,
        "the inbox",
        "return document.body.getAttribute('data-ready') === '1';",
    )
    .await;
    bob.execute(
        &format!("document.querySelector('.tab[data-view=\"all\"]').click();"),
        vec![],
    )
    .await
    .unwrap();
    wait_until(
        &bob,
        "the conversation in the list",
        &format!("return !!document.querySelector('[data-id=\"{id}\"]');"),
    )
    .await;
    open_in_inbox(&bob, &format!("[data-id=\"{id}\"]")).await;
    let reply = bob.find(Locator::Id("reply")).await.unwrap();
    reply.send_keys("/").await.unwrap();
    let offered = wait_until(
        &bob,
        "the canned replies offered",
        "var items = document.querySelectorAll('#canned-list .canned-item'); return !document.getElementById('canned-list').hidden && items.length === 2 && Array.prototype.map.call(items, function (i) { return i.dataset.shortcut; });",
    )
    .await;
    assert_eq!(offered, json!(["refund", "thanks"]));
    reply.send_keys("ref").await.unwrap();
    wait_until(&bob, "only the refund reply", "var items = document.querySelectorAll('#canned-list .canned-item'); return items.length === 1 && items[0].dataset.shortcut === 'refund';").await;
    screenshot(&bob, "canned-picker").await;
    reply.send_keys("\u{E007}").await.unwrap();
    let filled = wait_until(
        &bob,
        "the filled reply in the composer",
        "var v = document.getElementById('reply').value; return v.indexOf('/') !== 0 && v.length > 0 && v;",
    )
    .await;
    assert_eq!(
        filled,
        json!("Hi Anonymous Chat User #1, <b>your</b> refund is on its way."),
        "filled as text, markup left as written"
    );
    let list_hidden = bob
        .execute("return document.getElementById('canned-list').hidden;", vec![])
        .await
        .unwrap();
    assert_eq!(list_hidden, json!(true));
    let (_, messages) = visitor.get(&format!("/api/v1/chat/conversations/{id}/messages")).await;
    assert_eq!(
        messages["messages"].as_array().unwrap().len(),
        1,
        "Enter picked the reply and sent nothing"
    );
    bob.find(Locator::Id("send")).await.unwrap().click().await.unwrap();
    wait_until(
        &bob,
        "the reply sent",
        "return document.querySelectorAll('#messages .message.agent').length === 1;",
    )
    .await;
}
