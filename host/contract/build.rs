//! Generates, from `wit/`, what the bindings alone do not give: the JSON form and OpenAPI
//! schemas of every WIT record (of both served versions), the world's constants, the pages'
//! module of WIT enums and events, and one call surface over both versions.

use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir
        .parent()
        .and_then(Path::parent)
        .expect("the contract crate sits in host/ in the workspace")
        .to_path_buf();
    println!("cargo:rerun-if-changed={}", workspace.join("wit").display());
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let write = |name: &str, text: String| {
        std::fs::write(out.join(name), text).unwrap_or_else(|err| panic!("writing {name}: {err}"));
    };
    let fail = |err: anyhow::Error| -> String { panic!("generating from the WIT contract: {err:#}") };

    let contract = helpdesk_wit_codegen::Contract::load(&[&workspace.join("wit")], "helpdesk:chat/chat-plugin")
        .unwrap_or_else(|err| panic!("reading the WIT contract: {err:#}"));
    write(
        "wit_json.rs",
        contract
            .serde_impls("crate", helpdesk_wit_codegen::UnknownFields::Refused)
            .unwrap_or_else(fail),
    );
    write(
        "wit_openapi.rs",
        contract
            .openapi_schemas("crate", "crate::openapi_schema")
            .unwrap_or_else(fail),
    );
    write(
        "contract.js",
        contract.javascript_enums() + &contract.javascript_events().unwrap_or_else(fail),
    );
    write("wit_world.rs", contract.world_constants());

    // The frozen `helpdesk:chat@0.2.0` (`wit/since_v0.2.0/`): the JSON form of its records,
    // its world's interfaces, and one call surface over both versions (SPEC PL-10).
    let older = helpdesk_wit_codegen::Contract::load(
        &[&workspace.join("wit").join("since_v0.2.0")],
        "helpdesk:chat/chat-plugin",
    )
    .unwrap_or_else(|err| panic!("reading the frozen contract 0.2.0: {err:#}"));
    let version = helpdesk_wit_codegen::versions::OlderVersion {
        contract: &older,
        bindings: "crate::v0_2",
        case: "V0_2",
        adapters: "crate::adapters_v0_2",
        // `chat-online` became `chat-status` (`adapters_v0_2.rs`).
        renamed: &["presence.chat-status"],
    };
    write(
        "wit_json_v0_2.rs",
        older
            .serde_impls("crate::v0_2", helpdesk_wit_codegen::UnknownFields::Ignored)
            .unwrap_or_else(fail),
    );
    write("wit_world_v0_2.rs", older.world_constants());
    write(
        "plugin_instance.rs",
        contract.instance_facade("crate", &version).unwrap_or_else(fail),
    );
}
