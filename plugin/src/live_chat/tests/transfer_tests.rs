//! Transfer (LC-13): to a named colleague, who accepts or declines, or to another project's
//! queue; the note goes along as a private note, the customer is told, and keeps chatting.

use super::*;
use crate::bindings::exports::helpdesk::chat::live_chat::TransferTarget;
use crate::live_chat::notes::notes;
use crate::live_chat::record;
use crate::live_chat::transfer::{answer_transfer, transfer_conversation, transfer_offers};

fn taken_by_bob(host: &mut FakeHost) -> String {
    let id = conversations::start_conversation(host, &as_visitor("v-1", "SUP"), start("m1", "Invoice wrong"))
        .unwrap()
        .id;
    conversations::assign(host, &as_user("bob", "SUP"), &id, Some("bob")).unwrap();
    id
}

#[test]
fn lc_13_a_colleague_accepts_a_conversation_with_its_note() {
    let mut host = FakeHost::demo();
    let id = taken_by_bob(&mut host);
    let bob = as_user("bob", "SUP");
    let alice = as_user("alice", "SUP");
    let unchanged = transfer_conversation(
        &mut host,
        &bob,
        &id,
        TransferTarget::Agent("alice".into()),
        Some("She needs a refund, you know the billing side"),
    )
    .unwrap();
    assert_eq!(
        unchanged.assignee.as_ref().map(|a| a.user.as_str()),
        Some("bob"),
        "nothing changes until alice answers"
    );
    let told = host.take_events("chat-personal:alice");
    assert!(
        told.iter()
            .any(|e| e.kind == "transfer-offered" && e.payload["by"]["user"] == "bob"),
        "{told:?}"
    );
    let offers = transfer_offers(&mut host, &alice).unwrap();
    assert_eq!(
        (offers.len(), offers[0].note.as_deref()),
        (1, Some("She needs a refund, you know the billing side"))
    );
    assert!(transfer_offers(&mut host, &bob).unwrap().is_empty());
    assert!(
        notes(&mut host, &alice, &id).unwrap()[0]
            .body
            .starts_with("For Alice Agent: She needs a refund")
    );

    // Only alice answers it; she takes it, and the customer is told in words.
    assert!(matches!(
        answer_transfer(&mut host, &as_user("dana", "SUP"), &id, true),
        Err(PluginError::NotFound(_))
    ));
    let taken = answer_transfer(&mut host, &alice, &id, true).unwrap();
    assert_eq!(taken.assignee.map(|a| a.user), Some("alice".to_string()));
    let messages = reads::messages(&mut host, &as_visitor("v-1", "SUP"), &id, None, None).unwrap();
    assert_eq!(
        messages.messages.last().unwrap().body,
        "Alice Agent took over the conversation from Bob Agent"
    );
    assert!(
        !messages.messages.iter().any(|m| m.body.contains("refund")),
        "the note is the agents' only"
    );
    assert!(
        host.take_events("chat-personal:bob")
            .iter()
            .any(|e| e.kind == "transfer-answered" && e.payload["accepted"] == true)
    );
    assert!(transfer_offers(&mut host, &alice).unwrap().is_empty());
}

#[test]
fn lc_13_a_declined_offer_changes_nothing_and_bad_targets_are_refused() {
    let mut host = FakeHost::demo();
    let id = taken_by_bob(&mut host);
    let bob = as_user("bob", "SUP");
    for target in [
        TransferTarget::Agent("bob".into()),
        TransferTarget::Agent("carol".into()),
        TransferTarget::Project("SUP".into()),
        TransferTarget::Project("NOPE".into()),
    ] {
        assert!(matches!(
            transfer_conversation(&mut host, &bob, &id, target, None),
            Err(PluginError::Invalid(_))
        ));
    }
    assert!(matches!(
        transfer_conversation(
            &mut host,
            &as_visitor("v-1", "SUP"),
            &id,
            TransferTarget::Agent("alice".into()),
            None
        ),
        Err(PluginError::AccessDenied(_))
    ));
    transfer_conversation(&mut host, &bob, &id, TransferTarget::Agent("alice".into()), None).unwrap();
    let kept = answer_transfer(&mut host, &as_user("alice", "SUP"), &id, false).unwrap();
    assert_eq!(kept.assignee.map(|a| a.user), Some("bob".to_string()));
    assert!(
        host.take_events("chat-personal:bob")
            .iter()
            .any(|e| e.kind == "transfer-answered" && e.payload["accepted"] == false)
    );
}

#[test]
fn lc_13_a_conversation_moves_to_another_projects_queue_and_its_customer_keeps_it() {
    let mut host = FakeHost::demo();
    let id = taken_by_bob(&mut host);
    let bob = as_user("bob", "SUP");
    let before_sup = record::counts(&mut host, "SUP").unwrap();
    let moved = transfer_conversation(
        &mut host,
        &bob,
        &id,
        TransferTarget::Project("OPS".into()),
        Some("Ops handles outages"),
    )
    .unwrap();
    assert_eq!((moved.project.as_str(), moved.assignee.is_none()), ("OPS", true));
    assert_eq!(record::counts(&mut host, "SUP").unwrap().open, before_sup.open - 1);
    let ops = record::counts(&mut host, "OPS").unwrap();
    assert_eq!((ops.open, ops.unassigned), (1, 1), "waiting in the OPS queue");
    assert!(
        host.take_events(&events::inbox_topic("SUP"))
            .iter()
            .any(|e| e.kind == "conversation-updated" && e.payload["project"] == "OPS"),
        "SUP's inbox drops it"
    );

    // Alice (an OPS agent) answers it; bob (SUP only) no longer sees it; the customer keeps
    // chatting in SUP's widget and was told where it went.
    let alice_ops = as_user("alice", "OPS");
    let inbox = reads::inbox(&mut host, &alice_ops, Some(InboxView::Unassigned), None, Some(50)).unwrap();
    assert_eq!(inbox.conversations[0].id, id);
    assert!(matches!(
        record::load_for(&mut host, &bob, &id),
        Err(PluginError::NotFound(_))
    ));
    let visitor = as_visitor("v-1", "SUP");
    conversations::post_message(&mut host, &visitor, &id, "m2", "Still there?").unwrap();
    let mine = reads::my_conversations(&mut host, &visitor).unwrap();
    assert_eq!(mine[0].id, id, "the widget on SUP's site still lists it");
    let messages = reads::messages(&mut host, &visitor, &id, None, None).unwrap();
    assert!(
        messages
            .messages
            .iter()
            .any(|m| m.body == "Bob Agent passed the conversation to the OPS team"),
        "{:?}",
        messages.messages
    );
    assert!(
        notes(&mut host, &alice_ops, &id).unwrap()[0]
            .body
            .contains("Ops handles outages")
    );
}
