//! Plugin versions, `major.minor.patch`: what a store was written by, and what this plugin is.

use std::fmt;

use crate::error::{PluginError, PluginResult};

/// A plugin version, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Incompatible changes.
    pub major: u32,
    /// Compatible additions.
    pub minor: u32,
    /// Fixes.
    pub patch: u32,
}

impl Version {
    /// This plugin's version.
    pub fn current() -> Version {
        Version::parse(env!("CARGO_PKG_VERSION")).expect("the crate version is major.minor.patch")
    }

    /// Parses `major.minor.patch` (a pre-release or build suffix is ignored).
    pub fn parse(text: &str) -> PluginResult<Version> {
        let core = text.split(['-', '+']).next().unwrap_or_default();
        let numbers: Vec<u32> =
            core.split('.').map(str::parse).collect::<Result<_, _>>().map_err(|_| {
                PluginError::Invalid(format!("previous: {text:?} is not a version (major.minor.patch)"))
            })?;
        match numbers[..] {
            [major, minor, patch] => Ok(Version { major, minor, patch }),
            _ => Err(PluginError::Invalid(format!(
                "previous: {text:?} is not a version (major.minor.patch)"
            ))),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}
