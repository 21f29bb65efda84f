//! The presence header in a real headless Chromium (SPEC PR-3, PR-4, PR-10, PL-8): two
//! agents in two browsers; when one goes online, both headers follow live.

use std::time::Duration;

use fantoccini::{Client, Locator};
use helpdesk_e2e::TestSite;
use helpdesk_e2e::browser::{log_in, start_driver, wait_until};
use serde_json::json;

/// Waits (up to 10 s) until the element's attribute has the value.
async fn wait_for_attribute(browser: &Client, css: &str, attribute: &str, expected: &str) {
    let mut last = None;
    for _ in 0..100 {
        if let Ok(element) = browser.find(Locator::Css(css)).await {
            last = element.attr(attribute).await.ok().flatten();
            if last.as_deref() == Some(expected) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}[{attribute}] stayed {last:?}, expected {expected:?}");
}

/// The computed CSS `property` of the element with this id, as the browser renders it.
async fn computed(browser: &Client, id: &str, property: &str) -> String {
    let script = "return getComputedStyle(document.getElementById(arguments[0])).getPropertyValue(arguments[1]);";
    let value = browser.execute(script, vec![json!(id), json!(property)]).await.unwrap();
    value.as_str().unwrap_or_default().to_string()
}

const RED: &str = "rgb(222, 53, 11)";
const GREEN: &str = "rgb(0, 135, 90)";
const GREY: &str = "rgb(151, 160, 175)";
const WHITE: &str = "rgb(255, 255, 255)";
const BLACK_ON_LIGHT: &str = "rgb(0, 0, 0)";

async fn click(browser: &Client, id: &str) {
    browser.find(Locator::Id(id)).await.unwrap().click().await.unwrap();
}

async fn classes(browser: &Client, id: &str) -> String {
    browser
        .find(Locator::Id(id))
        .await
        .unwrap()
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test]
async fn pr_3_header_turns_green_when_an_agent_goes_online_in_every_browser() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let alice = driver.logged_in(&site.host.base_url, "alice", "/?project=SUP").await;
    let bob = driver.logged_in(&site.host.base_url, "bob", "/?project=SUP").await;

    for browser in [&alice, &bob] {
        wait_for_attribute(browser, "#online-count", "data-online-count", "0").await;
        assert!(classes(browser, "online-count").await.contains("count-zero"));
        assert_eq!(
            computed(browser, "online-count", "background-color").await,
            RED,
            "red at zero"
        );
    }
    assert!(classes(&alice, "own-status").await.contains("status-offline"));
    assert_eq!(
        computed(&alice, "own-status", "color").await,
        GREY,
        "grey while offline"
    );

    click(&alice, "presence-indicator").await;
    click(&alice, "go-online").await;

    wait_for_attribute(&alice, "#online-count", "data-online-count", "1").await;
    assert!(classes(&alice, "online-count").await.contains("count-nonzero"));
    assert_eq!(
        computed(&alice, "online-count", "background-color").await,
        GREEN,
        "green once someone is online"
    );
    assert!(classes(&alice, "own-status").await.contains("status-online"));
    assert_eq!(
        computed(&alice, "own-status", "color").await,
        WHITE,
        "white while online"
    );
    let listed = alice.find(Locator::Css("#online-agents li[data-user='alice']")).await;
    assert!(listed.is_ok(), "the dialog lists alice as online");

    // PR-15: her own history shows the change, made by herself.
    wait_for_attribute(
        &alice,
        "#presence-history-rows tr[data-user='alice']",
        "data-cause",
        "manual",
    )
    .await;

    let how = alice
        .find(Locator::Css(
            "#presence-history-rows tr[data-user='alice'] .history-how",
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        how, "The agent acted.",
        "told in the contract's words (the WIT docs of change-cause)"
    );

    // Bob did nothing: the push stream brings the change to his header.
    wait_for_attribute(&bob, "#online-count", "data-online-count", "1").await;
    assert_eq!(computed(&bob, "online-count", "background-color").await, GREEN);
    assert!(
        classes(&bob, "own-status").await.contains("status-offline"),
        "bob himself is still offline"
    );
    if let Ok(png) = alice.screenshot().await {
        let _ = std::fs::write(std::env::temp_dir().join("helpdesk-presence-header.png"), png);
    }

    // On a light toolbar the online icon is black.
    click(&alice, "dialog-close").await;
    click(&alice, "theme-toggle").await;
    assert_eq!(
        computed(&alice, "own-status", "color").await,
        BLACK_ON_LIGHT,
        "black on a light toolbar"
    );
    if let Ok(png) = alice.screenshot().await {
        let _ = std::fs::write(std::env::temp_dir().join("helpdesk-presence-header-light.png"), png);
    }

    click(&alice, "presence-indicator").await;
    click(&alice, "go-offline").await;
    wait_for_attribute(&bob, "#online-count", "data-online-count", "0").await;
    assert_eq!(computed(&bob, "online-count", "background-color").await, RED);

    alice.close().await.unwrap();
    bob.close().await.unwrap();
}

#[tokio::test]
async fn pr_8_an_admins_door_turns_another_agents_header_grey_live() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let (status, _) = site
        .login("alice")
        .await
        .post("/api/v1/projects/SUP/presence/online", json!({}))
        .await;
    assert_eq!(status, 200);
    let alice = driver.logged_in(&site.host.base_url, "alice", "/?project=SUP").await;
    wait_for_attribute(&alice, "#online-count", "data-online-count", "1").await;
    assert!(classes(&alice, "own-status").await.contains("status-online"));

    let paula = driver.logged_in(&site.host.base_url, "paula", "/?project=SUP").await;
    click(&paula, "presence-indicator").await;
    wait_for_attribute(&paula, "#online-agents li[data-user='alice']", "data-user", "alice").await;
    assert!(
        paula.find(Locator::Css("#online-agents .door-button")).await.is_err(),
        "a project admin who is no site admin gets no door"
    );

    let sam = driver.logged_in(&site.host.base_url, "sam", "/?project=SUP").await;
    click(&sam, "presence-indicator").await;
    wait_for_attribute(
        &sam,
        "#online-agents li[data-user='alice'] .door-button",
        "aria-label",
        "Put Alice Agent offline",
    )
    .await;
    if let Ok(png) = sam.screenshot().await {
        let _ = std::fs::write(std::env::temp_dir().join("helpdesk-presence-door.png"), png);
    }
    sam.find(Locator::Css("#online-agents li[data-user='alice'] .door-button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // PR-15 on sam's page: the change with names, not ids; narrowed to one agent.
    click(&sam, "dialog-close").await;
    wait_for_attribute(
        &sam,
        "#presence-history-rows tr[data-user='alice']",
        "data-cause",
        "admin",
    )
    .await;
    let how = sam
        .find(Locator::Css(
            "#presence-history-rows tr[data-user='alice'] .history-how",
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(how.ends_with("(Sam Siteadmin)"), "who did it, by name: {how}");
    sam.execute(
        "var s = document.getElementById('history-user'); s.value = 'alice';         document.getElementById('history-filter').requestSubmit(); return true;",
        vec![],
    )
    .await
    .unwrap();
    wait_until(
        &sam,
        "only alice's changes",
        "var rows = document.querySelectorAll('#presence-history-rows tr'); return rows.length > 0 &&         Array.prototype.every.call(rows, function (r) { return r.dataset.user === 'alice'; });",
    )
    .await;

    // Alice did nothing: her header turns grey and red live.
    wait_for_attribute(&alice, "#online-count", "data-online-count", "0").await;
    assert!(classes(&alice, "own-status").await.contains("status-offline"));
    assert_eq!(
        computed(&alice, "own-status", "color").await,
        GREY,
        "grey once put offline"
    );
    wait_for_attribute(
        &alice,
        "#presence-history-rows tr[data-user='alice']",
        "data-cause",
        "admin",
    )
    .await;
}

#[tokio::test]
async fn pr_13_a_forced_out_agents_page_returns_to_the_login_page() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let alice = driver.logged_in(&site.host.base_url, "alice", "/?project=SUP").await;
    click(&alice, "presence-indicator").await;
    click(&alice, "go-online").await;
    wait_for_attribute(&alice, "#online-count", "data-online-count", "1").await;

    let sam = driver.logged_in(&site.host.base_url, "sam", "/people").await;
    sam.execute(
        "window.confirm = function () { return true; };\
         document.querySelector('tr[data-user=\"alice\"] button').click(); return true;",
        vec![],
    )
    .await
    .unwrap();
    let said = wait_until(
        &sam,
        "the sessions ended",
        "var s = document.getElementById('people-status'); return !s.hidden && s.textContent;",
    )
    .await;
    assert_eq!(said, json!("Alice Agent: 1 session ended."));
    let mut landed = String::new();
    for _ in 0..100 {
        landed = alice.current_url().await.unwrap().path().to_string();
        if landed == "/login" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(landed, "/login", "her open page went to the login page by itself");
    if let Ok(png) = sam.screenshot().await {
        let _ = std::fs::write(std::env::temp_dir().join("helpdesk-people.png"), png);
    }
    let (_, sup) = site.login("bob").await.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(sup["online_count"], 0, "and she is offline");
}

#[tokio::test]
async fn pr_10_two_sessions_of_one_agent_follow_each_other() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let laptop = driver.new_browser("alice-laptop").await;
    let phone = driver.new_browser("alice-phone").await;
    log_in(&laptop, &site.host.base_url, "alice", "/?project=SUP").await;
    log_in(&phone, &site.host.base_url, "alice", "/?project=SUP").await;
    for tab in [&laptop, &phone] {
        wait_for_attribute(tab, "#online-count", "data-online-count", "0").await;
    }
    click(&laptop, "presence-indicator").await;
    click(&laptop, "go-online").await;
    // The other session did nothing: its own icon turns online too.
    wait_for_attribute(&phone, "#online-count", "data-online-count", "1").await;
    let mut own = String::new();
    for _ in 0..50 {
        own = classes(&phone, "own-status").await;
        if own.contains("status-online") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        own.contains("status-online"),
        "the other session shows her online: {own}"
    );

    // Online already, she can go online in every project without going offline first.
    let phone_all = phone
        .execute(
            "document.getElementById('presence-indicator').click();\
             var all = document.getElementById('all-projects'); all.checked = true;\
             var b = document.getElementById('go-online'); var shown = !b.hidden && b.textContent;\
             b.click(); return shown;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(phone_all, json!("Update"));
    let sam = site.login("sam").await;
    let mut in_ops = json!(0);
    for _ in 0..50 {
        let (_, ops) = sam.get("/api/v1/projects/OPS/presence").await;
        in_ops = ops["online_count"].clone();
        if in_ops == json!(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(in_ops, json!(1), "online in OPS too");
    click(&phone, "dialog-close").await;

    // Closing one session changes nothing.
    laptop.close().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, sup) = site.login("bob").await.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(sup["online_count"], 1, "closing a tab leaves her online");
    click(&phone, "presence-indicator").await;
    click(&phone, "go-offline").await;
    wait_for_attribute(&phone, "#online-count", "data-online-count", "0").await;
}

#[tokio::test]
async fn pr_9_an_admin_sets_the_inactivity_timeout_on_the_presence_settings_page() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let paula = driver.logged_in(&site.host.base_url, "paula", "/?project=SUP").await;
    let links = wait_until(
        &paula,
        "the administration links",
        "var c = document.getElementById('admin-links'); return !c.hidden &&\
         Array.prototype.map.call(c.querySelectorAll('a'), function (a) { return a.textContent; });",
    )
    .await;
    assert_eq!(
        links,
        json!([
            "Chat widget of Customer Support",
            "Presence settings of Customer Support"
        ]),
        "a project admin's links; no site pages"
    );
    paula
        .find(Locator::LinkText("Presence settings of Customer Support"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(&paula, "the settings", "return document.body.getAttribute('data-ready') === '1' && document.getElementById('inactivity').value === '60';").await;
    paula
        .execute(
            "document.getElementById('inactivity').value = '15'; document.getElementById('settings-form').requestSubmit(); return true;",
            vec![],
        )
        .await
        .unwrap();
    wait_until(
        &paula,
        "saved",
        "return !document.getElementById('settings-saved').hidden;",
    )
    .await;
    paula.refresh().await.unwrap();
    wait_until(
        &paula,
        "the timeout shown again",
        "return document.getElementById('inactivity').value === '15';",
    )
    .await;
    if let Ok(png) = paula.screenshot().await {
        let _ = std::fs::write(std::env::temp_dir().join("helpdesk-presence-settings.png"), png);
    }
    let (_, saved) = site
        .login("alice")
        .await
        .get("/api/v1/projects/SUP/presence/settings")
        .await;
    assert_eq!(saved["inactivity_minutes"], 15);
}

#[tokio::test]
async fn pr_2_a_customer_lands_on_the_help_center_where_the_chat_says_it_is_online() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let (status, _) = site
        .login("bob")
        .await
        .post("/api/v1/projects/SUP/presence/online", json!({}))
        .await;
    assert_eq!(status, 200);
    let cora = driver.logged_in(&site.host.base_url, "cora", "/?project=SUP").await;
    assert_eq!(
        cora.current_url().await.unwrap().path(),
        "/portal",
        "not the staff page"
    );
    let online = wait_until(
        &cora,
        "the chat's status in the widget",
        "var w = document.querySelector('[data-helpdesk-chat]'); var dot = w && w.shadowRoot.querySelector('.dot');\
         return dot && dot.title;",
    )
    .await;
    assert_eq!(online, json!("An agent is online"));
}
