//! Live chat in a real headless Chromium (SPEC LC-2, LC-3, LC-7, LC-9, LC-10, PR-11): the one-tag snippet
//! on a page of another origin chats live with an agent in the inbox; the same snippet on a
//! site that is not allowed shows nothing.

use std::time::Duration;

use fantoccini::Locator;
use helpdesk_e2e::TestSite;
use helpdesk_e2e::browser::{start_driver, wait_until as wait_for};
use helpdesk_e2e::other_site::OtherSite;
use serde_json::json;

/// The widget's shadow root, as page scripts reach it.
pub(crate) const WIDGET: &str = "document.querySelector('[data-helpdesk-chat]')";

pub(crate) fn snippet_page(host: &str) -> String {
    format!(
        "<!doctype html><html><head><title>Shop</title><style>div {{ color: red !important; font-size: 40px; }}</style></head>\
         <body><h1>A shop</h1><script type=\"module\" src=\"{host}/assets/widget/chat-widget.js?project=SUP\"></script></body></html>"
    )
}

#[tokio::test]
async fn lc_9_a_visitor_on_another_site_chats_live_with_an_agent_in_the_inbox() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let shop = OtherSite::serve("127.0.0.2", snippet_page(&site.host.base_url)).await;
    let elsewhere = OtherSite::serve("127.0.0.3", snippet_page(&site.host.base_url)).await;
    let paula = site.login("paula").await;
    let (_, mut settings) = paula.get("/api/v1/projects/SUP/chat/widget-settings").await;
    settings["external"] = json!(true);
    settings["allowed_sites"] = json!([shop.origin]);
    settings["greeting"] = json!("Need a hand? <b>Ask us</b>");
    let (status, body) = paula.put("/api/v1/projects/SUP/chat/widget-settings", settings).await;
    assert_eq!(status, 200, "{body}");

    let (status, _) = site
        .login("bob")
        .await
        .post("/api/v1/projects/SUP/presence/online", json!({}))
        .await;
    assert_eq!(status, 200, "bob is online, so the visitor chats live");
    let bob = driver.logged_in(&site.host.base_url, "bob", "/inbox?project=SUP").await;

    let alice = driver.logged_in(&site.host.base_url, "alice", "/?project=SUP").await;
    wait_for(&alice, "the new-request notice", "var c = document.getElementById('chat-requests-count'); return c && !document.getElementById('chat-requests').hidden && c.textContent === '0';").await;

    let visitor = driver.new_browser("visitor").await;
    visitor.goto(&shop.origin).await.unwrap();
    wait_for(
        &visitor,
        "the widget",
        &format!("return {WIDGET} && {WIDGET}.getAttribute('data-ready') === '1';"),
    )
    .await;
    let greeting = wait_for(
        &visitor,
        "the greeting",
        &format!("return {WIDGET}.shadowRoot.querySelector('.bubble').textContent;"),
    )
    .await;
    assert_eq!(
        greeting,
        json!("Need a hand? <b>Ask us</b>"),
        "shown as text, never as HTML"
    );
    let style = visitor
        .execute(
            &format!("return getComputedStyle({WIDGET}.shadowRoot.querySelector('.welcome')).fontSize;"),
            vec![],
        )
        .await
        .unwrap();
    assert_ne!(style, json!("40px"), "the page's styles do not reach into the widget");

    visitor
        .execute(
            &format!(
                "var root = {WIDGET}.shadowRoot; root.querySelector('.launcher').click();\
                 root.querySelector('textarea').value = 'Hello from the shop <script>x</script>';\
                 root.querySelector('form.compose').requestSubmit(); return true;"
            ),
            vec![],
        )
        .await
        .unwrap();

    wait_for(
        &bob,
        "the request in the inbox",
        "return document.querySelectorAll('#conversation-list li').length === 1;",
    )
    .await;
    wait_for(
        &alice,
        "one new request in the header of another page",
        "return document.getElementById('chat-requests-count').textContent === '1';",
    )
    .await;
    if let Ok(dir) = std::env::var("SCREENSHOT_DIR") {
        std::fs::write(format!("{dir}/header.png"), alice.screenshot().await.unwrap()).unwrap();
    }
    let preview = bob
        .find(Locator::Css("#conversation-list li .preview"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(preview, "Hello from the shop <script>x</script>");
    assert_eq!(
        bob.find(Locator::Id("new-requests"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "1"
    );
    bob.find(Locator::Css("#conversation-list li"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &bob,
        "the customer's message",
        "return document.querySelectorAll('#messages .message.customer').length === 1;",
    )
    .await;
    let details = bob
        .find(Locator::Id("customer-details"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(details.contains(&shop.origin), "the agent sees the page URL: {details}");
    bob.find(Locator::Id("reply"))
        .await
        .unwrap()
        .send_keys("Hi! How can I help?")
        .await
        .unwrap();
    bob.find(Locator::Id("send")).await.unwrap().click().await.unwrap();

    let answer = wait_for(
        &visitor,
        "the agent's answer",
        &format!(
            "var m = {WIDGET}.shadowRoot.querySelector('.msg.agent');\
             return m && [m.querySelector('.who').textContent, m.querySelector('.body').textContent,\
             /^\\d\\d?[:.]\\d\\d/.test(m.querySelector('time').textContent)];"
        ),
    )
    .await;
    assert_eq!(
        answer,
        json!(["Bob Agent", "Hi! How can I help?", true]),
        "the customer sees the agent's name, and when it was written"
    );
    wait_for(
        &bob,
        "the seen mark",
        "return !!document.querySelector('#messages .message.agent .seen');",
    )
    .await;
    wait_for(
        &alice,
        "no new request once bob answered",
        "return document.getElementById('chat-requests-count').textContent === '0';",
    )
    .await;
    if let Ok(dir) = std::env::var("SCREENSHOT_DIR") {
        std::fs::write(format!("{dir}/inbox.png"), bob.screenshot().await.unwrap()).unwrap();
        std::fs::write(format!("{dir}/widget.png"), visitor.screenshot().await.unwrap()).unwrap();
    }

    visitor.goto(&shop.origin).await.unwrap();
    wait_for(
        &visitor,
        "the history after a reload",
        &format!("var r = {WIDGET} && {WIDGET}.shadowRoot; return r && r.querySelectorAll('.msg').length === 2;"),
    )
    .await;

    let stranger = driver.new_browser("stranger").await;
    stranger.goto(&elsewhere.origin).await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let shown = stranger.execute(&format!("return !!{WIDGET};"), vec![]).await.unwrap();
    assert_eq!(shown, json!(false), "a site not on the list gets no widget");
    let (_, inbox) = site.login("bob").await.get("/api/v1/projects/SUP/chat/inbox").await;
    assert_eq!(
        inbox["conversations"].as_array().unwrap().len(),
        1,
        "and starts nothing"
    );
}

#[tokio::test]
async fn lc_7_a_site_admin_translates_the_welcome_on_the_translate_and_customize_page() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let sam = driver.logged_in(&site.host.base_url, "sam", "/chat-texts").await;
    sam.execute(
        "var row = document.querySelector('tr[data-language=\"de\"]');\
         row.querySelector('textarea').value = 'Willkommen bei uns!';\
         row.querySelector('.btn-primary').click(); return true;",
        vec![],
    )
    .await
    .unwrap();
    wait_for(
        &sam,
        "the customized German text with its reset button",
        "var row = document.querySelector('tr[data-language=\"de\"]');\
         return row && row.querySelector('textarea').value === 'Willkommen bei uns!' && !!row.querySelector('.btn-default');",
    )
    .await;
    let shown = sam
        .execute(
            "return document.querySelector('tr[data-language=\"de\"] th').textContent;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(shown, json!("German (de)"), "languages by name, not only by code");
    if let Ok(dir) = std::env::var("SCREENSHOT_DIR") {
        std::fs::write(format!("{dir}/texts.png"), sam.screenshot().await.unwrap()).unwrap();
    }
    let (_, german) = site
        .visitor("visitor-token-aaaaaaaaaaaaaaaaaaaa", None)
        .get_in_language("/api/v1/projects/SUP/chat/widget", "de")
        .await;
    assert_eq!(german["welcome"], "Willkommen bei uns!");
}

#[tokio::test]
async fn lc_10_a_message_left_while_nobody_is_online_is_answered_and_the_mail_waits_in_the_outbox() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let customer = driver.new_browser("customer").await;
    customer.goto(&site.url("/portal")).await.unwrap();
    let asked = wait_for(
        &customer,
        "the portal asking which help center",
        "return document.body.getAttribute('data-ready') === 'choose' && document.querySelector('.card').textContent;",
    )
    .await;
    assert!(asked.as_str().unwrap().starts_with("Which help center?"), "{asked}");
    assert_eq!(
        customer.execute(&format!("return !!{WIDGET};"), vec![]).await.unwrap(),
        json!(false),
        "no project is guessed"
    );
    customer.goto(&site.url("/portal?project=SUP")).await.unwrap();
    wait_for(
        &customer,
        "the widget",
        &format!("return {WIDGET} && {WIDGET}.getAttribute('data-ready') === '1';"),
    )
    .await;
    let offline = customer
        .execute(
            &format!(
                "var r = {WIDGET}.shadowRoot; r.querySelector('.launcher').click();\
                 return [r.querySelector('.note').textContent, r.querySelector('.email-row').hidden];"
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        offline,
        json!([
            "No agent is online right now. Leave a message and we will answer by e-mail.",
            false
        ]),
        "the widget says nobody is online and asks for an address"
    );
    customer
        .execute(
            &format!(
                "var r = {WIDGET}.shadowRoot; r.querySelector('.email-row input').value = 'olga@example.test';\
                 r.querySelector('textarea').value = 'My invoice is wrong';\
                 r.querySelector('form.compose').requestSubmit(); return true;"
            ),
            vec![],
        )
        .await
        .unwrap();
    wait_for(
        &customer,
        "the message left",
        &format!("return {WIDGET}.shadowRoot.querySelectorAll('.msg.customer').length === 1;"),
    )
    .await;

    let bob = driver.logged_in(&site.host.base_url, "bob", "/inbox?project=SUP").await;
    wait_for(
        &bob,
        "the offline message in the inbox",
        "return document.querySelectorAll('#conversation-list li').length === 1;",
    )
    .await;
    bob.find(Locator::Css("#conversation-list li"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &bob,
        "the customer's message",
        "return document.querySelectorAll('#messages .message.customer').length === 1;",
    )
    .await;
    bob.find(Locator::Id("reply"))
        .await
        .unwrap()
        .send_keys("We have corrected your invoice.")
        .await
        .unwrap();
    bob.find(Locator::Id("send")).await.unwrap().click().await.unwrap();
    wait_for(
        &bob,
        "the answer in the conversation",
        "return document.querySelectorAll('#messages .message.agent').length === 1;",
    )
    .await;

    wait_for(
        &customer,
        "the answer in the widget",
        &format!("return {WIDGET}.shadowRoot.querySelectorAll('.msg.agent').length === 1;"),
    )
    .await;
    customer
        .execute(
            &format!("{WIDGET}.shadowRoot.querySelector('.tools .link').click(); return true;"),
            vec![],
        )
        .await
        .unwrap();
    // The address the customer typed is not known to be hers: the widget asks for the code
    // mailed to it, and the transcript follows.
    wait_for(
        &customer,
        "the code form",
        &format!("return !{WIDGET}.shadowRoot.querySelector('.code-form').hidden;"),
    )
    .await;
    let (_, outbox) = site.login("sam").await.get("/api/v1/admin/outbox").await;
    let mailed_code = outbox[0]["subject"]
        .as_str()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    customer
        .execute(
            &format!(
                "var r = {WIDGET}.shadowRoot; r.querySelector('.code-form input').value = arguments[0];\
                 r.querySelector('.code-form .send').click(); return true;"
            ),
            vec![json!(mailed_code)],
        )
        .await
        .unwrap();
    wait_for(
        &customer,
        "the transcript sent to the address the customer left",
        &format!(
            "return {WIDGET}.shadowRoot.querySelector('.transcript-note').textContent === 'Transcript sent to olga@example.test.';"
        ),
    )
    .await;

    let sam = driver.logged_in(&site.host.base_url, "sam", "/outbox").await;
    let subjects = wait_for(
        &sam,
        "the three mails in the outbox",
        "var s = document.querySelectorAll('#mail .mail-subject'); return s.length === 3 && [s[0].textContent, s[1].textContent];",
    )
    .await;
    assert_eq!(
        subjects[0], "Your chat with Customer Support",
        "the transcript, newest first"
    );
    let row = sam
        .execute(
            "var row = document.querySelectorAll('#mail tr')[2]; return [row.querySelector('.mail-to').textContent,\
             row.querySelector('.mail-subject').textContent, row.querySelector('.mail-body').textContent,\
             row.querySelector('.mail-state').textContent];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(row[0], "olga@example.test");
    assert_eq!(row[1], "Bob Agent answered your message to Customer Support");
    assert!(
        row[2].as_str().unwrap().contains("We have corrected your invoice."),
        "{row}"
    );
    assert_eq!(row[3], "Waiting", "no mail server is configured, so it waits");
    sam.execute(
        "document.querySelectorAll('#mail details')[2].open = true; return true;",
        vec![],
    )
    .await
    .unwrap();
    if let Ok(dir) = std::env::var("SCREENSHOT_DIR") {
        std::fs::write(format!("{dir}/outbox.png"), sam.screenshot().await.unwrap()).unwrap();
        std::fs::write(
            format!("{dir}/offline-widget.png"),
            customer.screenshot().await.unwrap(),
        )
        .unwrap();
    }
}
