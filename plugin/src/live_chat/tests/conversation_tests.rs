//! Conversations: starting, messages in one order, the inbox, typing, seen, offline
//! messages, issues.

use super::*;

#[test]
fn lc_9_a_customer_and_an_agent_chat_in_one_order_until_one_ends_it() {
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    let conv = conversations::start_conversation(&mut host, &visitor, start("m1", "My order is late")).unwrap();
    assert_eq!(conv.status, ConversationStatus::Open);
    assert_eq!(conv.page_url.as_deref(), Some("https://shop.example/help"));
    let inbox_events = host.take_events(&events::inbox_topic("SUP"));
    assert!(
        inbox_events.iter().any(|e| e.kind == "conversation-updated"),
        "agents see it at once"
    );
    assert!(
        inbox_events
            .iter()
            .any(|e| e.kind == "inbox-counts" && e.payload["unassigned"] == 1)
    );

    let bob = as_user("bob", "SUP");
    let unassigned = reads::inbox(&mut host, &bob, Some(InboxView::Unassigned), None, Some(50)).unwrap();
    assert_eq!(unassigned.conversations.len(), 1);
    assert_eq!(unassigned.counts.unassigned, 1);
    assert_eq!(unassigned.conversations[0].unread_for_agents, 1);

    let reply = conversations::post_message(&mut host, &bob, &conv.id, "a1", "Let me check").unwrap();
    assert_eq!(
        (reply.seq, reply.author, reply.author_name.as_str()),
        (2, AuthorKind::Agent, "Bob Agent")
    );
    let events = host.take_events(&events::conversation_topic(&conv.id));
    assert!(
        events
            .iter()
            .any(|e| e.kind == "chat-message" && e.payload["author_name"] == "Bob Agent")
    );
    let seen = reads::get_conversation(&mut host, &visitor, &conv.id).unwrap();
    assert_eq!(
        seen.assignee.as_ref().map(|a| a.display_name.as_str()),
        Some("Bob Agent"),
        "answering takes it"
    );
    assert!(seen.revision > conv.revision, "every change raises the revision");
    assert_eq!(
        (seen.seen_by_agents, seen.unread_for_agents, seen.unread_for_customer),
        (2, 0, 1)
    );
    assert!(
        reads::inbox(&mut host, &bob, Some(InboxView::Unassigned), None, Some(50))
            .unwrap()
            .conversations
            .is_empty()
    );
    assert_eq!(
        reads::inbox(&mut host, &bob, Some(InboxView::Mine), None, Some(50))
            .unwrap()
            .conversations
            .len(),
        1
    );

    conversations::post_message(&mut host, &visitor, &conv.id, "m2", "Thanks").unwrap();
    let page = reads::messages(&mut host, &visitor, &conv.id, None, Some(50)).unwrap();
    let order: Vec<_> = page.messages.iter().map(|m| (m.seq, m.body.as_str())).collect();
    assert_eq!(order, vec![(1, "My order is late"), (2, "Let me check"), (3, "Thanks")]);
    let older = reads::messages(&mut host, &bob, &conv.id, Some(3), Some(1)).unwrap();
    assert_eq!((older.messages[0].seq, older.more_before), (2, true));

    let ended = conversations::end_conversation(&mut host, &visitor, &conv.id).unwrap();
    assert_eq!(ended.status, ConversationStatus::Ended);
    assert!(matches!(
        conversations::post_message(&mut host, &bob, &conv.id, "a2", "hello?"),
        Err(PluginError::Conflict(_))
    ));
    let mine = reads::my_conversations(&mut host, &visitor).unwrap();
    assert_eq!(mine[0].id, conv.id, "a reload shows the history");
    assert_eq!(
        reads::inbox(&mut host, &bob, Some(InboxView::All), None, Some(50))
            .unwrap()
            .counts
            .open,
        0
    );
}

#[test]
fn lc_9_a_retried_message_is_stored_once_and_a_reused_id_is_a_conflict() {
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    let conv = conversations::start_conversation(&mut host, &visitor, start("m1", "hi")).unwrap();
    let again = conversations::start_conversation(&mut host, &visitor, start("m1", "hi")).unwrap();
    assert_eq!(again.id, conv.id, "a retried start gives the same conversation");
    let first = conversations::post_message(&mut host, &visitor, &conv.id, "m2", "one").unwrap();
    let retry = conversations::post_message(&mut host, &visitor, &conv.id, "m2", "one").unwrap();
    assert_eq!(first, retry);
    assert!(matches!(
        conversations::post_message(&mut host, &visitor, &conv.id, "m2", "two"),
        Err(PluginError::Conflict(_))
    ));
    assert!(
        matches!(
            conversations::post_message(&mut host, &as_user("bob", "SUP"), &conv.id, "m2", "one"),
            Err(PluginError::Conflict(_))
        ),
        "another author cannot reuse the id"
    );
    assert_eq!(
        reads::get_conversation(&mut host, &visitor, &conv.id).unwrap().last_seq,
        2
    );
}

#[test]
fn lc_9_bad_messages_are_refused_with_the_field_named() {
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    for (client_id, body, field) in [
        ("m1", "", "body"),
        ("m1", &"x".repeat(4001)[..], "body"),
        ("m1", "bad\u{0000}byte", "body"),
        ("m1", "evil\u{202E}", "body"),
        ("", "hi", "client_id"),
        ("a/b", "hi", "client_id"),
    ] {
        let err = conversations::start_conversation(&mut host, &visitor, start(client_id, body)).unwrap_err();
        assert!(matches!(&err, PluginError::Invalid(m) if m.starts_with(field)), "{err}");
    }
    let html =
        conversations::start_conversation(&mut host, &visitor, start("m1", "<img src=x onerror=alert(1)>")).unwrap();
    assert_eq!(
        html.last_preview, "<img src=x onerror=alert(1)>",
        "kept as plain text; pages render it as text"
    );
}

#[test]
fn lc_4_a_visitor_is_rate_limited() {
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    for n in 0..CountedAction::Start.per_customer().count {
        conversations::start_conversation(&mut host, &visitor, start(&format!("s{n}"), "hi")).unwrap();
    }
    let err = conversations::start_conversation(&mut host, &visitor, start("late", "hi")).unwrap_err();
    assert!(matches!(err, PluginError::RateLimited(_, 1..=600)), "{err}");
    host.advance_minutes(11);
    let conv = conversations::start_conversation(&mut host, &visitor, start("later", "hi")).unwrap();

    for n in 0..CountedAction::Message.per_customer().count {
        conversations::post_message(&mut host, &visitor, &conv.id, &format!("m{n}"), "more").unwrap();
    }
    let err = conversations::post_message(&mut host, &visitor, &conv.id, "late", "more").unwrap_err();
    assert!(matches!(err, PluginError::RateLimited(_, 1..=60)), "{err}");
    let bob = as_user("bob", "SUP");
    conversations::post_message(&mut host, &bob, &conv.id, "a1", "Agents are not limited").unwrap();
}

#[test]
fn lc_4_visitors_behind_one_address_are_limited_together() {
    let mut host = FakeHost::demo();
    let from = |visitor: &str, address: &str| CallContext {
        address: Some(address.into()),
        ..as_visitor(visitor, "SUP")
    };
    let per_address = CountedAction::Start.per_address().count;
    for n in 0..per_address {
        let visitor = from(&format!("v-{n}"), "2001:db8::7");
        conversations::start_conversation(&mut host, &visitor, start("s", "hi")).unwrap();
    }
    let err =
        conversations::start_conversation(&mut host, &from("v-new", "2001:db8::7"), start("s", "hi")).unwrap_err();
    match err {
        PluginError::RateLimited(message, _) => assert!(message.contains("network address"), "{message}"),
        other => panic!("{other}"),
    }
    conversations::start_conversation(&mut host, &from("v-new", "203.0.113.9"), start("s", "hi"))
        .expect("another address is not held back");
}

#[test]
fn pr_11_offline_agents_see_and_answer_requests_and_others_do_not() {
    let mut host = FakeHost::demo();
    let conv = conversations::start_conversation(&mut host, &as_visitor("v-1", "SUP"), start("m1", "hi")).unwrap();
    let bob = as_user("bob", "SUP");
    assert!(
        !presence::my_presence(&mut host, &bob).unwrap()[0].online,
        "bob is offline"
    );
    assert_eq!(reads::get_inbox_counts(&mut host, &bob).unwrap().unassigned, 1);
    conversations::post_message(&mut host, &bob, &conv.id, "a1", "Here").unwrap();
    assert!(
        matches!(
            reads::inbox(
                &mut host,
                &as_user("carol", "SUP"),
                Some(InboxView::All),
                None,
                Some(50)
            ),
            Err(PluginError::AccessDenied(_))
        ),
        "a customer reads no inbox"
    );
    assert!(
        matches!(
            reads::inbox(&mut host, &as_user("bob", "OPS"), Some(InboxView::All), None, Some(50)),
            Err(PluginError::AccessDenied(_))
        ),
        "nor an agent of another project"
    );
    assert!(matches!(
        reads::get_conversation(&mut host, &as_user("carol", "SUP"), &conv.id),
        Err(PluginError::NotFound(_))
    ));
    let dana = as_user("dana", "SUP");
    assert!(
        reads::get_conversation(&mut host, &dana, &conv.id).is_ok(),
        "a project admin reads"
    );
    assert!(
        matches!(
            conversations::post_message(&mut host, &dana, &conv.id, "d1", "hi"),
            Err(PluginError::AccessDenied(_))
        ),
        "but only agents answer"
    );
}

#[test]
fn lc_9_an_agent_takes_over_and_the_customer_sees_who_joined() {
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    let conv = conversations::start_conversation(&mut host, &visitor, start("m1", "hi")).unwrap();
    conversations::assign(&mut host, &as_user("bob", "SUP"), &conv.id, Some("bob")).unwrap();
    let taken = conversations::assign(&mut host, &as_user("alice", "SUP"), &conv.id, Some("alice")).unwrap();
    assert_eq!(taken.assignee.unwrap().user, "alice");
    let page = reads::messages(&mut host, &visitor, &conv.id, None, Some(50)).unwrap();
    let notices: Vec<_> = page
        .messages
        .iter()
        .filter(|m| m.author == AuthorKind::System)
        .map(|m| m.body.as_str())
        .collect();
    assert_eq!(
        notices,
        vec![
            "Bob Agent joined the conversation",
            "Alice Agent joined the conversation"
        ]
    );
    assert!(matches!(
        conversations::assign(&mut host, &as_user("bob", "SUP"), &conv.id, Some("carol")),
        Err(PluginError::Invalid(_))
    ));
    assert!(matches!(
        conversations::assign(&mut host, &visitor, &conv.id, None),
        Err(PluginError::AccessDenied(_))
    ));
}

#[test]
fn lc_9_typing_and_seen_reach_the_other_side() {
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    let conv = conversations::start_conversation(&mut host, &visitor, start("m1", "hi")).unwrap();
    let bob = as_user("bob", "SUP");
    host.take_events(&events::conversation_topic(&conv.id));
    conversations::typing(&mut host, &bob, &conv.id, true).unwrap();
    let typing = host.take_events(&events::conversation_topic(&conv.id));
    assert_eq!(typing[0].kind, "typing");
    assert!(typing[0].ephemeral, "who is typing is never stored nor replayed");
    assert_eq!(
        (typing[0].payload["author"].as_str(), typing[0].payload["name"].as_str()),
        (Some("agent"), Some("Bob Agent"))
    );
    let seen = conversations::mark_seen(&mut host, &bob, &conv.id, 1).unwrap();
    assert_eq!((seen.seen_by_agents, seen.unread_for_agents), (1, 0));
    assert!(matches!(
        conversations::mark_seen(&mut host, &bob, &conv.id, 9),
        Err(PluginError::Invalid(_))
    ));
    conversations::post_message(&mut host, &bob, &conv.id, "a1", "one").unwrap();
    conversations::post_message(&mut host, &bob, &conv.id, "a2", "two").unwrap();
    assert_eq!(
        reads::get_conversation(&mut host, &visitor, &conv.id)
            .unwrap()
            .unread_for_customer,
        2
    );
    let read = conversations::mark_seen(&mut host, &visitor, &conv.id, 2).unwrap();
    assert_eq!(
        read.unread_for_customer, 1,
        "one agent message is still after what the customer saw"
    );
}

#[test]
fn pl_7_conversation_topics_follow_who_may_read_them() {
    let mut host = FakeHost::demo();
    let conv = conversations::start_conversation(&mut host, &as_visitor("v-1", "SUP"), start("m1", "hi")).unwrap();
    let topic = vec![events::conversation_topic(&conv.id)];
    assert!(crate::subscriptions::authorize(&mut host, &as_visitor("v-1", "SUP"), &topic).is_ok());
    assert!(crate::subscriptions::authorize(&mut host, &as_user("bob", "SUP"), &topic).is_ok());
    assert!(crate::subscriptions::authorize(&mut host, &as_visitor("v-2", "SUP"), &topic).is_err());
    let from_elsewhere = on_page(as_visitor("v-1", "SUP"), external("https://evil.example"));
    assert!(crate::subscriptions::authorize(&mut host, &from_elsewhere, &topic).is_err());
    let inbox = vec![events::inbox_topic("SUP")];
    assert!(crate::subscriptions::authorize(&mut host, &as_user("bob", "SUP"), &inbox).is_ok());
    assert!(crate::subscriptions::authorize(&mut host, &as_user("carol", "SUP"), &inbox).is_err());
}

#[test]
fn lc_11_a_conversation_becomes_an_issue_with_its_transcript_once() {
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    let mut first = start("m1", "My parcel never came\nOrder 123");
    first.email = Some("v@example.test".into());
    let conv = conversations::start_conversation(&mut host, &visitor, first).unwrap();
    let bob = as_user("bob", "SUP");
    conversations::post_message(&mut host, &bob, &conv.id, "a1", "Sorry! Looking into it").unwrap();
    assert!(
        matches!(
            to_issue::make_issue(&mut host, &as_user("dana", "SUP"), &conv.id, None),
            Err(PluginError::AccessDenied(_))
        ),
        "a project admin who is no agent"
    );
    assert!(matches!(
        to_issue::make_issue(&mut host, &visitor, &conv.id, None),
        Err(PluginError::AccessDenied(_))
    ));
    let linked = to_issue::make_issue(&mut host, &bob, &conv.id, None).unwrap();
    assert_eq!(linked.issue.as_deref(), Some("SUP-1"));
    assert_eq!(
        host.issues[0].summary,
        "Chat with Anonymous Chat User #1: My parcel never came"
    );
    let (issue, author, kind, body) = &host.history[0];
    assert_eq!(
        (issue.as_str(), author.as_deref(), *kind),
        (
            "SUP-1",
            Some("bob"),
            crate::bindings::helpdesk::chat::issues::HistoryKind::Change
        )
    );
    assert!(
        body.starts_with(&format!(
            "Chat conversation {} with Anonymous Chat User #1 <v@example.test>",
            conv.id
        )),
        "{body}"
    );
    assert!(
        body.contains("] Anonymous Chat User #1: My parcel never came\nOrder 123\n"),
        "{body}"
    );
    assert!(body.contains("] Bob Agent: Sorry! Looking into it\n"), "{body}");
    let again = to_issue::make_issue(&mut host, &bob, &conv.id, Some("Other")).unwrap();
    assert_eq!(
        (again.issue.as_deref(), host.issues.len()),
        (Some("SUP-1"), 1),
        "once only"
    );
    let page = reads::messages(&mut host, &visitor, &conv.id, None, Some(50)).unwrap();
    assert_eq!(
        page.messages.last().unwrap().body,
        "Bob Agent created issue SUP-1 from this conversation"
    );
    let other = conversations::start_conversation(&mut host, &visitor, start("m9", "again")).unwrap();
    assert!(matches!(
        to_issue::make_issue(&mut host, &bob, &other.id, Some("two\nlines")),
        Err(PluginError::Invalid(_))
    ));
}

#[test]
fn lc_11_transcript_times_are_utc_calendar_minutes() {
    assert_eq!(transcript::utc_minute(0), "1970-01-01 00:00");
    assert_eq!(transcript::utc_minute(951_782_400_000), "2000-02-29 00:00");
    assert_eq!(transcript::utc_minute(1_795_444_380_000), "2026-11-23 14:33");
}

#[test]
fn lc_10_with_nobody_online_a_known_customer_leaves_a_message_and_gets_answers_by_mail() {
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    let mut unknown = start("m1", "Anyone there?");
    unknown.email = None;
    let err = conversations::start_conversation(&mut host, &visitor, unknown.clone()).unwrap_err();
    assert!(
        matches!(&err, PluginError::Invalid(m) if m.starts_with("email:")),
        "{err}"
    );
    let mut bad = unknown.clone();
    bad.email = Some("not an address".into());
    assert!(matches!(
        conversations::start_conversation(&mut host, &visitor, bad),
        Err(PluginError::Invalid(_))
    ));

    let left = conversations::start_conversation(&mut host, &visitor, start("m2", "Anyone there?")).unwrap();
    assert!(left.offline);
    let bob = as_user("bob", "SUP");
    conversations::post_message(&mut host, &bob, &left.id, "a1", "Yes, sorry for the wait!").unwrap();
    let (to, subject, body) = &host.mail[0];
    assert_eq!(to, &vec!["visitor@example.test".to_string()]);
    assert!(subject.contains("Bob Agent answered"), "{subject}");
    assert!(
        body.contains("Yes, sorry for the wait!") && body.contains(&left.id),
        "{body}"
    );
    conversations::post_message(&mut host, &visitor, &left.id, "m3", "Thanks!").unwrap();
    assert_eq!(host.mail.len(), 1, "the customer's own messages are not mailed");
    assert_eq!(
        reads::my_conversations(&mut host, &visitor).unwrap()[0].id,
        left.id,
        "replies thread into it"
    );

    let customer = on_page(as_user("carol", "SUP"), PageOrigin::Site);
    let mut theirs = unknown;
    theirs.client_id = "c1".into();
    let conv = conversations::start_conversation(&mut host, &customer, theirs).unwrap();
    assert_eq!(
        conv.customer.email.as_deref(),
        Some("carol@example.test"),
        "a user is known by their address"
    );

    presence::go_online(&mut host, &as_user("alice", "SUP"), false, None).unwrap();
    let mut live = start("m4", "hello");
    live.email = None;
    let online = conversations::start_conversation(&mut host, &as_visitor("v-2", "SUP"), live).unwrap();
    assert!(!online.offline, "with an agent online no address is needed");
    conversations::post_message(&mut host, &bob, &online.id, "a1", "Hi").unwrap();
    assert_eq!(host.mail.len(), 1, "live answers are not mailed");
}

/// The code the last mail carried (its subject ends with it).
fn mailed_code(host: &FakeHost) -> String {
    let (_, subject, _) = host.mail.last().expect("a mail");
    subject.rsplit(' ').next().unwrap().to_string()
}

#[test]
fn lc_9_a_transcript_goes_to_an_unproven_address_only_after_its_code_comes_back() {
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    let conv =
        conversations::start_conversation(&mut host, &visitor, start("m1", "Where is <b>my</b> parcel?")).unwrap();
    let bob = as_user("bob", "SUP");
    conversations::post_message(&mut host, &bob, &conv.id, "a1", "It ships today").unwrap();
    host.mail.clear();

    // The address the visitor typed when starting is not known to be theirs: a code first.
    let sent = transcript::email_transcript(&mut host, &visitor, &conv.id, None).unwrap();
    assert_eq!((sent.to.as_str(), sent.awaiting_code), ("visitor@example.test", true));
    let (to, _, body) = host.mail.last().unwrap().clone();
    assert_eq!(to, vec!["visitor@example.test".to_string()]);
    assert!(
        !body.contains("parcel") && !body.contains("Anonymous"),
        "nothing the customer wrote: {body}"
    );
    let code = mailed_code(&host);
    assert_eq!(code.len(), 6, "{code}");

    let wrong = transcript::confirm_transcript(&mut host, &visitor, &conv.id, "000000x").unwrap();
    assert_eq!((wrong.sent, wrong.tries_left), (false, 4));
    assert_eq!(host.mail.len(), 1, "no transcript for a wrong code");
    assert!(matches!(
        transcript::confirm_transcript(&mut host, &as_visitor("v-2", "SUP"), &conv.id, &code),
        Err(PluginError::NotFound(_))
    ));
    let right = transcript::confirm_transcript(&mut host, &visitor, &conv.id, &code).unwrap();
    assert!(right.sent);
    let (to, subject, body) = host.mail.last().unwrap().clone();
    let project = crate::capabilities::Directory::project_name(&host, "SUP");
    assert_eq!(
        (to, subject),
        (
            vec!["visitor@example.test".to_string()],
            format!("Your chat with {project}")
        )
    );
    assert!(
        body.contains("Anonymous Chat User #1: Where is <b>my</b> parcel?"),
        "{body}"
    );
    assert!(body.contains("Bob Agent: It ships today"), "{body}");
    assert!(
        matches!(
            transcript::confirm_transcript(&mut host, &visitor, &conv.id, &code),
            Err(PluginError::Invalid(_))
        ),
        "a code works once"
    );
    let again = transcript::email_transcript(&mut host, &visitor, &conv.id, None).unwrap();
    assert!(!again.awaiting_code, "a proven address gets it at once");

    assert!(
        matches!(
            transcript::email_transcript(&mut host, &visitor, &conv.id, Some("someone.else@example.test")),
            Err(PluginError::Invalid(_))
        ),
        "the known address is where it goes"
    );
    assert!(matches!(
        transcript::email_transcript(&mut host, &bob, &conv.id, None),
        Err(PluginError::AccessDenied(_))
    ));
    assert!(
        matches!(
            transcript::email_transcript(&mut host, &as_visitor("v-2", "SUP"), &conv.id, None),
            Err(PluginError::NotFound(_))
        ),
        "another visitor's conversation"
    );
    for _ in 2..CountedAction::Transcript.per_customer().count {
        transcript::email_transcript(&mut host, &visitor, &conv.id, None).unwrap();
    }
    assert!(matches!(
        transcript::email_transcript(&mut host, &visitor, &conv.id, None),
        Err(PluginError::RateLimited(..))
    ));
}

#[test]
fn lc_9_five_wrong_codes_end_the_request_and_a_logged_in_customer_needs_none() {
    let mut host = FakeHost::demo();
    let visitor = as_visitor("v-1", "SUP");
    let conv = conversations::start_conversation(&mut host, &visitor, start("m1", "hi")).unwrap();
    transcript::email_transcript(&mut host, &visitor, &conv.id, None).unwrap();
    for left in (0..5).rev() {
        let wrong = transcript::confirm_transcript(&mut host, &visitor, &conv.id, "nope").unwrap();
        assert_eq!(wrong.tries_left, left);
    }
    let code = mailed_code(&host);
    assert!(matches!(
        transcript::confirm_transcript(&mut host, &visitor, &conv.id, &code),
        Err(PluginError::Invalid(_))
    ));

    let carol = on_page(as_user("carol", "SUP"), PageOrigin::Site);
    let mut no_address = start("c1", "hello");
    no_address.email = None;
    let mine = conversations::start_conversation(&mut host, &carol, no_address).unwrap();
    let sent = transcript::email_transcript(&mut host, &carol, &mine.id, None).unwrap();
    assert!(!sent.awaiting_code, "her directory address is hers: {sent:?}");
}

#[test]
fn lc_9_a_visitor_without_an_address_names_one_for_the_transcript_and_it_is_kept() {
    let mut host = FakeHost::demo();
    presence::go_online(&mut host, &as_user("bob", "SUP"), false, None).unwrap();
    let visitor = as_visitor("v-1", "SUP");
    let no_address = ConversationStart {
        email: None,
        ..start("m1", "hi")
    };
    let conv = conversations::start_conversation(&mut host, &visitor, no_address).unwrap();
    assert_eq!(conv.customer.email, None);
    assert!(matches!(
        transcript::email_transcript(&mut host, &visitor, &conv.id, None),
        Err(PluginError::Invalid(_))
    ));
    assert!(matches!(
        transcript::email_transcript(&mut host, &visitor, &conv.id, Some("not an address")),
        Err(PluginError::Invalid(_))
    ));
    let sent = transcript::email_transcript(&mut host, &visitor, &conv.id, Some("vera@example.test")).unwrap();
    assert_eq!((sent.to.as_str(), sent.awaiting_code), ("vera@example.test", true));
    let not_yet = reads::get_conversation(&mut host, &visitor, &conv.id).unwrap();
    assert_eq!(not_yet.customer.email, None, "an unproven address is not kept");
    let code = mailed_code(&host);
    assert!(
        transcript::confirm_transcript(&mut host, &visitor, &conv.id, &code)
            .unwrap()
            .sent
    );
    let kept = reads::get_conversation(&mut host, &visitor, &conv.id).unwrap();
    assert_eq!(kept.customer.email.as_deref(), Some("vera@example.test"));
}
