//! Generates the JSON form (serde) of every WIT record from `wit/`, so the plugin's stored
//! records and push payloads use the one JSON form the host and the pages use too.

use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let wit = manifest_dir.join("../wit");
    let contract = helpdesk_wit_codegen::Contract::load(&[&wit], "helpdesk:chat/chat-plugin")
        .unwrap_or_else(|err| panic!("reading the WIT contract: {err:#}"));
    for source in contract.sources() {
        println!("cargo:rerun-if-changed={}", source.display());
    }
    let serde = contract
        .serde_impls("crate::bindings")
        .unwrap_or_else(|err| panic!("generating the JSON form of the WIT records: {err:#}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("wit_json.rs"), serde).expect("writing the generated JSON form");
}
