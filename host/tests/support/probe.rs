//! The sandbox probe's bindings and loader, shared by the sandbox tests and the benchmark.

use helpdesk_host::runtime::Sandbox;
use helpdesk_host::runtime::capabilities::CHAT_PLUGIN_GRANTS;
use helpdesk_host::runtime::host_state::HostState;

wasmtime::component::bindgen!({
    world: "sandbox-probe",
    path: "../wit",
    with: {
        "helpdesk:chat/types": helpdesk_host::runtime::bindings::helpdesk::chat::types,
        "helpdesk:chat/storage": helpdesk_host::runtime::bindings::helpdesk::chat::storage,
        "helpdesk:chat/issues": helpdesk_host::runtime::bindings::helpdesk::chat::issues,
        "helpdesk:chat/mail": helpdesk_host::runtime::bindings::helpdesk::chat::mail,
    },
});

/// The probe, compiled and pre-instantiated in a host's sandbox.
pub type ProbePre = SandboxProbePre<HostState>;

/// Loads the probe built by `build.rs` into `sandbox`, with the chat plugin's grants.
pub fn load_probe(sandbox: &Sandbox, cache_dir: Option<&std::path::Path>) -> ProbePre {
    let wasm = std::fs::read(env!("HELPDESK_PROBE_WASM")).expect("the probe component was built");
    let component = sandbox.load_component(&wasm, cache_dir, CHAT_PLUGIN_GRANTS).unwrap();
    ProbePre::new(sandbox.linker().instantiate_pre(&component).unwrap()).unwrap()
}
