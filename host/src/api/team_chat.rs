//! Team chat (SPEC TC-1 … TC-10, PR-14): the routes the WIT binds (`@http` in
//! `wit/team-chat.wit`, generated), the people list (the host hands the plugin its
//! directory's members) and the trace's search and export.

pub mod trace;

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::SignedIn;
use super::context::ApiContext;
use super::error::{ApiError, ApiErrors, ApiResult};
use crate::contract::exports::helpdesk::chat::team_chat::Person;
use crate::runtime::Access;

/// The routes generated from `wit/team-chat.wit`.
mod generated {
    include!(concat!(env!("OUT_DIR"), "/routes_team_chat.rs"));
}

/// The team chat routes.
pub fn router() -> OpenApiRouter<ApiContext> {
    generated::generated_router()
        .routes(routes!(people))
        .merge(trace::router())
}

/// The people of team chat with their status, online ones first, then by name (TC-8,
/// PR-14). The host offers every user of its directory; the plugin says who is in team
/// chat and how they are.
#[utoipa::path(get, path = "/team-chat/people", tag = "team-chat",
    responses((status = OK, body = Vec<Person>), ApiErrors))]
async fn people(State(api): State<ApiContext>, SignedIn { caller, .. }: SignedIn) -> ApiResult<Json<Vec<Person>>> {
    let users: Vec<String> = api
        .site
        .db
        .read(|slot| -> Result<_, ApiError> { Ok(slot.tx()?.list_users()?) })
        .await?
        .into_iter()
        .filter(|user| user.member)
        .map(|user| user.id)
        .collect();
    api.call(Access::Read, caller.context(None), move |plugin, store, ctx| {
        plugin.helpdesk_chat_team_chat().call_people(store, ctx, &users)
    })
    .await
    .map(Json)
}
