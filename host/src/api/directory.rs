//! The directory: who I am, the projects, and (for site admins) changing users, projects,
//! roles, groups and companies. Identity is the host's own business; the plugin hears of
//! each change (see `directory.rs`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::SignedIn;
use super::context::ApiContext;
use super::error::{ApiError, ApiErrors, ApiJson, ApiPath, ApiResult, current_request_id};
use super::params::ProjectPath;
use crate::contract::helpdesk::chat::directory::{Project, User};
use crate::contract::helpdesk::chat::types::ProjectRole;
use crate::storage::{NamedKind, NamedSet};

/// The directory routes.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(projects))
        .routes(routes!(list_users, create_user))
        .routes(routes!(create_project))
        .routes(routes!(set_browse))
        .routes(routes!(set_roles))
        .routes(routes!(list_groups, create_group))
        .routes(routes!(list_companies, create_company))
}

/// `access-denied` unless `user` is a licensed member of the site (not a portal-only
/// customer): members use the directory, issues and team chat.
pub fn require_member(user: &User) -> Result<(), ApiError> {
    if user.member {
        Ok(())
    } else {
        Err(ApiError::AccessDenied("only members of the site may do this".into()))
    }
}

/// `access-denied` unless `user` is a site admin: only they change the directory.
pub fn require_site_admin(user: &User) -> Result<(), ApiError> {
    if user.site_admin {
        Ok(())
    } else {
        Err(ApiError::AccessDenied("only site admins change the directory".into()))
    }
}

/// A project with the viewer's roles in it.
#[derive(Serialize, ToSchema)]
pub struct ProjectWithRoles {
    /// The project's key.
    pub key: String,
    /// The project's name.
    pub name: String,
    /// The viewer's roles in the project; empty when they hold none.
    pub roles: Vec<ProjectRole>,
}

/// `GET /me`.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// The logged-in user.
    pub user: User,
    /// Every project of the site, each with the user's roles in it (for a customer, only
    /// the projects where they hold a role: customers reach a help center by its link).
    pub projects: Vec<ProjectWithRoles>,
}

/// Who I am, and my roles in every project.
#[utoipa::path(get, path = "/me", tag = "directory", responses((status = OK, body = Me), ApiErrors))]
async fn me(State(api): State<ApiContext>, caller: SignedIn) -> ApiResult<Json<Me>> {
    let user = caller.user().clone();
    let id = user.id.clone();
    let (projects, roles) = api
        .site
        .db
        .read(move |slot| -> Result<_, ApiError> {
            let mut tx = slot.tx()?;
            Ok((tx.list_projects()?, tx.roles_of(&id)?))
        })
        .await?;
    let projects = projects
        .into_iter()
        .map(|project| ProjectWithRoles {
            roles: roles
                .iter()
                .filter(|(key, _)| *key == project.key)
                .map(|(_, role)| *role)
                .collect(),
            key: project.key,
            name: project.name,
        })
        .filter(|project| user.member || !project.roles.is_empty())
        .collect();
    Ok(Json(Me { user, projects }))
}

/// Every project of the site, for members; a customer sees only the projects where they
/// hold a role (none, usually: they reach a help center by its link).
#[utoipa::path(get, path = "/projects", tag = "directory", responses((status = OK, body = Vec<Project>), ApiErrors))]
async fn projects(State(api): State<ApiContext>, caller: SignedIn) -> ApiResult<Json<Vec<Project>>> {
    let member = caller.user().member;
    let id = caller.user().id.clone();
    let (projects, roles) = api
        .site
        .db
        .read(move |slot| -> Result<_, ApiError> {
            let mut tx = slot.tx()?;
            Ok((tx.list_projects()?, tx.roles_of(&id)?))
        })
        .await?;
    Ok(Json(
        projects
            .into_iter()
            .filter(|project| member || roles.iter().any(|(key, _)| *key == project.key))
            .collect(),
    ))
}

/// Every user of the site (members only).
#[utoipa::path(get, path = "/directory/users", tag = "directory", responses((status = OK, body = Vec<User>), ApiErrors))]
async fn list_users(State(api): State<ApiContext>, caller: SignedIn) -> ApiResult<Json<Vec<User>>> {
    require_member(caller.user())?;
    let users = api
        .site
        .db
        .read(|slot| -> Result<_, ApiError> { Ok(slot.tx()?.list_users()?) })
        .await?;
    Ok(Json(users))
}

/// `POST /directory/users` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// The new user's id: 1 to 64 letters, digits, `.`, `_`, `-` or `@`.
    pub id: String,
    /// The name other people see; 1 to 100 characters after trimming.
    pub display_name: String,
    /// Where e-mail to the user goes; must be an e-mail address.
    pub email: String,
    /// An IANA time zone name (for example `Europe/Oslo`); `UTC` when omitted.
    pub time_zone: Option<String>,
    /// A BCP 47 language tag (for example `nb-NO`); `en` when omitted.
    pub locale: Option<String>,
    /// Whether the user administers the whole site; false when omitted.
    #[serde(default)]
    pub site_admin: bool,
    /// A licensed user (false for a portal-only customer); true when omitted.
    #[serde(default = "yes")]
    pub member: bool,
    /// The initial password; at least 8 characters.
    pub password: String,
}

fn yes() -> bool {
    true
}

/// Adds a user (site admins only); the plugin hears of the registration.
#[utoipa::path(post, path = "/directory/users", tag = "directory", request_body = NewUser,
    responses((status = CREATED, body = User), ApiErrors))]
async fn create_user(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiJson(body): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<User>)> {
    require_site_admin(caller.user.as_ref().ok_or(ApiError::Unauthenticated)?)?;
    crate::validate::new_password(&body.password).map_err(ApiError::Invalid)?;
    let user = crate::directory::checked_user(User {
        id: body.id,
        display_name: body.display_name,
        email: body.email,
        time_zone: body.time_zone.unwrap_or_else(|| "UTC".into()),
        locale: body.locale.unwrap_or_else(|| "en".into()),
        site_admin: body.site_admin,
        member: body.member,
    })?;
    let hash = api.passwords.hash(body.password).await?;
    let user = api
        .site
        .directory
        .create_user(caller.context(None), current_request_id(), user, Some(hash))
        .await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Adds a project (site admins only).
#[utoipa::path(post, path = "/directory/projects", tag = "directory", request_body = Project,
    responses((status = CREATED, body = Project), ApiErrors))]
async fn create_project(
    State(api): State<ApiContext>,
    caller: SignedIn,
    ApiJson(project): ApiJson<Project>,
) -> ApiResult<(StatusCode, Json<Project>)> {
    require_site_admin(caller.user())?;
    let project = api.site.directory.create_project(project).await?;
    Ok((StatusCode::CREATED, Json(project)))
}

/// `PUT /directory/projects/{project}/browse` body.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BrowseBody {
    /// Whether every licensed member may browse the project's issues and their chats (true),
    /// or only its agents, its admins and site admins (false).
    pub members: bool,
}

/// Says who may browse a project's issues and their chats (site admins only). Open streams
/// of issue chats that a member may no longer read end at their next check.
#[utoipa::path(put, path = "/directory/projects/{project}/browse", tag = "directory", params(ProjectPath),
    request_body = BrowseBody, responses((status = OK, body = BrowseBody), ApiErrors))]
async fn set_browse(
    State(api): State<ApiContext>,
    caller: SignedIn,
    ApiPath(path): ApiPath<ProjectPath>,
    ApiJson(body): ApiJson<BrowseBody>,
) -> ApiResult<Json<BrowseBody>> {
    require_site_admin(caller.user())?;
    let members = body.members;
    let found = api
        .site
        .db
        .write(move |slot| -> Result<_, ApiError> { Ok(slot.tx()?.set_members_browse(&path.project, members)?) })
        .await?;
    if !found {
        return Err(ApiError::NotFound("no such project".into()));
    }
    Ok(Json(BrowseBody { members }))
}

/// `PUT /directory/projects/{project}/roles/{user}` body: exactly the roles to hold.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesBody {
    /// The roles (`agent`, `project-admin`); an empty list takes every role away.
    pub roles: Vec<ProjectRole>,
}

/// Sets exactly which roles a user holds in a project (site admins only); the plugin hears
/// of each role given and taken, in the same transaction.
#[utoipa::path(put, path = "/directory/projects/{project}/roles/{user}", tag = "directory",
    params(("project" = String, Path, description = "The project's key."), ("user" = String, Path, description = "The user's id.")),
    request_body = RolesBody, responses((status = OK, body = RolesBody), ApiErrors))]
async fn set_roles(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiPath((key, user)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<RolesBody>,
) -> ApiResult<Json<RolesBody>> {
    require_site_admin(caller.user.as_ref().ok_or(ApiError::Unauthenticated)?)?;
    let roles = api
        .site
        .directory
        .set_roles(caller.context(Some(&key)), current_request_id(), key, user, body.roles)
        .await?;
    Ok(Json(RolesBody { roles }))
}

async fn list_named(api: &ApiContext, caller: &SignedIn, kind: NamedKind) -> ApiResult<Json<Vec<NamedSet>>> {
    require_member(caller.user())?;
    let sets = api
        .site
        .db
        .read(move |slot| -> Result<_, ApiError> { Ok(slot.tx()?.list_named(kind)?) })
        .await?;
    Ok(Json(sets))
}

async fn create_named(
    api: &ApiContext,
    caller: SignedIn,
    kind: NamedKind,
    set: NamedSet,
) -> ApiResult<(StatusCode, Json<NamedSet>)> {
    require_site_admin(caller.user())?;
    let set = api
        .site
        .directory
        .create_named(caller.caller.context(None), current_request_id(), kind, set)
        .await?;
    Ok((StatusCode::CREATED, Json(set)))
}

/// Every group with its members (members only).
#[utoipa::path(get, path = "/directory/groups", tag = "directory", responses((status = OK, body = Vec<NamedSet>), ApiErrors))]
async fn list_groups(State(api): State<ApiContext>, caller: SignedIn) -> ApiResult<Json<Vec<NamedSet>>> {
    list_named(&api, &caller, NamedKind::Group).await
}

/// Adds a group with its members (site admins only); the plugin hears of each member.
#[utoipa::path(post, path = "/directory/groups", tag = "directory", request_body = NamedSet,
    responses((status = CREATED, body = NamedSet), ApiErrors))]
async fn create_group(
    State(api): State<ApiContext>,
    caller: SignedIn,
    ApiJson(set): ApiJson<NamedSet>,
) -> ApiResult<(StatusCode, Json<NamedSet>)> {
    create_named(&api, caller, NamedKind::Group, set).await
}

/// Every company with its members (members only).
#[utoipa::path(get, path = "/directory/companies", tag = "directory", responses((status = OK, body = Vec<NamedSet>), ApiErrors))]
async fn list_companies(State(api): State<ApiContext>, caller: SignedIn) -> ApiResult<Json<Vec<NamedSet>>> {
    list_named(&api, &caller, NamedKind::Company).await
}

/// Adds a company with its members (site admins only); the plugin hears of each member.
#[utoipa::path(post, path = "/directory/companies", tag = "directory", request_body = NamedSet,
    responses((status = CREATED, body = NamedSet), ApiErrors))]
async fn create_company(
    State(api): State<ApiContext>,
    caller: SignedIn,
    ApiJson(set): ApiJson<NamedSet>,
) -> ApiResult<(StatusCode, Json<NamedSet>)> {
    create_named(&api, caller, NamedKind::Company, set).await
}
