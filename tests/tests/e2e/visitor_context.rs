//! Visitor context end to end (SPEC LC-21): the widget of a visitor who chats reports the page
//! they are on, from their own site only; agents read it and hear it change on the stream.

use std::time::Duration;

use helpdesk_e2e::TestSite;
use reqwest::StatusCode;
use serde_json::json;

use crate::live_chat::{TOKEN_A, allow_sites, code, start};

#[tokio::test]
async fn lc_21_agents_see_the_page_a_chatting_visitor_is_on_live() {
    let site = TestSite::start();
    allow_sites(&site, &["https://shop.example"]).await;
    let bob = site.login("bob").await;
    let mut inbox = site.stream(&bob, &["inbox:SUP"], None).await;
    let visitor = site.visitor(TOKEN_A, Some("https://shop.example"));
    let (status, conv) = visitor
        .post(
            "/api/v1/projects/SUP/chat/conversations",
            start("m1", "Where is my parcel?"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{conv}");
    let id = conv["id"].as_str().unwrap();
    let path = format!("/api/v1/chat/conversations/{id}/visitor-context");

    let (status, _) = visitor
        .post(
            &path,
            json!({ "url": "https://shop.example/cart", "title": "Your cart", "referrer": "https://search.example/?q=parcel", "time_zone": "Europe/Oslo" }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let changed = inbox.next_of_kind("visitor-context-changed").await;
    assert_eq!(changed.data["conversation"], id);
    assert_eq!(changed.data["pages"][0]["title"], "Your cart");

    let (status, refused) = visitor
        .post(
            &path,
            json!({ "url": "https://evil.example/", "title": null, "referrer": null, "time_zone": null }),
        )
        .await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::BAD_REQUEST, "invalid"),
        "another site's page: {refused}"
    );
    let (status, refused) = visitor
        .post(
            &path,
            json!({ "url": "javascript:alert(1)", "title": null, "referrer": null, "time_zone": null }),
        )
        .await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::BAD_REQUEST, "invalid"),
        "{refused}"
    );

    let (status, context) = bob.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{context}");
    assert_eq!(context["referrer"], "https://search.example/?q=parcel");
    assert_eq!(context["time_zone"], "Europe/Oslo");
    assert_eq!(context["pages"].as_array().unwrap().len(), 1);
    let (status, body) = visitor.get(&path).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "unauthenticated"),
        "the visitor does not read it back"
    );
    let (status, body) = site
        .visitor("visitor-token-cccccccccccccccccccc", Some("https://shop.example"))
        .post(
            &path,
            json!({ "url": "https://shop.example/", "title": null, "referrer": null, "time_zone": null }),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "not_found"),
        "nobody else reports for it"
    );
}

#[tokio::test]
async fn lc_21_the_widget_reports_its_page_and_the_inbox_shows_it() {
    use helpdesk_e2e::browser::{open_in_inbox, screenshot, start_driver, wait_until};
    use helpdesk_e2e::other_site::OtherSite;

    use crate::live_chat_browser::{WIDGET, snippet_page};

    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let shop = OtherSite::serve("127.0.0.2", snippet_page(&site.host.base_url)).await;
    allow_sites(&site, &[&shop.origin]).await;

    let visitor = driver.new_browser("visitor").await;
    visitor.goto(&shop.origin).await.unwrap();
    wait_until(
        &visitor,
        "the widget",
        &format!("return {WIDGET} && {WIDGET}.getAttribute('data-ready') === '1';"),
    )
    .await;
    let (_, before) = site
        .login("bob")
        .await
        .get("/api/v1/projects/SUP/chat/inbox?view=all")
        .await;
    assert!(
        before["conversations"].as_array().unwrap().is_empty(),
        "nothing before the visitor chats"
    );
    visitor
        .execute(
            &format!(
                "var r = {WIDGET}.shadowRoot; r.querySelector('.launcher').click();\
                 r.querySelector('.email-row input').value = 'olga@example.test';\
                 r.querySelector('textarea').value = 'Is this in stock?';\
                 r.querySelector('form.compose').requestSubmit(); return true;"
            ),
            vec![],
        )
        .await
        .unwrap();

    let bob = driver.logged_in(&site.host.base_url, "bob", "/inbox?project=SUP").await;
    wait_until(
        &bob,
        "the request",
        "return !!document.querySelector('#conversation-list .conversation-item');",
    )
    .await;
    open_in_inbox(&bob, "#conversation-list .conversation-item").await;
    let shown = wait_until(
        &bob,
        "the visitor's page",
        "var a = document.querySelector('#visitor-page a'); return !document.getElementById('visitor').hidden && a && [a.textContent, a.getAttribute('href'), a.rel];",
    )
    .await;
    assert_eq!(shown[0], "Shop", "{shown}");
    assert_eq!(shown[1], format!("{}/", shop.origin), "{shown}");
    assert_eq!(shown[2], "noopener noreferrer nofollow");
    bob.execute("document.getElementById('visitor').open = true; return true;", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    screenshot(&bob, "inbox-visitor").await;

    // The visitor moves on within the site: the inbox follows live.
    visitor
        .execute("history.pushState({}, '', '/product/42'); document.title = 'Product 42'; window.dispatchEvent(new PopStateEvent('popstate')); return true;", vec![])
        .await
        .unwrap();
    let moved = wait_until(
        &bob,
        "the new page",
        "var a = document.querySelector('#visitor-page a'); return a && a.textContent === 'Product 42' && document.querySelectorAll('#visitor-pages li').length;",
    )
    .await;
    assert_eq!(moved, json!(2), "both pages of the visit are listed");
}
