//! Checks on what the host accepts from people, the same for the API, the site file and the
//! plugin's imports: identifiers, e-mail addresses, and one policy for every free-text field
//! (length, control characters, bidirectional overrides).

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

/// The shortest password anyone may choose.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest password taken: hashing cost grows with it, and no person types more.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// A new password: 8 characters to 1 KiB.
pub fn new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("password: at least {MIN_PASSWORD_CHARS} characters"));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!("password: at most {MAX_PASSWORD_BYTES} bytes"));
    }
    Ok(())
}

pub use helpdesk_text_policy::{DISPLAY_NAME, NAME, SUMMARY, TextRule, is_email, text};

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
    }

    #[test]
    fn pl_7_every_text_field_follows_one_policy() {
        assert_eq!(text("  Alice Agent ", DISPLAY_NAME).unwrap(), "Alice Agent");
        assert!(text("  ", NAME).unwrap_err().contains("must not be empty"));
        assert!(text(&"x".repeat(101), NAME).unwrap_err().contains("at most 100"));
        assert!(text("a\u{0007}b", NAME).unwrap_err().contains("control"));
        assert!(text("line\nbreak", SUMMARY).is_err(), "one line");
        let body = TextRule {
            field: "body",
            max_chars: 1000,
            multiline: true,
        };
        assert!(text("line\nbreak", body).is_ok());
        assert!(text("evil\u{202E}txt.exe", NAME).unwrap_err().contains("bidirectional"));
        assert!(
            text("al\u{200B}ice", DISPLAY_NAME).unwrap_err().contains("invisible"),
            "no look-alike names"
        );
        assert!(text("\u{FEFF}Bob", NAME).is_err());
        assert_eq!(
            text("می\u{200C}خواهم", NAME).as_deref(),
            Ok("می\u{200C}خواهم"),
            "Persian needs the non-joiner"
        );
        assert!(text("\u{2067}x", body).is_err());
        for nonchar in ['\u{FDD0}', '\u{FFFE}', '\u{FFFF}', '\u{1FFFF}', '\u{10FFFF}'] {
            assert!(
                text(&format!("a{nonchar}"), NAME)
                    .unwrap_err()
                    .contains("noncharacters")
            );
        }
        assert!(text("\u{FFFD}", NAME).is_ok(), "the replacement character is text");
        assert_eq!(
            text("Zoë 東京", NAME).unwrap(),
            "Zoë 東京",
            "letters of every script are fine"
        );
    }
}
