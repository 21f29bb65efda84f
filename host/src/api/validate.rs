//! Checks on identifiers and addresses that the API and the site file accept.

/// A user id: 1 to 64 of ASCII letters, digits, `.`, `_`, `-`, `@`.
pub fn user_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "id: {id:?} must be 1 to 64 letters, digits, '.', '_', '-' or '@'"
        ))
    }
}

/// A project key: 2 to 10 upper-case ASCII letters or digits, starting with a letter.
pub fn project_key(key: &str) -> Result<(), String> {
    let ok = (2..=10).contains(&key.len())
        && key.starts_with(|c: char| c.is_ascii_uppercase())
        && key.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "key: {key:?} must be 2 to 10 capital letters or digits, starting with a letter"
        ))
    }
}

/// A plausible e-mail address: one `@`, something on each side, no spaces.
pub fn is_email(address: &str) -> bool {
    match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !address.contains(char::is_whitespace)
                && !domain.contains('@')
                && address.len() <= 254
        }
        None => false,
    }
}

/// A display name: 1 to 100 characters after trimming, no control characters.
pub fn display_name(name: &str) -> Result<(), String> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 100 || trimmed.chars().any(char::is_control) {
        Err("display_name: 1 to 100 characters, no control characters".into())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_addresses() {
        assert!(user_id("alice").is_ok());
        assert!(user_id("").is_err());
        assert!(user_id("a/b").is_err());
        assert!(project_key("SUP").is_ok());
        assert!(project_key("sup").is_err());
        assert!(project_key("1AB").is_err());
        assert!(is_email("a@b.co"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a b@c.de"));
        assert!(display_name("  ").is_err());
    }
}
