//! Generates the JSON form (serde) of every WIT record from `wit/`, so the plugin's stored
//! records and push payloads use the one JSON form the host and the pages use too, and the
//! kind and data of each feature's push events; and gives the component a small stack.

use std::path::PathBuf;

/// The component's stack. Rust's default for wasm is 1 MiB, which is most of the plugin's
/// memory, and the host resets an instance's whole memory after every call: a smaller stack
/// makes every call cheaper. The rules' calls are shallow; an overflow traps (the stack sits
/// below the data), and the call is rolled back like any fault.
const STACK_BYTES: u32 = 128 * 1024;

fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size={STACK_BYTES}");
    }
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let wit = manifest_dir.join("../wit");
    let contract = helpdesk_wit_codegen::Contract::load(&[&wit], "helpdesk:chat/chat-plugin")
        .unwrap_or_else(|err| panic!("reading the WIT contract: {err:#}"));
    for source in contract.sources() {
        println!("cargo:rerun-if-changed={}", source.display());
    }
    let serde = contract
        .serde_impls("crate::bindings", helpdesk_wit_codegen::UnknownFields::Ignored)
        .unwrap_or_else(|err| panic!("generating the JSON form of the WIT records: {err:#}"));
    let events = contract
        .event_impls("crate::bindings", "crate::publish::StreamEvent")
        .unwrap_or_else(|err| panic!("generating the push events of the WIT: {err:#}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("wit_json.rs"), serde).expect("writing the generated JSON form");
    std::fs::write(out.join("wit_events.rs"), events).expect("writing the generated push events");
}
