//! PR-15: the history filtered by agent and time range, with display names and opaque
//! cursors.

use super::*;

#[test]
fn pr_15_the_history_filters_by_time_range_and_names_everyone_it_shows() {
    let mut host = FakeHost::demo();
    let start = host.now;
    go_online(&mut host, &ctx("alice", "SUP"), false, None).unwrap();
    host.advance_minutes(10);
    go_online(&mut host, &ctx("bob", "SUP"), false, None).unwrap();
    host.advance_minutes(10);
    go_offline(&mut host, &ctx("alice", "SUP"), false).unwrap();

    let middle = HistoryFilter {
        since: Some(start + 5 * 60_000),
        until: Some(start + 15 * 60_000),
        ..everyone()
    };
    let page = presence_history(&mut host, &ctx("dana", "SUP"), &middle, None, Some(50)).unwrap();
    assert_eq!(
        page.changes.iter().map(|c| c.user.as_str()).collect::<Vec<_>>(),
        ["bob"],
        "only what happened in the range"
    );
    assert!(
        page.names
            .iter()
            .any(|n| n.user == "bob" && n.display_name == "Bob Agent")
    );

    let all = presence_history(&mut host, &ctx("dana", "SUP"), &everyone(), None, Some(1)).unwrap();
    let cursor = all.cursor.clone().unwrap();
    assert!(!cursor.contains('/'), "the cursor is no storage key: {cursor}");
    let older = presence_history(&mut host, &ctx("dana", "SUP"), &everyone(), Some(&cursor), Some(50)).unwrap();
    assert_eq!(older.changes.len(), 2);
    assert!(
        older
            .names
            .iter()
            .any(|n| n.user == "alice" && n.display_name == "Alice Agent")
    );

    let backwards = HistoryFilter {
        since: Some(start + 60_000),
        until: Some(start),
        ..everyone()
    };
    assert!(matches!(
        presence_history(&mut host, &ctx("dana", "SUP"), &backwards, None, Some(10)),
        Err(PluginError::Invalid(_))
    ));
    assert!(matches!(
        presence_history(
            &mut host,
            &ctx("dana", "SUP"),
            &everyone(),
            Some("presence/log/SUP/x"),
            Some(10)
        ),
        Err(PluginError::Invalid(_))
    ));
}
