//! Running the plugin component: wasmtime with the component model, one engine, a
//! pre-instantiated component granted what its manifest declares, and a fresh store per call
//! with time and memory limits (SPEC PL-2, PL-4, PL-5).

pub mod by_name;
pub mod capabilities;
pub mod host_state;
pub mod imports;
pub mod plugin;
pub mod sandbox;

pub use plugin::{Access, ChatPluginRuntime, Export, system_context};
pub use sandbox::CallError;
pub use sandbox::{Sandbox, SandboxLimits};
