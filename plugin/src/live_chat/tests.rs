//! Live chat's rules against the in-memory host: the helpers here, the widget's rules
//! (settings, pages, accounts, texts) in `widget_tests.rs`, conversations in
//! `conversation_tests.rs`.

use super::conversations;
use super::rate_limits::CountedAction;
use super::settings::{self, site_origin};
use super::{events, reads, to_issue, transcript, welcome};
use crate::bindings::exports::helpdesk::chat::live_chat::{
    AuthorKind, ConversationStart, ConversationStatus, InboxView, WidgetSettings,
};
use crate::bindings::helpdesk::chat::types::{CallContext, PageOrigin};
use crate::capabilities::fake_host::{FakeHost, as_user, as_visitor, on_page};
use crate::error::PluginError;
use crate::presence;

fn start(client_id: &str, body: &str) -> ConversationStart {
    ConversationStart {
        client_id: client_id.into(),
        body: body.into(),
        page_url: Some("https://shop.example/help".into()),
        // Nobody is online in most tests: an offline message needs an address (LC-10).
        email: Some("visitor@example.test".into()),
    }
}

fn external(origin: &str) -> PageOrigin {
    PageOrigin::External(origin.into())
}

fn save(host: &mut FakeHost, change: impl FnOnce(&mut WidgetSettings)) -> WidgetSettings {
    let mut settings = settings::defaults();
    change(&mut settings);
    settings::save_widget_settings(host, &as_user("dana", "SUP"), settings).unwrap()
}

mod business_hours_tests;
mod canned_reply_tests;
mod conversation_tests;
mod identity_tests;
mod notes_tests;
mod retention_tests;
mod transfer_tests;
mod visitor_context_tests;
mod widget_tests;
