//! Runs the plugin's time-driven work (durations ending, and later schedules and
//! inactivity) when it comes due.

use std::time::Duration;

use crate::api::ApiContext;
use crate::api::error::ApiError;
use crate::runtime::plugin::call_context;

/// The longest the scheduler sleeps, so work that comes due without a wake-up (a clock
/// change, another node's write) is picked up soon.
const MAX_SLEEP: Duration = Duration::from_secs(5);

/// Runs everything due now; returns when the next work is due.
pub async fn run_due(ctx: &ApiContext) -> Result<Option<u64>, ApiError> {
    let call = call_context(None, None);
    let request_id = format!("scheduler-{}", uuid::Uuid::new_v4());
    Ok(ctx
        .plugin
        .call(&ctx.db, request_id, move |plugin, store| {
            plugin.helpdesk_chat_scheduler().call_run_due(store, &call)
        })
        .await?)
}

/// Loops for the life of the host: run what is due, sleep until the next due time, a
/// wake-up, or [`MAX_SLEEP`].
pub async fn run_forever(ctx: ApiContext) {
    loop {
        let sleep = match run_due(&ctx).await {
            Ok(Some(next)) => {
                let wait = (next as i64 - ctx.clock.now_ms()).max(0) as u64;
                Duration::from_millis(wait).min(MAX_SLEEP)
            }
            Ok(None) => MAX_SLEEP,
            Err(err) => {
                tracing::warn!(error = %err, "scheduled work failed; trying again soon");
                MAX_SLEEP
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = ctx.scheduler_wake.notified() => {}
        }
    }
}
