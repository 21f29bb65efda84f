//! What the plugin is (its manifest, SPEC PL-4) and how it brings stored data written by an
//! earlier version up to date (`migrate`).

use std::cmp::Ordering;

use crate::bindings::exports::helpdesk::chat::lifecycle::PluginManifest;
use crate::capabilities::HostCapabilities;
use crate::error::{PluginError, PluginResult};
use crate::features;
use crate::version::Version;

/// The plugin's name.
pub const NAME: &str = "helpdesk-chat";
/// The contract the plugin was built against.
pub const CONTRACT: &str = "helpdesk:chat@0.3.0";
/// The host capabilities the plugin imports. A contract test checks that the built
/// component imports exactly these.
pub const CAPABILITIES: &[&str] = &[
    "helpdesk:chat/types@0.3.0",
    "helpdesk:chat/directory@0.3.0",
    "helpdesk:chat/issues@0.3.0",
    "helpdesk:chat/storage@0.3.0",
    "helpdesk:chat/push@0.3.0",
    "helpdesk:chat/mail@0.3.0",
    "helpdesk:chat/wake@0.3.0",
    "helpdesk:chat/log@0.3.0",
];

/// The plugin's manifest.
pub fn manifest() -> PluginManifest {
    PluginManifest {
        name: NAME.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        contract: CONTRACT.into(),
        capabilities: CAPABILITIES.iter().map(|c| c.to_string()).collect(),
    }
}

/// Brings the store up from `from` (`None`: nothing was ever stored). Refuses a store
/// written by a newer plugin: running older rules over newer data could corrupt it.
pub fn migrate<H: HostCapabilities>(host: &mut H, from: Option<&str>) -> PluginResult<()> {
    let from = from.map(Version::parse).transpose()?;
    let current = Version::current();
    if let Some(stored) = from {
        match stored.cmp(&current) {
            Ordering::Greater => {
                return Err(PluginError::Conflict(format!(
                    "the store was written by plugin version {stored}, newer than this plugin ({current}); \
                     install version {stored} or newer"
                )));
            }
            Ordering::Equal => return Ok(()),
            Ordering::Less => {}
        }
    }
    for feature in features::all::<H>() {
        (feature.migrate)(host, from)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::fake_host::FakeHost;

    #[test]
    fn pl_4_the_manifest_names_the_contract_and_the_capabilities() {
        let manifest = manifest();
        assert_eq!(manifest.contract, "helpdesk:chat@0.3.0");
        assert_eq!(Version::parse(&manifest.version).unwrap(), Version::current());
        assert!(
            manifest
                .capabilities
                .iter()
                .all(|c| c.starts_with("helpdesk:chat/") && c.ends_with("@0.3.0"))
        );
    }

    #[test]
    fn pl_4_versions_order_by_number_and_bad_ones_are_refused() {
        assert!(Version::parse("0.10.0").unwrap() > Version::parse("0.9.9").unwrap());
        assert_eq!(
            Version::parse("1.2.3-beta").unwrap(),
            Version {
                major: 1,
                minor: 2,
                patch: 3
            }
        );
        assert!(Version::parse("1.2").is_err());
        assert!(Version::parse("one").is_err());
    }

    #[test]
    fn pl_4_a_store_written_by_a_newer_plugin_is_refused() {
        let mut host = FakeHost::demo();
        let err = migrate(&mut host, Some("99.0.0")).unwrap_err();
        assert!(
            matches!(&err, PluginError::Conflict(m) if m.contains("99.0.0")),
            "{err}"
        );
        assert!(migrate(&mut host, Some(env!("CARGO_PKG_VERSION"))).is_ok());
        assert!(migrate(&mut host, None).is_ok());
        assert!(host.kv.is_empty(), "nothing to do for an empty store");
    }
}
