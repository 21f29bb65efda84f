//! Path parameters shared by several routes, described once for the OpenAPI document.

use serde::Deserialize;
use utoipa::IntoParams;

/// A route under one project.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProjectPath {
    /// The project's key (for example `SUP`).
    pub project: String,
}

/// A route under one issue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IssuePath {
    /// The issue's key (for example `SUP-12`).
    pub issue: String,
}

/// A route under one user of the directory.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UserPath {
    /// The user's id (for example `alice`).
    pub id: String,
}
