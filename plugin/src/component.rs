//! The component's exports: the shared interfaces here, each feature's own interface in the
//! feature (`presence/exports.rs`). Inside a component only.

use crate::bindings::exports::helpdesk::chat::{host_events, lifecycle, scheduler, subscriptions};
use crate::bindings::helpdesk::chat::types::{CallContext, Error};
use crate::bindings::{self, Component};
use crate::capabilities::wit_host::WitHost;

bindings::export!(Component with_types_in bindings);

impl lifecycle::Guest for Component {
    fn manifest() -> lifecycle::PluginManifest {
        crate::lifecycle::manifest()
    }

    fn migrate(_ctx: CallContext, previous: Option<String>) -> Result<(), Error> {
        Ok(crate::lifecycle::migrate(&mut WitHost, previous.as_deref())?)
    }
}

impl host_events::Guest for Component {
    fn on_host_event(ctx: CallContext, event: host_events::HostEvent) -> Result<(), Error> {
        Ok(crate::host_events::on_host_event(&mut WitHost, &ctx, &event)?)
    }
}

impl scheduler::Guest for Component {
    fn run_due(_ctx: CallContext) -> Result<(), Error> {
        Ok(crate::scheduler::run_due(&mut WitHost)?)
    }
}

impl subscriptions::Guest for Component {
    fn authorize(ctx: CallContext, topics: Vec<String>) -> Result<Vec<subscriptions::TopicGrant>, Error> {
        Ok(crate::subscriptions::authorize(&mut WitHost, &ctx, &topics)?)
    }
}
