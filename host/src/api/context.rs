//! What every handler shares: the site, and the few settings that are the HTTP layer's own.
//! A plugin route is a few lines: build the caller's context, name the export, answer.

use std::sync::Arc;
use std::time::Duration;

use wasmtime::Store;

use super::error::{ApiError, current_request_id};
use crate::contract::PluginInstance;
use crate::contract::helpdesk::chat::types::{CallContext, Error as WitError};
use crate::runtime::Access;
use crate::runtime::host_state::HostState;
use crate::site::Site;

/// The HTTP layer's own settings.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Whether `POST /api/v1/test/clock` may move the clock.
    pub test_clock: bool,
    /// How often an open push stream checks that its session and revocable grants still hold
    /// (it also checks at once when the plugin says its user's access changed).
    pub stream_recheck: Duration,
    /// The longest a request may take before it is answered `503 timeout`.
    pub request_timeout: Duration,
    /// How long a push stream stays open before it ends by itself (its client reconnects
    /// and resumes), give or take a tenth.
    pub stream_max_age: Duration,
    /// The reverse proxies whose `X-Forwarded-For` tells the client's address.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The IPv6 prefix length that counts as one client for limits per address.
    pub ipv6_prefix: u8,
    /// How many team chat messages one member may write a minute.
    pub team_messages_per_minute: u32,
    /// `Strict-Transport-Security` for answers to clients that reached the site over TLS
    /// (as a trusted proxy says): how long browsers keep to HTTPS; `None` sends none.
    pub hsts_max_age: Option<Duration>,
}

impl Default for ApiSettings {
    fn default() -> Self {
        ApiSettings {
            test_clock: false,
            stream_recheck: Duration::from_secs(30),
            request_timeout: Duration::from_secs(10),
            stream_max_age: Duration::from_secs(60 * 60),
            trusted_proxies: Vec::new(),
            ipv6_prefix: crate::client_network::DEFAULT_IPV6_PREFIX,
            team_messages_per_minute: super::request_limits::DEFAULT_TEAM_MESSAGES_PER_MINUTE,
            hsts_max_age: None,
        }
    }
}

/// What every handler shares; cheap to clone.
#[derive(Clone)]
pub struct ApiContext {
    /// Everything below HTTP: storage, plugin, push hub, clock, directory, scheduler.
    pub site: Site,
    /// The HTTP layer's settings.
    pub settings: Arc<ApiSettings>,
    /// When each user's activity last reached the plugin (PR-9).
    pub activity: crate::activity::ActivityTracker,
    /// How often one client may make frequent, cheap requests (typing, seen, messages).
    pub limits: Arc<super::request_limits::RequestLimits>,
    /// Hashes and checks passwords (deliberately slow) on a few threads of their own.
    pub passwords: crate::password_work::PasswordWork,
    /// Turns true when the host shuts down, so that open streams end.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// The OpenAPI document, as served.
    pub openapi_json: Arc<str>,
}

impl ApiContext {
    /// Calls a plugin export for the current request: a read-only one on a snapshot, one
    /// that writes as one transaction.
    pub async fn call<T, F>(&self, access: Access, ctx: CallContext, export: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: Fn(&PluginInstance, &mut Store<HostState>, &CallContext) -> wasmtime::Result<Result<T, WitError>>
            + Send
            + Sync
            + 'static,
    {
        let export = Box::new(move |plugin: &PluginInstance, store: &mut Store<HostState>| export(plugin, store, &ctx));
        let plugin = &self.site.plugin;
        Ok(plugin.call(&self.site.db, access, current_request_id(), export).await?)
    }
}
