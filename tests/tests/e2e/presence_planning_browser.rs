//! Presence planned ahead in a real headless Chromium: the schedule dialog (PR-7) and the
//! monitoring alerts on the presence settings page (PR-12), each saved and shown again.

use fantoccini::{Client, Locator};
use helpdesk_e2e::TestSite;
use helpdesk_e2e::browser::{start_driver, wait_until};
use serde_json::json;

async fn click(browser: &Client, css: &str) {
    browser.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

async fn screenshot(browser: &Client, name: &str) {
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(std::env::temp_dir().join(format!("helpdesk-{name}.png")), png);
    }
}

/// The schedule rows as the dialog shows them: "monday 09:00 online", …
const SHOWN_SWITCHES: &str = "return Array.prototype.map.call(document.querySelectorAll('#schedule-days .schedule-switch'),\
     function (li) { return li.closest('fieldset').dataset.day + ' ' + li.querySelector('input').value + ' ' +\
     li.querySelector('select').value; });";

#[tokio::test]
async fn pr_7_the_schedule_dialog_is_saved_and_shown_again() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let bob = driver.logged_in(&site.host.base_url, "bob", "/?project=SUP").await;
    click(&bob, "#presence-indicator").await;
    click(&bob, "#edit-schedule").await;
    wait_until(
        &bob,
        "the schedule in his time zone",
        "return document.getElementById('schedule-dialog').open && document.getElementById('schedule-zone').textContent === 'America/New_York';",
    )
    .await;
    click(&bob, "#schedule-enabled").await;
    click(&bob, "fieldset[data-day='monday'] .schedule-add").await;
    click(&bob, "fieldset[data-day='monday'] .schedule-add").await;
    click(&bob, "#schedule-copy").await;
    screenshot(&bob, "schedule-dialog").await;
    click(&bob, "#schedule-save").await;
    wait_until(
        &bob,
        "saved, with the next switch",
        "return !document.getElementById('schedule-saved').hidden && document.getElementById('schedule-next').textContent.indexOf('Next: ') === 0;",
    )
    .await;

    bob.refresh().await.unwrap();
    wait_until(
        &bob,
        "the page again",
        "return document.body.getAttribute('data-ready') === '1';",
    )
    .await;
    click(&bob, "#presence-indicator").await;
    click(&bob, "#edit-schedule").await;
    let shown = wait_until(
        &bob,
        "the schedule shown again",
        &format!("if (!document.getElementById('schedule-enabled').checked) return false; {SHOWN_SWITCHES}"),
    )
    .await;
    let mut expected = Vec::new();
    for day in ["monday", "tuesday", "wednesday", "thursday", "friday"] {
        expected.push(format!("{day} 09:00 online"));
        expected.push(format!("{day} 17:00 offline"));
    }
    assert_eq!(shown, json!(expected));
    screenshot(&bob, "schedule-dialog-again").await;
    let (_, saved) = site.login("bob").await.get("/api/v1/presence/schedule").await;
    assert_eq!(saved["schedule"]["switches"].as_array().unwrap().len(), 10);
    assert_eq!(saved["schedule"]["enabled"], true);
}

#[tokio::test]
async fn pr_12_an_admin_sets_monitoring_alerts_on_the_presence_settings_page() {
    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let paula = driver
        .logged_in(&site.host.base_url, "paula", "/presence-settings?project=SUP")
        .await;
    wait_until(
        &paula,
        "the monitoring form",
        "return !document.getElementById('monitoring-form').hidden;",
    )
    .await;
    paula
        .execute(
            "document.getElementById('recipients').value = 'lead@example.test\\n  duty@example.test ';\
             document.getElementById('threshold').value = '120';\
             document.getElementById('monitoring-zone').value = 'Europe/Oslo'; return true;",
            vec![],
        )
        .await
        .unwrap();
    click(&paula, "fieldset[data-day='monday'] .schedule-add").await;
    click(&paula, "#save-monitoring").await;
    wait_until(
        &paula,
        "saved",
        "return !document.getElementById('monitoring-saved').hidden;",
    )
    .await;
    paula.refresh().await.unwrap();
    let shown = wait_until(
        &paula,
        "the alerts shown again",
        "var f = document.getElementById('monitoring-form'); if (f.hidden) return false;\
         return [document.getElementById('recipients').value, document.getElementById('threshold').value,\
         document.getElementById('monitoring-zone').value,\
         document.querySelectorAll('#expected-days .schedule-switch').length];",
    )
    .await;
    assert_eq!(
        shown,
        json!(["lead@example.test\nduty@example.test", "120", "Europe/Oslo", 1])
    );
    paula
        .execute("window.scrollTo(0, document.body.scrollHeight); return true;", vec![])
        .await
        .unwrap();
    screenshot(&paula, "monitoring-settings").await;
    let (_, saved) = site
        .login("sam")
        .await
        .get("/api/v1/projects/SUP/presence/monitoring")
        .await;
    assert_eq!(
        saved["expected_hours"],
        json!([{ "day": "monday", "from_minute": 540, "to_minute": 1020 }])
    );
}
