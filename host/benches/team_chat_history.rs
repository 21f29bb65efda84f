//! Team chat history at size (TC-6): opening a chat of 100,000 messages against opening an
//! empty one, paging back from the middle, and the chat list beside such a chat. Prints p50
//! and p99 of each read and asserts only that the answers are right.
//! `cargo bench -p helpdesk-host --bench team_chat_history` (`MESSAGES` to change the size).

use std::time::Instant;

use helpdesk_host::contract::exports::helpdesk::chat::team_chat::{HistoryView, RoomSpec};
use helpdesk_host::runtime::Access::{Read, Write};
use helpdesk_host::runtime::SandboxLimits;
use helpdesk_host::site::Site;

#[path = "../tests/integration/support.rs"]
mod support;
#[path = "shared/timing.rs"]
mod timing;

use support::{TestHost, site_settings, user_in};
use timing::timed;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let messages: u64 = std::env::var("MESSAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let site = Site::open(&site_settings(dir.path(), SandboxLimits::default()))
        .await
        .unwrap();
    let host = TestHost { site, dir };
    let empty = host
        .call(Write, user_in("alice", "SUP"), |p, store, ctx| {
            let room = RoomSpec {
                name: "Empty".into(),
                private: false,
                members: Vec::new(),
            };
            p.helpdesk_chat_team_chat().call_create_room(store, ctx, &room)
        })
        .await
        .unwrap()
        .id;
    let started = Instant::now();
    // Many writers at once, as many people would write: group commit shares the commits.
    let host = std::sync::Arc::new(host);
    let writers: Vec<_> = (0..8u64)
        .map(|writer| {
            let host = host.clone();
            tokio::spawn(async move {
                for n in (writer..messages).step_by(8) {
                    host.call(Write, user_in("alice", "SUP"), move |p, store, ctx| {
                        p.helpdesk_chat_team_chat().call_post_team_message(
                            store,
                            ctx,
                            "company-acme",
                            &format!("m{n}"),
                            &format!("Message number {n}, of the kind people write in a busy room."),
                        )
                    })
                    .await
                    .unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    println!(
        "wrote {messages} messages into company-acme in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let host = &*host;
    let page = |chat: String, before: Option<u64>| async move {
        host.call(Read, user_in("bob", "SUP"), move |p, store, ctx| {
            p.helpdesk_chat_team_chat()
                .call_chat_messages(store, ctx, &chat, before, HistoryView::All, 50)
        })
        .await
        .unwrap()
    };
    timed("open an empty room: its newest 50 messages", 500, || async {
        assert!(page(empty.clone(), None).await.messages.is_empty());
    })
    .await;
    timed(
        &format!("open a chat of {messages} messages: its newest 50"),
        500,
        || async {
            let got = page("company-acme".into(), None).await;
            assert_eq!((got.messages.len(), got.messages[49].seq), (50, messages));
        },
    )
    .await;
    timed(&format!("page back 50 from the middle of {messages}"), 500, || async {
        let got = page("company-acme".into(), Some(messages / 2)).await;
        assert_eq!(got.messages[49].seq, messages / 2 - 1);
    })
    .await;
    timed("the chat list beside that chat", 500, || async {
        let chats = host
            .call(Read, user_in("bob", "SUP"), |p, store, ctx| {
                p.helpdesk_chat_team_chat().call_my_chats(store, ctx)
            })
            .await
            .unwrap();
        assert_eq!(chats[0].last_seq, messages);
    })
    .await;
}
