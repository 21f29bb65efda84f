//! Issues and their history: the tracker's own data, which issue chats (TC-5) and chats
//! that become issues (LC-11) write into through the plugin.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::SignedIn;
use super::context::ApiContext;
use super::directory::require_member;
use super::error::{ApiError, ApiErrors, ApiJson, ApiPath, ApiQuery, ApiResult};
use super::params::{IssuePath, ProjectPath};
use crate::contract::helpdesk::chat::issues::{HistoryEntry, HistoryKind, Issue};
use crate::issues;

/// The issue routes.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_issues))
        .routes(routes!(create_issue))
        .routes(routes!(get_issue))
        .routes(routes!(history))
}

/// `GET /issues` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IssuesQuery {
    /// Only this project's issues.
    pub project: Option<String>,
    /// The most issues to return: 100 when omitted, at most 500.
    pub limit: Option<u32>,
}

/// Issues, newest first, of one project or of all those the caller may browse (members
/// only: a project's staff, and every member where the project is open to members).
#[utoipa::path(get, path = "/issues", tag = "issues", params(IssuesQuery),
    responses((status = OK, body = Vec<Issue>), ApiErrors))]
async fn list_issues(
    State(api): State<ApiContext>,
    caller: SignedIn,
    ApiQuery(query): ApiQuery<IssuesQuery>,
) -> ApiResult<Json<Vec<Issue>>> {
    require_member(caller.user())?;
    let limit = query.limit.unwrap_or(100).min(issues::MAX_HISTORY_PAGE);
    let user = caller.user().clone();
    let found = api
        .site
        .db
        .read(move |slot| -> Result<_, ApiError> {
            let mut tx = slot.tx()?;
            let projects = match &query.project {
                Some(project) if issues::may_browse(&mut *tx, &user, project)? => vec![project.clone()],
                Some(project) => return Err(unknown_project(project)),
                None => issues::browsable_projects(&mut *tx, &user)?,
            };
            Ok(tx.list_issues(&projects, limit)?)
        })
        .await?;
    Ok(Json(found))
}

/// `POST /projects/{project}/issues` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIssue {
    /// A one-line title; 1 to 255 characters after trimming.
    pub summary: String,
}

/// Creates an issue in the project (members only).
#[utoipa::path(post, path = "/projects/{project}/issues", tag = "issues", params(ProjectPath), request_body = NewIssue,
    responses((status = CREATED, body = Issue), ApiErrors))]
async fn create_issue(
    State(api): State<ApiContext>,
    caller: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(body): ApiJson<NewIssue>,
) -> ApiResult<(StatusCode, Json<Issue>)> {
    require_member(caller.user())?;
    let reporter = caller.user().id.clone();
    let user = caller.user().clone();
    let issue = api
        .site
        .db
        .write(move |slot| -> Result<_, ApiError> {
            if !issues::may_browse(&mut *slot.tx()?, &user, &path.project)? {
                return Err(unknown_project(&path.project));
            }
            Ok(issues::create_issue(
                &mut *slot.tx()?,
                &path.project,
                &body.summary,
                Some(&reporter),
            )?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(issue)))
}

/// One issue (members only).
#[utoipa::path(get, path = "/issues/{issue}", tag = "issues", params(IssuePath), responses((status = OK, body = Issue), ApiErrors))]
async fn get_issue(
    State(api): State<ApiContext>,
    caller: SignedIn,
    ApiPath(path): ApiPath<IssuePath>,
) -> ApiResult<Json<Issue>> {
    require_member(caller.user())?;
    let missing = format!("issue {} does not exist", path.issue);
    let user = caller.user().id.clone();
    api.site
        .db
        .read(move |slot| -> Result<_, ApiError> {
            let mut tx = slot.tx()?;
            if !issues::may_see_issue(&mut *tx, &user, &path.issue)? {
                return Ok(None);
            }
            Ok(tx.issue(&path.issue)?)
        })
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound(missing))
}

/// `GET /issues/{issue}/history` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// Only entries with a greater id (the last one seen); from the first entry when omitted.
    pub after: Option<u64>,
    /// The most entries to return: 100 when omitted, at most 500.
    pub limit: Option<u32>,
    /// `comment` for the "comments only" view, `change` for change records only.
    #[param(value_type = Option<String>)]
    pub kind: Option<HistoryKind>,
}

/// An issue's history, oldest first; `kind=comment` is the "comments only" view (members only).
#[utoipa::path(get, path = "/issues/{issue}/history", tag = "issues", params(IssuePath, HistoryQuery),
    responses((status = OK, body = Vec<HistoryEntry>), ApiErrors))]
async fn history(
    State(api): State<ApiContext>,
    caller: SignedIn,
    ApiPath(path): ApiPath<IssuePath>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    require_member(caller.user())?;
    let user = caller.user().id.clone();
    let entries = api
        .site
        .db
        .read(move |slot| -> Result<_, ApiError> {
            if !issues::may_see_issue(&mut *slot.tx()?, &user, &path.issue)? {
                return Err(ApiError::NotFound(format!("issue {} does not exist", path.issue)));
            }
            Ok(issues::history(
                &mut *slot.tx()?,
                &path.issue,
                query.after,
                query.limit.unwrap_or(100),
                query.kind,
            )?)
        })
        .await?;
    Ok(Json(entries))
}

/// What a caller told about a project they may not browse hears: that it does not exist.
fn unknown_project(project: &str) -> ApiError {
    ApiError::NotFound(format!("project {project} does not exist"))
}
