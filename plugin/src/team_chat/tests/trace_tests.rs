//! TC-10: every message written, edited or deleted is kept with who, when and where;
//! edits and deletes leave their trace; site admins search it by user, chat, issue and time.

use super::{ctx, site};
use crate::bindings::exports::helpdesk::chat::team_chat::{HistoryView, TraceAction, TraceQuery};
use crate::capabilities::Issues;
use crate::capabilities::fake_host::FakeHost;
use crate::error::PluginError;
use crate::team_chat::chats::open_direct_chat;
use crate::team_chat::issue_chats::open_issue_chat;
use crate::team_chat::messages::{chat_messages, delete_team_message, edit_team_message, post_team_message};
use crate::team_chat::trace::search_trace;

fn anything() -> TraceQuery {
    TraceQuery {
        user: None,
        chat: None,
        issue: None,
        since: None,
        until: None,
    }
}

fn found(host: &mut FakeHost, query: TraceQuery) -> Vec<(String, TraceAction, u64, String)> {
    search_trace(host, &ctx("root"), &query, None, 100)
        .unwrap()
        .entries
        .into_iter()
        .map(|entry| (entry.chat, entry.action, entry.seq, entry.body))
        .collect()
}

#[test]
fn tc_10_edits_and_deletes_keep_their_trace_and_site_admins_search_it() {
    let mut host = site();
    let start = host.now;
    post_team_message(&mut host, &ctx("alice"), "company-acme", "a1", "first words").unwrap();
    host.advance_minutes(1);
    let direct = open_direct_chat(&mut host, &ctx("bob"), "alice").unwrap().id;
    post_team_message(&mut host, &ctx("bob"), &direct, "b1", "just us").unwrap();
    host.advance_minutes(1);
    let issue = host.create_issue("SUP", "Printer on fire", None).unwrap();
    let issue_chat = open_issue_chat(&mut host, &ctx("alice"), &issue.key).unwrap().id;
    post_team_message(&mut host, &ctx("alice"), &issue_chat, "i1", "smoke").unwrap();
    host.advance_minutes(1);

    let edited = edit_team_message(&mut host, &ctx("alice"), "company-acme", 1, "better words").unwrap();
    assert_eq!((edited.body.as_str(), edited.edited), ("better words", Some(host.now)));
    assert!(matches!(
        edit_team_message(&mut host, &ctx("carol"), "company-acme", 1, "mine now"),
        Err(PluginError::AccessDenied(_))
    ));
    assert!(matches!(
        delete_team_message(&mut host, &ctx("bob"), "company-acme", 1),
        Err(PluginError::AccessDenied(_))
    ));
    assert!(matches!(
        delete_team_message(&mut host, &ctx("alice"), "company-acme", 9),
        Err(PluginError::NotFound(_))
    ));
    host.advance_minutes(1);
    let deleted = delete_team_message(&mut host, &ctx("root"), "company-acme", 1).unwrap();
    assert!(
        deleted.deleted && deleted.body.is_empty(),
        "a site admin deletes any message"
    );
    let shown = chat_messages(
        &mut host,
        &ctx("bob"),
        "company-acme",
        None,
        Some(HistoryView::All),
        Some(10),
    )
    .unwrap();
    assert!(
        shown.messages[0].deleted && shown.messages[0].body.is_empty(),
        "readers see only that it was deleted"
    );
    assert!(matches!(
        edit_team_message(&mut host, &ctx("alice"), "company-acme", 1, "again"),
        Err(PluginError::Conflict(_))
    ));
    let events = host.take_events("team-chat:company-acme");
    assert_eq!(
        events.iter().filter(|event| event.kind == "team-message").count(),
        3,
        "written, edited, deleted"
    );

    let acme = found(
        &mut host,
        TraceQuery {
            chat: Some("company-acme".into()),
            ..anything()
        },
    );
    assert_eq!(
        acme,
        [
            (
                "company-acme".to_string(),
                TraceAction::Deleted,
                1,
                "better words".to_string()
            ),
            (
                "company-acme".to_string(),
                TraceAction::Edited,
                1,
                "better words".to_string()
            ),
            (
                "company-acme".to_string(),
                TraceAction::Written,
                1,
                "first words".to_string()
            ),
        ],
        "newest first, every text kept"
    );
    let page = search_trace(&mut host, &ctx("root"), &anything(), None, 100).unwrap();
    assert_eq!(page.entries.len(), 5);
    assert_eq!(
        (page.entries[0].actor.as_str(), page.entries[0].author.as_str()),
        ("root", "alice")
    );
    assert_eq!(
        page.entries[3].place, "Bob Agent and Alice Agent",
        "a user chat by its two people"
    );
    assert_eq!(
        found(
            &mut host,
            TraceQuery {
                issue: Some(issue.key.clone()),
                ..anything()
            }
        ),
        [(issue_chat.clone(), TraceAction::Written, 1, "smoke".to_string())]
    );
    let bobs = found(
        &mut host,
        TraceQuery {
            user: Some("bob".into()),
            ..anything()
        },
    );
    assert_eq!(bobs.len(), 1, "bob wrote one message and acted on none else");
    let roots = found(
        &mut host,
        TraceQuery {
            user: Some("root".into()),
            ..anything()
        },
    );
    assert_eq!(roots.len(), 1, "the admin who deleted is found by the deletion");
    let window = found(
        &mut host,
        TraceQuery {
            since: Some(start + 60_000),
            until: Some(start + 3 * 60_000),
            ..anything()
        },
    );
    assert_eq!(window.len(), 2, "the user chat and the issue chat messages: {window:?}");

    let first = search_trace(&mut host, &ctx("root"), &anything(), None, 2).unwrap();
    let second = search_trace(&mut host, &ctx("root"), &anything(), first.cursor.as_deref(), 2).unwrap();
    assert_eq!((first.entries.len(), second.entries.len()), (2, 2));
    assert_eq!(
        second.entries[0].action,
        TraceAction::Written,
        "the page goes on where the first ended"
    );
    assert!(matches!(
        search_trace(&mut host, &ctx("alice"), &anything(), None, 10),
        Err(PluginError::AccessDenied(_))
    ));
    assert!(matches!(
        search_trace(&mut host, &ctx("root"), &anything(), Some("nonsense"), 10),
        Err(PluginError::Invalid(_))
    ));
}
