//! The directory: who I am, the projects, and (for site admins) changing users, projects
//! and roles. Identity is the host's own business, so these rules live here.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::ApiContext;
use super::error::{ApiError, ApiJson, ApiPath, current_request_id};
use super::session::{CurrentUser, require_member, require_site_admin};
use super::validate;
use crate::auth;
use crate::directory::{self, NamedKind, NamedSet, Project, Role, User};
use crate::runtime::plugin::call_context;

/// The directory routes.
pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/me", get(me))
        .route("/projects", get(projects))
        .route("/directory/users", get(list_users).post(create_user))
        .route("/directory/projects", post(create_project))
        .route("/directory/projects/{key}/roles/{user}", put(set_roles))
        .route(
            "/directory/groups",
            get(|ctx: State<ApiContext>, user: CurrentUser| list_named(ctx, user, NamedKind::Group)).post(
                |ctx: State<ApiContext>, admin: CurrentUser, body: ApiJson<NamedSet>| {
                    create_named(ctx, admin, NamedKind::Group, body)
                },
            ),
        )
        .route(
            "/directory/companies",
            get(|ctx: State<ApiContext>, user: CurrentUser| list_named(ctx, user, NamedKind::Company)).post(
                |ctx: State<ApiContext>, admin: CurrentUser, body: ApiJson<NamedSet>| {
                    create_named(ctx, admin, NamedKind::Company, body)
                },
            ),
        )
}

/// A project with the viewer's roles in it.
#[derive(Serialize)]
pub struct ProjectWithRoles {
    /// The project's key.
    pub key: String,
    /// The project's name.
    pub name: String,
    /// The viewer's roles in the project; empty when they hold none.
    pub roles: Vec<Role>,
}

/// `GET /me`.
#[derive(Serialize)]
pub struct Me {
    /// The logged-in user.
    pub user: User,
    /// Every project of the site, each with the user's roles in it.
    pub projects: Vec<ProjectWithRoles>,
}

async fn me(State(ctx): State<ApiContext>, CurrentUser(user): CurrentUser) -> Result<Json<Me>, ApiError> {
    let id = user.id.clone();
    let (projects, roles) = ctx
        .db
        .run(move |conn| Ok((directory::list_projects(conn)?, directory::roles_of(conn, &id)?)))
        .await?;
    let projects = projects
        .into_iter()
        .map(|p| {
            let roles = roles
                .iter()
                .filter(|(project, _)| *project == p.key)
                .map(|(_, role)| *role)
                .collect();
            ProjectWithRoles {
                key: p.key,
                name: p.name,
                roles,
            }
        })
        .collect();
    Ok(Json(Me { user, projects }))
}

async fn projects(State(ctx): State<ApiContext>, CurrentUser(_): CurrentUser) -> Result<Json<Vec<Project>>, ApiError> {
    Ok(Json(ctx.db.run(directory::list_projects).await?))
}

async fn list_users(
    State(ctx): State<ApiContext>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Vec<User>>, ApiError> {
    require_member(&user)?;
    Ok(Json(ctx.db.run(directory::list_users).await?))
}

/// `POST /directory/users` body.
#[derive(Deserialize)]
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

/// The shortest password accepted.
const MIN_PASSWORD_CHARS: usize = 8;

async fn create_user(
    State(ctx): State<ApiContext>,
    CurrentUser(admin): CurrentUser,
    ApiJson(body): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    require_site_admin(&admin)?;
    validate::user_id(&body.id).map_err(ApiError::Invalid)?;
    validate::display_name(&body.display_name).map_err(ApiError::Invalid)?;
    if !validate::is_email(&body.email) {
        return Err(ApiError::Invalid(format!(
            "email: {:?} is not an e-mail address",
            body.email
        )));
    }
    if body.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::Invalid(format!(
            "password: at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    let password = body.password.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    let user = User {
        id: body.id,
        display_name: body.display_name.trim().to_string(),
        email: body.email,
        time_zone: body.time_zone.unwrap_or_else(|| "UTC".into()),
        locale: body.locale.unwrap_or_else(|| "en".into()),
        site_admin: body.site_admin,
        member: body.member,
    };
    let stored = user.clone();
    let inserted = ctx
        .db
        .run(move |conn| directory::insert_user(conn, &stored, Some(&hash)))
        .await?;
    if !inserted {
        return Err(ApiError::Conflict(format!("a user with id {} exists", user.id)));
    }
    Ok((StatusCode::CREATED, Json(user)))
}

async fn create_project(
    State(ctx): State<ApiContext>,
    CurrentUser(admin): CurrentUser,
    ApiJson(project): ApiJson<Project>,
) -> Result<(StatusCode, Json<Project>), ApiError> {
    require_site_admin(&admin)?;
    validate::project_key(&project.key).map_err(ApiError::Invalid)?;
    validate::display_name(&project.name).map_err(|_| ApiError::Invalid("name: 1 to 100 characters".into()))?;
    let stored = project.clone();
    if !ctx.db.run(move |conn| directory::insert_project(conn, &stored)).await? {
        return Err(ApiError::Conflict(format!("a project with key {} exists", project.key)));
    }
    Ok((StatusCode::CREATED, Json(project)))
}

/// `PUT /directory/projects/{key}/roles/{user}` body: exactly the roles to hold.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RolesBody {
    /// The roles (`agent`, `project-admin`); an empty list takes every role away.
    pub roles: Vec<Role>,
}

async fn set_roles(
    State(ctx): State<ApiContext>,
    CurrentUser(admin): CurrentUser,
    ApiPath((key, user)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<RolesBody>,
) -> Result<Json<RolesBody>, ApiError> {
    require_site_admin(&admin)?;
    let roles = body.roles;
    let saved = roles.clone();
    let plugin = ctx.plugin.clone();
    let request_id = current_request_id();
    ctx.db
        .transact(move |scope| {
            let conn = scope.conn()?;
            if directory::get_project(conn, &key)?.is_none() {
                return Err(ApiError::NotFound(format!("project {key} does not exist")));
            }
            if directory::get_user(conn, &user)?.is_none() {
                return Err(ApiError::NotFound(format!("user {user} does not exist")));
            }
            let was_agent = directory::has_role(conn, &user, &key, Role::Agent)?;
            directory::set_roles(conn, &key, &user, &saved)?;
            if was_agent && !saved.contains(&Role::Agent) {
                // In the same transaction, so nobody ever sees a non-agent counted online.
                let call = call_context(Some(&admin.id), Some(&key));
                plugin.call_in(scope, &request_id, |p, store| {
                    p.helpdesk_chat_presence().call_agent_role_ended(store, &call, &user)
                })?;
            }
            Ok(())
        })
        .await?;
    Ok(Json(RolesBody { roles }))
}

/// Every group or company with its members.
async fn list_named(
    State(ctx): State<ApiContext>,
    CurrentUser(user): CurrentUser,
    kind: NamedKind,
) -> Result<Json<Vec<NamedSet>>, ApiError> {
    require_member(&user)?;
    Ok(Json(ctx.db.run(move |conn| directory::list_named(conn, kind)).await?))
}

/// Creates a group or company with its members, all or nothing.
async fn create_named(
    State(ctx): State<ApiContext>,
    CurrentUser(admin): CurrentUser,
    kind: NamedKind,
    ApiJson(set): ApiJson<NamedSet>,
) -> Result<(StatusCode, Json<NamedSet>), ApiError> {
    require_site_admin(&admin)?;
    validate::user_id(&set.id).map_err(ApiError::Invalid)?;
    validate::display_name(&set.name).map_err(|_| ApiError::Invalid("name: 1 to 100 characters".into()))?;
    let stored = set.clone();
    ctx.db
        .transact(move |scope| {
            let conn = scope.conn()?;
            let exists = match kind {
                NamedKind::Group => directory::get_group(conn, &stored.id)?,
                NamedKind::Company => directory::get_company(conn, &stored.id)?,
            };
            if exists.is_some() {
                return Err(ApiError::Conflict(format!("{} exists", stored.id)));
            }
            for member in &stored.members {
                if directory::get_user(conn, member)?.is_none() {
                    return Err(ApiError::NotFound(format!("members: user {member} does not exist")));
                }
            }
            let mut members = stored.members.clone();
            members.sort();
            members.dedup();
            directory::insert_named_with_members(conn, kind, &stored.id, stored.name.trim(), &members)?;
            Ok(())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(set)))
}
