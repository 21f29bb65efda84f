//! Helpers for the end-to-end tests: the built host binary on a free port with a temporary
//! data directory ([`TestSite`]), an HTTP client that logs in, a reader for the push stream,
//! and headless Chromium through chromedriver.

pub mod bench;
pub mod browser;
pub mod host_process;
pub mod http;
pub mod other_site;
pub mod postgres;
pub mod site;
pub mod smtp_sink;
pub mod sse;
pub mod wait;

pub use host_process::HostProcess;
pub use http::ApiClient;
pub use site::TestSite;
pub use sse::EventStream;
