//! Business hours end to end (SPEC LC-22): set by a project admin over the API and on the
//! widget settings page; outside them the widget is closed, says so in the visitor's
//! language, and a chat started then is an offline message, even with an agent online.

use helpdesk_e2e::TestSite;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::live_chat::{TOKEN_A, code, start};

const HOURS: &str = "/api/v1/projects/SUP/chat/business-hours";
const WIDGET: &str = "/api/v1/projects/SUP/chat/widget";

/// Every day, all day.
fn always_open() -> Value {
    let days = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    json!({
        "enabled": true,
        "time_zone": "Europe/Oslo",
        "hours": days.iter().map(|day| json!({ "day": day, "from_minute": 0, "to_minute": 1440 })).collect::<Vec<_>>(),
        "holidays": []
    })
}

#[tokio::test]
async fn lc_22_outside_business_hours_the_widget_is_closed_and_takes_offline_messages() {
    let site = TestSite::start();
    let paula = site.login("paula").await;
    let bob = site.login("bob").await;
    let (status, _) = bob.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let visitor = site.visitor(TOKEN_A, None);
    let (_, view) = visitor.get(WIDGET).await;
    assert_eq!(
        (view["chat_online"].clone(), view["closed"].clone()),
        (json!(true), Value::Null),
        "{view}"
    );

    let (status, body) = bob.get(HOURS).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "agents do not set hours"
    );
    let (status, defaults) = paula.get(HOURS).await;
    assert_eq!(
        (status, defaults["enabled"].clone()),
        (StatusCode::OK, json!(false)),
        "{defaults}"
    );
    let (status, body) = paula
        .put(
            HOURS,
            json!({ "enabled": true, "time_zone": "Mars/Olympus", "hours": [], "holidays": [] }),
        )
        .await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "invalid"), "{body}");

    // Enabled with no hours at all: closed, with no time to be back.
    let (status, saved) = paula
        .put(
            HOURS,
            json!({ "enabled": true, "time_zone": "UTC", "hours": [], "holidays": ["2030-01-01"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, view) = visitor.get_in_language(WIDGET, "de-DE,de;q=0.9").await;
    assert_eq!(view["chat_online"], false, "closed, though bob is online: {view}");
    assert_eq!(view["closed"]["back_at"], Value::Null);
    assert_eq!(
        view["closed"]["text"],
        "Wir sind gerade nicht da. Hinterlassen Sie eine Nachricht, wir antworten per E-Mail."
    );
    assert!(
        view["hours_change_at"].is_u64(),
        "the widget asks again at midnight: {view}"
    );

    let mut without_address = start("m1", "Hello?");
    without_address["email"] = Value::Null;
    let (status, body) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", without_address)
        .await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "invalid"), "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("we are closed now"),
        "{body}"
    );
    let (status, conv) = visitor
        .post("/api/v1/projects/SUP/chat/conversations", start("m2", "Hello?"))
        .await;
    assert_eq!(
        (status, conv["offline"].clone()),
        (StatusCode::OK, json!(true)),
        "{conv}"
    );

    // Open all week: the widget follows who is online again.
    let (status, saved) = paula.put(HOURS, always_open()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, view) = visitor.get(WIDGET).await;
    assert_eq!(
        (view["chat_online"].clone(), view["closed"].clone()),
        (json!(true), Value::Null),
        "{view}"
    );
}

#[tokio::test]
async fn lc_22_an_admin_closes_the_chat_on_the_settings_page_and_the_portal_widget_says_so() {
    use helpdesk_e2e::browser::{screenshot, start_driver, wait_until};

    use crate::live_chat_browser::WIDGET as WIDGET_ELEMENT;

    let Some(driver) = start_driver() else { return };
    let site = TestSite::start();
    let (status, _) = site
        .login("bob")
        .await
        .post("/api/v1/projects/SUP/presence/online", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let paula = driver
        .logged_in(&site.host.base_url, "paula", "/chat-settings?project=SUP")
        .await;
    wait_until(
        &paula,
        "the business hours form",
        "return !document.getElementById('hours-form').hidden;",
    )
    .await;
    // Open 09:00 to 17:00 UTC on one day only, the day after tomorrow: closed now, whenever
    // the test runs.
    let day = paula
        .execute(
            "var days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];\
             var day = days[(new Date().getUTCDay() + 2) % 7];\
             document.getElementById('hours-enabled').checked = true;\
             document.getElementById('hours-zone').value = 'UTC';\
             document.querySelector('#hours-days .schedule-day[data-day=\"' + day + '\"] .schedule-add').click();\
             return day;",
            vec![],
        )
        .await
        .unwrap();
    paula
        .execute("document.getElementById('save-hours').click(); return true;", vec![])
        .await
        .unwrap();
    wait_until(
        &paula,
        "saved",
        "return !document.getElementById('hours-saved').hidden;",
    )
    .await;
    let (_, saved) = site.login("paula").await.get(HOURS).await;
    assert_eq!(
        saved["hours"],
        json!([{ "day": day, "from_minute": 540, "to_minute": 1020 }]),
        "{saved}"
    );
    screenshot(&paula, "business-hours").await;

    let visitor = driver.new_browser("visitor").await;
    visitor.goto(&site.url("/portal?project=SUP")).await.unwrap();
    wait_until(
        &visitor,
        "the widget",
        &format!("return {WIDGET_ELEMENT} && {WIDGET_ELEMENT}.getAttribute('data-ready') === '1';"),
    )
    .await;
    let (_, view) = site.visitor(TOKEN_A, None).get(WIDGET).await;
    let note = wait_until(
        &visitor,
        "the closed note",
        &format!(
            "var r = {WIDGET_ELEMENT}.shadowRoot; r.querySelector('.launcher').click();\
             var n = r.querySelector('.note.closed'); return n && !n.hidden && [n.textContent, r.querySelector('.dot').className, r.querySelector('.email-row').hidden];"
        ),
    )
    .await;
    let text = note[0].as_str().unwrap();
    assert!(view["closed"]["back_at"].is_u64(), "{view}");
    assert!(text.starts_with("We are closed right now and back "), "{text}");
    assert!(!text.contains("{time}"), "the browser writes the time out: {text}");
    assert_eq!(
        (note[1].clone(), note[2].clone()),
        (json!("dot"), json!(false)),
        "offline, and it asks for an address"
    );
    screenshot(&visitor, "widget-closed").await;
}
