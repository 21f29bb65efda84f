//! Issues and their history: the tracker's own data, which issue chats (TC-5) and chats
//! that become issues (LC-11) write into through the plugin.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::ApiContext;
use super::error::{ApiError, ApiJson, ApiPath};
use super::session::{CurrentUser, require_member};
use crate::issues::{self, HistoryEntry, Issue, IssueError};

/// The issue routes.
pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/projects/{key}/issues", post(create_issue))
        .route("/issues/{key}", get(get_issue))
        .route("/issues/{key}/history", get(history))
}

impl From<IssueError> for ApiError {
    fn from(err: IssueError) -> Self {
        match err {
            IssueError::NotFound(m) => ApiError::NotFound(m),
            IssueError::Invalid(m) => ApiError::Invalid(m),
            IssueError::LimitExceeded(m) => ApiError::LimitExceeded(m),
            IssueError::Storage(e) => e.into(),
        }
    }
}

/// `POST /projects/{key}/issues` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewIssue {
    /// A one-line title; 1 to 255 characters after trimming.
    pub summary: String,
}

async fn create_issue(
    State(ctx): State<ApiContext>,
    CurrentUser(user): CurrentUser,
    ApiPath(project): ApiPath<String>,
    ApiJson(body): ApiJson<NewIssue>,
) -> Result<(StatusCode, Json<Issue>), ApiError> {
    require_member(&user)?;
    let issue = ctx
        .db
        .transact(move |scope| {
            Ok::<_, ApiError>(issues::create_issue(
                scope.conn()?,
                &project,
                &body.summary,
                Some(&user.id),
            )?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(issue)))
}

async fn get_issue(
    State(ctx): State<ApiContext>,
    CurrentUser(user): CurrentUser,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<Issue>, ApiError> {
    require_member(&user)?;
    let missing = format!("issue {key} does not exist");
    ctx.db
        .run(move |conn| issues::get_issue(conn, &key))
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound(missing))
}

/// `GET /issues/{key}/history` query.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// Only entries with a greater id (the last one seen); from the first entry when omitted.
    pub after: Option<i64>,
    /// The most entries to return: 100 when omitted, at most 500.
    pub limit: Option<u32>,
    /// `comment` shows the "comments only" view.
    pub kind: Option<String>,
}

async fn history(
    State(ctx): State<ApiContext>,
    CurrentUser(user): CurrentUser,
    ApiPath(key): ApiPath<String>,
    super::error::ApiQuery(query): super::error::ApiQuery<HistoryQuery>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    require_member(&user)?;
    if let Some(kind) = &query.kind
        && kind != "comment"
        && kind != "change"
    {
        return Err(ApiError::Invalid("kind: comment or change".into()));
    }
    let limit = query.limit.unwrap_or(100);
    let entries = ctx
        .db
        .transact(move |scope| {
            Ok::<_, ApiError>(issues::history(
                scope.conn()?,
                &key,
                query.after,
                limit,
                query.kind.as_deref(),
            )?)
        })
        .await?;
    Ok(Json(entries))
}
