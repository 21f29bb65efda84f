//! The reference host for the helpdesk chat plugin: it runs the plugin component in
//! wasmtime and serves the REST API, the push stream and the web pages. It owns identity,
//! sessions, the directory, issues, storage and the mail outbox; every chat and presence
//! rule is the plugin's.
//!
//! Layers, each using only those below it: `contract` (generated from `wit/`), `storage`,
//! the host's services (`auth`, `client_network`, `directory`, `issues`, `outbox`,
//! `login_throttle`, `push`), `runtime` (the plugin), `site` and `scheduler`, then `api`,
//! `web`, `http_server`, `app`.

#![warn(missing_docs)]

pub mod activity;
pub mod api;
pub mod app;
pub mod auth;
pub mod client_network;
pub mod clock;
pub use helpdesk_contract as contract;
pub use helpdesk_storage::deadline;
pub mod demo;
pub mod directory;
pub mod http_server;
pub mod issues;
pub mod login_throttle;
pub mod mail_delivery;
pub mod outbox;
pub mod password_work;
pub mod push;
pub mod runtime;
pub mod scheduler;
pub mod site;
pub use helpdesk_storage as storage;
pub mod validate;
pub mod web;
