//! Who a visitor was verified to be on a project's own web site (identity verification, set
//! by `identity.rs`): what every rule that names the customer reads.

use serde::{Deserialize, Serialize};

use super::keys;
use crate::capabilities::Storage;
use crate::error::PluginResult;
use crate::storage::get_json;

/// Who a visitor is on the project's own site, once verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedVisitor {
    /// Their id on the site.
    pub id: String,
    /// Their name, shown to agents.
    pub name: String,
    /// Their address, if the site gave one.
    pub email: Option<String>,
}

/// Who `visitor` was verified to be in `project`, if anyone.
pub fn verified(storage: &mut impl Storage, project: &str, visitor: &str) -> PluginResult<Option<VerifiedVisitor>> {
    get_json(storage, &keys::verified_visitor(project, visitor))
}
