//! Work that comes due with time: the host calls [`run_due`] when it is due.

use crate::error::PluginResult;
use crate::platform::{Platform, Timestamp};
use crate::presence;

/// Does all work due by now and returns when the next work is due.
pub fn run_due<P: Platform + ?Sized>(platform: &mut P) -> PluginResult<Option<Timestamp>> {
    let durations = presence::end_due_durations(platform)?;
    Ok(durations)
}
