//! Work that comes due with time: the host calls [`run_due`] when a time a call asked for
//! (`wake.wake-at`) has come.

use crate::capabilities::HostCapabilities;
use crate::error::PluginResult;
use crate::features;

/// Does every feature's work that is due by now; each asks to be woken for what remains.
pub fn run_due<H: HostCapabilities>(host: &mut H) -> PluginResult<()> {
    for feature in features::all::<H>() {
        (feature.run_due)(host)?;
    }
    Ok(())
}
