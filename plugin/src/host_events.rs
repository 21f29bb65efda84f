//! What happened on the host's side: every feature applies its rules to each fact, in the
//! same transaction as the host's change.

use crate::bindings::exports::helpdesk::chat::host_events::HostEvent;
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::HostCapabilities;
use crate::error::PluginResult;
use crate::features;

/// Hands `event` to every feature; the first refusal rolls the host's change back.
pub fn on_host_event<H: HostCapabilities>(host: &mut H, ctx: &CallContext, event: &HostEvent) -> PluginResult<()> {
    for feature in features::all::<H>() {
        (feature.on_host_event)(host, ctx, event)?;
    }
    Ok(())
}
