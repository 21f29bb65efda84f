//! What the pages show, in a real headless Chromium (SPEC PR-3, LC-9, TC-10, PL-8): presence
//! in every staff page's toolbar, the inbox's hand-over, the widget's times, its words and
//! its own styles, and admin pages that say whose they are.

use helpdesk_e2e::TestSite;
use helpdesk_e2e::browser::{start_driver, wait_until};
use helpdesk_e2e::other_site::OtherSite;
use serde_json::json;

use crate::live_chat_browser::WIDGET;

#[tokio::test]
async fn pr_3_the_inbox_and_team_chat_show_who_is_online_in_the_toolbar() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let bob = driver.logged_in(&site.host.base_url, "bob", "/inbox?project=SUP").await;
    let shown = wait_until(
        &bob,
        "the presence indicator on the inbox",
        "var l = document.getElementById('presence-link'); return !l.hidden && document.getElementById('online-count').textContent;",
    )
    .await;
    assert_eq!(shown, json!("0"));
    site.login("alice")
        .await
        .post("/api/v1/projects/SUP/presence/online", json!({}))
        .await;
    wait_until(
        &bob,
        "the count following live",
        "return document.getElementById('online-count').textContent === '1';",
    )
    .await;
    let href = bob
        .execute(
            "return document.getElementById('presence-link').getAttribute('href');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(href, json!("/?project=SUP"), "it leads to the presence page");
    bob.goto(&site.url("/team-chat")).await.unwrap();
    wait_until(
        &bob,
        "the presence indicator on team chat",
        "var l = document.getElementById('presence-link'); return !l.hidden && document.getElementById('online-count').textContent === '1';",
    )
    .await;
}

#[tokio::test]
async fn lc_9_the_inbox_hands_a_chat_over_unassigns_it_and_says_when_it_ended() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    for agent in ["alice", "bob"] {
        site.login(agent)
            .await
            .post("/api/v1/projects/SUP/presence/online", json!({}))
            .await;
    }
    let visitor = site.visitor("pages-visitor-token-000001", None);
    let (status, conv) = visitor
        .post(
            "/api/v1/projects/SUP/chat/conversations",
            json!({ "client_id": "m1", "body": "My order is late" }),
        )
        .await;
    assert_eq!(status, 200, "{conv}");
    let id = conv["id"].as_str().unwrap().to_string();
    let bob = driver.logged_in(&site.host.base_url, "bob", "/inbox?project=SUP").await;
    wait_until(
        &bob,
        "the request in the list",
        &format!("return document.querySelector('[data-id=\"{id}\"]');"),
    )
    .await;
    bob.execute(
        &format!("document.querySelector('[data-id=\"{id}\"]').click(); return true;"),
        vec![],
    )
    .await
    .unwrap();
    // The conversation is open (not only its buttons drawn) before it is taken.
    wait_until(
        &bob,
        "the conversation",
        "return !document.getElementById('conversation').hidden && !document.getElementById('take').hidden;",
    )
    .await;
    bob.execute("document.getElementById('take').click(); return true;", vec![])
        .await
        .unwrap();
    wait_until(
        &bob,
        "taken, with unassign and hand-over offered",
        "return document.getElementById('assignee').textContent === 'Assigned to Bob Agent'\
         && !document.getElementById('unassign').hidden && !document.getElementById('hand-over').hidden\
         && Array.prototype.some.call(document.getElementById('hand-over').options, function (o) { return o.value === 'alice'; });",
    )
    .await;
    bob.execute(
        "var s = document.getElementById('hand-over'); s.value = 'alice'; s.dispatchEvent(new Event('change')); return true;",
        vec![],
    )
    .await
    .unwrap();
    wait_until(
        &bob,
        "handed over to alice",
        "return document.getElementById('assignee').textContent === 'Assigned to Alice Agent';",
    )
    .await;
    bob.execute("document.getElementById('unassign').click(); return true;", vec![])
        .await
        .unwrap();
    wait_until(
        &bob,
        "unassigned",
        "return document.getElementById('assignee').textContent === 'Unassigned';",
    )
    .await;
    let first = bob
        .execute(
            "var m = document.querySelector('#messages [data-seq=\"1\"]'); return m && m.textContent;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        first.as_str().is_some_and(|text| text.ends_with("My order is late")),
        "the customer's first message stays first, whatever came in while it was read: {first}"
    );
    bob.execute("document.getElementById('end').click(); return true;", vec![])
        .await
        .unwrap();
    let label = wait_until(
        &bob,
        "the ended label",
        "var l = document.getElementById('ended-label'); return !l.hidden && l.textContent;",
    )
    .await;
    assert!(label.as_str().unwrap().starts_with("Ended"), "{label}");
    if let Ok(dir) = std::env::var("SCREENSHOT_DIR") {
        std::fs::write(format!("{dir}/inbox-ended.png"), bob.screenshot().await.unwrap()).unwrap();
    }
}

#[tokio::test]
async fn lc_9_the_widget_keeps_its_own_styles_shows_times_says_errors_in_words_and_an_ended_chat_survives_a_reload() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let page = format!(
        "<!doctype html><html><head><title>Shop</title>\
         <style>* {{ letter-spacing: 7px !important; text-transform: uppercase !important; }}</style></head>\
         <body><h1>A shop</h1><script type=\"module\" src=\"{}/assets/widget/chat-widget.js?project=SUP\"></script></body></html>",
        site.host.base_url
    );
    let shop = OtherSite::serve("127.0.0.2", page).await;
    let paula = site.login("paula").await;
    let (_, mut settings) = paula.get("/api/v1/projects/SUP/chat/widget-settings").await;
    settings["external"] = json!(true);
    settings["allowed_sites"] = json!([shop.origin]);
    paula.put("/api/v1/projects/SUP/chat/widget-settings", settings).await;
    let bob = site.login("bob").await;
    bob.post("/api/v1/projects/SUP/presence/online", json!({})).await;

    let visitor = driver.new_browser("visitor").await;
    visitor.goto(&shop.origin).await.unwrap();
    wait_until(
        &visitor,
        "the widget",
        &format!("return {WIDGET} && {WIDGET}.getAttribute('data-ready') === '1';"),
    )
    .await;
    visitor
        .execute(
            &format!(
                "var r = {WIDGET}.shadowRoot; r.querySelector('.launcher').click();\
                 r.querySelector('textarea').value = 'Hello there'; r.querySelector('form.compose').requestSubmit(); return true;"
            ),
            vec![],
        )
        .await
        .unwrap();
    let line = wait_until(
        &visitor,
        "the message with its time",
        &format!(
            "var m = {WIDGET}.shadowRoot.querySelector('.msg.customer'); return m && m.querySelector('time').textContent\
             && [m.querySelector('.body').textContent, getComputedStyle(m).letterSpacing, getComputedStyle(m).textTransform];"
        ),
    )
    .await;
    assert_eq!(
        line,
        json!(["Hello there", "normal", "none"]),
        "the page's styles stay out"
    );

    // An address the browser lets through but the chat does not take is said in words,
    // without a field name.
    visitor
        .execute(
            &format!(
                "var r = {WIDGET}.shadowRoot; r.querySelector('.tools .link').click();\
                 r.querySelector('.transcript-form input').value = 'nope@localhost';\
                 r.querySelector('.transcript-form').requestSubmit(); return true;"
            ),
            vec![],
        )
        .await
        .unwrap();
    let error = wait_until(
        &visitor,
        "the error in words",
        &format!("var e = {WIDGET}.shadowRoot.querySelector('.panel > p.error'); return !e.hidden && e.textContent;"),
    )
    .await;
    let error = error.as_str().unwrap();
    assert!(
        !error.starts_with("email:") && error.contains("no e-mail address"),
        "{error}"
    );

    // Ended, and the page reloaded: the conversation is still there.
    let (_, mine) = site
        .login("bob")
        .await
        .get("/api/v1/projects/SUP/chat/inbox?view=all")
        .await;
    let id = mine["conversations"][0]["id"].as_str().unwrap().to_string();
    bob.post(&format!("/api/v1/chat/conversations/{id}/end"), json!({}))
        .await;
    visitor.refresh().await.unwrap();
    wait_until(
        &visitor,
        "the widget again",
        &format!("return {WIDGET} && {WIDGET}.getAttribute('data-ready') === '1';"),
    )
    .await;
    visitor
        .execute(
            &format!("{WIDGET}.shadowRoot.querySelector('.launcher').click(); return true;"),
            vec![],
        )
        .await
        .unwrap();
    wait_until(
        &visitor,
        "the ended conversation after a reload",
        &format!(
            "var r = {WIDGET}.shadowRoot; var m = r.querySelector('.msg.customer .body');\
             return m && m.textContent === 'Hello there' && r.querySelector('textarea').placeholder.indexOf('new conversation') >= 0;"
        ),
    )
    .await;
}

#[tokio::test]
async fn tc_10_edit_and_delete_are_within_reach_of_the_keyboard() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let alice = site.login("alice").await;
    alice
        .post(
            "/api/v1/team-chat/chats/company-acme/messages",
            json!({ "client_id": "k1", "body": "Typo here" }),
        )
        .await;
    let browser = driver
        .logged_in(&site.host.base_url, "alice", "/team-chat?chat=company-acme")
        .await;
    wait_until(
        &browser,
        "the message",
        "return document.querySelector('.team-message .message-actions button');",
    )
    .await;
    let shown = browser
        .execute(
            "var b = document.querySelector('.team-message .message-actions button'); b.focus();\
             return [document.activeElement === b, getComputedStyle(b.parentNode).opacity, b.textContent];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(shown, json!([true, "1", "Edit"]), "focused by the keyboard, it shows");
}

#[tokio::test]
async fn pl_8_a_member_opening_an_admin_page_is_told_whose_page_it_is() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let tom = driver.new_browser("tom").await;
    helpdesk_e2e::browser::log_in_to(&tom, &site.host.base_url, "tom", "/outbox", "denied").await;
    let note = wait_until(
        &tom,
        "the note",
        "var n = document.querySelector('.not-allowed'); return n && document.querySelector('main').hidden && n.textContent;",
    )
    .await;
    assert!(
        note.as_str()
            .unwrap()
            .starts_with("This page is for site administrators."),
        "{note}"
    );
}

#[tokio::test]
async fn lc_9_the_widget_page_sets_how_long_ended_chats_are_kept() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let paula = driver
        .logged_in(&site.host.base_url, "paula", "/chat-settings?project=SUP")
        .await;
    wait_until(
        &paula,
        "the settings form, keeping chats by default",
        "var r = document.getElementById('retention'); return !!r && !document.getElementById('settings-form').hidden && r.value === '';",
    )
    .await;
    paula
        .execute(
            "document.getElementById('retention').value = '30';\
             document.getElementById('settings-form').requestSubmit(); return true;",
            vec![],
        )
        .await
        .unwrap();
    wait_until(
        &paula,
        "the settings saved",
        "return !document.getElementById('settings-saved').hidden;",
    )
    .await;
    let (_, saved) = site
        .login("paula")
        .await
        .get("/api/v1/projects/SUP/chat/widget-settings")
        .await;
    assert_eq!(saved["retention_days"], json!(30));
    if let Ok(dir) = std::env::var("SCREENSHOT_DIR") {
        paula
            .execute(
                "document.getElementById('retention').scrollIntoView(); return true;",
                vec![],
            )
            .await
            .unwrap();
        std::fs::write(
            format!("{dir}/chat-settings-retention.png"),
            paula.screenshot().await.unwrap(),
        )
        .unwrap();
    }
}
