//! SPEC PL-1, PL-2: the WIT package is documented throughout, and the built component
//! imports and exports exactly its world.

use std::collections::BTreeSet;
use std::path::Path;

use helpdesk_host::runtime::SandboxLimits;
use helpdesk_host::runtime::capabilities::WASI_GRANTS;
use helpdesk_wit_codegen::Contract;

use crate::support::{TestHost, plugin_wasm};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

#[test]
fn pl_1_every_wit_item_carries_a_doc_comment() {
    let chat = Contract::load(&[&workspace().join("wit")], "helpdesk:chat/chat-plugin").unwrap();
    assert_eq!(chat.undocumented(), Vec::<String>::new());
    let probe = Contract::load(
        &[&workspace().join("wit"), &workspace().join("probe/wit")],
        "helpdesk:probe/sandbox-probe",
    )
    .unwrap();
    assert_eq!(
        probe.undocumented(),
        Vec::<String>::new(),
        "the test-only probe package too"
    );
}

#[tokio::test]
async fn pl_2_the_built_component_imports_and_exports_exactly_the_world() {
    let decoded = wit_component::decode(&plugin_wasm()).unwrap();
    let wit_component::DecodedWasm::Component(resolve, world) = decoded else {
        panic!("the plugin is not a component")
    };
    let names = |items: &wit_parser::IndexMap<wit_parser::WorldKey, wit_parser::WorldItem>| -> BTreeSet<String> {
        items
            .values()
            .filter_map(|item| match item {
                wit_parser::WorldItem::Interface { id, .. } => resolve.id_of(*id),
                _ => None,
            })
            .collect()
    };
    let built_imports = names(&resolve.worlds[world].imports);
    let built_exports = names(&resolve.worlds[world].exports);

    let contract = Contract::load(&[&workspace().join("wit")], "helpdesk:chat/chat-plugin").unwrap();
    let (world_imports, world_exports) = contract.world_interfaces();
    let world_imports: BTreeSet<String> = world_imports.into_iter().collect();
    let world_exports: BTreeSet<String> = world_exports.into_iter().collect();
    assert_eq!(built_exports, world_exports, "exports exactly the world's");

    let (helpdesk, other): (BTreeSet<String>, BTreeSet<String>) = built_imports
        .into_iter()
        .partition(|name| name.starts_with("helpdesk:"));
    assert!(helpdesk.is_subset(&world_imports), "{helpdesk:?} ⊄ {world_imports:?}");
    for import in &other {
        assert!(
            WASI_GRANTS.iter().any(|grant| import.starts_with(grant)),
            "{import} is neither the contract's nor a granted WASI interface"
        );
    }
    // The manifest declares exactly what the component imports of the contract; the
    // imports it does not use (issues, mail) are left out of the component by its encoder.
    let host = TestHost::start(SandboxLimits::default()).await;
    let declared: BTreeSet<String> = host.site.plugin.manifest().capabilities.iter().cloned().collect();
    assert_eq!(helpdesk, declared, "the manifest names exactly the contract imports");
}
