//! One rule for every paged read: how many entries a page holds when the caller does not
//! say, and the refusal of a size out of range.

use crate::error::{PluginError, PluginResult};

/// Entries per page when the caller leaves the size out.
pub const DEFAULT_PAGE: u32 = 50;

/// The page size asked for, or [`DEFAULT_PAGE`]; refused in words outside 1 to `max`.
pub fn page_size(limit: Option<u32>, max: u32) -> PluginResult<u32> {
    let limit = limit.unwrap_or(DEFAULT_PAGE.min(max));
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(PluginError::Invalid(format!("limit: from 1 to {max}, not {limit}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pl_7_a_page_is_fifty_unless_asked_and_never_out_of_range() {
        assert_eq!(page_size(None, 200).unwrap(), 50);
        assert_eq!(page_size(Some(200), 200).unwrap(), 200);
        for wrong in [0, 201] {
            let err = page_size(Some(wrong), 200).unwrap_err();
            assert!(matches!(&err, PluginError::Invalid(m) if m == &format!("limit: from 1 to 200, not {wrong}")));
        }
    }
}
