//! Random codes and ids for what is proved by mail: a six-digit code a person types, and an
//! id nobody can guess.

use crate::error::{PluginError, PluginResult};

/// Six random digits.
pub fn new_code() -> PluginResult<String> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes)
        .map_err(|err| PluginError::Unavailable(format!("no random numbers for a code: {err}")))?;
    Ok(format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000))
}

/// A random id nobody can guess (128 bits, in hex).
pub fn new_id() -> PluginResult<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|err| PluginError::Unavailable(format!("no random numbers for an id: {err}")))?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lc_5_codes_are_six_digits_and_ids_differ() {
        let code = new_code().unwrap();
        assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        assert_ne!(new_id().unwrap(), new_id().unwrap());
        assert_eq!(new_id().unwrap().len(), 32);
    }
}
