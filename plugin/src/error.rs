//! The plugin's error: one case per stable code of the WIT `error` variant.

use std::fmt;

/// An error a rule returns; `lib.rs` turns it into the WIT `error` the host sees.
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
