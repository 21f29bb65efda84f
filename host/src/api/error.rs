//! The API's error: a stable code, a message and the request id, as JSON; and the
//! extractors whose rejections are such errors.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::{RefOr, ResponseBuilder};

use crate::contract::helpdesk::chat::types::Error as WitError;
use crate::directory::DirectoryError;
use crate::issues::IssueError;
use crate::runtime::CallError;
use crate::storage::{StorageFailure, StoreError};

tokio::task_local! {
    /// The id of the request being served, for error bodies and logs.
    pub static REQUEST_ID: String;
}

/// The current request's id (empty outside a request).
pub fn current_request_id() -> String {
    REQUEST_ID.try_with(Clone::clone).unwrap_or_default()
}

/// Everything an API handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Nobody is logged in (401 `unauthenticated`).
    #[error("log in first")]
    Unauthenticated,
    /// Logging in failed: wrong user or password (401 `bad_credentials`).
    #[error("{0}")]
    BadCredentials(String),
    /// The user is known but may not do this (403 `access_denied`).
    #[error("{0}")]
    AccessDenied(String),
    /// The thing named does not exist, or the caller may not know that it does (404 `not_found`).
    #[error("{0}")]
    NotFound(String),
    /// The input is malformed or out of range; the message says which field (400 `invalid`).
    #[error("{0}")]
    Invalid(String),
    /// The request contradicts the current state, for example a duplicate id (409 `conflict`).
    #[error("{0}")]
    Conflict(String),
    /// The route exists but not for this HTTP method (405 `method_not_allowed`, with `Allow`).
    #[error("{0}")]
    MethodNotAllowed(String),
    /// A size or count limit was hit (422 `limit_exceeded`).
    #[error("{0}")]
    LimitExceeded(String),
    /// The request body is larger than the server takes (413 `limit_exceeded`).
    #[error("{0}")]
    BodyTooLarge(String),
    /// Storage or another capability failed; nothing changed, try again later (503 `unavailable`).
    #[error("{0}")]
    Unavailable(String),
    /// Done too often (failed logins, chats started): the message, and the seconds after
    /// which trying again may work (429 `rate_limited`, with `Retry-After`).
    #[error("{0}")]
    RateLimited(String, u64),
    /// The host is busy: the request was refused at once rather than queued; try again
    /// after a second (503 `overloaded`, with `Retry-After`).
    #[error("the server is busy; nothing was changed, try again in a moment")]
    Overloaded,
    /// The request could not be served within its deadline; nothing was changed if it had
    /// not started (503 `timeout`, with `Retry-After`).
    #[error("the request took too long and was given up")]
    Timeout,
    /// The plugin ran out of time; the call was rolled back (503 `plugin_timeout`).
    #[error("the request took too long and was stopped; nothing was changed")]
    PluginTimeout,
    /// The plugin trapped; the call was rolled back (500 `plugin_fault`).
    #[error("the request failed inside the plugin; nothing was changed")]
    PluginFault,
    /// An unexpected host failure, logged with the request id (500 `internal`).
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// The HTTP status and the stable code clients match on.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            ApiError::BadCredentials(_) => (StatusCode::UNAUTHORIZED, "bad_credentials"),
            ApiError::AccessDenied(_) => (StatusCode::FORBIDDEN, "access_denied"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Invalid(_) => (StatusCode::BAD_REQUEST, "invalid"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::LimitExceeded(_) => (StatusCode::UNPROCESSABLE_ENTITY, "limit_exceeded"),
            ApiError::BodyTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "limit_exceeded"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::RateLimited(..) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::Overloaded => (StatusCode::SERVICE_UNAVAILABLE, "overloaded"),
            ApiError::Timeout => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
            ApiError::PluginTimeout => (StatusCode::SERVICE_UNAVAILABLE, "plugin_timeout"),
            ApiError::PluginFault => (StatusCode::INTERNAL_SERVER_ERROR, "plugin_fault"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// Failed logins (or registrations) from this account or address are held back for `wait`.
    pub fn too_many_logins(wait: std::time::Duration) -> ApiError {
        let seconds = wait.as_secs().max(1);
        ApiError::RateLimited(
            format!("too many failed logins; try again in {seconds} seconds"),
            seconds,
        )
    }
}

impl From<crate::password_work::PasswordWorkError> for ApiError {
    fn from(err: crate::password_work::PasswordWorkError) -> Self {
        use crate::password_work::PasswordWorkError;
        match err {
            PasswordWorkError::Busy => ApiError::Overloaded,
            PasswordWorkError::Stopped => ApiError::Unavailable("the host is stopping; try again".into()),
            PasswordWorkError::Failed => ApiError::Internal(anyhow::anyhow!(err)),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let request_id = current_request_id();
        if let ApiError::Internal(err) = &self {
            tracing::error!(request_id, error = format!("{err:#}"), "internal error");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message: self.to_string(),
                request_id,
            },
        };
        let mut response = (status, Json(body)).into_response();
        let retry_after = match self {
            ApiError::RateLimited(_, seconds) => Some(seconds),
            ApiError::Overloaded | ApiError::Timeout => Some(1),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl From<WitError> for ApiError {
    fn from(err: WitError) -> Self {
        match err {
            WitError::NotFound(m) => ApiError::NotFound(m),
            WitError::AccessDenied(m) => ApiError::AccessDenied(m),
            WitError::Invalid(m) => ApiError::Invalid(m),
            WitError::Conflict(m) => ApiError::Conflict(m),
            WitError::LimitExceeded(m) => ApiError::LimitExceeded(m),
            WitError::RateLimited(limit) => {
                ApiError::RateLimited(limit.message, u64::from(limit.retry_after_secs.max(1)))
            }
            WitError::Unavailable(m) => ApiError::Unavailable(m),
        }
    }
}

impl From<CallError> for ApiError {
    fn from(err: CallError) -> Self {
        match err {
            CallError::Plugin(e) => e.into(),
            CallError::Timeout => ApiError::PluginTimeout,
            CallError::Fault(_) => ApiError::PluginFault,
            CallError::Storage(failure) => failure.into(),
        }
    }
}

impl From<StorageFailure> for ApiError {
    fn from(failure: StorageFailure) -> Self {
        match failure {
            StorageFailure::Overloaded => ApiError::Overloaded,
            StorageFailure::DeadlinePassed => ApiError::Timeout,
            StorageFailure::Conflict => ApiError::Unavailable(
                "the change kept colliding with changes made at the same time on other nodes; \
                 nothing was changed, try again"
                    .into(),
            ),
            failure => {
                tracing::error!(request_id = current_request_id(), %failure, "storage failure");
                ApiError::Unavailable("storage is unavailable; nothing was changed, try again".into())
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Invalid(m) => ApiError::Invalid(m),
            StoreError::LimitExceeded(m) => ApiError::LimitExceeded(m),
            failure => ApiError::from(StorageFailure::from(failure)),
        }
    }
}

impl From<DirectoryError> for ApiError {
    fn from(err: DirectoryError) -> Self {
        match err {
            DirectoryError::NotFound(m) => ApiError::NotFound(m),
            DirectoryError::Invalid(m) => ApiError::Invalid(m),
            DirectoryError::Conflict(m) => ApiError::Conflict(m),
            DirectoryError::Plugin(err) => err.into(),
            DirectoryError::Storage(failure) => failure.into(),
        }
    }
}

impl From<IssueError> for ApiError {
    fn from(err: IssueError) -> Self {
        match err {
            IssueError::NotFound(m) => ApiError::NotFound(m),
            IssueError::Invalid(m) => ApiError::Invalid(m),
            IssueError::LimitExceeded(m) => ApiError::LimitExceeded(m),
            IssueError::Store(err) => err.into(),
        }
    }
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong, for clients and for people.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// The stable code clients match on: `unauthenticated`, `bad_credentials`,
    /// `access_denied`, `not_found`, `invalid`, `conflict`, `method_not_allowed`, `limit_exceeded`,
    /// `unavailable`, `rate_limited`, `overloaded`, `timeout`, `plugin_timeout`,
    /// `plugin_fault` or `internal`.
    pub code: &'static str,
    /// What happened, in words; for a refused input it names the field and why.
    pub message: String,
    /// The request's id, as in the `x-request-id` header and the host's log.
    pub request_id: String,
}

/// The error answers every route may give, for the OpenAPI document.
pub struct ApiErrors;

impl utoipa::IntoResponses for ApiErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        let response = ResponseBuilder::new()
            .description(
                "An error: the HTTP status and `error.code` say which (see `ErrorDetail`); a refused \
                 request changed nothing. `429` and `503` answers carry `Retry-After`.",
            )
            .content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ErrorBody"))))
                    .build(),
            )
            .build();
        BTreeMap::from([("default".to_string(), RefOr::T(response))])
    }
}

/// What every handler returns.
pub type ApiResult<T> = Result<T, ApiError>;

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::BodyTooLarge("body: larger than this server takes".into())
            }
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::Invalid("body: send it as JSON, with Content-Type: application/json".into())
            }
            JsonRejection::JsonSyntaxError(_) => ApiError::Invalid("body: this is not well-formed JSON".into()),
            JsonRejection::JsonDataError(err) => ApiError::Invalid(format!("body: {}", in_words(&err.body_text()))),
            other => ApiError::Invalid(format!("body: {}", in_words(&other.body_text()))),
        }
    }
}

/// A JSON decoding error as a person reads it: which field, and what it should be, without
/// the decoder's wording ("expected u32", "Failed to deserialize", line and column).
pub fn in_words(decoder: &str) -> String {
    let text = decoder
        .trim_start_matches("Failed to deserialize the JSON body into the target type: ")
        .trim_start_matches("Failed to deserialize query string: ")
        .trim_start_matches("Failed to deserialize query string. Error: ");
    let text = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => text,
    };
    let (mut field, problem) = match text.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => (Some(path), rest),
        _ => (None, text),
    };
    let problem = if let Some(rest) = problem.strip_prefix("missing field ") {
        format!("{} is missing", rest.trim_matches('`'))
    } else if let Some(rest) = problem.strip_prefix("unknown field ") {
        // The decoder's path is the unknown field itself: say it once.
        field = field.filter(|path| path.contains('.'));
        let name = rest.split('`').nth(1).unwrap_or(rest);
        format!("{name:?} is not a field of this request")
    } else if let Some(rest) = problem.strip_prefix("invalid type: ") {
        match rest.split_once(", expected ") {
            Some((got, wanted)) => format!("must be {}, not {}", kind_in_words(wanted), got),
            None => format!("has the wrong type ({rest})"),
        }
    } else if let Some(rest) = problem.strip_prefix("invalid value: ") {
        match rest.split_once(", expected ") {
            Some((got, wanted)) => format!("must be {}, not {}", kind_in_words(wanted), got),
            None => format!("has a wrong value ({rest})"),
        }
    } else if let Some(rest) = problem.strip_prefix("unknown variant ") {
        let name = rest.split('`').nth(1).unwrap_or(rest);
        let allowed = rest.split("expected ").nth(1).unwrap_or_default();
        format!("{name:?} is not one of the allowed values ({allowed})")
    } else {
        problem.to_string()
    };
    match field {
        Some(field) => format!("{field}: {problem}"),
        None => problem,
    }
}

/// A decoder's type name in words.
fn kind_in_words(wanted: &str) -> String {
    match wanted.trim() {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a string" | "a borrowed string" => "text".into(),
        "a boolean" => "true or false".into(),
        "a sequence" => "a list".into(),
        "a JSON object" => "a JSON object ({\"field\": value, …})".into(),
        other => other.trim_start_matches("struct ").to_string(),
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::Invalid(format!("path: {}", rejection.body_text()))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::Invalid(format!("query: {}", in_words(&rejection.body_text())))
    }
}

/// A JSON request body, which must be a JSON object (every body of this API is one; serde
/// would otherwise take a list for a record, field by field), with rejections as
/// [`ApiError`]s in words.
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(JsonObject(value)) = axum::Json::<JsonObject<T>>::from_request(request, state).await?;
        Ok(ApiJson(value))
    }
}

/// A `T` read only from a JSON object.
struct JsonObject<T>(T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for JsonObject<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectOnly<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for ObjectOnly<T> {
            type Value = T;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer
            .deserialize_map(ObjectOnly(std::marker::PhantomData))
            .map(JsonObject)
    }
}

/// `Query` whose rejections are [`ApiError`]s.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `Path` whose rejections are [`ApiError`]s.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pl_7_decoding_errors_are_told_in_words() {
        assert_eq!(
            in_words(
                "Failed to deserialize the JSON body into the target type: limit: invalid type: string \"x\", expected u32 at line 1 column 12"
            ),
            "limit: must be a whole number, 0 or more, not string \"x\""
        );
        assert_eq!(
            in_words(
                "Failed to deserialize the JSON body into the target type: missing field `body` at line 1 column 2"
            ),
            "body is missing"
        );
        assert_eq!(
            in_words(
                "Failed to deserialize the JSON body into the target type: unknown field `bdy`, expected `client_id` or `body` at line 1 column 7"
            ),
            "\"bdy\" is not a field of this request"
        );
        assert_eq!(
            in_words(
                "Failed to deserialize the JSON body into the target type: typing: invalid type: integer `1`, expected a boolean at line 1 column 11"
            ),
            "typing: must be true or false, not integer `1`"
        );
    }

    #[test]
    fn pl_5_faults_and_timeouts_become_stable_http_errors() {
        let cases = [
            (
                ApiError::from(CallError::Timeout),
                StatusCode::SERVICE_UNAVAILABLE,
                "plugin_timeout",
            ),
            (
                ApiError::from(CallError::Fault("trap".into())),
                StatusCode::INTERNAL_SERVER_ERROR,
                "plugin_fault",
            ),
            (
                ApiError::from(CallError::Plugin(WitError::Invalid("x".into()))),
                StatusCode::BAD_REQUEST,
                "invalid",
            ),
            (
                ApiError::from(CallError::Plugin(WitError::Conflict("x".into()))),
                StatusCode::CONFLICT,
                "conflict",
            ),
            (
                ApiError::from(CallError::Storage(StorageFailure::WorkerStopped)),
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
            ),
            (
                ApiError::from(StorageFailure::Overloaded),
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
            ),
            (
                ApiError::from(StorageFailure::DeadlinePassed),
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
            ),
        ];
        for (error, status, code) in cases {
            assert_eq!(error.status_and_code(), (status, code));
        }
    }
}
