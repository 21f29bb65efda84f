//! End-to-end tests: the built host binary with the real plugin component, over HTTP, the
//! push stream and headless Chromium; one module per feature.

mod browser;
mod business_hours;
mod canned_replies;
mod contract_edges;
mod crash;
mod directory;
mod hostile_clients;
mod live_chat;
mod live_chat_browser;
mod live_chat_mail;
mod live_chat_retention;
mod multi_node;
mod notes;
mod pages_browser;
mod platform;
mod presence;
mod presence_planning;
mod presence_planning_browser;
mod team_chat;
mod team_chat_browser;
mod transfer;
mod visitor_context;
mod widget_accounts;
mod widget_accounts_browser;
