//! Visitor context (LC-21): the customer's widget tells where they are while they chat; the
//! agents see it, the pages seen in order; nothing before a conversation, nothing from
//! another site, nothing after the end.

use super::*;
use crate::bindings::exports::helpdesk::chat::live_chat::PageReport;
use crate::live_chat::visitor_context::{MAX_PAGES, report_page, visitor_context};

fn page(url: &str, title: Option<&str>) -> PageReport {
    PageReport {
        url: url.into(),
        title: title.map(str::to_string),
        referrer: Some("https://search.example/?q=parcel".into()),
        time_zone: Some("Europe/Oslo".into()),
    }
}

fn on_shop(visitor: &str) -> CallContext {
    let mut ctx = on_page(as_visitor(visitor, "SUP"), external("https://shop.example"));
    ctx.locale = Some("nb-NO".into());
    ctx
}

fn conversation(host: &mut FakeHost) -> String {
    save(host, |s| {
        s.external = true;
        s.allowed_sites = vec!["https://shop.example".into()];
    });
    conversations::start_conversation(host, &on_shop("v-1"), start("m1", "Hi"))
        .unwrap()
        .id
}

#[test]
fn lc_21_agents_see_where_the_visitor_is_and_has_been_live() {
    let mut host = FakeHost::demo();
    let id = conversation(&mut host);
    let bob = as_user("bob", "SUP");
    let before = visitor_context(&mut host, &bob, &id).unwrap();
    assert!(before.pages.is_empty(), "nothing is reported before the widget says so");
    assert_eq!(before.language.as_deref(), Some("nb-NO"));

    host.take_events(&events::inbox_topic("SUP"));
    report_page(
        &mut host,
        &on_shop("v-1"),
        &id,
        page("https://shop.example/cart", Some("Cart")),
    )
    .unwrap();
    let heard = host.take_events(&events::inbox_topic("SUP"));
    assert!(
        heard
            .iter()
            .any(|e| e.kind == "visitor-context-changed" && e.payload["pages"][0]["title"] == "Cart"),
        "{heard:?}"
    );
    host.advance_minutes(1);
    let mut second = page("https://shop.example/checkout", Some("  Checkout \u{202E} now  "));
    second.referrer = Some("https://elsewhere.example/".into());
    report_page(&mut host, &on_shop("v-1"), &id, second).unwrap();
    // The same page again right after itself is kept once, and tells nobody.
    report_page(
        &mut host,
        &on_shop("v-1"),
        &id,
        page("https://shop.example/checkout", None),
    )
    .unwrap();
    report_page(
        &mut host,
        &on_shop("v-1"),
        &id,
        page("https://shop.example/checkout", None),
    )
    .unwrap();
    assert_eq!(host.take_events(&events::inbox_topic("SUP")).len(), 1);

    let seen = visitor_context(&mut host, &bob, &id).unwrap();
    let pages: Vec<(&str, Option<&str>)> = seen
        .pages
        .iter()
        .map(|p| (p.url.as_str(), p.title.as_deref()))
        .collect();
    assert_eq!(
        pages,
        [
            ("https://shop.example/cart", Some("Cart")),
            ("https://shop.example/checkout", None)
        ],
        "a title breaking the text policy is left out, the page kept; a repeat is kept once"
    );
    assert_eq!(
        seen.referrer.as_deref(),
        Some("https://search.example/?q=parcel"),
        "where the visit came from"
    );
    assert_eq!(seen.time_zone.as_deref(), Some("Europe/Oslo"));
}

#[test]
fn lc_21_only_the_customer_reports_from_their_own_site_and_only_while_chatting() {
    let mut host = FakeHost::demo();
    let id = conversation(&mut host);
    let elsewhere = report_page(&mut host, &on_shop("v-1"), &id, page("https://evil.example/", None)).unwrap_err();
    assert!(
        matches!(&elsewhere, PluginError::Invalid(m) if m.contains("https://shop.example")),
        "{elsewhere:?}"
    );
    for bad in [
        "javascript:alert(1)",
        "not a url",
        &format!("https://shop.example/{}", "x".repeat(2000)),
    ] {
        assert!(
            matches!(
                report_page(&mut host, &on_shop("v-1"), &id, page(bad, None)),
                Err(PluginError::Invalid(_))
            ),
            "{bad}"
        );
    }
    let mut zone = page("https://shop.example/", None);
    zone.time_zone = Some("Mars/Olympus".into());
    assert!(matches!(
        report_page(&mut host, &on_shop("v-1"), &id, zone),
        Err(PluginError::Invalid(_))
    ));
    // Another visitor, and an agent, are told the conversation does not exist.
    assert!(matches!(
        report_page(&mut host, &on_shop("v-2"), &id, page("https://shop.example/", None)),
        Err(PluginError::NotFound(_))
    ));
    assert!(matches!(
        report_page(
            &mut host,
            &as_user("bob", "SUP"),
            &id,
            page("https://shop.example/", None)
        ),
        Err(PluginError::NotFound(_))
    ));
    assert!(
        matches!(
            visitor_context(&mut host, &on_shop("v-1"), &id),
            Err(PluginError::NotFound(_))
        ),
        "the visitor does not read it"
    );
    // After the end nothing more is kept.
    conversations::end_conversation(&mut host, &on_shop("v-1"), &id).unwrap();
    report_page(
        &mut host,
        &on_shop("v-1"),
        &id,
        page("https://shop.example/after", None),
    )
    .unwrap();
    assert!(
        visitor_context(&mut host, &as_user("bob", "SUP"), &id)
            .unwrap()
            .pages
            .is_empty()
    );
}

#[test]
fn lc_21_a_visit_keeps_its_newest_pages_and_a_flood_is_refused() {
    let mut host = FakeHost::demo();
    let id = conversation(&mut host);
    for n in 0..MAX_PAGES + 5 {
        report_page(
            &mut host,
            &on_shop("v-1"),
            &id,
            page(&format!("https://shop.example/p{n}"), None),
        )
        .unwrap();
    }
    let seen = visitor_context(&mut host, &as_user("bob", "SUP"), &id).unwrap();
    assert_eq!(seen.pages.len(), MAX_PAGES);
    assert_eq!(
        seen.pages.last().unwrap().url,
        format!("https://shop.example/p{}", MAX_PAGES + 4)
    );
    assert_eq!(seen.pages[0].url, "https://shop.example/p5");
    let flood = (0..10).find_map(|n| {
        report_page(
            &mut host,
            &on_shop("v-1"),
            &id,
            page(&format!("https://shop.example/q{n}"), None),
        )
        .err()
    });
    assert!(matches!(flood, Some(PluginError::RateLimited(..))), "{flood:?}");
}
