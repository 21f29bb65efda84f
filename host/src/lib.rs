//! The reference host for the helpdesk chat plugin: it runs the plugin component in
//! wasmtime and serves the REST API, the push stream and the web pages. It owns identity,
//! sessions, the directory, issues, storage and the mail outbox; every chat and presence
//! rule is the plugin's.

#![warn(missing_docs)]

pub mod api;
pub mod app;
pub mod auth;
pub mod clock;
pub mod demo;
pub mod directory;
pub mod issues;
pub mod login_throttle;
pub mod push;
pub mod runtime;
pub mod scheduler;
pub mod storage;
pub mod web;
