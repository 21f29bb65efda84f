//! Builds the plugin component (and the sandbox probe the tests load) for `wasm32-wasip2`,
//! so that a plain `cargo run -p helpdesk-host` or `cargo test` needs nothing else; and
//! generates, from `wit/`, the REST routes the WIT binds, the stream events table, every
//! export by name and the older contract's imports, so none of them is written by hand.
//!
//! The nested cargo uses its own target directory: sharing the outer build's would
//! deadlock on cargo's build-directory lock.

use std::path::{Path, PathBuf};
use std::process::Command;

const WASM_TARGET: &str = "wasm32-wasip2";
const PROFILE: &str = "plugin";

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir
        .parent()
        .expect("the host crate sits in the workspace")
        .to_path_buf();
    for watched in [
        "plugin/src",
        "plugin/build.rs",
        "plugin/Cargo.toml",
        "probe/src",
        "probe/build.rs",
        "probe/wit",
        "probe/Cargo.toml",
        "wit",
        "Cargo.lock",
        "Cargo.toml",
        // The pages are embedded file by file; a file added must rebuild the host too.
        "host/web",
    ] {
        println!("cargo:rerun-if-changed={}", workspace.join(watched).display());
    }
    generate_record_views(&workspace);

    let target_dir = workspace.join("target").join("plugin-build");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(&workspace)
        .args([
            "build",
            "--package",
            "helpdesk-chat-plugin",
            "--package",
            "helpdesk-sandbox-probe",
        ])
        .args(["--target", WASM_TARGET, "--profile", PROFILE])
        .arg("--target-dir")
        .arg(&target_dir)
        // The outer build's flags are for the host's target, not for wasm.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .stdout(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .status()
        .expect("running cargo to build the plugin component");
    if !status.success() {
        panic!(
            "building the plugin component failed ({status}); is the {WASM_TARGET} target installed? \
             `rustup toolchain install` in the workspace installs what rust-toolchain.toml lists"
        );
    }
    let out = target_dir.join(WASM_TARGET).join(PROFILE);
    export_path("HELPDESK_PLUGIN_WASM", &out.join("helpdesk_chat_plugin.wasm"));
    export_path("HELPDESK_PROBE_WASM", &out.join("helpdesk_sandbox_probe.wasm"));
}

fn export_path(name: &str, path: &Path) {
    assert!(path.exists(), "the build did not produce {}", path.display());
    println!("cargo:rustc-env={name}={}", path.display());
}

/// The host's own views of the contract: the stream events table, every export by name, the
/// REST routes the WIT binds, and the older contract's imports (the records' JSON form and
/// schemas are the contract crate's, `host/contract`).
fn generate_record_views(workspace: &Path) {
    let contract = helpdesk_wit_codegen::Contract::load(&[&workspace.join("wit")], "helpdesk:chat/chat-plugin")
        .unwrap_or_else(|err| panic!("reading the WIT contract: {err:#}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let write = |name: &str, text: String| {
        std::fs::write(out.join(name), text).unwrap_or_else(|err| panic!("writing {name}: {err}"));
    };
    let fail = |err: anyhow::Error| -> String { panic!("generating from the WIT contract: {err:#}") };
    write(
        "stream_events.rs",
        contract.stream_events_table("crate::contract").unwrap_or_else(fail),
    );
    // Every export by name, and the world described, for the contract flows a second host
    // runs too.
    write(
        "calls_by_name.rs",
        contract
            .calls_by_name(
                "crate::contract",
                "crate::contract::PluginInstance",
                "wasmtime::Store<crate::runtime::host_state::HostState>",
                "crate::contract::helpdesk::chat::types::CallContext",
                "crate::contract::helpdesk::chat::types::Error",
            )
            .unwrap_or_else(fail),
    );
    write("signatures.json", contract.signatures_json().unwrap_or_else(fail));
    generate_older_contract(workspace, &contract, &write);
    // Every export's edge is checked, bound or not; then the REST routes each feature's WIT
    // binds (`@http`) are generated with their OpenAPI paths.
    contract
        .edges()
        .unwrap_or_else(|err| panic!("the WIT's edges: {err:#}"));
    for interface in ["presence", "live-chat", "team-chat"] {
        write(
            &format!("routes_{}.rs", interface.replace('-', "_")),
            contract
                .http_routes(interface, "crate::contract", "crate::api::generated_route_support")
                .unwrap_or_else(fail),
        );
    }
}

/// The frozen `helpdesk:chat@0.2.0` (`wit/since_v0.2.0/`): its imports forwarded to the
/// current ones (SPEC PL-10).
fn generate_older_contract(workspace: &Path, contract: &helpdesk_wit_codegen::Contract, write: &dyn Fn(&str, String)) {
    let older = helpdesk_wit_codegen::Contract::load(
        &[&workspace.join("wit").join("since_v0.2.0")],
        "helpdesk:chat/chat-plugin",
    )
    .unwrap_or_else(|err| panic!("reading the frozen contract 0.2.0: {err:#}"));
    let fail = |err: anyhow::Error| -> String { panic!("generating for the frozen contract 0.2.0: {err:#}") };
    let version = helpdesk_wit_codegen::versions::OlderVersion {
        contract: &older,
        bindings: "crate::contract::v0_2",
        case: "V0_2",
        adapters: "crate::contract::adapters_v0_2",
        renamed: &["presence.chat-status"],
    };
    write(
        "older_imports.rs",
        contract
            .older_imports("crate::contract", &version, &IMPORT_HOSTS)
            .unwrap_or_else(fail),
    );
}

/// Which capability implements each import (`runtime/imports.rs` links the same), and the
/// one Rust type both contract versions' bindings give `types.error` (`host/contract`).
const IMPORT_HOSTS: helpdesk_wit_codegen::versions::ImportHosts<'static> =
    helpdesk_wit_codegen::versions::ImportHosts {
        host_types: &[
            (
                "log",
                "crate::runtime::imports::Capability<'_, crate::runtime::imports::NoStore>",
            ),
            (
                "storage",
                "crate::runtime::imports::Capability<'_, dyn crate::storage::KvStore>",
            ),
            (
                "directory",
                "crate::runtime::imports::Capability<'_, dyn crate::storage::DirectoryStore>",
            ),
            (
                "issues",
                "crate::runtime::imports::Capability<'_, dyn crate::storage::IssueRecords>",
            ),
            (
                "push",
                "crate::runtime::imports::Capability<'_, dyn crate::storage::PushLog>",
            ),
            (
                "mail",
                "crate::runtime::imports::Capability<'_, dyn crate::storage::MailOutbox>",
            ),
            (
                "wake",
                "crate::runtime::imports::Capability<'_, dyn crate::storage::WakeUps>",
            ),
        ],
        trappable_error: helpdesk_wit_codegen::versions::TrappableError {
            interface: "types",
            type_name: "error",
            rust_type: "crate::contract::ImportError",
        },
    };
