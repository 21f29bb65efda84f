//! Running the plugin component: wasmtime with the component model, one engine, a
//! pre-instantiated component granted what its manifest declares, and a fresh store per call
//! with time and memory limits (SPEC PL-2, PL-4, PL-5).

pub mod capabilities;
pub mod host_state;
pub mod imports;
pub mod plugin;
pub mod sandbox;

pub use plugin::{Access, ChatPluginRuntime, Export, system_context};
pub use sandbox::CallError;
pub use sandbox::{Sandbox, SandboxLimits};

use crate::contract::helpdesk::chat::types::Error as WitError;

/// A WIT error's stable code, as the plugin named it.
pub fn wit_error_code(error: &WitError) -> &'static str {
    match error {
        WitError::NotFound(_) => "not-found",
        WitError::AccessDenied(_) => "access-denied",
        WitError::Invalid(_) => "invalid",
        WitError::Conflict(_) => "conflict",
        WitError::LimitExceeded(_) => "limit-exceeded",
        WitError::Unavailable(_) => "unavailable",
    }
}

/// A WIT error's message, with its code in front.
pub fn wit_error_message(error: &WitError) -> String {
    let message = match error {
        WitError::NotFound(m)
        | WitError::AccessDenied(m)
        | WitError::Invalid(m)
        | WitError::Conflict(m)
        | WitError::LimitExceeded(m)
        | WitError::Unavailable(m) => m,
    };
    format!("{}: {message}", wit_error_code(error))
}
