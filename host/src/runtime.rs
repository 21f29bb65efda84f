//! Running the plugin component: wasmtime with the component model, one engine, a
//! pre-instantiated component, and a fresh store per call with time and memory limits
//! (SPEC PL-2, PL-4, PL-5).

pub mod bindings;
pub mod capabilities;
pub mod host_state;
pub mod imports;
pub mod plugin;
pub mod sandbox;

pub use plugin::{CallError, ChatPluginRuntime};
pub use sandbox::{Sandbox, SandboxLimits};
