//! Identity verification: a project's own site vouches for its logged-in user with an HMAC
//! of their id, and the widget's visitor becomes that user.

use super::*;
use crate::bindings::exports::helpdesk::chat::live_chat::VerifiedUser;
use crate::live_chat::identity::{self, hash_of};

fn jane(secret: &str) -> VerifiedUser {
    VerifiedUser {
        id: "site-user-42".into(),
        name: "Jane <b>Shopper</b>".into(),
        email: Some("jane@shop.example".into()),
        hash: hash_of(secret, "site-user-42"),
    }
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
    let view = identity::identify_visitor(&mut host, &laptop, Some(jane(&secret))).unwrap();
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
    identity::identify_visitor(&mut host, &phone, Some(jane(&secret))).unwrap();
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
fn lc_4_a_made_up_or_stale_hash_is_refused() {
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    assert!(
        matches!(
            identity::identify_visitor(&mut host, &visitor, Some(jane("any"))),
            Err(PluginError::AccessDenied(_))
        ),
        "identity verification is off"
    );
    let old = secret_of(&mut host);
    let current = secret_of(&mut host);
    for user in [
        jane(&old),
        VerifiedUser {
            hash: "not hex".into(),
            ..jane(&old)
        },
        VerifiedUser {
            id: "site-user-43".into(),
            ..jane(&current)
        },
    ] {
        assert!(matches!(
            identity::identify_visitor(&mut host, &visitor, Some(user)),
            Err(PluginError::AccessDenied(_))
        ));
    }
    assert!(
        matches!(
            identity::identify_visitor(&mut host, &as_user("carol", "SUP"), Some(jane(&current))),
            Err(PluginError::AccessDenied(_))
        ),
        "a logged-in user is who they are"
    );
    let bad_email = VerifiedUser {
        email: Some("nope".into()),
        ..jane(&current)
    };
    assert!(matches!(
        identity::identify_visitor(&mut host, &visitor, Some(bad_email)),
        Err(PluginError::Invalid(_))
    ));
}

#[test]
fn lc_4_the_hash_is_the_hex_hmac_sha256_of_the_id() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    assert_eq!(
        hash_of("Jefe", "what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert!(identity::hash_matches(
        "Jefe",
        "what do ya want for nothing?",
        "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843"
    ));
}
