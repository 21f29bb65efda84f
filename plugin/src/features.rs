//! The plugin's features and what each plugs into the shared exports. Adding a feature is
//! one line in [`all`]: its topics, due work, host-event rules and migrations then reach it
//! through `subscriptions`, `scheduler`, `host_events` and `lifecycle`.

use crate::capabilities::HostCapabilities;
use crate::hooks::Feature;
use crate::{live_chat, presence, team_chat};

/// Every feature, in the order their hooks run.
pub fn all<H: HostCapabilities>() -> [Feature<H>; 3] {
    [
        presence::feature::<H>(),
        live_chat::feature::<H>(),
        team_chat::feature::<H>(),
    ]
}
