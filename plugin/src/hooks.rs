//! What a feature plugs into the shared exports: its push topics, its due work, its rules for
//! host events and its migrations. Each feature gives one [`Feature`]; `features.rs` lists them.

use crate::bindings::exports::helpdesk::chat::host_events::HostEvent;
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::error::PluginResult;
use crate::version::Version;

/// What one feature plugs into the shared exports, over a host `H`.
pub struct Feature<H> {
    /// The feature's name, for the log.
    pub name: &'static str,
    /// The topic kinds (the part of a topic before `:`) whose streams the feature authorizes.
    pub topic_kinds: &'static [&'static str],
    /// Authorizes one topic of one of its kinds (`name` is the part after `:`); returns
    /// whether the grant may be withdrawn while a stream is open.
    pub authorize: fn(&mut H, &CallContext, kind: &str, name: &str) -> PluginResult<bool>,
    /// Does the feature's work that is due by now, and asks to be woken for the rest.
    pub run_due: fn(&mut H) -> PluginResult<()>,
    /// Applies the feature's rules to something that happened on the host's side.
    pub on_host_event: fn(&mut H, &CallContext, &HostEvent) -> PluginResult<()>,
    /// Brings the feature's stored data up from plugin version `from` (`None`: nothing stored).
    pub migrate: fn(&mut H, from: Option<Version>) -> PluginResult<()>,
}
