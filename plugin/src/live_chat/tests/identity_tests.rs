//! Identity verification: a project's own site vouches for its logged-in user with a token
//! signed under the project's secret, and the widget's visitor becomes that user.

use super::*;
use crate::live_chat::identity;
use crate::live_chat::identity_token::sign;
use serde_json::json;

/// A token for Jane, valid for an hour from the fake host's clock.
fn jane_claims(host: &FakeHost) -> serde_json::Value {
    json!({
        "sub": "site-user-42",
        "name": "Jane <b>Shopper</b>",
        "email": "jane@shop.example",
        "exp": host.now / 1000 + 3600,
    })
}

fn jane(host: &FakeHost, secret: &str) -> String {
    sign(secret, &jane_claims(host))
}

fn secret_of(host: &mut FakeHost) -> String {
    identity::change_identity_secret(host, &as_user("dana", "SUP"), true)
        .unwrap()
        .secret
        .unwrap()
}

#[test]
fn lc_4_only_project_admins_see_and_change_the_identity_secret() {
    let mut host = FakeHost::demo();
    let dana = as_user("dana", "SUP");
    assert_eq!(identity::identity_secret(&mut host, &dana).unwrap().secret, None);
    let first = secret_of(&mut host);
    assert_eq!(first.len(), 64, "32 random bytes in hex");
    let second = secret_of(&mut host);
    assert_ne!(first, second, "a new secret each time");
    assert_eq!(
        identity::identity_secret(&mut host, &dana).unwrap().secret,
        Some(second)
    );
    for user in ["bob", "carol"] {
        assert!(matches!(
            identity::identity_secret(&mut host, &as_user(user, "SUP")),
            Err(PluginError::AccessDenied(_))
        ));
    }
    let off = identity::change_identity_secret(&mut host, &dana, false).unwrap();
    assert_eq!(off.secret, None);
}

#[test]
fn lc_4_a_visitor_the_site_vouches_for_is_its_user_in_every_browser() {
    let mut host = FakeHost::demo();
    save(&mut host, |s| s.anonymous = false);
    let secret = secret_of(&mut host);
    let laptop = as_visitor("v-laptop", "SUP");
    let token = jane(&host, &secret);
    let view = identity::identify_visitor(&mut host, &laptop, Some(&token)).unwrap();
    assert_eq!(
        (view.may_start, view.customer_name.as_deref()),
        (true, Some("Jane <b>Shopper</b>")),
        "no second login, even with anonymous chat off; the name stays plain text"
    );
    let conv = conversations::start_conversation(&mut host, &laptop, start("m1", "Hello")).unwrap();
    assert_eq!(conv.customer.name, "Jane <b>Shopper</b>");
    assert_eq!(
        conv.customer.email.as_deref(),
        Some("visitor@example.test"),
        "the address given wins"
    );

    let phone = as_visitor("v-phone", "SUP");
    identity::identify_visitor(&mut host, &phone, Some(&token)).unwrap();
    let mine = reads::my_conversations(&mut host, &phone).unwrap();
    assert_eq!(mine.len(), 1, "the conversation follows Jane to her phone");
    conversations::post_message(&mut host, &phone, &conv.id, "p1", "From my phone").unwrap();

    identity::identify_visitor(&mut host, &phone, None).unwrap();
    assert!(
        reads::my_conversations(&mut host, &phone).unwrap().is_empty(),
        "forgotten: the phone is an anonymous visitor again"
    );
    assert!(matches!(
        reads::get_conversation(&mut host, &phone, &conv.id),
        Err(PluginError::NotFound(_))
    ));
}

#[test]
fn lc_4_a_made_up_changed_or_stale_token_is_refused() {
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    let any = jane(&host, "any");
    assert!(
        matches!(
            identity::identify_visitor(&mut host, &visitor, Some(&any)),
            Err(PluginError::AccessDenied(_))
        ),
        "identity verification is off"
    );
    let old = secret_of(&mut host);
    let current = secret_of(&mut host);
    let mut mallory = jane_claims(&host);
    mallory["email"] = json!("mallory@evil.net");
    let stale = {
        let mut claims = jane_claims(&host);
        claims["exp"] = json!(host.now / 1000 - 1);
        sign(&current, &claims)
    };
    let good = jane(&host, &current);
    let parts: Vec<&str> = good.split('.').collect();
    let changed = format!(
        "{}.{}.{}",
        parts[0],
        sign(&current, &mallory).split('.').nth(1).unwrap(),
        parts[2]
    );
    for token in [jane(&host, &old), "not a token".to_string(), stale, changed] {
        assert!(
            matches!(
                identity::identify_visitor(&mut host, &visitor, Some(&token)),
                Err(PluginError::AccessDenied(_))
            ),
            "{token}"
        );
    }
    assert!(
        matches!(
            identity::identify_visitor(&mut host, &as_user("carol", "SUP"), Some(&good)),
            Err(PluginError::AccessDenied(_))
        ),
        "a logged-in user is who they are"
    );
    let mut bad_email = jane_claims(&host);
    bad_email["email"] = json!("nope");
    assert!(matches!(
        identity::identify_visitor(&mut host, &visitor, Some(&sign(&current, &bad_email))),
        Err(PluginError::Invalid(_))
    ));
    let view = identity::identify_visitor(&mut host, &visitor, Some(&good)).unwrap();
    assert_eq!(view.customer_name.as_deref(), Some("Jane <b>Shopper</b>"));
}
