//! SPEC PL-10: the host serves a range of contract versions. A plugin built against the
//! frozen `helpdesk:chat@0.2.0` (the released component, kept as a fixture) loads, gets the
//! 0.2.0 imports, and answers behind the current calls, the changed ones adapted; a plugin
//! of a version this host does not serve is refused in words before anything is linked.

use helpdesk_host::contract::exports::helpdesk::chat::live_chat::ConversationStart;
use helpdesk_host::runtime::capabilities::ContractVersion;
use helpdesk_host::runtime::{Access, CallError, ChatPluginRuntime, SandboxLimits};
use helpdesk_host::site::Site;

use crate::support::{TestHost, cache_dir, site_settings, user_in};

fn fixture() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helpdesk_chat_plugin_0.2.0.wasm");
    std::fs::read(path).expect("the 0.2.0 plugin fixture")
}

/// A site running the 0.2.0 plugin, with the demo site loaded through it.
async fn site_on_0_2_0() -> TestHost {
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("plugin-0.2.0.wasm");
    std::fs::write(&plugin, fixture()).unwrap();
    let mut settings = site_settings(dir.path(), SandboxLimits::default());
    settings.plugin = Some(plugin);
    let site = Site::open(&settings).await.unwrap();
    TestHost { site, dir }
}

#[tokio::test]
async fn pl_10_a_plugin_built_for_0_2_0_serves_behind_the_current_calls() {
    let host = site_on_0_2_0().await;
    assert_eq!(host.site.plugin.contract_version(), ContractVersion::V0_2);
    assert_eq!(host.site.plugin.manifest().contract, "helpdesk:chat@0.2.0");

    // A call whose signature did not change: its values pass through their JSON form.
    let outcome = host.set_online("bob", "SUP", true).await.unwrap();
    assert_eq!(outcome.changed, vec!["SUP".to_string()]);
    // Calls that changed after 0.2.0, adapted: a limit or view left out, chat-status.
    let page = host
        .call(Access::Read, user_in("alice", "SUP"), |p, store, ctx| {
            p.helpdesk_chat_presence().call_online_agents(store, ctx, None, None)
        })
        .await
        .unwrap();
    assert_eq!(page.agents.iter().map(|a| a.user.as_str()).collect::<Vec<_>>(), ["bob"]);
    let status = host
        .call(Access::Read, user_in("cora", "SUP"), |p, store, ctx| {
            p.helpdesk_chat_presence().call_chat_status(store, ctx)
        })
        .await
        .unwrap();
    assert_eq!((status.project.as_str(), status.online), ("SUP", true));
    let mut visitor = user_in("cora", "SUP");
    visitor.page = helpdesk_host::contract::helpdesk::chat::types::PageOrigin::Site;
    let start = ConversationStart {
        client_id: "m1".into(),
        body: "Hello from an old plugin".into(),
        page_url: None,
        email: None,
    };
    let conversation = host
        .call(Access::Write, visitor, move |p, store, ctx| {
            p.helpdesk_chat_live_chat().call_start_conversation(store, ctx, &start)
        })
        .await
        .unwrap();
    let inbox = host
        .call(Access::Read, user_in("bob", "SUP"), |p, store, ctx| {
            p.helpdesk_chat_live_chat().call_inbox(store, ctx, None, None, None)
        })
        .await
        .unwrap();
    assert_eq!(inbox.conversations[0].id, conversation.id);
    let id = conversation.id.clone();
    let messages = host
        .call(Access::Read, user_in("bob", "SUP"), move |p, store, ctx| {
            p.helpdesk_chat_live_chat().call_messages(store, ctx, &id, None, None)
        })
        .await
        .unwrap();
    assert_eq!(messages.messages[0].body, "Hello from an old plugin");
    let history = host
        .call(Access::Read, user_in("bob", "SUP"), |p, store, ctx| {
            p.helpdesk_chat_team_chat()
                .call_chat_messages(store, ctx, "company-acme", None, None, None)
        })
        .await
        .unwrap();
    assert!(history.messages.is_empty());
    // A refusal comes back as the current contract's error.
    let refused = host
        .call(Access::Read, user_in("bob", "SUP"), |p, store, ctx| {
            p.helpdesk_chat_presence().call_online_agents(store, ctx, None, Some(0))
        })
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("limit"), "{refused}");
    // A function new since 0.2.0 is refused in words, not trapped or adapted by hand.
    let missing = host
        .call(Access::Read, user_in("bob", "SUP"), |p, store, ctx| {
            p.helpdesk_chat_live_chat().call_canned_replies(store, ctx)
        })
        .await
        .unwrap_err();
    let CallError::Plugin(refusal) = &missing else {
        panic!("expected a refusal, got {missing:?}")
    };
    assert_eq!(refusal.code(), "unavailable");
    assert_eq!(
        refusal.message(),
        "the chat plugin was built for helpdesk:chat@0.2.0, which has no live-chat.canned-replies; a plugin built for helpdesk:chat@0.3.0 has it"
    );
}

#[tokio::test]
async fn pl_10_a_plugin_of_a_contract_this_host_does_not_serve_is_refused_in_words() {
    let host = TestHost::start(SandboxLimits::default()).await;
    let sandbox = host.site.plugin.sandbox().clone();
    for version in ["0.1.0", "0.9.0"] {
        // The released component with its contract version rewritten (same length).
        let mut bytes = fixture();
        let (old, new) = (b"helpdesk:chat/".as_slice(), version.as_bytes());
        let mut at = 0;
        while let Some(found) = bytes[at..].windows(old.len()).position(|w| w == old) {
            let start = at + found;
            if let Some(version_at) = bytes[start..].iter().position(|b| *b == b'@').map(|p| start + p + 1)
                && bytes[version_at..].starts_with(b"0.2.0")
            {
                bytes[version_at..version_at + 5].copy_from_slice(new);
            }
            at = start + old.len();
        }
        let err = ChatPluginRuntime::load(sandbox.clone(), &bytes, Some(&cache_dir()))
            .err()
            .expect("refused");
        assert_eq!(
            format!("{err:#}"),
            format!("the plugin was built for helpdesk:chat@{version}; this host serves helpdesk:chat 0.2.0–0.3.0")
        );
    }
}
