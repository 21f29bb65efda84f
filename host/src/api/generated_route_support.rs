//! What the routes generated from the WIT (`@http` edges, SPEC PL-9) use, in one place, so
//! the generator names a single module: the context, the extractors, the answer types, the
//! read or write mode and the request limits.

pub use axum::Json;
pub use axum::extract::State;
pub use axum::http::StatusCode;
pub use utoipa_axum::router::OpenApiRouter;
pub use utoipa_axum::routes;

pub use super::caller::{Caller, SignedIn};
pub use super::context::ApiContext;
pub use super::error::{ApiErrors, ApiJson, ApiPath, ApiQuery, ApiResult};
pub use super::request_limits::Frequent;
pub use crate::runtime::Access;
