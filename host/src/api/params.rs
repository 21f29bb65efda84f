//! Path parameters shared by several routes, described once for the OpenAPI document.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A route under one project.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProjectPath {
    /// The project's key (for example `SUP`).
    pub key: String,
}

/// A route under one issue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IssuePath {
    /// The issue's key (for example `SUP-12`).
    pub key: String,
}

/// A route under one user of the directory.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UserPath {
    /// The user's id (for example `alice`).
    pub id: String,
}

/// The query of a chat's messages (live chat and team chat).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MessagesQuery {
    /// Only messages before this number; the latest when omitted.
    pub before: Option<u64>,
    /// Messages per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
}

/// The body of a new message (live chat and team chat).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostMessage {
    /// An id the client chose for this message (1 to 64 letters, digits, `-`, `_`): a retry
    /// with the same id stores nothing new.
    pub client_id: String,
    /// Plain text, 1 to 4,000 characters.
    pub body: String,
}
