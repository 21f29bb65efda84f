//! Presence planned ahead, end to end: weekly online schedules (PR-7) and presence
//! monitoring alerts (PR-12), with time moved through the host's test clock, never by
//! sleeping.

use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc, Weekday};
use helpdesk_e2e::{ApiClient, TestSite};
use reqwest::StatusCode;
use serde_json::{Value, json};

const MINUTE: i64 = 60_000;

/// Moves the host's clock by `ms` and answers the clock's state.
async fn advance(client: &ApiClient, ms: i64) -> Value {
    let (status, body) = client.post("/api/v1/test/clock", json!({ "advance_ms": ms })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn now_ms(client: &ApiClient) -> i64 {
    advance(client, 0).await["now_ms"].as_i64().unwrap()
}

/// Moves the clock to `at`, running what comes due on the way at once. The clock also runs
/// in real time, so a moment just passed (by the milliseconds a request takes) is taken as
/// reached.
async fn advance_to(client: &ApiClient, at: i64) {
    let now = now_ms(client).await;
    assert!(at >= now - 5_000, "the test clock only moves forward");
    advance(client, (at - now).max(0)).await;
}

/// Moves the clock from one wake-up the plugin asked for to the next until `end`, as the
/// host's timer would, so every switch on the way happens at its own minute.
async fn run_clock_to(client: &ApiClient, end: i64) {
    loop {
        let state = advance(client, 0).await;
        let now = state["now_ms"].as_i64().unwrap();
        match state["next_due_ms"].as_i64() {
            Some(due) if due <= end => {
                advance(client, (due - now).max(0)).await;
            }
            _ => break,
        }
    }
    advance_to(client, end).await;
}

/// The first midnight (UTC) of `month`/`day` that is still ahead of `now`.
fn next_date(now: i64, month: u32, day: u32) -> i64 {
    let year = Utc.timestamp_millis_opt(now).unwrap().year();
    (year..)
        .map(|year| {
            Utc.with_ymd_and_hms(year, month, day, 0, 0, 0)
                .unwrap()
                .timestamp_millis()
        })
        .find(|at| *at > now)
        .unwrap()
}

fn utc(at: &Value) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(at.as_i64().unwrap()).unwrap()
}

/// Online at 09:00 and offline at 17:00 on every day of the week.
fn nine_to_five() -> Value {
    let days = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let switches: Vec<Value> = days
        .iter()
        .flat_map(|day| {
            [
                json!({ "day": day, "minute": 540, "online": true }),
                json!({ "day": day, "minute": 1020, "online": false }),
            ]
        })
        .collect();
    json!({ "enabled": true, "switches": switches })
}

/// A day-long inactivity timeout in SUP, so only schedules and people switch agents here.
async fn patient_sup(site: &TestSite) {
    let (status, _) = site
        .login("paula")
        .await
        .put(
            "/api/v1/projects/SUP/presence/settings",
            json!({ "inactivity_minutes": 1440 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// The UTC times of `user`'s scheduled online switches in SUP, oldest first.
async fn scheduled_onlines(admin: &ApiClient, user: &str) -> Vec<DateTime<Utc>> {
    let (status, page) = admin
        .get(&format!("/api/v1/projects/SUP/presence/history?user={user}&limit=200"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut times: Vec<DateTime<Utc>> = page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|change| change["cause"] == "schedule" && change["online"] == true && change["by"].is_null())
        .map(|change| utc(&change["at"]))
        .collect();
    times.reverse();
    times
}

/// The day the UTC hour of a daily switch moved from `before` to `after`; panics unless it
/// moved exactly once.
fn day_the_hour_moved(times: &[DateTime<Utc>], before: u32, after: u32) -> DateTime<Utc> {
    let hours: Vec<u32> = times.iter().map(|at| at.hour()).collect();
    let moved = hours.iter().position(|hour| *hour == after).expect("the hour moved");
    assert!(
        hours[..moved].iter().all(|hour| *hour == before) && hours[moved..].iter().all(|hour| *hour == after),
        "{hours:?}"
    );
    times[moved]
}

#[tokio::test]
async fn pr_7_schedules_switch_agents_across_dst_in_two_time_zones_with_nobody_acting() {
    let site = TestSite::start();
    let clock = site.anonymous();
    // From 7 March: New York moves its clocks on the second Sunday of March, Oslo on the last.
    let start = next_date(now_ms(&clock).await, 3, 7);
    advance_to(&clock, start).await;
    patient_sup(&site).await;
    let bob = site.login("bob").await;
    let (status, view) = bob.put("/api/v1/presence/schedule", nine_to_five()).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["time_zone"], "America/New_York");
    assert_eq!(
        (
            utc(&view["next_switch"]["at"]).hour(),
            view["next_switch"]["online"].clone()
        ),
        (14, json!(true)),
        "09:00 in New York in winter is 14:00 UTC"
    );
    let alice = site.login("alice").await;
    let (_, view) = alice.put("/api/v1/presence/schedule", nine_to_five()).await;
    assert_eq!(view["time_zone"], "Europe/Oslo");
    let (_, shown) = alice.get("/api/v1/presence/schedule").await;
    assert_eq!(shown, view, "saved and shown again");

    let paula = site.login("paula").await;
    let mut stream = site.stream(&paula, &["presence:SUP"], None).await;
    let first = view["next_switch"]["at"].as_i64().unwrap();
    advance_to(&clock, first).await;
    let event = stream.next_of_kind("presence-changed").await;
    assert_eq!(
        (
            event.data["user"].clone(),
            event.data["online"].clone(),
            event.data["cause"].clone(),
            event.data["by"].clone(),
            event.data["at"].clone()
        ),
        (
            json!("alice"),
            json!(true),
            json!("schedule"),
            json!(null),
            json!(first)
        ),
        "her header turns green at the minute, with nobody acting"
    );

    run_clock_to(&clock, start + 25 * 24 * 60 * MINUTE).await;
    let paula = site.login("paula").await;
    let bob_onlines = scheduled_onlines(&paula, "bob").await;
    assert_eq!(bob_onlines.len(), 25, "one scheduled online a day: {bob_onlines:?}");
    let moved = day_the_hour_moved(&bob_onlines, 14, 13);
    assert_eq!(moved.weekday(), Weekday::Sun, "{moved}");
    assert!((8..=14).contains(&moved.day()), "the second Sunday of March: {moved}");
    let alice_onlines = scheduled_onlines(&paula, "alice").await;
    assert_eq!(alice_onlines.len(), 25);
    let moved = day_the_hour_moved(&alice_onlines, 8, 7);
    assert_eq!(moved.weekday(), Weekday::Sun, "{moved}");
    assert!((25..=31).contains(&moved.day()), "the last Sunday of March: {moved}");
}

#[tokio::test]
async fn pr_7_a_manual_change_overrides_the_schedule_until_its_next_switch() {
    let site = TestSite::start();
    patient_sup(&site).await;
    let bob = site.login("bob").await;
    let (_, view) = bob.put("/api/v1/presence/schedule", nine_to_five()).await;
    let next = &view["next_switch"];
    let switch_at = next["at"].as_i64().unwrap();
    if next["online"] == false {
        // Let the evening switch pass first, so the test starts from a morning one.
        advance_to(&bob, switch_at).await;
    }
    let (_, view) = bob.get("/api/v1/presence/schedule").await;
    let morning = view["next_switch"]["at"].as_i64().unwrap();
    assert_eq!(view["next_switch"]["online"], true);
    advance_to(&bob, morning).await;
    let (_, presence) = bob.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(presence["viewer"]["online"], true, "online by the schedule");

    advance(&bob, 60 * MINUTE).await;
    bob.post("/api/v1/projects/SUP/presence/offline", json!({})).await;
    advance(&bob, 6 * 60 * MINUTE).await;
    let (_, presence) = bob.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(presence["viewer"]["online"], false, "the manual change stands");
    advance_to(&bob, morning + 8 * 60 * MINUTE).await;
    advance_to(&bob, morning + 24 * 60 * MINUTE).await;
    let (_, presence) = bob.get("/api/v1/projects/SUP/presence").await;
    assert_eq!(
        presence["viewer"]["online"], true,
        "the schedule rules again from its next switch"
    );
}

#[tokio::test]
async fn pr_7_only_agents_have_an_online_schedule() {
    let site = TestSite::start();
    let (status, _) = site.anonymous().get("/api/v1/presence/schedule").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for user in ["tom", "cora", "paula"] {
        let (status, body) = site
            .login(user)
            .await
            .put("/api/v1/presence/schedule", nine_to_five())
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}: {body}");
    }
    let (status, body) = site
        .login("alice")
        .await
        .put(
            "/api/v1/presence/schedule",
            json!({ "enabled": true, "switches": [{ "day": "friday", "minute": 1440, "online": true }] }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid"))
    );
    assert!(
        body["error"]["message"].as_str().unwrap().contains("not 1440"),
        "{body}"
    );
}

/// Monitoring alerts in the outbox, oldest first.
async fn alerts(site: &TestSite) -> Vec<String> {
    let (_, outbox) = site.login("sam").await.get("/api/v1/admin/outbox").await;
    let mut subjects: Vec<String> = outbox
        .as_array()
        .unwrap()
        .iter()
        .filter(|mail| mail["to"] == json!(["lead@example.test"]))
        .map(|mail| mail["subject"].as_str().unwrap().to_string())
        .collect();
    subjects.reverse();
    subjects
}

#[tokio::test]
async fn pr_12_a_change_lasting_past_the_threshold_alerts_once_and_flapping_never() {
    let site = TestSite::start();
    let paula = site.login("paula").await;
    let settings = json!({
        "recipients": ["lead@example.test"], "threshold_seconds": 60, "expected_hours": [], "time_zone": "UTC"
    });
    let (status, saved) = paula
        .put("/api/v1/projects/SUP/presence/monitoring", settings.clone())
        .await;
    assert_eq!((status, saved), (StatusCode::OK, settings));

    let alice = site.login("alice").await;
    alice.post("/api/v1/projects/SUP/presence/online", json!({})).await;
    advance(&alice, 59_000).await;
    assert!(alerts(&site).await.is_empty(), "not before the threshold");
    advance(&alice, 1_000).await;
    assert_eq!(alerts(&site).await, ["[SUP] The chat is online"]);

    for _ in 0..5 {
        alice.post("/api/v1/projects/SUP/presence/offline", json!({})).await;
        advance(&alice, 30_000).await;
        alice.post("/api/v1/projects/SUP/presence/online", json!({})).await;
        advance(&alice, 30_000).await;
    }
    assert_eq!(alerts(&site).await.len(), 1, "flapping alerts nobody");
    alice.post("/api/v1/projects/SUP/presence/offline", json!({})).await;
    advance(&alice, 2 * MINUTE).await;
    assert_eq!(
        alerts(&site).await,
        ["[SUP] The chat is online", "[SUP] The chat is offline"]
    );
}

/// The first Monday 08:00 UTC at least a day ahead of `now`.
fn next_monday_at_eight(now: i64) -> i64 {
    let day = 24 * 60 * MINUTE;
    let mut at = now - now.rem_euclid(day) + day + 8 * 60 * MINUTE;
    while Utc.timestamp_millis_opt(at).unwrap().weekday() != Weekday::Mon {
        at += day;
    }
    at
}

#[tokio::test]
async fn pr_12_expected_hours_alert_offline_inside_them_and_online_outside_them() {
    let site = TestSite::start();
    patient_sup(&site).await;
    let clock = site.anonymous();
    let monday = next_monday_at_eight(now_ms(&clock).await);
    advance_to(&clock, monday).await;
    let settings = json!({
        "recipients": ["lead@example.test"],
        "threshold_seconds": 60,
        "expected_hours": [{ "day": "monday", "from_minute": 540, "to_minute": 1020 }],
        "time_zone": "UTC"
    });
    let (status, body) = site
        .login("paula")
        .await
        .put("/api/v1/projects/SUP/presence/monitoring", settings)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    run_clock_to(&clock, monday + 59 * MINUTE).await;
    assert!(
        alerts(&site).await.is_empty(),
        "offline before the hours is as expected"
    );
    run_clock_to(&clock, monday + 62 * MINUTE).await;
    assert_eq!(
        alerts(&site).await,
        ["[SUP] The chat is offline during its expected hours"]
    );

    run_clock_to(&clock, monday + 2 * 60 * MINUTE).await;
    site.login("alice")
        .await
        .post("/api/v1/projects/SUP/presence/online", json!({}))
        .await;
    run_clock_to(&clock, monday + 9 * 60 * MINUTE).await;
    assert_eq!(alerts(&site).await.len(), 1, "online inside the hours is as expected");
    run_clock_to(&clock, monday + 9 * 60 * MINUTE + 2 * MINUTE).await;
    assert_eq!(
        alerts(&site).await[1],
        "[SUP] The chat is online outside its expected hours"
    );
}

#[tokio::test]
async fn pr_12_only_admins_of_the_project_or_the_site_set_monitoring() {
    let site = TestSite::start();
    let (status, _) = site.anonymous().get("/api/v1/projects/SUP/presence/monitoring").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for user in ["alice", "tom", "cora"] {
        let (status, body) = site
            .login(user)
            .await
            .get("/api/v1/projects/SUP/presence/monitoring")
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}: {body}");
    }
    let (status, defaults) = site
        .login("sam")
        .await
        .get("/api/v1/projects/SUP/presence/monitoring")
        .await;
    assert_eq!(
        (status, defaults),
        (
            StatusCode::OK,
            json!({ "recipients": [], "threshold_seconds": 60, "expected_hours": [], "time_zone": "UTC" })
        )
    );
    let (status, body) = site
        .login("paula")
        .await
        .put(
            "/api/v1/projects/SUP/presence/monitoring",
            json!({ "recipients": ["lead at example"], "threshold_seconds": 60, "expected_hours": [], "time_zone": "UTC" }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid"))
    );
    assert!(
        body["error"]["message"].as_str().unwrap().starts_with("recipients"),
        "{body}"
    );
}
