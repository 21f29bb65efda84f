//! Native tests of team chat, named after the SPEC features they cover.

use super::access::{get_settings, save_settings, team_chat_access};
use super::chats::{get_chat, my_chats, open_direct_chat};
use super::messages::{chat_messages, mark_chat_read, post_team_message};
use super::rooms::{create_room, delete_room, edit_room, get_room};
use crate::bindings::exports::helpdesk::chat::host_events::{CompanyMembership, GroupMembership, HostEvent};
use crate::bindings::exports::helpdesk::chat::team_chat::{
    ChatKind, ChatPermission, Grantee, HistoryView, PermissionGrant, RoomMember, RoomSpec, TeamChatSettings,
};
use crate::bindings::helpdesk::chat::types::{CallContext, ProjectRole};
use crate::capabilities::fake_host::{FakeHost, as_user};
use crate::error::PluginError;

pub(super) fn ctx(user: &str) -> CallContext {
    as_user(user, "SUP")
}

/// The demo users in two companies: Acme (alice, bob, carol, dana, root) and Globex (gina),
/// a group `writers` (alice, bob), and a customer, cole.
pub(super) fn site() -> FakeHost {
    let mut host = FakeHost::demo();
    host.add_user("gina", "Gina Globex", false);
    host.add_user("cole", "Cole Customer", false);
    host.users.get_mut("cole").unwrap().member = false;
    host.companies.insert("acme".into(), "Acme Ltd".into());
    host.companies.insert("globex".into(), "Globex".into());
    for user in ["alice", "bob", "carol", "dana", "root"] {
        host.company_members.insert(("acme".into(), user.into()));
    }
    host.company_members.insert(("globex".into(), "gina".into()));
    host.groups.insert("writers".into());
    for user in ["alice", "bob"] {
        host.group_members.insert(("writers".into(), user.into()));
    }
    host
}

fn post(host: &mut FakeHost, user: &str, chat: &str, client_id: &str, body: &str) -> Result<u64, PluginError> {
    post_team_message(host, &ctx(user), chat, client_id, body).map(|message| message.seq)
}

fn room(name: &str, private: bool, members: Vec<RoomMember>) -> RoomSpec {
    RoomSpec {
        name: name.into(),
        private,
        members,
    }
}

fn is_denied<T: std::fmt::Debug>(result: Result<T, PluginError>) -> bool {
    matches!(result, Err(PluginError::AccessDenied(_)))
}

fn is_hidden<T: std::fmt::Debug>(result: Result<T, PluginError>) -> bool {
    matches!(result, Err(PluginError::NotFound(_)))
}

#[test]
fn tc_1_switched_off_every_team_chat_call_is_refused() {
    let mut host = site();
    post(&mut host, "alice", "company-acme", "m1", "hello").unwrap();
    let mut off = get_settings(&mut host, &ctx("root")).unwrap();
    assert!(
        is_denied(save_settings(&mut host, &ctx("dana"), off.clone())),
        "site admins only"
    );
    off.enabled = false;
    save_settings(&mut host, &ctx("root"), off).unwrap();
    assert_eq!(
        host.topic_access_changes,
        ["team-chat:*", "team-inbox:*", "team-lists:*", "team-people:*"],
        "every team-chat stream asked again"
    );
    assert!(is_denied(my_chats(&mut host, &ctx("alice"))));
    assert!(is_denied(chat_messages(
        &mut host,
        &ctx("alice"),
        "company-acme",
        None,
        Some(HistoryView::All),
        Some(50)
    )));
    assert!(is_denied(post(
        &mut host,
        "alice",
        "company-acme",
        "m2",
        "still there?"
    )));
    assert!(is_denied(open_direct_chat(&mut host, &ctx("alice"), "bob")));
    assert!(
        is_denied(crate::subscriptions::authorize(
            &mut host,
            &ctx("alice"),
            &["team-chat:company-acme".to_string()]
        )),
        "streams too"
    );
    let access = team_chat_access(&mut host, &ctx("alice")).unwrap();
    assert!(!access.enabled && !access.may_see && !access.may_post);
    assert!(
        get_settings(&mut host, &ctx("root")).is_ok(),
        "the switch stays reachable"
    );
}

#[test]
fn tc_1_permissions_follow_groups_and_project_roles_and_customers_hold_none() {
    let mut host = site();
    let settings = TeamChatSettings {
        enabled: true,
        grants: vec![
            PermissionGrant {
                permission: ChatPermission::See,
                grantees: vec![Grantee::AllMembers],
            },
            PermissionGrant {
                permission: ChatPermission::Post,
                grantees: vec![Grantee::Group("writers".into())],
            },
            PermissionGrant {
                permission: ChatPermission::CreateRooms,
                grantees: vec![Grantee::ProjectRole(ProjectRole::ProjectAdmin)],
            },
        ],
    };
    save_settings(&mut host, &ctx("root"), settings.clone()).unwrap();
    post(&mut host, "bob", "company-acme", "b1", "from a writer").unwrap();
    assert_eq!(
        chat_messages(
            &mut host,
            &ctx("carol"),
            "company-acme",
            None,
            Some(HistoryView::All),
            Some(10)
        )
        .unwrap()
        .messages
        .len(),
        1
    );
    assert!(
        is_denied(post(&mut host, "carol", "company-acme", "c1", "me too")),
        "carol reads, no more"
    );
    assert!(is_denied(create_room(
        &mut host,
        &ctx("bob"),
        room("Bob's", false, vec![])
    )));
    create_room(&mut host, &ctx("dana"), room("Admins", false, vec![])).unwrap();
    let carol = team_chat_access(&mut host, &ctx("carol")).unwrap();
    assert!(carol.may_see && !carol.may_post && !carol.may_create_rooms && !carol.may_administer);
    assert!(
        is_denied(my_chats(&mut host, &ctx("cole"))),
        "customers never see team chat"
    );
    let mut unknown = settings;
    unknown.grants[0].grantees.push(Grantee::Group("nobody".into()));
    assert!(is_hidden(save_settings(&mut host, &ctx("root"), unknown)));
}

#[test]
fn tc_2_a_company_chat_is_for_its_members_first_in_their_list_and_named_after_it() {
    let mut host = site();
    create_room(&mut host, &ctx("alice"), room("Lunch", false, vec![])).unwrap();
    post(&mut host, "alice", "room-1", "r1", "pizza?").unwrap();
    post(&mut host, "alice", "company-acme", "a1", "Good morning, Acme").unwrap();
    let chats = my_chats(&mut host, &ctx("bob")).unwrap();
    assert_eq!(
        (
            chats[0].id.as_str(),
            chats[0].kind,
            chats[0].name.as_str(),
            chats[0].unread
        ),
        ("company-acme", ChatKind::Company, "Acme Ltd", 1)
    );
    assert_eq!(chats[1].name, "Lunch");
    let page = chat_messages(
        &mut host,
        &ctx("bob"),
        "company-acme",
        None,
        Some(HistoryView::All),
        Some(50),
    )
    .unwrap();
    assert_eq!(page.messages[0].author_name, "Alice Agent");
    assert!(
        is_hidden(get_chat(&mut host, &ctx("gina"), "company-acme")),
        "another company's chat"
    );
    assert!(is_hidden(post(&mut host, "gina", "company-acme", "g1", "hi")));
    let gina = my_chats(&mut host, &ctx("gina")).unwrap();
    assert_eq!(gina[0].name, "Globex");
    assert!(gina.iter().all(|chat| chat.id != "company-acme"));
    assert!(is_hidden(get_chat(&mut host, &ctx("alice"), "company-nowhere")));
}

#[test]
fn tc_3_a_private_room_is_for_its_list_and_whoever_is_taken_off_loses_it_at_once() {
    let mut host = site();
    let made = create_room(
        &mut host,
        &ctx("alice"),
        room(
            "Escalations",
            true,
            vec![RoomMember::User("bob".into()), RoomMember::Group("writers".into())],
        ),
    )
    .unwrap();
    assert!(made.private && made.may_edit && made.may_delete);
    host.group_members.insert(("writers".into(), "carol".into()));
    post(&mut host, "bob", &made.id, "b1", "customer X is angry").unwrap();
    assert_eq!(
        get_chat(&mut host, &ctx("carol"), &made.id).unwrap().unread,
        1,
        "through the group"
    );
    assert!(
        is_hidden(get_chat(&mut host, &ctx("dana"), &made.id)),
        "not on the list"
    );
    assert!(
        my_chats(&mut host, &ctx("dana"))
            .unwrap()
            .iter()
            .all(|chat| chat.id != made.id)
    );

    edit_room(
        &mut host,
        &ctx("alice"),
        &made.id,
        room("Escalations", true, vec![RoomMember::Group("writers".into())]),
    )
    .unwrap();
    assert!(host.topic_access_changes.contains(&format!("team-chat:{}", made.id)));
    host.group_members.remove(&("writers".into(), "bob".into()));
    assert!(
        is_hidden(chat_messages(
            &mut host,
            &ctx("bob"),
            &made.id,
            None,
            Some(HistoryView::All),
            Some(10)
        )),
        "off the list, out of the group"
    );
    let left = HostEvent::GroupMembershipChanged(GroupMembership {
        group: "writers".into(),
        user: "bob".into(),
        member: false,
    });
    crate::host_events::on_host_event(&mut host, &crate::capabilities::fake_host::system(), &left).unwrap();
    assert_eq!(host.access_changes, ["bob"], "his streams are asked again");
    assert!(get_chat(&mut host, &ctx("carol"), &made.id).is_ok());
    host.company_members.remove(&("acme".into(), "carol".into()));
    let gone = HostEvent::CompanyMembershipChanged(CompanyMembership {
        company: "acme".into(),
        user: "carol".into(),
        member: false,
    });
    crate::host_events::on_host_event(&mut host, &crate::capabilities::fake_host::system(), &gone).unwrap();
    assert!(
        is_hidden(get_chat(&mut host, &ctx("carol"), "company-acme")),
        "left the company"
    );
}

#[test]
fn tc_3_rooms_are_edited_and_deleted_by_their_creator_or_by_permission_and_public_ones_are_for_all() {
    let mut host = site();
    let public = create_room(&mut host, &ctx("bob"), room("Everyone", false, vec![])).unwrap();
    assert!(
        get_chat(&mut host, &ctx("gina"), &public.id).is_ok(),
        "public: every member who may see chat"
    );
    assert!(!get_chat(&mut host, &ctx("carol"), &public.id).unwrap().may_edit);
    assert!(is_denied(edit_room(
        &mut host,
        &ctx("carol"),
        &public.id,
        room("Mine", false, vec![])
    )));
    assert!(is_denied(delete_room(&mut host, &ctx("carol"), &public.id)));
    assert!(is_denied(get_room(&mut host, &ctx("carol"), &public.id)));
    let renamed = edit_room(&mut host, &ctx("root"), &public.id, room("Everybody", false, vec![])).unwrap();
    assert_eq!(renamed.name, "Everybody");
    let events = host.take_events(&format!("team-chat:{}", public.id));
    assert_eq!(events[0].kind, "chat-changed");
    assert!(matches!(
        create_room(&mut host, &ctx("bob"), room(" ", false, vec![])),
        Err(PluginError::Invalid(_))
    ));
    assert!(is_hidden(create_room(
        &mut host,
        &ctx("bob"),
        room("Ghosts", true, vec![RoomMember::User("casper".into())])
    )));
    delete_room(&mut host, &ctx("bob"), &public.id).unwrap();
    assert!(is_hidden(get_chat(&mut host, &ctx("bob"), &public.id)));
    assert!(matches!(
        get_room(&mut host, &ctx("alice"), "company-acme"),
        Err(PluginError::Invalid(_))
    ));
}

#[test]
fn tc_4_opening_a_user_chat_tells_the_other_nothing_until_the_first_message() {
    let mut host = site();
    let opened = open_direct_chat(&mut host, &ctx("alice"), "bob").unwrap();
    assert_eq!(
        (opened.kind, opened.name.as_str(), opened.other.as_deref()),
        (ChatKind::Direct, "Bob Agent", Some("bob"))
    );
    chat_messages(
        &mut host,
        &ctx("alice"),
        &opened.id,
        None,
        Some(HistoryView::All),
        Some(50),
    )
    .unwrap();
    assert!(
        my_chats(&mut host, &ctx("bob"))
            .unwrap()
            .iter()
            .all(|chat| chat.kind != ChatKind::Direct)
    );
    assert!(
        host.take_events("team-inbox:bob").is_empty(),
        "opening and reading tell bob nothing"
    );

    post(&mut host, "alice", &opened.id, "a1", "got a minute?").unwrap();
    let added = host.take_events("team-inbox:bob");
    assert_eq!(
        (added[0].kind.as_str(), added[0].payload["name"].as_str()),
        ("chat-added", Some("Alice Agent"))
    );
    let bob = my_chats(&mut host, &ctx("bob")).unwrap();
    let chat = bob.iter().find(|chat| chat.id == opened.id).unwrap();
    assert_eq!((chat.unread, chat.other.as_deref()), (1, Some("alice")));
    assert_eq!(
        open_direct_chat(&mut host, &ctx("bob"), "alice").unwrap().id,
        opened.id,
        "one chat per pair"
    );
    post(&mut host, "bob", &opened.id, "b1", "sure").unwrap();
    assert!(
        host.take_events("team-inbox:alice").is_empty(),
        "only the first message adds it"
    );
    for outsider in ["carol", "root"] {
        assert!(
            is_hidden(chat_messages(
                &mut host,
                &ctx(outsider),
                &opened.id,
                None,
                Some(HistoryView::All),
                Some(10)
            )),
            "{outsider}"
        );
    }
    assert!(matches!(
        open_direct_chat(&mut host, &ctx("alice"), "alice"),
        Err(PluginError::Invalid(_))
    ));
    assert!(
        is_hidden(open_direct_chat(&mut host, &ctx("alice"), "cole")),
        "customers are not in team chat"
    );
}

#[test]
fn tc_7_a_message_sent_again_is_stored_once_and_unread_counts_follow_reading() {
    let mut host = site();
    assert_eq!(
        post(&mut host, "alice", "company-acme", "same", "line one\nline two").unwrap(),
        1
    );
    assert_eq!(
        post(&mut host, "alice", "company-acme", "same", "line one\nline two").unwrap(),
        1
    );
    assert!(matches!(
        post(&mut host, "alice", "company-acme", "same", "other"),
        Err(PluginError::Conflict(_))
    ));
    assert!(matches!(
        post(&mut host, "alice", "company-acme", "x", ""),
        Err(PluginError::Invalid(_))
    ));
    assert!(matches!(
        post(&mut host, "alice", "company-acme", "bad id", "hi"),
        Err(PluginError::Invalid(_))
    ));
    post(&mut host, "alice", "company-acme", "two", "and again").unwrap();
    assert_eq!(get_chat(&mut host, &ctx("bob"), "company-acme").unwrap().unread, 2);
    assert_eq!(
        get_chat(&mut host, &ctx("alice"), "company-acme").unwrap().unread,
        0,
        "one's own lines are read"
    );
    assert_eq!(
        mark_chat_read(&mut host, &ctx("bob"), "company-acme", 1)
            .unwrap()
            .unread,
        1
    );
    assert_eq!(
        mark_chat_read(&mut host, &ctx("bob"), "company-acme", 0)
            .unwrap()
            .unread,
        1,
        "never back"
    );
    assert_eq!(
        mark_chat_read(&mut host, &ctx("bob"), "company-acme", 99)
            .unwrap()
            .unread,
        0
    );
    let events = host.take_events("team-chat:company-acme");
    assert_eq!(events.len(), 2, "one event per stored message");
    assert_eq!(events[1].payload["body"], "and again");
}

mod people_tests;
mod trace_tests;

#[test]
fn tc_5_an_issue_chat_puts_each_message_in_the_issue_history_and_participants_invite_others() {
    use super::issue_chats::{chat_participants, invite_to_chat, open_issue_chat};
    use crate::bindings::helpdesk::chat::issues::HistoryKind;
    use crate::capabilities::Issues;
    let mut host = site();
    let issue = host.create_issue("SUP", "Printer on fire", None).unwrap();
    let opened = open_issue_chat(&mut host, &ctx("alice"), &issue.key).unwrap();
    assert_eq!(
        (
            opened.id.as_str(),
            opened.kind,
            opened.name.as_str(),
            opened.issue.as_deref()
        ),
        ("issue-SUP-1", ChatKind::Issue, "SUP-1 Printer on fire", Some("SUP-1"))
    );
    assert!(
        my_chats(&mut host, &ctx("alice"))
            .unwrap()
            .iter()
            .all(|c| c.id != opened.id),
        "opening is not taking part"
    );
    post(&mut host, "alice", &opened.id, "a1", "Smoke from tray 2").unwrap();
    assert_eq!(
        host.history,
        [(
            "SUP-1".to_string(),
            Some("alice".to_string()),
            HistoryKind::Comment,
            "Smoke from tray 2".to_string()
        )],
        "the message is a comment of the issue"
    );
    assert!(
        my_chats(&mut host, &ctx("alice"))
            .unwrap()
            .iter()
            .any(|c| c.id == opened.id),
        "writing is"
    );
    let people = chat_participants(&mut host, &ctx("bob"), &opened.id).unwrap();
    assert_eq!(people.iter().map(|p| p.user.as_str()).collect::<Vec<_>>(), ["alice"]);
    assert_eq!(
        chat_messages(
            &mut host,
            &ctx("gina"),
            &opened.id,
            None,
            Some(HistoryView::All),
            Some(10)
        )
        .unwrap()
        .messages
        .len(),
        1,
        "members read issue chats"
    );

    assert!(
        is_denied(invite_to_chat(&mut host, &ctx("carol"), &opened.id, "bob")),
        "carol takes no part"
    );
    assert!(
        is_hidden(invite_to_chat(&mut host, &ctx("alice"), &opened.id, "cole")),
        "customers are not in team chat"
    );
    assert!(
        matches!(
            invite_to_chat(&mut host, &ctx("alice"), &opened.id, "bob"),
            Err(PluginError::Conflict(_))
        ),
        "bob is offline: only online people are invited"
    );
    assert!(
        matches!(
            invite_to_chat(&mut host, &ctx("alice"), &opened.id, "alice"),
            Err(PluginError::Invalid(_))
        ),
        "not oneself"
    );
    super::people::user_active(&mut host, "bob").unwrap();
    host.published.clear();
    invite_to_chat(&mut host, &ctx("alice"), &opened.id, "bob").unwrap();
    let told = host.take_events("team-inbox:bob");
    assert_eq!(
        (told[0].kind.as_str(), told[0].payload["issue"].as_str()),
        ("chat-added", Some("SUP-1"))
    );
    assert_eq!(
        host.take_events("team-chat:issue-SUP-1")[0].kind,
        "participants-changed"
    );
    assert!(
        my_chats(&mut host, &ctx("bob"))
            .unwrap()
            .iter()
            .any(|c| c.id == opened.id)
    );
    assert!(is_hidden(open_issue_chat(&mut host, &ctx("alice"), "SUP-99")));
    assert!(matches!(
        chat_participants(&mut host, &ctx("alice"), "company-acme"),
        Err(PluginError::Invalid(_))
    ));
}

#[test]
fn tc_6_history_views_start_at_midnight_in_the_viewers_time_zone() {
    let mut host = site();
    host.users.get_mut("bob").unwrap().time_zone = "America/New_York".into();
    // Wednesday 5 May 2027, 03:00 UTC: still Tuesday 23:00 in New York.
    let at = |day: u32, hour: u32| {
        use chrono::TimeZone;
        chrono::Utc
            .with_ymd_and_hms(2027, 5, day, hour, 0, 0)
            .unwrap()
            .timestamp_millis() as u64
    };
    for (n, (day, hour)) in [(1, 12), (3, 3), (3, 5), (4, 12), (5, 2)].into_iter().enumerate() {
        host.now = at(day, hour);
        post(
            &mut host,
            "alice",
            "company-acme",
            &format!("m{n}"),
            &format!("on {day} at {hour}"),
        )
        .unwrap();
    }
    host.now = at(5, 3);
    let shown = |host: &mut FakeHost, user: &str, view| {
        chat_messages(host, &ctx(user), "company-acme", None, Some(view), Some(50))
            .unwrap()
            .messages
            .iter()
            .map(|message| message.seq)
            .collect::<Vec<_>>()
    };
    // For bob, yesterday is Monday 3 May from 04:00 UTC (midnight in New York).
    assert_eq!(shown(&mut host, "bob", HistoryView::Yesterday), [3, 4, 5]);
    // For carol (UTC), yesterday is Tuesday 4 May from 00:00 UTC.
    assert_eq!(shown(&mut host, "carol", HistoryView::Yesterday), [4, 5]);
    assert_eq!(shown(&mut host, "carol", HistoryView::Last7Days), [1, 2, 3, 4, 5]);
    assert_eq!(shown(&mut host, "carol", HistoryView::All), [1, 2, 3, 4, 5]);
    let page = chat_messages(
        &mut host,
        &ctx("carol"),
        "company-acme",
        None,
        Some(HistoryView::Yesterday),
        Some(1),
    )
    .unwrap();
    assert_eq!(
        (page.messages[0].seq, page.more_before),
        (5, true),
        "paging within the view"
    );
    let page = chat_messages(
        &mut host,
        &ctx("carol"),
        "company-acme",
        Some(5),
        Some(HistoryView::Yesterday),
        Some(5),
    )
    .unwrap();
    assert_eq!(
        (page.messages.len(), page.more_before),
        (1, false),
        "nothing older than the view"
    );
}

#[test]
fn tc_9_a_mention_tells_the_person_named_and_nobody_who_may_not_read_the_chat() {
    let mut host = site();
    let made = create_room(
        &mut host,
        &ctx("alice"),
        room("Escalations", true, vec![RoomMember::User("bob".into())]),
    )
    .unwrap();
    let message = post_team_message(
        &mut host,
        &ctx("alice"),
        &made.id,
        "m1",
        "@bob, can you look? Also @carol and @alice and @nobody, and @bob again.",
    )
    .unwrap();
    assert_eq!(
        message.mentions,
        ["bob"],
        "carol may not read the room; alice wrote it; nobody is nobody"
    );
    let told = host.take_events("team-inbox:bob");
    assert_eq!(
        (told[0].kind.as_str(), told[0].payload["chat"].as_str()),
        ("mentioned", Some(made.id.as_str()))
    );
    let room_topic = format!("team-chat:{}", made.id);
    assert_eq!(
        (told[0].subject.clone(), told[0].requires.as_deref()),
        (
            Some(format!("team-message:{}:1:mention:bob", made.id)),
            Some(room_topic.as_str())
        ),
        "replayed only while bob may read the room, and gone with the message's edit or deletion"
    );
    assert!(
        host.take_events("team-inbox:carol").is_empty(),
        "a mention shows no private room to outsiders"
    );
}

#[test]
fn tc_10_a_deleted_last_message_leaves_no_preview_and_an_edit_tells_the_newly_named() {
    use super::messages::{delete_team_message, edit_team_message};
    let mut host = site();
    post(&mut host, "alice", "company-acme", "p1", "the password is hunter2").unwrap();
    host.published.clear();
    delete_team_message(&mut host, &ctx("alice"), "company-acme", 1).unwrap();
    let deleted = host
        .published
        .iter()
        .find(|event| event.kind == "team-message")
        .expect("the deletion is told");
    assert_eq!(
        (deleted.subject.as_deref(), deleted.payload["body"].as_str()),
        (Some("team-message:company-acme:1"), Some("")),
        "it replaces the message's earlier events in the log, text and all"
    );
    let listed = get_chat(&mut host, &ctx("bob"), "company-acme").unwrap();
    assert_eq!(listed.last_preview, "", "no deleted text lingers in anyone's list");
    assert!(
        host.take_events("team-chat:company-acme")
            .iter()
            .any(|event| event.kind == "preview-changed")
    );

    post(&mut host, "alice", "company-acme", "p2", "lunch?").unwrap();
    host.published.clear();
    edit_team_message(&mut host, &ctx("alice"), "company-acme", 2, "lunch, @bob?").unwrap();
    assert_eq!(
        host.take_events("team-inbox:bob")[0].kind,
        "mentioned",
        "named by the edit, told"
    );
    edit_team_message(&mut host, &ctx("alice"), "company-acme", 2, "lunch, @bob? 12:30").unwrap();
    assert!(host.take_events("team-inbox:bob").is_empty(), "told once");
    assert_eq!(
        get_chat(&mut host, &ctx("bob"), "company-acme").unwrap().last_preview,
        "lunch, @bob? 12:30"
    );
}

#[test]
fn tc_5_an_edited_or_deleted_issue_chat_message_is_recorded_in_the_issue_history() {
    use super::issue_chats::open_issue_chat;
    use super::messages::{delete_team_message, edit_team_message};
    use crate::bindings::helpdesk::chat::issues::HistoryKind;
    use crate::capabilities::Issues;
    let mut host = site();
    let issue = host.create_issue("SUP", "Printer on fire", None).unwrap();
    let chat = open_issue_chat(&mut host, &ctx("alice"), &issue.key).unwrap().id;
    post(&mut host, "alice", &chat, "i1", "smoke").unwrap();
    edit_team_message(&mut host, &ctx("alice"), &chat, 1, "smoke, and flames").unwrap();
    delete_team_message(&mut host, &ctx("root"), &chat, 1).unwrap();
    let kinds: Vec<(HistoryKind, &str)> = host
        .history
        .iter()
        .map(|(_, _, kind, body)| (*kind, body.as_str()))
        .collect();
    assert_eq!(kinds[0], (HistoryKind::Comment, "smoke"));
    assert_eq!(
        kinds[1],
        (
            HistoryKind::Change,
            "Alice Agent edited chat message 1 of the issue chat to:\nsmoke, and flames"
        )
    );
    assert_eq!(
        kinds[2],
        (
            HistoryKind::Change,
            "Site Root deleted chat message 1 of the issue chat."
        )
    );
}

#[test]
fn tc_5_an_issue_chat_is_for_those_who_may_see_the_issue() {
    use super::issue_chats::{invite_to_chat, open_issue_chat};
    use crate::capabilities::Issues;
    let mut host = site();
    let issue = host.create_issue("SUP", "Salary review", None).unwrap();
    host.hidden_issues.insert(("carol".into(), issue.key.clone()));
    let opened = open_issue_chat(&mut host, &ctx("alice"), &issue.key).unwrap();
    post(&mut host, "alice", &opened.id, "a1", "Confidential numbers").unwrap();
    assert!(
        is_hidden(open_issue_chat(&mut host, &ctx("carol"), &issue.key)),
        "the tracker hides the issue from carol"
    );
    assert!(is_hidden(chat_messages(
        &mut host,
        &ctx("carol"),
        &opened.id,
        None,
        Some(HistoryView::All),
        Some(10)
    )));
    assert!(
        is_hidden(post_team_message(
            &mut host,
            &ctx("carol"),
            &opened.id,
            "c1",
            "let me in"
        )),
        "nor may she write in it"
    );
    super::people::user_active(&mut host, "carol").unwrap();
    assert!(
        is_denied(invite_to_chat(&mut host, &ctx("alice"), &opened.id, "carol")),
        "nobody invites her into it"
    );
    let mentioned = post_team_message(&mut host, &ctx("alice"), &opened.id, "a2", "@carol see this").unwrap();
    assert!(mentioned.mentions.is_empty(), "a mention shows her nothing either");
}
