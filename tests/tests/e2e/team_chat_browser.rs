//! Team chat in a real headless Chromium: two users exchange messages live in a room
//! (TC-3, TC-7, TC-9), and a user-to-user chat reaches the other person only when a message
//! is sent (TC-4).

use fantoccini::{Client, Locator};
use helpdesk_e2e::TestSite;
use helpdesk_e2e::browser::{log_in, start_driver, wait_until};
use serde_json::json;

async fn click(browser: &Client, css: &str) {
    browser.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

async fn type_into(browser: &Client, css: &str, text: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

async fn screenshot(browser: &Client, name: &str) {
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(std::env::temp_dir().join(format!("helpdesk-{name}.png")), png);
    }
}

/// The open chat's lines: "author: body" ("You" for one's own), and whether each is marked own.
const LINES: &str = "return Array.prototype.map.call(document.querySelectorAll('#room-messages .team-message'),\
     function (li) { return [li.querySelector('.message-author').textContent + ': ' +\
     li.querySelector('.message-body').textContent, li.classList.contains('own')]; });";

#[tokio::test]
async fn tc_7_tc_9_two_users_exchange_messages_live_in_a_private_room() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let alice = driver.logged_in(&site.host.base_url, "alice", "/team-chat").await;
    let bob = driver.logged_in(&site.host.base_url, "bob", "/team-chat").await;
    let first = wait_until(
        &bob,
        "his chats",
        "var b = document.querySelector('#chat-list .chat-name'); return b && b.textContent;",
    )
    .await;
    assert_eq!(first, json!("Acme Helpdesk Ltd"), "the company chat first");

    click(&alice, "#add-room").await;
    wait_until(&alice, "the room dialog", "return document.getElementById('room-dialog').open && document.querySelectorAll('#room-available option').length > 3;").await;
    type_into(&alice, "#room-name-input", "Launch plan").await;
    click(&alice, "input[name='room-access'][value='private']").await;
    alice
        .execute(
            "var o = document.querySelector(\"#room-available option[value='user:bob']\"); o.selected = true; return true;",
            vec![],
        )
        .await
        .unwrap();
    click(&alice, "#room-select").await;
    screenshot(&alice, "team-chat-room-dialog").await;
    click(&alice, "#room-save").await;
    wait_until(
        &alice,
        "the new room open",
        "return document.getElementById('room-name').textContent === 'Launch plan';",
    )
    .await;

    wait_until(
        &bob,
        "the room in his list, live",
        "return Array.prototype.some.call(document.querySelectorAll('#chat-list .chat-name'), function (n) { return n.textContent === 'Launch plan'; });",
    )
    .await;
    bob.execute(
        "Array.prototype.find.call(document.querySelectorAll('#chat-list .chat-button'), function (b) { return b.querySelector('.chat-name').textContent === 'Launch plan'; }).click(); return true;",
        vec![],
    )
    .await
    .unwrap();
    wait_until(
        &bob,
        "the room open",
        "return document.getElementById('room-name').textContent === 'Launch plan';",
    )
    .await;
    type_into(&bob, "#composer-text", "Hello Alice").await;
    type_into(&bob, "#composer-text", "\u{E007}").await; // Enter sends.
    let lines = wait_until(
        &alice,
        "bob's line, live",
        &format!("var l = (function () {{ {LINES} }})(); return l.length === 1 && l;"),
    )
    .await;
    assert_eq!(lines, json!([["Bob Agent: Hello Alice", false]]));

    type_into(&alice, "#composer-text", "Hi Bob").await;
    type_into(&alice, "#composer-text", "\u{E008}\u{E007}").await; // Shift+Enter: a new line.
    type_into(&alice, "#composer-text", "see https://example.test/plan.").await;
    click(&alice, "#composer-send").await;
    let lines = wait_until(
        &bob,
        "alice's answer, live",
        &format!("var l = (function () {{ {LINES} }})(); return l.length === 2 && l;"),
    )
    .await;
    assert_eq!(
        lines,
        json!([
            ["You: Hello Alice", true],
            ["Alice Agent: Hi Bob\nsee https://example.test/plan.", false]
        ])
    );
    let link = bob
        .execute(
            "var a = document.querySelector('#room-messages a'); return a && [a.getAttribute('href'), a.rel];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        link,
        json!(["https://example.test/plan", "noopener noreferrer"]),
        "links made clickable, safely"
    );
    screenshot(&bob, "team-chat-room").await;
}

#[tokio::test]
async fn tc_4_a_user_chat_reaches_the_other_person_only_when_a_message_is_sent() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let alice = driver.logged_in(&site.host.base_url, "alice", "/team-chat").await;
    let bob = driver.logged_in(&site.host.base_url, "bob", "/team-chat").await;
    wait_until(
        &alice,
        "the people",
        "return document.querySelector(\"#people-list li[data-user='bob'] button\");",
    )
    .await;
    click(&alice, "#people-list li[data-user='bob'] button").await;
    wait_until(
        &alice,
        "the user chat open",
        "return document.getElementById('room-name').textContent === 'Bob Agent';",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let bobs = bob
        .execute("return Array.prototype.map.call(document.querySelectorAll('#chat-list .chat-name'), function (n) { return n.textContent; }).sort();", vec![])
        .await
        .unwrap();
    assert_eq!(
        bobs,
        json!(["Acme Helpdesk Ltd", "Release planning", "Support escalations"]),
        "his company chat and the demo's rooms; opening the chat told bob nothing"
    );

    type_into(&alice, "#composer-text", "Got a minute?\u{E007}").await;
    let unread = wait_until(
        &bob,
        "the chat in his list with its unread count",
        "var b = Array.prototype.find.call(document.querySelectorAll('#chat-list .chat-button'), function (b) { return b.querySelector('.chat-name').textContent === 'Alice Agent'; });\
         return b && b.querySelector('.chat-unread') && [b.querySelector('.chat-unread').textContent, document.getElementById('unread-total').textContent];",
    )
    .await;
    assert_eq!(unread, json!(["1", "1"]));
    screenshot(&bob, "team-chat-user-chat").await;
}

#[tokio::test]
async fn pr_14_tc_8_statuses_and_words_show_live_in_the_people_list() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let alice = driver.logged_in(&site.host.base_url, "alice", "/team-chat").await;
    let bob = driver.logged_in(&site.host.base_url, "bob", "/team-chat").await;
    let people = "return Array.prototype.map.call(document.querySelectorAll('#people-list li'),\
         function (li) { return li.dataset.user + ' ' + li.querySelector('.person-status').textContent; });";
    let shown = wait_until(
        &bob,
        "alice online at the top",
        &format!("var p = (function () {{ {people} }})(); return p[0] === 'alice Online' && p;"),
    )
    .await;
    assert_eq!(
        shown.as_array().unwrap().last(),
        Some(&json!("tom Offline")),
        "offline people after the online ones: {shown}"
    );
    alice
        .execute(
            "document.getElementById('my-status').value = 'busy';\
             document.getElementById('my-status-text').value = 'In a customer call';\
             document.getElementById('my-status-form').requestSubmit(); return true;",
            vec![],
        )
        .await
        .unwrap();
    wait_until(
        &bob,
        "alice busy with her words, live",
        &format!("var p = (function () {{ {people} }})(); return p[0] === 'alice Busy · In a customer call';"),
    )
    .await;
    screenshot(&bob, "team-chat-people").await;
}

#[tokio::test]
async fn tc_1_a_site_admin_switches_team_chat_off_on_its_settings_page_and_open_pages_hide_it() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let alice = driver.logged_in(&site.host.base_url, "alice", "/team-chat").await;
    let sam = driver
        .logged_in(&site.host.base_url, "sam", "/team-chat-settings")
        .await;
    wait_until(
        &alice,
        "team chat",
        "return !document.getElementById('team-chat').hidden;",
    )
    .await;
    let rows = wait_until(
        &sam,
        "the permissions",
        "return Array.prototype.map.call(document.querySelectorAll('#permission-rows tr'), function (r) {\
           return r.dataset.permission + ':' + r.querySelector('input[data-all]').checked; });",
    )
    .await;
    assert_eq!(
        rows,
        json!([
            "see:true",
            "post:true",
            "create-rooms:true",
            "edit-rooms:false",
            "delete-rooms:false"
        ])
    );
    // Only the support team may write from now on, and team chat goes off.
    sam.execute(
        "document.querySelector(\"tr[data-permission='post'] input[data-all]\").checked = false;\
         document.querySelector(\"tr[data-permission='post'] input[data-group='support-team']\").checked = true;\
         document.getElementById('team-chat-enabled').checked = false; return true;",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&sam, "team-chat-settings").await;
    click(&sam, "#save-settings").await;
    wait_until(
        &sam,
        "saved",
        "return !document.getElementById('settings-saved').hidden;",
    )
    .await;
    let notice = wait_until(
        &alice,
        "her page hiding team chat, live",
        "var n = document.getElementById('team-chat-off'); return !n.hidden && document.getElementById('team-chat').hidden && n.textContent;",
    )
    .await;
    assert_eq!(notice, json!("Team chat is switched off on this site."));
    // Switched on again, the open page comes back by itself (it asks again every little
    // while, and at once when the tab is shown again), without a reload.
    let sam_api = site.login("sam").await;
    let (_, mut on) = sam_api.get("/api/v1/team-chat/settings").await;
    on["enabled"] = json!(true);
    sam_api.put("/api/v1/team-chat/settings", on).await;
    alice
        .execute(
            "document.dispatchEvent(new Event('visibilitychange')); return true;",
            vec![],
        )
        .await
        .unwrap();
    wait_until(
        &alice,
        "team chat back without a reload",
        "return !document.getElementById('team-chat').hidden && document.getElementById('team-chat-off').hidden;",
    )
    .await;
    let (_, saved) = site.login("sam").await.get("/api/v1/team-chat/settings").await;
    assert_eq!(
        saved["grants"][1],
        json!({ "permission": "post", "grantees": [{ "group": "support-team" }] })
    );
}

#[tokio::test]
async fn tc_5_an_issue_chat_message_appears_on_the_issue_page_under_comments_only() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let alice = driver
        .logged_in(&site.host.base_url, "alice", "/issues?project=SUP")
        .await;
    let bob = driver.logged_in(&site.host.base_url, "bob", "/issue?key=SUP-1").await;
    click(&bob, "#view-comments").await;
    wait_until(
        &alice,
        "the issues",
        "return document.querySelector(\"tr[data-issue='SUP-1']\");",
    )
    .await;
    alice
        .execute(
            "var row = document.querySelector(\"tr[data-issue='SUP-1']\"); var box = row.getBoundingClientRect();\
             row.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, clientX: box.left + 20, clientY: box.top + 5 }));\
             return true;",
            vec![],
        )
        .await
        .unwrap();
    screenshot(&alice, "issue-menu").await;
    click(&alice, "#issue-menu-chat").await;
    wait_until(
        &alice,
        "the issue chat",
        "return document.body.getAttribute('data-ready') === '1' && document.getElementById('room-name').textContent === 'SUP-1 Cannot log in to the portal' && document.getElementById('participants-title').textContent === 'SUP-1';",
    )
    .await;
    type_into(&alice, "#composer-text", "Password reset sent\u{E007}").await;
    let comments = wait_until(
        &bob,
        "the chat message among the comments, live",
        "var b = Array.prototype.map.call(document.querySelectorAll('#issue-history .history-body'), function (n) { return n.textContent; });\
         return b.indexOf('Password reset sent') >= 0 && [b, document.getElementById('view-comments').getAttribute('aria-pressed')];",
    )
    .await;
    assert_eq!(comments[1], json!("true"), "under comments only");
    screenshot(&bob, "issue-page").await;
    wait_until(
        &alice,
        "alice among the participants",
        "return Array.prototype.some.call(document.querySelectorAll('#participants-list li'), function (li) { return li.dataset.user === 'alice'; });",
    )
    .await;
    screenshot(&alice, "issue-chat").await;

    // Bob opens team chat (and so is online); alice invites him, and he is told.
    bob.goto(&site.url("/team-chat")).await.unwrap();
    wait_until(
        &bob,
        "his team chat",
        "return document.body.getAttribute('data-ready') === '1';",
    )
    .await;
    let invite = "return Array.prototype.find.call(document.querySelectorAll(\"#people-list li[data-user='bob'] .invite-button\"), function (b) { return b.textContent === 'Invite to SUP-1'; });";
    wait_until(&alice, "Invite to SUP-1 beside bob", invite).await;
    alice
        .execute(
            &format!("var b = (function () {{ {invite} }})(); b.click(); return true;"),
            vec![],
        )
        .await
        .unwrap();
    let told = wait_until(
        &bob,
        "the invitation, live",
        "var t = document.getElementById('mention-toast'); return !t.hidden && document.getElementById('mention-text').textContent;",
    )
    .await;
    assert_eq!(
        told,
        json!("You were invited to the chat of SUP-1 Cannot log in to the portal.")
    );
}

#[tokio::test]
async fn tc_10_an_edit_and_a_deletion_show_live_and_stay_in_the_trace_page() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let alice = driver.new_browser("alice").await;
    let sam = driver.new_browser("sam").await;
    for (browser, user) in [(&alice, "alice"), (&sam, "sam")] {
        log_in(browser, &site.host.base_url, user, "/team-chat?chat=company-acme").await;
        wait_until(
            browser,
            "the company chat",
            "return document.getElementById('room-name').textContent === 'Acme Helpdesk Ltd';",
        )
        .await;
    }
    type_into(&alice, "#composer-text", "Deploy at 5\u{E007}").await;
    wait_until(
        &alice,
        "her line",
        "return document.querySelector('#room-messages .team-message.own .link-button');",
    )
    .await;
    alice
        .execute(
            "document.querySelector('#room-messages .team-message.own .link-button').click(); return true;",
            vec![],
        )
        .await
        .unwrap();
    alice
        .execute(
            "var t = document.getElementById('composer-text'); t.value = ''; return true;",
            vec![],
        )
        .await
        .unwrap();
    type_into(&alice, "#composer-text", "Deploy at 6\u{E007}").await;
    wait_until(
        &sam,
        "the edit, live",
        "var m = document.querySelector('#room-messages .team-message'); return m && m.querySelector('.message-body').textContent === 'Deploy at 6' && m.querySelector('.message-edited');",
    )
    .await;
    sam.execute(
        "window.confirm = function () { return true; };\
         var b = Array.prototype.find.call(document.querySelectorAll('#room-messages .team-message .link-button'), function (b) { return b.textContent === 'Delete'; });\
         b.click(); return true;",
        vec![],
    )
    .await
    .unwrap();
    wait_until(
        &alice,
        "the deletion, live",
        "var m = document.querySelector('#room-messages .team-message'); return m && m.classList.contains('deleted') && m.textContent.indexOf('Message deleted') >= 0;",
    )
    .await;
    sam.goto(&site.url("/team-chat-trace")).await.unwrap();
    let rows = wait_until(
        &sam,
        "the trace",
        "var r = Array.prototype.map.call(document.querySelectorAll('#trace-rows tr'), function (tr) { return tr.children[1].textContent + ': ' + tr.children[4].textContent; }); return r.length === 3 && r;",
    )
    .await;
    assert_eq!(
        rows,
        json!(["deleted: Deploy at 6", "edited: Deploy at 6", "written: Deploy at 5"])
    );
    let export = sam
        .execute(
            "return document.getElementById('export-csv').getAttribute('href');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(export, json!("/api/v1/team-chat/trace/export?format=csv"));
    screenshot(&sam, "team-chat-trace").await;
}

#[tokio::test]
async fn tc_8_a_persons_menu_shows_their_information_and_a_mention_reaches_them() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let alice = driver
        .logged_in(&site.host.base_url, "alice", "/team-chat?chat=company-acme")
        .await;
    let bob = driver.logged_in(&site.host.base_url, "bob", "/team-chat").await;
    wait_until(
        &bob,
        "alice in his people list",
        "return document.querySelector(\"#people-list li[data-user='alice'] button\");",
    )
    .await;
    bob.execute(
        "var b = document.querySelector(\"#people-list li[data-user='alice'] button\"); var r = b.getBoundingClientRect();\
         b.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, clientX: r.left + 10, clientY: r.top + 5 })); return true;",
        vec![],
    )
    .await
    .unwrap();
    click(&bob, "#person-menu-info").await;
    let info = wait_until(
        &bob,
        "her information",
        "return document.getElementById('person-dialog').open && [document.getElementById('person-dialog-id').textContent,\
         document.getElementById('person-dialog-email').textContent, document.getElementById('person-dialog-time').textContent];",
    )
    .await;
    assert_eq!(info[0], json!("alice"));
    assert_eq!(info[1], json!("alice@example.test"));
    assert!(info[2].as_str().unwrap().ends_with("(Europe/Oslo)"), "{info}");
    screenshot(&bob, "team-chat-person").await;
    click(&bob, "#person-dialog-close").await;

    wait_until(
        &alice,
        "the company chat",
        "return document.getElementById('room-name').textContent === 'Acme Helpdesk Ltd';",
    )
    .await;
    type_into(&alice, "#composer-text", "@bob can you check the printer?\u{E007}").await;
    let told = wait_until(
        &bob,
        "the mention, live",
        "var t = document.getElementById('mention-toast'); return !t.hidden && document.getElementById('mention-text').textContent;",
    )
    .await;
    assert_eq!(
        told,
        json!("Alice Agent mentioned you in Acme Helpdesk Ltd: @bob can you check the printer?")
    );
    click(&bob, "#mention-open").await;
    wait_until(
        &bob,
        "the chat open at the message, marked",
        "return document.getElementById('room-name').textContent === 'Acme Helpdesk Ltd' && document.querySelector('#room-messages .mentions-me');",
    )
    .await;
}
