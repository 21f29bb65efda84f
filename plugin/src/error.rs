//! The plugin's error: one case per stable code of the WIT `error` variant, and its
//! conversions to and from that variant.

use std::fmt;

/// An error a rule returns; the WIT glue turns it into the WIT `error` the host sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginError {
    /// The thing named does not exist.
    NotFound(String),
    /// Nobody is logged in, or the actor lacks the permission.
    AccessDenied(String),
    /// The input is malformed or out of range.
    Invalid(String),
    /// The request contradicts the current state.
    Conflict(String),
    /// A size or count limit was hit.
    LimitExceeded(String),
    /// Done too often: the message, and whole seconds until trying again may work.
    RateLimited(String, u32),
    /// A host capability failed; the call is rolled back.
    Unavailable(String),
}

impl PluginError {
    /// The stable code of this error, as clients see it.
    pub fn code(&self) -> &'static str {
        match self {
            PluginError::NotFound(_) => "not-found",
            PluginError::AccessDenied(_) => "access-denied",
            PluginError::Invalid(_) => "invalid",
            PluginError::Conflict(_) => "conflict",
            PluginError::LimitExceeded(_) => "limit-exceeded",
            PluginError::RateLimited(..) => "rate-limited",
            PluginError::Unavailable(_) => "unavailable",
        }
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        match self {
            PluginError::NotFound(m)
            | PluginError::AccessDenied(m)
            | PluginError::Invalid(m)
            | PluginError::Conflict(m)
            | PluginError::LimitExceeded(m)
            | PluginError::RateLimited(m, _)
            | PluginError::Unavailable(m) => m,
        }
    }
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for PluginError {}

/// The result type of every rule.
pub type PluginResult<T> = Result<T, PluginError>;

use crate::bindings::helpdesk::chat::types::{Error as WitError, RateLimit};

impl From<WitError> for PluginError {
    fn from(err: WitError) -> Self {
        match err {
            WitError::NotFound(m) => PluginError::NotFound(m),
            WitError::AccessDenied(m) => PluginError::AccessDenied(m),
            WitError::Invalid(m) => PluginError::Invalid(m),
            WitError::Conflict(m) => PluginError::Conflict(m),
            WitError::LimitExceeded(m) => PluginError::LimitExceeded(m),
            WitError::RateLimited(limit) => PluginError::RateLimited(limit.message, limit.retry_after_secs),
            WitError::Unavailable(m) => PluginError::Unavailable(m),
        }
    }
}

impl From<PluginError> for WitError {
    fn from(err: PluginError) -> Self {
        match err {
            PluginError::NotFound(m) => WitError::NotFound(m),
            PluginError::AccessDenied(m) => WitError::AccessDenied(m),
            PluginError::Invalid(m) => WitError::Invalid(m),
            PluginError::Conflict(m) => WitError::Conflict(m),
            PluginError::LimitExceeded(m) => WitError::LimitExceeded(m),
            PluginError::RateLimited(message, retry_after_secs) => WitError::RateLimited(RateLimit {
                message,
                retry_after_secs,
            }),
            PluginError::Unavailable(m) => WitError::Unavailable(m),
        }
    }
}

impl PluginError {
    /// The same error with `context` in front of its message, for example the topic that
    /// was refused.
    pub fn in_context(self, context: &str) -> PluginError {
        let prefix = |m: String| format!("{context}: {m}");
        match self {
            PluginError::NotFound(m) => PluginError::NotFound(prefix(m)),
            PluginError::AccessDenied(m) => PluginError::AccessDenied(prefix(m)),
            PluginError::Invalid(m) => PluginError::Invalid(prefix(m)),
            PluginError::Conflict(m) => PluginError::Conflict(prefix(m)),
            PluginError::LimitExceeded(m) => PluginError::LimitExceeded(prefix(m)),
            PluginError::RateLimited(m, secs) => PluginError::RateLimited(prefix(m), secs),
            PluginError::Unavailable(m) => PluginError::Unavailable(prefix(m)),
        }
    }
}
