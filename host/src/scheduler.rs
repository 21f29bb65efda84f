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

/// How often old push events and expired sessions are cleared away.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(10 * 60);

/// Clears away what only grows: push events past their retention (resuming clients get a
/// `reset` instead) and expired sessions.
pub async fn housekeeping(ctx: &ApiContext) -> Result<(usize, usize), ApiError> {
    let now = ctx.clock.now_ms();
    Ok(ctx
        .db
        .run(move |conn| {
            Ok((
                crate::push::prune(conn, now)?,
                crate::auth::purge_expired_sessions(conn, now)?,
            ))
        })
        .await?)
}

/// Loops for the life of the host: run what is due, sleep until the next due time, a
/// wake-up, or [`MAX_SLEEP`]; now and then, housekeeping.
pub async fn run_forever(ctx: ApiContext) {
    let mut last_housekeeping = tokio::time::Instant::now();
    loop {
        if last_housekeeping.elapsed() >= HOUSEKEEPING_EVERY {
            last_housekeeping = tokio::time::Instant::now();
            match housekeeping(&ctx).await {
                Ok((events, sessions)) => tracing::debug!(events, sessions, "housekeeping done"),
                Err(err) => tracing::warn!(error = %err, "housekeeping failed; trying again later"),
            }
        }
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
