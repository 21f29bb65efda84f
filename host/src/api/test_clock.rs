//! Moving the host clock, for tests only (`--test-clock`): time-dependent behaviour is
//! tested by moving time, never by sleeping.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::ApiContext;
use super::error::{ApiError, ApiJson};

/// The test clock route.
pub fn router() -> Router<ApiContext> {
    Router::new().route("/test/clock", post(advance))
}

/// `POST /test/clock` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    /// How far to move the clock forward, in milliseconds (0 to 366 days).
    pub advance_ms: i64,
}

/// `POST /test/clock` answer.
#[derive(Serialize)]
pub struct ClockState {
    /// The host clock's time after the move (ms since the epoch).
    pub now_ms: i64,
    /// When the scheduler's next work is due, after running everything due now.
    pub next_due_ms: Option<u64>,
}

async fn advance(State(ctx): State<ApiContext>, ApiJson(body): ApiJson<Advance>) -> Result<Json<ClockState>, ApiError> {
    if !ctx.test_clock {
        return Err(ApiError::NotFound(
            "the test clock is off; start the host with --test-clock".into(),
        ));
    }
    if !(0..=366 * 24 * 60 * 60 * 1000).contains(&body.advance_ms) {
        return Err(ApiError::Invalid("advance_ms: from 0 to one year".into()));
    }
    ctx.clock.advance(body.advance_ms);
    // Run what came due before answering, so the caller sees its effects at once.
    let next_due_ms = crate::scheduler::run_due(&ctx).await?;
    ctx.scheduler_wake.notify_one();
    Ok(Json(ClockState {
        now_ms: ctx.clock.now_ms(),
        next_due_ms,
    }))
}
