//! Moving the host clock, for tests only (`--test-clock`): time-dependent behaviour is
//! tested by moving time, never by sleeping.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::context::ApiContext;
use super::error::{ApiError, ApiErrors, ApiJson, ApiResult};

/// The test clock route.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(advance))
}

/// `POST /test/clock` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    /// How far to move the clock forward, in milliseconds (0 to 366 days).
    pub advance_ms: i64,
}

/// `POST /test/clock` answer.
#[derive(Serialize, ToSchema)]
pub struct ClockState {
    /// The host clock's time after the move (ms since the epoch).
    pub now_ms: i64,
    /// When the plugin's next wake-up is due, after running everything due now.
    pub next_due_ms: Option<i64>,
}

/// The most scheduler runs one move makes before answering (a backlog asks for a run at once).
const MAX_RUNS: usize = 100;

/// Moves the host clock forward and runs everything that came due (the plugin's wake-ups
/// and the host's housekeeping), before answering, so the caller sees its effects at once. Only on a host started with `--test-clock`.
#[utoipa::path(post, path = "/test/clock", tag = "testing", request_body = Advance,
    responses((status = OK, body = ClockState), ApiErrors))]
async fn advance(State(api): State<ApiContext>, ApiJson(body): ApiJson<Advance>) -> ApiResult<Json<ClockState>> {
    if !api.settings.test_clock {
        return Err(ApiError::NotFound(
            "the test clock is off; start the host with --test-clock".into(),
        ));
    }
    if !(0..=366 * 24 * 60 * 60 * 1000).contains(&body.advance_ms) {
        return Err(ApiError::Invalid("advance_ms: from 0 to one year".into()));
    }
    api.site.clock.advance(body.advance_ms);
    // What a moved clock put past its retention goes at once, as it would have with time,
    // and activity held back is told once its minute is over (PR-9).
    api.site.scheduler.housekeeping().await?;
    super::caller::tell_held_activity(&api).await;
    let mut next_due_ms = None;
    for _ in 0..MAX_RUNS {
        next_due_ms = api.site.scheduler.run_due().await?;
        if next_due_ms.is_none_or(|at| at > api.site.clock.now_ms()) {
            break;
        }
    }
    Ok(Json(ClockState {
        now_ms: api.site.clock.now_ms(),
        next_due_ms,
    }))
}
