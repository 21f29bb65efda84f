//! The widget's rules: settings, the pages it may run on, visitors, accounts, welcome texts.

use super::*;
use crate::capabilities::Directory as _;
use crate::live_chat::registration::CODE_TRIES;

#[test]
fn lc_3_allowed_sites_are_saved_as_the_origins_browsers_send() {
    assert_eq!(site_origin("https://Example.COM:443/").unwrap(), "https://example.com");
    assert_eq!(site_origin("http://127.0.0.2:8081").unwrap(), "http://127.0.0.2:8081");
    assert_eq!(
        site_origin("https://bücher.example").unwrap(),
        "https://xn--bcher-kva.example"
    );
    for bad in [
        "ftp://example.com",
        "https://example.com/help",
        "https://u:p@example.com",
        "example.com",
        "https://example.com?x=1",
        "https://*.example.com",
        "null",
    ] {
        assert!(matches!(site_origin(bad), Err(PluginError::Invalid(_))), "{bad}");
    }
}

#[test]
fn lc_3_only_pages_of_allowed_sites_may_use_the_widget() {
    let mut host = FakeHost::demo();
    save(&mut host, |s| {
        s.external = true;
        s.allowed_sites = vec!["https://shop.example".into(), "http://127.0.0.2:8081".into()];
    });
    let visitor = as_visitor("v-1", "SUP");
    for allowed in [
        PageOrigin::Site,
        external("https://shop.example"),
        external("http://127.0.0.2:8081"),
    ] {
        reads::widget(&mut host, &on_page(visitor.clone(), allowed.clone()))
            .unwrap_or_else(|e| panic!("{allowed:?}: {e}"));
    }
    for refused in [
        external("https://shop.example.evil.net"),
        external("http://shop.example"),
        external("https://shop.example:8443"),
        external("http://127.0.0.2:8082"),
        PageOrigin::Opaque,
        PageOrigin::Unknown,
    ] {
        let err =
            conversations::start_conversation(&mut host, &on_page(visitor.clone(), refused.clone()), start("m1", "hi"))
                .unwrap_err();
        assert!(matches!(err, PluginError::AccessDenied(_)), "{refused:?}: {err}");
    }
    assert!(host.keys_under("live-chat/conversation/").is_empty(), "nothing started");
}

#[test]
fn lc_2_external_pages_are_refused_while_switched_off_or_the_list_is_empty() {
    let mut host = FakeHost::demo();
    let ctx = on_page(as_visitor("v-1", "SUP"), external("https://shop.example"));
    let err = reads::widget(&mut host, &ctx).unwrap_err();
    assert!(err.message().contains("other web sites"), "{err}");
    save(&mut host, |s| s.external = true);
    assert!(matches!(
        reads::widget(&mut host, &ctx),
        Err(PluginError::AccessDenied(_))
    ));
}

#[test]
fn lc_1_the_portal_shows_the_chat_only_while_it_is_on() {
    let mut host = FakeHost::demo();
    let ctx = as_visitor("v-1", "SUP");
    assert!(reads::widget(&mut host, &ctx).unwrap().may_start);
    save(&mut host, |s| {
        s.portal = false;
        s.external = true;
        s.allowed_sites = vec!["https://shop.example".into()];
    });
    let err = reads::widget(&mut host, &ctx).unwrap_err();
    assert!(err.message().contains("customer portal"), "{err}");
    save(&mut host, |s| s.portal = false);
    assert!(
        matches!(reads::widget(&mut host, &ctx), Err(PluginError::NotFound(_))),
        "no chat at all"
    );
}

#[test]
fn lc_1_only_project_admins_configure_the_widget_and_bad_settings_are_refused() {
    let mut host = FakeHost::demo();
    for outsider in ["alice", "carol"] {
        assert!(matches!(
            settings::widget_settings(&mut host, &as_user(outsider, "SUP")),
            Err(PluginError::AccessDenied(_))
        ));
    }
    assert!(
        settings::widget_settings(&mut host, &as_user("root", "SUP")).is_ok(),
        "site admin"
    );
    let mut bad = settings::defaults();
    bad.allowed_sites = vec!["javascript:alert(1)".into()];
    assert!(matches!(
        settings::save_widget_settings(&mut host, &as_user("dana", "SUP"), bad),
        Err(PluginError::Invalid(_))
    ));
    let mut bad = settings::defaults();
    bad.greeting = Some("hi\u{202E}".into());
    assert!(matches!(
        settings::save_widget_settings(&mut host, &as_user("dana", "SUP"), bad),
        Err(PluginError::Invalid(_))
    ));
    let mut bad = settings::defaults();
    bad.login_blocked_groups = vec!["nope".into()];
    assert!(matches!(
        settings::save_widget_settings(&mut host, &as_user("dana", "SUP"), bad),
        Err(PluginError::Invalid(_))
    ));
}

#[test]
fn lc_4_visitors_are_numbered_anonymous_users_and_need_the_switch() {
    let mut host = FakeHost::demo();
    let first = conversations::start_conversation(&mut host, &as_visitor("v-1", "SUP"), start("m1", "hello")).unwrap();
    let second = conversations::start_conversation(&mut host, &as_visitor("v-2", "SUP"), start("m1", "hi")).unwrap();
    assert_eq!(first.customer.name, "Anonymous Chat User #1");
    assert_eq!(second.customer.name, "Anonymous Chat User #2");
    let again =
        conversations::start_conversation(&mut host, &as_visitor("v-1", "SUP"), start("m2", "me again")).unwrap();
    assert_eq!(
        again.customer.name, "Anonymous Chat User #1",
        "the same visitor keeps their number"
    );
    assert!(
        matches!(
            reads::get_conversation(&mut host, &as_visitor("v-2", "SUP"), &first.id),
            Err(PluginError::NotFound(_))
        ),
        "no visitor reads another's conversation"
    );
    save(&mut host, |s| s.anonymous = false);
    let err = conversations::start_conversation(&mut host, &as_visitor("v-3", "SUP"), start("m1", "hi")).unwrap_err();
    assert!(
        matches!(&err, PluginError::AccessDenied(m) if m.contains("log in")),
        "{err}"
    );
    assert!(!reads::widget(&mut host, &as_visitor("v-3", "SUP")).unwrap().may_start);
    let customer = on_page(as_user("carol", "SUP"), PageOrigin::Site);
    assert!(
        reads::widget(&mut host, &customer).unwrap().may_start,
        "a logged-in customer still may"
    );
}

#[test]
fn lc_7_the_welcome_follows_the_visitors_language_unless_overridden() {
    let mut host = FakeHost::demo();
    let mut ctx = as_visitor("v-1", "SUP");
    ctx.languages = vec!["de-CH".into()];
    assert!(reads::widget(&mut host, &ctx).unwrap().welcome.starts_with("Hallo"));
    ctx.languages = vec!["xx".into()];
    assert!(reads::widget(&mut host, &ctx).unwrap().welcome.starts_with("Hi!"));
    ctx.languages = vec!["xx".into(), "nl-BE".into(), "de".into()];
    assert!(
        reads::widget(&mut host, &ctx)
            .unwrap()
            .welcome
            .starts_with("Hallo! Vraag"),
        "the first accepted language there is a text in, not only the first asked for"
    );
    save(&mut host, |s| {
        s.welcome_override = Some("  Welcome to <b>Support</b>  ".into());
        s.greeting = Some("Need help?".into());
    });
    let view = reads::widget(&mut host, &ctx).unwrap();
    assert_eq!(
        view.welcome, "Welcome to <b>Support</b>",
        "one text for every language, kept as text"
    );
    assert_eq!(view.greeting.as_deref(), Some("Need help?"));
}

#[test]
fn lc_6_members_of_blocked_groups_may_not_log_in_through_the_widget() {
    let mut host = FakeHost::demo();
    host.groups.extend(["admins".to_string(), "staff".to_string()]);
    host.group_members.insert(("admins".into(), "root".into()));
    host.group_members.insert(("staff".into(), "carol".into()));
    let on_portal = as_visitor("v-1", "SUP");
    assert!(
        settings::may_log_in_through_widget(&mut host, &on_portal, "root").unwrap(),
        "nobody is blocked by default"
    );
    save(&mut host, |s| s.login_blocked_groups = vec!["admins".into()]);
    assert!(!settings::may_log_in_through_widget(&mut host, &on_portal, "root").unwrap());
    assert!(settings::may_log_in_through_widget(&mut host, &on_portal, "carol").unwrap());
    assert!(
        settings::may_log_in_through_widget(&mut host, &on_portal, "nobody-at-all").unwrap(),
        "unknown users look like anyone"
    );
    let elsewhere = on_page(on_portal, external("https://evil.example"));
    assert!(matches!(
        settings::may_log_in_through_widget(&mut host, &elsewhere, "carol"),
        Err(PluginError::AccessDenied(_))
    ));
}

/// The code the last mail carried (its subject ends with it).
fn code_in_last_mail(host: &FakeHost) -> String {
    let (_, subject, _) = host.mail.last().expect("a mail");
    subject.rsplit(' ').next().unwrap().to_string()
}

#[test]
fn lc_5_visitors_register_as_portal_customers_with_a_code_mailed_to_their_address() {
    use crate::live_chat::registration::{begin_registration, finish_registration};
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    assert!(
        matches!(
            begin_registration(&mut host, &visitor, "Vera Visitor", "vera@example.test"),
            Err(PluginError::AccessDenied(_))
        ),
        "off by default"
    );
    save(&mut host, |s| s.registration = true);
    let started = begin_registration(&mut host, &visitor, "  Vera Visitor ", "vera@example.test").unwrap();
    assert_eq!(started.to, "vera@example.test");
    assert!(
        host.user_by_email("vera@example.test").is_none(),
        "no account before the code"
    );
    let code = code_in_last_mail(&host);
    let wrong = finish_registration(&mut host, &visitor, &started.registration, "000000x").unwrap();
    assert_eq!((wrong.user, wrong.tries_left), (None, 4));
    let done = finish_registration(&mut host, &visitor, &started.registration, &code).unwrap();
    let id = done.user.expect("registered");
    let user = host.users[&id].clone();
    assert_eq!(
        (user.display_name.as_str(), user.member),
        ("Vera Visitor", false),
        "a portal customer"
    );
    assert!(
        matches!(
            finish_registration(&mut host, &visitor, &started.registration, &code),
            Err(PluginError::Invalid(_))
        ),
        "a registration finishes once"
    );

    // A known address gets the same answer, and a mail that says so instead of a code.
    let mails = host.mail.len();
    let again = begin_registration(&mut host, &visitor, "Vera Again", "VERA@example.test").unwrap();
    assert_eq!(again.to, "VERA@example.test");
    assert_eq!(host.mail.len(), mails + 1);
    let (_, subject, body) = host.mail.last().unwrap().clone();
    assert!(
        body.contains("already has an account") && !subject.contains("code"),
        "{subject}: {body}"
    );
    for left in (0..CODE_TRIES).rev() {
        let outcome = finish_registration(&mut host, &visitor, &again.registration, "123456").unwrap();
        assert_eq!((outcome.user, outcome.tries_left), (None, left), "no code finishes it");
    }

    assert!(matches!(
        begin_registration(&mut host, &visitor, "Bad\u{202E}Name", "x@example.test"),
        Err(PluginError::Invalid(_))
    ));
    assert!(
        matches!(
            begin_registration(&mut host, &visitor, "alice agent", "a2@example.test"),
            Err(PluginError::Invalid(_))
        ),
        "a name one of the project's staff goes by"
    );
    assert!(
        matches!(
            begin_registration(
                &mut host,
                &on_page(as_user("carol", "SUP"), PageOrigin::Site),
                "Carol",
                "c2@example.test"
            ),
            Err(PluginError::Conflict(_))
        ),
        "logged in already"
    );
    let elsewhere = on_page(visitor.clone(), external("https://evil.example"));
    assert!(matches!(
        begin_registration(&mut host, &elsewhere, "Eve", "eve@example.test"),
        Err(PluginError::AccessDenied(_))
    ));
    let expiring = begin_registration(&mut host, &visitor, "Late Larry", "larry@example.test").unwrap();
    let late_code = code_in_last_mail(&host);
    host.now += crate::live_chat::registration::CODE_LIFETIME_MS;
    crate::live_chat::registration::expire_due(&mut host).unwrap();
    assert!(
        matches!(
            finish_registration(&mut host, &visitor, &expiring.registration, &late_code),
            Err(PluginError::Invalid(_))
        ),
        "expired, and cleared away"
    );
    assert!(
        host.keys_under("live-chat/registration/").is_empty(),
        "{:?}",
        host.keys_under("live-chat/registration/")
    );
}

#[test]
fn lc_7_site_admins_translate_and_customize_the_welcome_per_language() {
    let mut host = FakeHost::demo();
    let admin = as_user("root", "SUP");
    assert!(matches!(
        welcome::welcome_texts(&mut host, &as_user("dana", "SUP")),
        Err(PluginError::AccessDenied(_))
    ));
    let texts = welcome::welcome_texts(&mut host, &admin).unwrap();
    assert!(texts.iter().any(|t| t.language == "de" && !t.customized));
    welcome::save_welcome_text(&mut host, &admin, "de", Some("Willkommen beim Support!")).unwrap();
    let texts = welcome::save_welcome_text(&mut host, &admin, "fi", Some("Tervetuloa!")).unwrap();
    assert!(
        texts.iter().any(|t| t.language == "fi" && t.customized),
        "a language the product does not ship"
    );
    let mut ctx = as_visitor("v-1", "SUP");
    ctx.languages = vec!["de-AT".into()];
    assert_eq!(
        reads::widget(&mut host, &ctx).unwrap().welcome,
        "Willkommen beim Support!"
    );
    ctx.languages = vec!["fi".into()];
    assert_eq!(reads::widget(&mut host, &ctx).unwrap().welcome, "Tervetuloa!");
    welcome::save_welcome_text(&mut host, &admin, "de", None).unwrap();
    ctx.languages = vec!["de".into()];
    assert!(
        reads::widget(&mut host, &ctx).unwrap().welcome.starts_with("Hallo"),
        "back to the built-in text"
    );
    for bad in ["EN", "e", "english", "e/n"] {
        assert!(
            matches!(
                welcome::save_welcome_text(&mut host, &admin, bad, Some("x")),
                Err(PluginError::Invalid(_))
            ),
            "{bad}"
        );
    }
    assert!(matches!(
        welcome::save_welcome_text(&mut host, &admin, "en", Some("x\u{202E}")),
        Err(PluginError::Invalid(_))
    ));
}
