//! Private notes and swarming (LC-18): notes never reach the customer on any path; `@user`
//! pulls a colleague in until the conversation ends; an issue's transcript marks them.

use super::*;
use crate::live_chat::notes::{add_note, notes};
use crate::live_chat::{record, topics};

fn chat(host: &mut FakeHost) -> String {
    conversations::start_conversation(host, &as_visitor("v-1", "SUP"), start("m1", "My parcel is late"))
        .unwrap()
        .id
}

#[test]
fn lc_18_notes_reach_the_agents_and_never_the_customer() {
    let mut host = FakeHost::demo();
    let id = chat(&mut host);
    let bob = as_user("bob", "SUP");
    host.published.clear();
    let note = add_note(&mut host, &bob, &id, "n1", "  Looks like a lost parcel  ").unwrap();
    assert_eq!(
        (note.seq, note.body.as_str(), note.author.display_name.as_str()),
        (1, "Looks like a lost parcel", "Bob Agent")
    );
    let again = add_note(&mut host, &bob, &id, "n1", "Looks like a lost parcel").unwrap();
    assert_eq!(again, note, "a retry stores nothing new");
    assert!(matches!(
        add_note(&mut host, &bob, &id, "n1", "other"),
        Err(PluginError::Conflict(_))
    ));

    // Only on the notes topic, which the customer may not follow.
    let topics_used: Vec<String> = host.published.iter().map(|e| e.topic.clone()).collect();
    assert_eq!(topics_used, [format!("notes:{id}")]);
    let visitor = as_visitor("v-1", "SUP");
    assert!(matches!(
        topics::authorize(&mut host, &visitor, "notes", &id),
        Err(PluginError::NotFound(_))
    ));
    assert!(topics::authorize(&mut host, &bob, "notes", &id).is_ok());
    // Not among the messages, nor readable by the customer.
    let messages = reads::messages(&mut host, &visitor, &id, None, None).unwrap();
    assert!(messages.messages.iter().all(|m| !m.body.contains("lost parcel")));
    assert!(matches!(notes(&mut host, &visitor, &id), Err(PluginError::NotFound(_))));
    assert!(matches!(
        add_note(&mut host, &visitor, &id, "n2", "hi"),
        Err(PluginError::NotFound(_))
    ));
    assert_eq!(notes(&mut host, &bob, &id).unwrap(), [note]);
}

#[test]
fn lc_18_a_mention_pulls_a_colleague_in_until_the_conversation_ends() {
    let mut host = FakeHost::demo();
    let id = chat(&mut host);
    let carol = as_user("carol", "SUP");
    assert!(
        matches!(record::load_for(&mut host, &carol, &id), Err(PluginError::NotFound(_))),
        "carol is no agent of SUP"
    );

    let note = add_note(
        &mut host,
        &as_user("bob", "SUP"),
        &id,
        "n1",
        "@carol can you check the warehouse? cc @nobody, mail@example.test",
    )
    .unwrap();
    assert_eq!(
        note.mentions.iter().map(|m| m.user.as_str()).collect::<Vec<_>>(),
        ["carol"],
        "only known colleagues, at the start of a word"
    );
    let told = host.take_events("chat-personal:carol");
    assert_eq!(told.len(), 1);
    assert_eq!(
        (told[0].kind.as_str(), told[0].payload["by"]["user"].clone()),
        ("colleague-pulled-in", serde_json::json!("bob"))
    );
    assert!(
        host.mail
            .iter()
            .any(|(to, subject, _)| to == &["carol@example.test"] && subject.contains("Bob Agent")),
        "{:?}",
        host.mail
    );
    assert!(
        host.access_changes.contains(&"carol".to_string()),
        "her stream grants are looked at again"
    );

    // Carol reads along and adds notes, but does not answer the customer.
    assert!(record::load_for(&mut host, &carol, &id).is_ok());
    assert!(topics::authorize(&mut host, &carol, "conversation", &id).is_ok());
    add_note(&mut host, &carol, &id, "c1", "Found it, shipping today").unwrap();
    assert!(matches!(
        conversations::post_message(&mut host, &carol, &id, "c2", "Hello!"),
        Err(PluginError::AccessDenied(_))
    ));
    // Mentioned again, she is not told twice.
    host.mail.clear();
    add_note(&mut host, &as_user("bob", "SUP"), &id, "n2", "thanks @carol").unwrap();
    assert!(host.mail.is_empty());

    conversations::end_conversation(&mut host, &as_user("bob", "SUP"), &id).unwrap();
    assert!(
        matches!(record::load_for(&mut host, &carol, &id), Err(PluginError::NotFound(_))),
        "until it ends"
    );
    assert!(matches!(
        add_note(&mut host, &as_user("bob", "SUP"), &id, "n3", "late"),
        Err(PluginError::Invalid(_))
    ));
}

#[test]
fn lc_18_an_issue_from_the_conversation_marks_its_notes_as_internal() {
    let mut host = FakeHost::demo();
    let id = chat(&mut host);
    let bob = as_user("bob", "SUP");
    add_note(&mut host, &bob, &id, "n1", "Customer has two orders").unwrap();
    to_issue::make_issue(&mut host, &bob, &id, None).unwrap();
    let (_, _, _, body) = host.history.last().unwrap();
    assert!(body.contains("My parcel is late"), "{body}");
    assert!(
        body.contains("Bob Agent (internal note): Customer has two orders"),
        "{body}"
    );
    // The customer's own transcript mail never has it (it is built from the messages).
    let messages = transcript::all_messages(&mut host, &id).unwrap();
    assert!(messages.iter().all(|m| !m.body.contains("two orders")));
}
