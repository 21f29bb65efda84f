//! The one policy for every free-text field that crosses the contract (SPEC PL-7): length,
//! control characters, bidirectional controls and noncharacters, and what an e-mail address
//! looks like. The host checks what people send it with this crate, and the plugin checks
//! what reaches its rules with the same code, so both sides refuse exactly the same text.

#![warn(missing_docs)]

/// A plausible e-mail address a mail server will take: one `@`, a local part and a domain of
/// dot-separated labels, at most 254 bytes, and nothing the text policy refuses anywhere
/// (control characters, bidirectional controls, invisible characters, noncharacters) nor
/// spaces, quotes, brackets or the separators of an address list. International addresses
/// (`jürgen@bücher.example`) are allowed; quoted local parts (`"a b"@x.example`) are not.
pub fn is_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    let refused = |c: char| {
        c.is_control()
            || c.is_whitespace()
            || is_bidi_control(c)
            || is_invisible(c)
            || is_noncharacter(c)
            || matches!(
                c,
                '<' | '>' | '"' | ',' | ';' | ':' | '\\' | '(' | ')' | '[' | ']' | '@'
            )
    };
    let label_ok =
        |label: &str| !label.is_empty() && label.len() <= 63 && !label.starts_with('-') && !label.ends_with('-');
    address.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && !local.chars().any(refused)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && domain.contains('.')
        && !domain.chars().any(|c| refused(c) || c == '_')
        && domain.split('.').all(label_ok)
}

/// An `email` field: trimmed, and it must look like an address.
pub fn email(value: &str) -> Result<String, String> {
    let trimmed = value.trim();
    if is_email(trimmed) {
        Ok(trimmed.to_string())
    } else {
        Err(format!("email: {trimmed:?} is no e-mail address"))
    }
}

/// An optional `email` field: missing or blank is none; anything else must look like an
/// address.
pub fn optional_email(value: Option<&str>) -> Result<Option<String>, String> {
    value.filter(|v| !v.trim().is_empty()).map(email).transpose()
}

/// How one free-text field is checked.
#[derive(Debug, Clone, Copy)]
pub struct TextRule {
    /// The field's name, as error messages say it.
    pub field: &'static str,
    /// The most characters after trimming.
    pub max_chars: usize,
    /// Whether line breaks and tabs are allowed (a body), or not (a name, a title).
    pub multiline: bool,
}

/// A person's or a thing's name (users, projects, groups, companies).
pub const NAME: TextRule = TextRule {
    field: "name",
    max_chars: 100,
    multiline: false,
};

/// A name as a user's `display_name`.
pub const DISPLAY_NAME: TextRule = TextRule {
    field: "display_name",
    ..NAME
};

/// The one-line title of an issue.
pub const SUMMARY: TextRule = TextRule {
    field: "summary",
    max_chars: 255,
    multiline: false,
};

/// Characters that reorder text when displayed (bidirectional embeddings, overrides and
/// isolates, and the invisible direction marks): allowed nowhere, so no text can show
/// differently from what it says.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no room when shown (zero-width space, word joiner, byte order
/// mark, soft hyphen, invisible operators): in a one-line field such as a name they only
/// make look-alikes ("alice" and "al\u{200B}ice"). The zero-width joiner and non-joiner
/// stay allowed: scripts such as Persian and emoji sequences need them.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{180E}' | '\u{200B}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

/// Unicode's noncharacters (U+FDD0 to U+FDEF and the last two of every plane): reserved for
/// a program's own use, never for text people exchange.
fn is_noncharacter(c: char) -> bool {
    matches!(c, '\u{FDD0}'..='\u{FDEF}') || (c as u32 & 0xFFFE) == 0xFFFE
}

/// Checks a free-text field and returns it trimmed: not empty, at most `max_chars`, no
/// control characters (line breaks and tabs only in multiline fields), no bidirectional
/// controls, no invisible characters in one-line fields, no noncharacters.
pub fn text(value: &str, rule: TextRule) -> Result<String, String> {
    let field = rule.field;
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(format!("{field}: must not be empty"));
    }
    let chars = trimmed.chars().count();
    if chars > rule.max_chars {
        return Err(format!("{field}: at most {} characters, not {chars}", rule.max_chars));
    }
    let allowed_control = |c: char| rule.multiline && matches!(c, '\n' | '\r' | '\t');
    if trimmed.chars().any(|c| c.is_control() && !allowed_control(c)) {
        return Err(format!("{field}: control characters are not allowed"));
    }
    if trimmed.chars().any(is_bidi_control) {
        return Err(format!("{field}: bidirectional control characters are not allowed"));
    }
    if !rule.multiline && trimmed.chars().any(is_invisible) {
        return Err(format!(
            "{field}: invisible characters (such as a zero-width space) are not allowed"
        ));
    }
    if trimmed.chars().any(is_noncharacter) {
        return Err(format!("{field}: Unicode noncharacters are not allowed"));
    }
    Ok(trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pl_7_email_fields_are_trimmed_and_must_look_like_addresses() {
        assert_eq!(email("  vera@example.test ").as_deref(), Ok("vera@example.test"));
        assert_eq!(email("nope"), Err("email: \"nope\" is no e-mail address".to_string()));
        assert_eq!(optional_email(None), Ok(None));
        assert_eq!(optional_email(Some("   ")), Ok(None), "blank is none");
        assert!(optional_email(Some("a b@c.de")).is_err());
    }

    #[test]
    fn lc_5_email_fields_follow_the_text_policy() {
        for good in [
            "vera@example.test",
            "a.b+tag@sub.example.co",
            "jürgen@bücher.example",
            "x@xn--bcher-kva.example",
        ] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "bel\u{7}@example.test",
            "nul\u{0}@example.test",
            "esc\u{1b}[31m@example.test",
            "evil\u{202E}moc@example.test",
            "zero\u{200B}width@example.test",
            "a@exa\u{200B}mple.test",
            "a@b@example.test",
            "a@example",
            "a@.example.test",
            "a@example..test",
            "a@-example.test",
            "a@exam_ple.test",
            ".a@example.test",
            "a..b@example.test",
            "\"a b\"@example.test",
            "a,b@example.test",
            "<a@example.test>",
            "a@example.test\r\nBcc: victim@example.test",
            "",
            "@example.test",
        ] {
            assert!(!is_email(bad), "{bad:?}");
        }
        assert!(
            !is_email(&format!("{}@example.test", "a".repeat(65))),
            "local part over 64"
        );
        assert!(!is_email(&format!("a@{}.test", "b".repeat(64))), "label over 63");
    }
}
