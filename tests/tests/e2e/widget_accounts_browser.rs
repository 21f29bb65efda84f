//! Who a customer is in the widget, in a real headless Chromium: registering and logging in
//! through the widget on another site (LC-5, LC-6), and a site passing its logged-in user with
//! an identity hash.

use helpdesk_e2e::TestSite;
use helpdesk_e2e::browser::{start_driver, wait_until as wait_for};
use helpdesk_e2e::other_site::OtherSite;
use helpdesk_e2e::wait::eventually;
use serde_json::json;

use crate::live_chat_browser::{WIDGET, snippet_page};
use crate::widget_accounts::{identity_token, user_claims};

#[tokio::test]
async fn lc_5_lc_6_a_customer_registers_and_logs_in_through_the_widget_on_another_site() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let shop = OtherSite::serve("127.0.0.2", snippet_page(&site.host.base_url)).await;
    let paula = site.login("paula").await;
    let (_, mut settings) = paula.get("/api/v1/projects/SUP/chat/widget-settings").await;
    settings["external"] = json!(true);
    settings["allowed_sites"] = json!([shop.origin]);
    settings["anonymous"] = json!(false);
    settings["registration"] = json!(true);
    let (status, body) = paula.put("/api/v1/projects/SUP/chat/widget-settings", settings).await;
    assert_eq!(status, 200, "{body}");
    site.login("bob")
        .await
        .post("/api/v1/projects/SUP/presence/online", json!({}))
        .await;

    let customer = driver.new_browser("customer").await;
    customer.goto(&shop.origin).await.unwrap();
    wait_for(
        &customer,
        "the widget",
        &format!("return {WIDGET} && {WIDGET}.getAttribute('data-ready') === '1';"),
    )
    .await;
    let shown = customer
        .execute(
            &format!(
                "var r = {WIDGET}.shadowRoot; r.querySelector('.launcher').click();\
                 return [!r.querySelector('.account').hidden, r.querySelector('.compose').hidden];"
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        shown,
        json!([true, true]),
        "anonymous chat is off: log in or register first"
    );
    if let Ok(dir) = std::env::var("SCREENSHOT_DIR") {
        std::fs::write(
            format!("{dir}/widget-account.png"),
            customer.screenshot().await.unwrap(),
        )
        .unwrap();
    }
    customer
        .execute(
            &format!(
                "var f = {WIDGET}.shadowRoot.querySelectorAll('.account-form')[1].querySelectorAll('input');\
                 f[0].value = 'Vera Visitor'; f[1].value = 'vera@example.test'; f[2].value = 'long enough';\
                 {WIDGET}.shadowRoot.querySelectorAll('.account-form')[1].requestSubmit(); return true;"
            ),
            vec![],
        )
        .await
        .unwrap();
    wait_for(
        &customer,
        "the code form",
        &format!("return !{WIDGET}.shadowRoot.querySelector('.register-code').hidden;"),
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
                "var f = {WIDGET}.shadowRoot.querySelector('.register-code');\
                 f.querySelector('input').value = arguments[0]; f.requestSubmit(); return true;"
            ),
            vec![json!(mailed_code)],
        )
        .await
        .unwrap();
    wait_for(
        &customer,
        "the registered customer",
        &format!(
            "return {WIDGET}.shadowRoot.querySelector('.whoami span').textContent === 'Logged in as Vera Visitor';"
        ),
    )
    .await;
    customer
        .execute(
            &format!(
                "var r = {WIDGET}.shadowRoot; r.querySelector('textarea').value = 'Hello as Vera';\
                 r.querySelector('form.compose').requestSubmit(); return true;"
            ),
            vec![],
        )
        .await
        .unwrap();
    let bob = site.login("bob").await;
    let found = eventually("the conversation in the inbox", || async {
        let (_, inbox) = bob.get("/api/v1/projects/SUP/chat/inbox").await;
        inbox["conversations"].get(0).cloned()
    })
    .await;
    assert_eq!(found["customer"]["name"], "Vera Visitor", "{found}");
    let id = found["id"].as_str().unwrap().to_string();
    bob.post(
        &format!("/api/v1/chat/conversations/{id}/messages"),
        json!({ "client_id": "a1", "body": "Hi Vera" }),
    )
    .await;
    wait_for(
        &customer,
        "the answer on a stream opened with the customer's token",
        &format!(
            "var m = {WIDGET}.shadowRoot.querySelector('.msg.agent .body'); return m && m.textContent === 'Hi Vera';"
        ),
    )
    .await;

    customer
        .execute(
            &format!("{WIDGET}.shadowRoot.querySelector('.whoami .link').click(); return true;"),
            vec![],
        )
        .await
        .unwrap();
    wait_for(
        &customer,
        "the login form again",
        &format!("return !{WIDGET}.shadowRoot.querySelector('.account').hidden;"),
    )
    .await;
    customer
        .execute(
            &format!(
                "var f = {WIDGET}.shadowRoot.querySelector('.account-form').querySelectorAll('input');\
                 f[0].value = 'vera'; f[1].value = 'long enough';\
                 {WIDGET}.shadowRoot.querySelector('.account-form').requestSubmit(); return true;"
            ),
            vec![],
        )
        .await
        .unwrap();
    wait_for(
        &customer,
        "the conversation back after logging in",
        &format!("var r = {WIDGET}.shadowRoot; return r.querySelectorAll('.msg').length === 2 && !r.querySelector('.whoami').hidden;"),
    )
    .await;
}

#[tokio::test]
async fn lc_4_a_site_passes_its_logged_in_user_to_the_widget_with_a_signed_token() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let paula_api = site.login("paula").await;
    let (_, secret) = paula_api
        .put("/api/v1/projects/SUP/chat/identity-secret", json!({ "enabled": true }))
        .await;
    let secret = secret["secret"].as_str().unwrap().to_string();
    let token = identity_token(&secret, user_claims("shop-user-7", "Jane Shopper", "jane@shop.example"));
    let page = format!(
        "<!doctype html><html><head><title>Shop</title></head><body><h1>My account</h1>\
         <script type=\"module\" src=\"{}/assets/widget/chat-widget.js?project=SUP\" \
         data-user-token=\"{token}\"></script></body></html>",
        site.host.base_url
    );
    let shop = OtherSite::serve("127.0.0.2", page).await;
    let (_, mut settings) = paula_api.get("/api/v1/projects/SUP/chat/widget-settings").await;
    settings["external"] = json!(true);
    settings["allowed_sites"] = json!([shop.origin]);
    settings["anonymous"] = json!(false);
    paula_api
        .put("/api/v1/projects/SUP/chat/widget-settings", settings)
        .await;

    let paula = driver
        .logged_in(&site.host.base_url, "paula", "/chat-settings?project=SUP")
        .await;
    let shown = wait_for(
        &paula,
        "the identity secret on the settings page",
        "return !document.getElementById('identity-on').hidden && document.getElementById('identity-secret').value;",
    )
    .await;
    assert_eq!(shown, json!(secret));
    if let Ok(dir) = std::env::var("SCREENSHOT_DIR") {
        paula
            .execute(
                "document.getElementById('identity').scrollIntoView(); return true;",
                vec![],
            )
            .await
            .unwrap();
        std::fs::write(
            format!("{dir}/identity-settings.png"),
            paula.screenshot().await.unwrap(),
        )
        .unwrap();
    }

    let jane = driver.new_browser("jane").await;
    jane.goto(&shop.origin).await.unwrap();
    wait_for(
        &jane,
        "the widget for Jane, with no login form although anonymous chat is off",
        &format!(
            "var r = {WIDGET} && {WIDGET}.shadowRoot; return !!r && {WIDGET}.getAttribute('data-ready') === '1' &&\
             r.querySelector('.account').hidden && r.querySelector('.whoami span').textContent === 'Chatting as Jane Shopper';"
        ),
    )
    .await;
    jane.execute(
        &format!(
            "var r = {WIDGET}.shadowRoot; r.querySelector('.launcher').click();\
             r.querySelector('textarea').value = 'Where is my order?';\
             r.querySelector('form.compose').requestSubmit(); return true;"
        ),
        vec![],
    )
    .await
    .unwrap();
    let bob = site.login("bob").await;
    let found = eventually("Jane's conversation in the inbox", || async {
        let (_, inbox) = bob.get("/api/v1/projects/SUP/chat/inbox").await;
        inbox["conversations"].get(0).cloned()
    })
    .await;
    assert_eq!(
        (found["customer"]["name"].clone(), found["customer"]["email"].clone()),
        (json!("Jane Shopper"), json!("jane@shop.example"))
    );
    if let Ok(dir) = std::env::var("SCREENSHOT_DIR") {
        std::fs::write(format!("{dir}/identity-widget.png"), jane.screenshot().await.unwrap()).unwrap();
    }
}
