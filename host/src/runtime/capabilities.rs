//! The capability granter (SPEC PL-4). A plugin declares in its manifest the host
//! capabilities it needs; the host grants them only if it offers them all and the
//! contract is the one it implements, and refuses a component that imports anything it did
//! not declare (beyond the WASI interfaces every Rust component needs).

use wasmtime::Engine;
use wasmtime::component::Component;

/// The contract this host implements (read from `wit/` at build time).
pub const CONTRACT: &str = crate::contract::PACKAGE;

/// The host capabilities this host offers: every interface the contract's world imports.
pub const HOST_CAPABILITIES: &[&str] = crate::contract::WORLD_IMPORTS;

/// The versions of the contract this host serves, oldest first: the current one, and the
/// frozen ones it still adapts (SPEC PL-10).
pub const SERVED: &[&str] = &[crate::contract::v0_2::PACKAGE, CONTRACT];

/// Which contract a plugin component was built against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractVersion {
    /// This host's contract.
    Current,
    /// The frozen `helpdesk:chat@0.2.0`.
    V0_2,
}

impl ContractVersion {
    /// The contract package, `helpdesk:chat@x.y.z`.
    pub fn package(self) -> &'static str {
        match self {
            ContractVersion::Current => CONTRACT,
            ContractVersion::V0_2 => crate::contract::v0_2::PACKAGE,
        }
    }

    /// The host capabilities offered to a plugin of this version.
    pub fn capabilities(self) -> &'static [&'static str] {
        match self {
            ContractVersion::Current => HOST_CAPABILITIES,
            ContractVersion::V0_2 => crate::contract::v0_2::WORLD_IMPORTS,
        }
    }
}

/// The range of versions served, in words: `0.2.0–0.3.0`.
pub fn served_range() -> String {
    let version = |package: &str| package.rsplit('@').next().unwrap_or(package).to_string();
    match (SERVED.first(), SERVED.last()) {
        (Some(oldest), Some(newest)) if oldest != newest => format!("{}–{}", version(oldest), version(newest)),
        (Some(only), _) => version(only),
        _ => String::new(),
    }
}

/// The contract a component was built against, read from the name of the `lifecycle`
/// interface it exports, before anything is linked: refused in words when this host does
/// not serve it.
pub fn contract_of(engine: &Engine, component: &Component) -> Result<ContractVersion, Refused> {
    const LIFECYCLE: &str = "helpdesk:chat/lifecycle@";
    let exported = component
        .component_type()
        .exports(engine)
        .find_map(|(name, _)| name.strip_prefix(LIFECYCLE).map(str::to_string));
    let Some(version) = exported else {
        return Err(Refused::NoPlugin);
    };
    let package = format!("helpdesk:chat@{version}");
    [ContractVersion::Current, ContractVersion::V0_2]
        .into_iter()
        .find(|known| known.package() == package)
        .ok_or(Refused::Contract(package))
}

/// The WASI interfaces a Rust `std` component imports, granted to every component: no
/// filesystem, no sockets, no environment secrets (the context is empty), and the host's
/// clock. A grant ending in `@` allows any version of that interface.
pub const WASI_GRANTS: &[&str] = &[
    "wasi:cli/environment@",
    "wasi:cli/exit@",
    "wasi:cli/stdin@",
    "wasi:cli/stdout@",
    "wasi:cli/stderr@",
    "wasi:cli/terminal-input@",
    "wasi:cli/terminal-output@",
    "wasi:cli/terminal-stdin@",
    "wasi:cli/terminal-stdout@",
    "wasi:cli/terminal-stderr@",
    "wasi:io/error@",
    "wasi:io/streams@",
    "wasi:io/poll@",
    "wasi:clocks/wall-clock@",
    "wasi:clocks/monotonic-clock@",
    "wasi:random/random@",
    "wasi:random/insecure@",
    "wasi:random/insecure-seed@",
];

/// Why a component was refused.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// It imports interfaces it was not granted.
    #[error("the component imports {} capabilities it was not granted: {}", .0.len(), .0.join(", "))]
    NotGranted(Vec<String>),
    /// It was built against a contract this host does not serve.
    #[error("the plugin was built for {0}; this host serves helpdesk:chat {range}", range = served_range())]
    Contract(String),
    /// It exports no `helpdesk:chat` lifecycle: it is no chat plugin.
    #[error("the component exports no helpdesk:chat/lifecycle interface: it is no chat plugin")]
    NoPlugin,
    /// Its manifest asks for capabilities this host does not offer.
    #[error("the plugin needs capabilities this host does not offer: {}", .0.join(", "))]
    NotOffered(Vec<String>),
}

/// Every grant of the host to a plugin of `version`: what it offers and WASI.
pub fn offered(version: ContractVersion) -> Vec<&'static str> {
    version.capabilities().iter().chain(WASI_GRANTS).copied().collect()
}

/// The grants for a plugin of `version` whose manifest names `contract` and asks for
/// `declared`: its declared capabilities and WASI, if the host offers them all.
pub fn grant(version: ContractVersion, contract: &str, declared: &[String]) -> Result<Vec<String>, Refused> {
    if contract != version.package() {
        return Err(Refused::Contract(contract.to_string()));
    }
    let missing: Vec<String> = declared
        .iter()
        .filter(|capability| !version.capabilities().contains(&capability.as_str()))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(Refused::NotOffered(missing));
    }
    Ok(declared
        .iter()
        .cloned()
        .chain(WASI_GRANTS.iter().map(|g| g.to_string()))
        .collect())
}

/// Checks that every import of `component` matches a grant.
pub fn check_imports<G: AsRef<str>>(engine: &Engine, component: &Component, grants: &[G]) -> Result<(), Refused> {
    let refused: Vec<String> = component
        .component_type()
        .imports(engine)
        .map(|(name, _)| name.to_string())
        .filter(|name| !grants.iter().any(|grant| is_granted(name, grant.as_ref())))
        .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(Refused::NotGranted(refused))
    }
}

fn is_granted(import: &str, grant: &str) -> bool {
    if grant.ends_with('@') {
        import.starts_with(grant)
    } else {
        import == grant
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pl_4_grants_match_exactly_or_by_any_version() {
        assert!(is_granted("wasi:io/streams@0.2.6", "wasi:io/streams@"));
        assert!(!is_granted("wasi:filesystem/types@0.2.6", "wasi:io/streams@"));
        assert!(is_granted("helpdesk:chat/storage@0.3.0", "helpdesk:chat/storage@0.3.0"));
        assert!(!is_granted(
            "helpdesk:chat/storage@0.3.0",
            "helpdesk:chat/storage@0.2.0"
        ));
    }

    #[test]
    fn pl_4_a_manifest_is_granted_only_what_the_host_offers_for_its_contract() {
        let asked = vec!["helpdesk:chat/storage@0.3.0".to_string()];
        let granted = grant(ContractVersion::Current, CONTRACT, &asked).unwrap();
        assert!(granted.contains(&asked[0]));
        assert!(
            !granted.iter().any(|g| g.starts_with("helpdesk:chat/directory")),
            "only what it asked for"
        );
        assert!(matches!(
            grant(ContractVersion::Current, "helpdesk:chat@0.1.0", &asked),
            Err(Refused::Contract(_))
        ));
        let greedy = vec!["helpdesk:chat/billing@0.3.0".to_string()];
        assert!(
            matches!(grant(ContractVersion::Current, CONTRACT, &greedy), Err(Refused::NotOffered(names)) if names == greedy)
        );
    }
}
