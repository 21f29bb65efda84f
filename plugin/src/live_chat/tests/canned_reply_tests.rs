//! Canned replies (LC-14): the project's and one agent's own, their rules, and their
//! placeholders filled for one conversation.

use super::*;
use crate::bindings::exports::helpdesk::chat::live_chat::CannedReplyDraft;
use crate::capabilities::Directory;
use crate::live_chat::canned_replies::{
    self, MAX_PERSONAL_REPLIES, add_canned_reply, canned_replies as list, change_canned_reply, delete_canned_reply,
    use_canned_reply,
};

fn draft(shortcut: &str, text: &str, personal: bool) -> CannedReplyDraft {
    CannedReplyDraft {
        title: format!("About {shortcut}"),
        shortcut: shortcut.into(),
        text: text.into(),
        personal,
    }
}

fn code(err: PluginError) -> &'static str {
    match err {
        PluginError::NotFound(_) => "not-found",
        PluginError::AccessDenied(_) => "access-denied",
        PluginError::Invalid(_) => "invalid",
        PluginError::Conflict(_) => "conflict",
        PluginError::LimitExceeded(_) => "limit-exceeded",
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn lc_14_admins_keep_the_projects_replies_and_each_agent_their_own() {
    let mut host = FakeHost::demo();
    let dana = as_user("dana", "SUP");
    let bob = as_user("bob", "SUP");
    let alice = as_user("alice", "SUP");
    let refund = add_canned_reply(&mut host, &dana, draft("/Refund", "We refund within 5 days.", false)).unwrap();
    assert_eq!(
        (refund.shortcut.as_str(), refund.owner.as_deref()),
        ("refund", None),
        "stored without the / and lower case"
    );
    let mine = add_canned_reply(&mut host, &bob, draft("thanks", "Thanks, {customer.name}!", true)).unwrap();
    assert_eq!(mine.owner.as_deref(), Some("bob"));

    let bobs: Vec<String> = list(&mut host, &bob).unwrap().into_iter().map(|r| r.shortcut).collect();
    assert_eq!(bobs, ["refund", "thanks"]);
    let alices: Vec<String> = list(&mut host, &alice)
        .unwrap()
        .into_iter()
        .map(|r| r.shortcut)
        .collect();
    assert_eq!(alices, ["refund"], "nobody else sees an agent's own replies");

    // An agent keeps no project reply, and cannot touch the project's or another agent's.
    assert_eq!(
        code(add_canned_reply(&mut host, &bob, draft("x", "x", false)).unwrap_err()),
        "access-denied"
    );
    assert_eq!(
        code(change_canned_reply(&mut host, &bob, &refund.id, draft("refund", "y", false)).unwrap_err()),
        "access-denied"
    );
    assert_eq!(
        code(delete_canned_reply(&mut host, &bob, &refund.id).unwrap_err()),
        "access-denied"
    );
    assert_eq!(
        code(delete_canned_reply(&mut host, &alice, &mine.id).unwrap_err()),
        "not-found"
    );
    // Somebody who is no agent of the project sees none.
    assert_eq!(
        code(list(&mut host, &as_user("carol", "SUP")).unwrap_err()),
        "access-denied"
    );
    assert_eq!(
        code(list(&mut host, &as_user("alice", "NOPE")).unwrap_err()),
        "not-found"
    );

    let changed = change_canned_reply(&mut host, &bob, &mine.id, draft("thx", "Thank you!", true)).unwrap();
    assert_eq!(
        (changed.id.as_str(), changed.shortcut.as_str()),
        (mine.id.as_str(), "thx")
    );
    assert_eq!(
        code(change_canned_reply(&mut host, &bob, &mine.id, draft("thx", "x", false)).unwrap_err()),
        "invalid",
        "an agent's own reply does not become the project's by an edit"
    );
    delete_canned_reply(&mut host, &bob, &mine.id).unwrap();
    assert_eq!(list(&mut host, &bob).unwrap().len(), 1);
}

#[test]
fn lc_14_shortcuts_titles_and_texts_follow_their_rules() {
    let mut host = FakeHost::demo();
    let dana = as_user("dana", "SUP");
    let bob = as_user("bob", "SUP");
    for bad in ["", "/", "two words", "ünï", &"x".repeat(33), "semi;colon"] {
        assert_eq!(
            code(add_canned_reply(&mut host, &bob, draft(bad, "t", true)).unwrap_err()),
            "invalid",
            "{bad:?}"
        );
    }
    let mut untitled = draft("a", "t", true);
    untitled.title = "  ".into();
    assert_eq!(
        code(add_canned_reply(&mut host, &bob, untitled).unwrap_err()),
        "invalid"
    );
    assert_eq!(
        code(add_canned_reply(&mut host, &bob, draft("a", "evil \u{202E}txt", true)).unwrap_err()),
        "invalid"
    );
    assert_eq!(
        code(add_canned_reply(&mut host, &bob, draft("a", &"x".repeat(4001), true)).unwrap_err()),
        "invalid"
    );
    let misspelt = add_canned_reply(&mut host, &bob, draft("a", "Hi {customer.nmae}", true)).unwrap_err();
    assert!(
        matches!(&misspelt, PluginError::Invalid(m) if m.contains("{customer.nmae}") && m.contains("{agent.name}")),
        "{misspelt:?}"
    );
    add_canned_reply(
        &mut host,
        &bob,
        draft("braces", "Use {curly} braces and {} freely", true),
    )
    .unwrap();

    add_canned_reply(&mut host, &dana, draft("hello", "Hello!", false)).unwrap();
    assert_eq!(
        code(add_canned_reply(&mut host, &dana, draft("HELLO", "Again", false)).unwrap_err()),
        "conflict"
    );
    assert_eq!(
        code(add_canned_reply(&mut host, &bob, draft("hello", "Mine", true)).unwrap_err()),
        "conflict",
        "an agent's own shortcut may not hide the project's"
    );
    add_canned_reply(&mut host, &as_user("alice", "SUP"), draft("mine", "A", true)).unwrap();
    add_canned_reply(&mut host, &bob, draft("mine", "B", true)).unwrap();
}

#[test]
fn lc_14_one_agent_keeps_a_bounded_number_of_replies() {
    let mut host = FakeHost::demo();
    let bob = as_user("bob", "SUP");
    for n in 0..MAX_PERSONAL_REPLIES {
        add_canned_reply(&mut host, &bob, draft(&format!("r{n}"), "t", true)).unwrap();
    }
    assert_eq!(
        code(add_canned_reply(&mut host, &bob, draft("one-more", "t", true)).unwrap_err()),
        "limit-exceeded"
    );
}

#[test]
fn lc_14_a_reply_is_filled_for_its_conversation_as_plain_text_and_only_for_its_agents() {
    let mut host = FakeHost::demo();
    let dana = as_user("dana", "SUP");
    let bob = as_user("bob", "SUP");
    let reply = add_canned_reply(
        &mut host,
        &dana,
        draft(
            "hi",
            "Hi {customer.name}, {agent.name} of {project.name} here. <b>{x}</b>",
            false,
        ),
    )
    .unwrap();
    let visitor = as_visitor("v-1", "SUP");
    let conv = conversations::start_conversation(&mut host, &visitor, start("m1", "Hello?")).unwrap();
    let filled = use_canned_reply(&mut host, &bob, &conv.id, &reply.id).unwrap();
    assert_eq!(
        filled,
        format!(
            "Hi {}, Bob Agent of {} here. <b>{{x}}</b>",
            conv.customer.name,
            host.project_name("SUP")
        ),
        "placeholders are filled, everything else stays text as written"
    );
    // Its customer, and staff of another project, are told it does not exist.
    assert_eq!(
        code(use_canned_reply(&mut host, &visitor, &conv.id, &reply.id).unwrap_err()),
        "not-found"
    );
    let ops_reply = add_canned_reply(&mut host, &as_user("alice", "OPS"), draft("ops", "OPS only", true)).unwrap();
    assert_eq!(
        code(use_canned_reply(&mut host, &bob, &conv.id, &ops_reply.id).unwrap_err()),
        "not-found"
    );
    assert_eq!(
        canned_replies::fill("{agent.name}{agent.name}", "c", "A", "p"),
        "AA",
        "every occurrence is filled"
    );
}

#[test]
fn lc_14_composers_hear_when_the_replies_change() {
    let mut host = FakeHost::demo();
    host.take_events(&events::inbox_topic("SUP"));
    let reply = add_canned_reply(&mut host, &as_user("dana", "SUP"), draft("hi", "Hi", false)).unwrap();
    let heard = host.take_events(&events::inbox_topic("SUP"));
    assert!(
        heard.iter().any(|e| e.kind == "canned-replies-changed"
            && e.payload["project"] == "SUP"
            && e.payload["owner"].is_null()),
        "{heard:?}"
    );
    assert!(
        heard.iter().all(|e| !e.payload.to_string().contains("Hi\"")),
        "the event carries no text"
    );
    delete_canned_reply(&mut host, &as_user("dana", "SUP"), &reply.id).unwrap();
    assert_eq!(host.take_events(&events::inbox_topic("SUP")).len(), 1);
}
