//! Retention: ended conversations are deleted with their messages once their project's
//! retention has passed; open ones and recent ones stay; the text quota bounds what one
//! customer makes the site store.

use super::*;
use crate::live_chat::retention;

const DAY_MINUTES: u64 = 24 * 60;

/// Every key the conversation left in storage, apart from the project's counters.
fn traces_of(host: &FakeHost, id: &str) -> Vec<String> {
    host.kv
        .iter()
        .filter(|(key, value)| key.contains(id) || value.as_slice() == id.as_bytes())
        .map(|(key, _)| key.clone())
        .collect()
}

#[test]
fn lc_9_an_ended_conversation_is_deleted_when_its_retention_has_passed() {
    let mut host = FakeHost::demo();
    save(&mut host, |s| s.retention_days = Some(2));
    let visitor = as_visitor("v-1", "SUP");
    let bob = as_user("bob", "SUP");
    let old = conversations::start_conversation(&mut host, &visitor, start("m1", "Old question")).unwrap();
    conversations::post_message(&mut host, &bob, &old.id, "a1", "Answered").unwrap();
    conversations::end_conversation(&mut host, &visitor, &old.id).unwrap();
    host.advance_minutes(DAY_MINUTES);
    let other = as_visitor("v-2", "SUP");
    let recent = conversations::start_conversation(&mut host, &other, start("m1", "Newer question")).unwrap();
    conversations::end_conversation(&mut host, &other, &recent.id).unwrap();
    let open =
        conversations::start_conversation(&mut host, &as_visitor("v-3", "SUP"), start("m1", "Still open")).unwrap();
    assert!(!traces_of(&host, &old.id).is_empty());

    host.advance_minutes(DAY_MINUTES + 1);
    retention::run_due(&mut host).unwrap();
    assert_eq!(traces_of(&host, &old.id), Vec::<String>::new(), "nothing of it is left");
    assert!(matches!(
        reads::get_conversation(&mut host, &bob, &old.id),
        Err(PluginError::NotFound(_))
    ));
    assert!(
        reads::get_conversation(&mut host, &bob, &recent.id).is_ok(),
        "ended a day later"
    );
    assert!(reads::my_conversations(&mut host, &visitor).unwrap().is_empty());
    let all = reads::inbox(&mut host, &bob, Some(InboxView::All), None, Some(50)).unwrap();
    let ids: Vec<_> = all.conversations.iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids, vec![open.id.clone(), recent.id.clone()]);
    let next = *host.wakes.iter().next_back().unwrap();
    assert!(next <= host.now + 24 * 3_600_000, "the next sweep is planned: {next}");

    // Months later the open conversation is still there; the other ended one is gone.
    host.advance_minutes(90 * DAY_MINUTES);
    retention::run_due(&mut host).unwrap();
    assert!(reads::get_conversation(&mut host, &bob, &recent.id).is_err());
    assert_eq!(reads::get_conversation(&mut host, &bob, &open.id).unwrap().id, open.id);
    assert_eq!(
        reads::inbox(&mut host, &bob, Some(InboxView::All), None, Some(50))
            .unwrap()
            .counts
            .open,
        1
    );
}

#[test]
fn lc_9_old_open_conversations_do_not_stall_the_sweep() {
    let mut host = FakeHost::demo();
    // More open conversations than one sweep looks at, all older than the ended one.
    for n in 0..130 {
        let visitor = as_visitor(&format!("v-{n}"), "SUP");
        let mut ctx = visitor;
        ctx.address = Some(format!("10.0.{}.{}", n / 200, n % 200));
        conversations::start_conversation(&mut host, &ctx, start("m1", "open")).unwrap();
    }
    let visitor = as_visitor("v-ended", "SUP");
    let ended = conversations::start_conversation(&mut host, &visitor, start("m1", "bye")).unwrap();
    conversations::end_conversation(&mut host, &visitor, &ended.id).unwrap();
    save(&mut host, |s| s.retention_days = Some(1));
    host.advance_minutes(2 * DAY_MINUTES);
    for _ in 0..3 {
        retention::run_due(&mut host).unwrap();
    }
    assert!(traces_of(&host, &ended.id).is_empty());
    assert_eq!(
        host.keys_under("live-chat/due/retention/").len(),
        1,
        "one sweep planned, however often it ran"
    );
}

#[test]
fn lc_9_saving_settings_often_plans_one_sweep_and_no_retention_keeps_all() {
    let mut host = FakeHost::demo();
    for _ in 0..5 {
        save(&mut host, |s| s.retention_days = Some(30));
    }
    assert_eq!(host.keys_under("live-chat/due/retention/").len(), 1);
    let visitor = as_visitor("v-1", "SUP");
    let conv = conversations::start_conversation(&mut host, &visitor, start("m1", "hi")).unwrap();
    conversations::end_conversation(&mut host, &visitor, &conv.id).unwrap();
    save(&mut host, |s| s.retention_days = None);
    host.advance_minutes(365 * DAY_MINUTES);
    retention::run_due(&mut host).unwrap();
    assert!(reads::get_conversation(&mut host, &as_user("bob", "SUP"), &conv.id).is_ok());
    assert!(
        host.keys_under("live-chat/due/retention/").is_empty(),
        "nothing left to plan"
    );

    for days in [0, 3651] {
        let mut settings = settings::defaults();
        settings.retention_days = Some(days);
        let err = settings::save_widget_settings(&mut host, &as_user("dana", "SUP"), settings).unwrap_err();
        assert!(
            matches!(&err, PluginError::Invalid(m) if m.contains("retention_days")),
            "{err:?}"
        );
    }
}

#[test]
fn lc_9_one_customer_cannot_store_unbounded_text() {
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    let conv = conversations::start_conversation(&mut host, &visitor, start("m0", "hello")).unwrap();
    let long = "x".repeat(4000);
    let mut refused = None;
    for n in 0..400 {
        // Spread over time so that the message count limit is not what stops it.
        host.now += 5_000;
        match conversations::post_message(&mut host, &visitor, &conv.id, &format!("n{n}"), &long) {
            Ok(_) => {}
            Err(err) => {
                refused = Some((n, err));
                break;
            }
        }
    }
    let (n, err) = refused.expect("the text quota stops it");
    assert!(
        n >= 250,
        "about a megabyte is allowed first, stopped after {n}: {err:?}"
    );
    match err {
        PluginError::RateLimited(message, wait) => {
            assert!(message.contains("too much chat text"), "{message}");
            assert!(wait > 0);
        }
        other => panic!("{other:?}"),
    }
}
