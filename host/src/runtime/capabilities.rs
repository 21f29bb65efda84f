//! The capability granter (SPEC PL-4): a component may import only what the host grants.

use wasmtime::Engine;
use wasmtime::component::Component;

/// Interfaces granted to the chat plugin: the host's capabilities, and the WASI interfaces
/// a Rust `std` component needs (no filesystem, no sockets, no environment secrets).
pub const CHAT_PLUGIN_GRANTS: &[&str] = &[
    "helpdesk:chat/types@0.1.0",
    "helpdesk:chat/directory@0.1.0",
    "helpdesk:chat/issues@0.1.0",
    "helpdesk:chat/storage@0.1.0",
    "helpdesk:chat/push@0.1.0",
    "helpdesk:chat/mail@0.1.0",
    "helpdesk:chat/log@0.1.0",
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
#[error("the component imports {} capabilities it was not granted: {}", .0.len(), .0.join(", "))]
pub struct NotGranted(pub Vec<String>);

/// Checks that every import of `component` matches a grant. A grant ending in `@` allows
/// any version of that interface; any other grant must match exactly.
pub fn check_imports(engine: &Engine, component: &Component, grants: &[&str]) -> Result<(), NotGranted> {
    let refused: Vec<String> = component
        .component_type()
        .imports(engine)
        .map(|(name, _)| name.to_string())
        .filter(|name| !grants.iter().any(|grant| is_granted(name, grant)))
        .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(NotGranted(refused))
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
        assert!(is_granted("helpdesk:chat/storage@0.1.0", "helpdesk:chat/storage@0.1.0"));
        assert!(!is_granted(
            "helpdesk:chat/storage@0.2.0",
            "helpdesk:chat/storage@0.1.0"
        ));
    }
}
