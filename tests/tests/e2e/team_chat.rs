//! Team chat end to end: the host binary with the real component, over HTTP and the push
//! stream (SPEC TC-1 … TC-4, TC-7, TC-9), from each role, refused cases included.

use std::time::Duration;

use helpdesk_e2e::{ApiClient, TestSite};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn post(client: &ApiClient, chat: &str, client_id: &str, body: &str) -> (StatusCode, Value) {
    client
        .post(
            &format!("/api/v1/team-chat/chats/{chat}/messages"),
            json!({ "client_id": client_id, "body": body }),
        )
        .await
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn tc_2_tc_9_a_company_chat_is_live_for_its_members_and_hidden_from_everyone_else() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    let bob = site.login("bob").await;
    let (status, chats) = bob.get("/api/v1/team-chat/chats").await;
    assert_eq!(status, StatusCode::OK, "{chats}");
    assert_eq!(
        (
            chats[0]["id"].clone(),
            chats[0]["kind"].clone(),
            chats[0]["name"].clone()
        ),
        (json!("company-acme"), json!("company"), json!("Acme Helpdesk Ltd")),
        "the company chat first, named after the company"
    );
    let mut stream = site.stream(&bob, &["team-chat:company-acme"], None).await;
    let (status, sent) = post(&alice, "company-acme", "hello-1", "Good morning, team\nsecond line").await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    let event = stream.next_of_kind("team-message").await;
    assert_eq!(
        (
            event.data["author"].clone(),
            event.data["body"].clone(),
            event.data["seq"].clone()
        ),
        (json!("alice"), json!("Good morning, team\nsecond line"), json!(1))
    );
    let (_, again) = post(&alice, "company-acme", "hello-1", "Good morning, team\nsecond line").await;
    assert_eq!(again, sent, "a retry stores nothing new");
    let (_, chat) = bob.get("/api/v1/team-chat/chats/company-acme").await;
    assert_eq!(chat["unread"], 1);
    let (_, chat) = bob
        .post("/api/v1/team-chat/chats/company-acme/read", json!({ "seq": 1 }))
        .await;
    assert_eq!(chat["unread"], 0);

    let gina = site.login("gina").await;
    let (status, body) = gina.get("/api/v1/team-chat/chats/company-acme/messages").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "not_found"),
        "another company's chat"
    );
    let (status, _) = post(&gina, "company-acme", "g1", "let me in").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, hers) = gina.get("/api/v1/team-chat/chats").await;
    assert_eq!(hers[0]["name"], "Globex Corporation");
    let (status, _) = site.login("cora").await.get("/api/v1/team-chat/chats").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "customers are not in team chat");
    let (status, _) = site.anonymous().get("/api/v1/team-chat/chats").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn tc_3_a_member_taken_off_a_private_room_loses_it_and_its_stream_at_once() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    let (status, room) = alice
        .post(
            "/api/v1/team-chat/rooms",
            json!({ "name": "Escalations", "private": true,
                    "members": [{ "user": "bob" }, { "user": "tom" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{room}");
    let id = room["id"].as_str().unwrap().to_string();
    let bob = site.login("bob").await;
    let (status, _) = bob.get(&format!("/api/v1/team-chat/chats/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = site
        .login("paula")
        .await
        .get(&format!("/api/v1/team-chat/chats/{id}"))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a non-member reads nothing of a private room"
    );
    let (status, _) = site
        .login("tom")
        .await
        .put(
            &format!("/api/v1/team-chat/rooms/{id}"),
            json!({ "name": "Mine", "private": false, "members": [] }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "members do not edit others' rooms");

    let mut stream = site.stream(&bob, &[&format!("team-chat:{id}")], None).await;
    let (status, body) = alice
        .put(
            &format!("/api/v1/team-chat/rooms/{id}"),
            json!({ "name": "Escalations", "private": true, "members": [{ "user": "tom" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        stream.ends_within(Duration::from_secs(5)).await,
        "his stream ends at once"
    );
    let (status, _) = bob.get(&format!("/api/v1/team-chat/chats/{id}/messages")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = alice.delete(&format!("/api/v1/team-chat/rooms/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn tc_4_a_user_chat_tells_the_other_person_only_when_a_message_is_sent() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    let bob = site.login("bob").await;
    let mut bobs_list = site.stream(&bob, &["team-inbox:bob"], None).await;
    let (status, chat) = alice.post("/api/v1/team-chat/direct", json!({ "user": "bob" })).await;
    assert_eq!(status, StatusCode::OK, "{chat}");
    let id = chat["id"].as_str().unwrap().to_string();
    alice.get(&format!("/api/v1/team-chat/chats/{id}/messages")).await;
    assert!(
        bobs_list.next_event_within(Duration::from_millis(800)).await.is_none(),
        "opening and reading tell bob nothing"
    );
    let (_, listed) = bob.get("/api/v1/team-chat/chats").await;
    assert!(listed.as_array().unwrap().iter().all(|c| c["id"] != id.as_str()));

    post(&alice, &id, "a1", "got a minute?").await;
    let added = bobs_list.next_of_kind("chat-added").await;
    assert_eq!(
        (added.data["id"].as_str(), added.data["unread"].clone()),
        (Some(id.as_str()), json!(1))
    );
    let (status, _) = site
        .login("tom")
        .await
        .get(&format!("/api/v1/team-chat/chats/{id}/messages"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a third person reads nothing");
    let refused = site
        .login("tom")
        .await
        .client
        .get(site.url(&format!("/api/v1/stream?topic=team-chat:{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND, "nor follows it");
}

#[tokio::test]
async fn tc_1_a_site_admin_switches_team_chat_off_and_every_call_and_stream_is_refused() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    // A stream following one chat alone (as the issue page's does) ends too.
    let mut stream = site.stream(&alice, &["team-chat:company-acme"], None).await;
    let sam = site.login("sam").await;
    let (status, mut settings) = sam.get("/api/v1/team-chat/settings").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = site
        .login("paula")
        .await
        .put("/api/v1/team-chat/settings", settings.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "site admins only");
    settings["enabled"] = json!(false);
    let (status, _) = sam.put("/api/v1/team-chat/settings", settings).await;
    assert_eq!(status, StatusCode::OK);
    assert!(stream.ends_within(Duration::from_secs(5)).await, "open streams end");
    let (status, _) = alice.get("/api/v1/team-chat/chats").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&alice, "company-acme", "x1", "anyone?").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, access) = alice.get("/api/v1/team-chat/access").await;
    assert_eq!(
        (access["enabled"].clone(), access["may_see"].clone()),
        (json!(false), json!(false))
    );

    let (status, _) = sam
        .put(
            "/api/v1/team-chat/settings",
            json!({ "enabled": true, "grants": [
                { "permission": "see", "grantees": ["all-members"] },
                { "permission": "post", "grantees": [{ "group": "support-team" }] } ] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(&site.login("tom").await, "company-acme", "t1", "hi").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "tom reads but may not write");
    let (status, _) = post(&alice, "company-acme", "a1", "hi").await;
    assert_eq!(status, StatusCode::OK, "alice is in the support team");
    let (status, _) = alice
        .post(
            "/api/v1/team-chat/rooms",
            json!({ "name": "Mine", "private": false, "members": [] }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "no one holds create-rooms but site admins"
    );
}

#[tokio::test]
async fn tc_5_an_issue_chat_message_is_a_comment_in_the_issue_history_and_participants_invite() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    let (status, chat) = alice.post("/api/v1/issues/SUP-1/chat", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{chat}");
    assert_eq!(
        (
            chat["id"].clone(),
            chat["kind"].clone(),
            chat["name"].clone(),
            chat["issue"].clone()
        ),
        (
            json!("issue-SUP-1"),
            json!("issue"),
            json!("SUP-1 Cannot log in to the portal"),
            json!("SUP-1")
        )
    );
    let (status, _) = post(&alice, "issue-SUP-1", "i1", "Reset her password, then retry").await;
    assert_eq!(status, StatusCode::OK);
    let (_, comments) = alice.get("/api/v1/issues/SUP-1/history?kind=comment").await;
    let last = comments.as_array().unwrap().last().unwrap();
    assert_eq!(
        (last["author"].clone(), last["kind"].clone(), last["body"].clone()),
        (
            json!("alice"),
            json!("comment"),
            json!("Reset her password, then retry")
        ),
        "the comments-only view shows the chat message"
    );
    let bob = site.login("bob").await;
    let (_, people) = bob.get("/api/v1/team-chat/chats/issue-SUP-1/participants").await;
    assert_eq!(people[0]["user"], "alice");
    let mut bobs_list = site.stream(&bob, &["team-inbox:bob"], None).await;
    let (status, _) = site
        .login("tom")
        .await
        .post(
            "/api/v1/team-chat/chats/issue-SUP-1/participants",
            json!({ "user": "bob" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only participants invite");
    let (status, _) = alice
        .post(
            "/api/v1/team-chat/chats/issue-SUP-1/participants",
            json!({ "user": "bob" }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let told = bobs_list.next_of_kind("chat-added").await;
    assert_eq!(told.data["issue"], "SUP-1", "bob is told he was invited");
    let (status, body) = alice.post("/api/v1/issues/SUP-99/chat", json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    let (_, issues) = alice.get("/api/v1/issues?project=SUP").await;
    assert_eq!(issues[0]["key"], "SUP-2", "the issue list, newest first");
}

#[tokio::test]
async fn tc_6_history_views_leave_out_older_days_and_pages_go_back_within_them() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    post(&alice, "company-acme", "old", "three days ago").await;
    alice.advance_clock_minutes(3 * 24 * 60).await;
    let alice = site.login("alice").await;
    for n in 0..3 {
        post(&alice, "company-acme", &format!("new{n}"), &format!("today {n}")).await;
    }
    let (status, page) = alice
        .get("/api/v1/team-chat/chats/company-acme/messages?view=yesterday&limit=2")
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        (page["messages"][0]["body"].clone(), page["more_before"].clone()),
        (json!("today 1"), json!(true))
    );
    let (_, older) = alice
        .get("/api/v1/team-chat/chats/company-acme/messages?view=yesterday&limit=2&before=3")
        .await;
    assert_eq!(
        (
            older["messages"].as_array().unwrap().len(),
            older["more_before"].clone()
        ),
        (1, json!(false)),
        "the message of three days ago is outside the view"
    );
    let (_, week) = alice
        .get("/api/v1/team-chat/chats/company-acme/messages?view=last-7-days")
        .await;
    assert_eq!(week["messages"].as_array().unwrap().len(), 4);
    let (status, body) = alice
        .get("/api/v1/team-chat/chats/company-acme/messages?view=fortnight")
        .await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "invalid"));
}

#[tokio::test]
async fn tc_10_edits_and_deletes_keep_their_trace_which_a_site_admin_searches_and_exports() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    post(&alice, "company-acme", "a1", "Deploy at 5, \"quoted\", ok?").await;
    post(&alice, "company-acme", "a2", "second\nline").await;
    let (status, edited) = alice
        .put(
            "/api/v1/team-chat/chats/company-acme/messages/1",
            json!({ "body": "Deploy at 6" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert!(edited["edited"].is_u64());
    let (status, _) = site
        .login("bob")
        .await
        .delete("/api/v1/team-chat/chats/company-acme/messages/1")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not his message");
    let sam = site.login("sam").await;
    let (status, deleted) = sam.delete("/api/v1/team-chat/chats/company-acme/messages/2").await;
    assert_eq!(
        (status, deleted["deleted"].clone(), deleted["body"].clone()),
        (StatusCode::OK, json!(true), json!(""))
    );

    let (status, page) = sam.get("/api/v1/team-chat/trace?user=alice").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let actions: Vec<&str> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["deleted", "edited", "written", "written"],
        "newest first, nothing lost"
    );
    assert_eq!(page["entries"][0]["actor"], "sam");
    let (status, _) = alice.get("/api/v1/team-chat/trace").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "site admins only");

    let response = sam
        .client
        .get(site.url("/api/v1/team-chat/trace/export?format=csv&chat=company-acme"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("team-chat-trace.csv")
    );
    let csv = response.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("at,action,chat,kind,place,issue,seq,author,actor,body")
    );
    assert!(
        csv.contains(r#""Deploy at 5, ""quoted"", ok?""#),
        "quoted as CSV: {csv}"
    );
    assert!(
        csv.contains("\"second\nline\""),
        "line breaks kept inside quotes: {csv}"
    );
    let (status, json_export) = sam.get("/api/v1/team-chat/trace/export?format=json&user=sam").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json_export.as_array().unwrap().len(), 1);
    let (status, body) = sam.get("/api/v1/team-chat/trace/export?format=xml").await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "invalid"));
}

/// Every event a stream on `topics` resuming from the very start is given (it reads until
/// nothing more comes).
async fn replayed_from_start(
    site: &TestSite,
    client: &ApiClient,
    topics: &[&str],
) -> Vec<helpdesk_e2e::sse::ReceivedEvent> {
    let mut stream = site.stream(client, topics, Some(0)).await;
    let mut events = Vec::new();
    while let Some(event) = stream.next_event_within(Duration::from_millis(500)).await {
        events.push(event);
    }
    events
}

#[tokio::test]
async fn tc_10_a_resuming_stream_never_gets_deleted_or_replaced_text() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    let (status, room) = alice
        .post(
            "/api/v1/team-chat/rooms",
            json!({ "name": "Escalations", "private": true, "members": [{ "user": "bob" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{room}");
    let id = room["id"].as_str().unwrap().to_string();
    post(&alice, &id, "p1", "@bob the password is hunter2").await;
    post(&alice, &id, "p2", "first draft").await;
    alice
        .put(
            &format!("/api/v1/team-chat/chats/{id}/messages/2"),
            json!({ "body": "second thought" }),
        )
        .await;
    let (status, _) = alice.delete(&format!("/api/v1/team-chat/chats/{id}/messages/1")).await;
    assert_eq!(status, StatusCode::OK);

    // Someone let into the room after the deletion, resuming from the start.
    let (status, _) = alice
        .put(
            &format!("/api/v1/team-chat/rooms/{id}"),
            json!({ "name": "Escalations", "private": true, "members": [{ "user": "bob" }, { "user": "tom" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let tom = site.login("tom").await;
    let bob = site.login("bob").await;
    let room_topic = format!("team-chat:{id}");
    for (reader, inbox) in [(&tom, "team-inbox:tom"), (&bob, "team-inbox:bob")] {
        let events = replayed_from_start(&site, reader, &[&room_topic, inbox]).await;
        let text = serde_json::to_string(&events.iter().map(|e| &e.data).collect::<Vec<_>>()).unwrap();
        assert!(!text.contains("hunter2"), "deleted text never comes back: {text}");
        assert!(!text.contains("first draft"), "replaced text never comes back: {text}");
        assert!(text.contains("second thought"), "the newest form does: {text}");
    }

    // A mention is replayed to the person named only while they may still read the room.
    post(&alice, &id, "p3", "@bob still there?").await;
    let mentions =
        |events: Vec<helpdesk_e2e::sse::ReceivedEvent>| events.into_iter().filter(|e| e.kind == "mentioned").count();
    assert_eq!(mentions(replayed_from_start(&site, &bob, &["team-inbox:bob"]).await), 1);
    alice
        .put(
            &format!("/api/v1/team-chat/rooms/{id}"),
            json!({ "name": "Escalations", "private": true, "members": [{ "user": "tom" }] }),
        )
        .await;
    assert_eq!(
        mentions(replayed_from_start(&site, &bob, &["team-inbox:bob"]).await),
        0,
        "bob left the room: its text is not replayed on his own topic"
    );
}

#[tokio::test]
async fn tc_10_events_past_their_retention_are_never_replayed() {
    let site = TestSite::start();
    let alice = site.login("alice").await;
    post(&alice, "company-acme", "old-1", "said a long time ago").await;
    alice.advance_clock_minutes(31 * 24 * 60).await;
    let bob = site.login("bob").await;
    let events = replayed_from_start(&site, &bob, &["team-chat:company-acme"]).await;
    let text = serde_json::to_string(&events.iter().map(|e| &e.data).collect::<Vec<_>>()).unwrap();
    assert!(!text.contains("said a long time ago"), "{text}");
}

#[tokio::test]
async fn tc_7_a_member_writing_too_fast_is_held_back() {
    let site = TestSite::start_with(&["--team-messages-per-minute", "30"]);
    let alice = site.login("alice").await;
    let mut statuses = Vec::new();
    for n in 0..15 {
        let (status, _) = post(&alice, "company-acme", &format!("fast-{n}"), "spam").await;
        statuses.push(status);
    }
    assert_eq!(statuses[0], StatusCode::OK);
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    let (status, _) = post(&site.login("bob").await, "company-acme", "calm-1", "hello").await;
    assert_eq!(status, StatusCode::OK, "others write on");
}

#[tokio::test]
async fn tc_5_an_issue_chat_is_read_only_by_those_who_may_browse_the_issue() {
    let site = TestSite::start();
    // OPS is open to its staff only (the demo site file): tom is a member, but no OPS staff.
    let sam = site.login("sam").await;
    let (status, chat) = sam.post("/api/v1/issues/OPS-1/chat", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{chat}");
    let id = chat["id"].as_str().unwrap().to_string();
    post(&sam, &id, "s1", "The certificate keys are in the vault").await;
    let tom = site.login("tom").await;
    let (status, _) = tom.post("/api/v1/issues/OPS-1/chat", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = tom.get(&format!("/api/v1/team-chat/chats/{id}/messages")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "tom reads nothing of it");
    let (status, _) = tom.get("/api/v1/issues/OPS-1").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor the issue");
    let (_, issues) = tom.get("/api/v1/issues").await;
    assert!(
        issues.as_array().unwrap().iter().all(|issue| issue["project"] != "OPS"),
        "{issues}"
    );
    let (status, _) = tom.get("/api/v1/issues?project=OPS").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut stream = tom
        .client
        .get(site.url(&format!("/api/v1/stream?topic=team-chat:{id}")))
        .send()
        .await
        .unwrap();
    assert!(stream.status().is_client_error(), "nor its stream");
    drop(stream.chunk().await);

    // Invitations: only people online, never oneself, never someone the issue is hidden from.
    tom.get("/api/v1/team-chat/chats").await; // tom is seen: online now
    let (status, body) = sam
        .post(
            &format!("/api/v1/team-chat/chats/{id}/participants"),
            json!({ "user": "tom" }),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "access_denied"),
        "{body}"
    );
    let (status, body) = sam
        .post(
            &format!("/api/v1/team-chat/chats/{id}/participants"),
            json!({ "user": "sam" }),
        )
        .await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "invalid"), "{body}");
    let (status, body) = sam
        .post(
            &format!("/api/v1/team-chat/chats/{id}/participants"),
            json!({ "user": "alice" }),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "conflict"),
        "alice is offline: {body}"
    );

    // Opened to every member, tom reads it.
    let (status, _) = sam
        .put("/api/v1/directory/projects/OPS/browse", json!({ "members": true }))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, page) = tom.get(&format!("/api/v1/team-chat/chats/{id}/messages")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["messages"][0]["body"], "The certificate keys are in the vault");
}

#[tokio::test]
async fn tc_8_pr_14_someone_who_just_logged_in_shows_online_at_once() {
    let site = TestSite::start();
    let bob = site.login("bob").await;
    let status_of = |people: &Value, user: &str| {
        people
            .as_array()
            .unwrap()
            .iter()
            .find(|person| person["user"] == user)
            .map(|person| person["status"].clone())
    };
    let (_, people) = bob.get("/api/v1/team-chat/people").await;
    assert_eq!(status_of(&people, "tom"), Some(json!("offline")));
    let _tom = site.login("tom").await;
    let (_, people) = bob.get("/api/v1/team-chat/people").await;
    assert_eq!(status_of(&people, "tom"), Some(json!("online")), "without acting first");
}
