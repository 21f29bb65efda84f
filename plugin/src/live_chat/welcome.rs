//! The widget's welcome text (LC-7): site-wide, one per language — the texts the product
//! ships, which site admins translate and customize — chosen by the visitor's language with
//! English as the fallback. A project's override replaces it in every language.

use super::keys;
use crate::bindings::exports::helpdesk::chat::live_chat::WelcomeText;
use crate::bindings::helpdesk::chat::types::CallContext;
use crate::capabilities::{Directory, Storage};
use crate::error::{PluginError, PluginResult};
use crate::permissions::require_site_admin;
use crate::storage::{decode_json, decode_key_part, get_json, prefix_end, put_json, scan_all};
use helpdesk_text_policy::TextRule;

/// The built-in welcome texts: language subtag, text.
const WELCOME: &[(&str, &str)] = &[
    ("en", "Hi! Ask us anything — we usually answer within minutes."),
    (
        "de",
        "Hallo! Fragen Sie uns alles — wir antworten meist in wenigen Minuten.",
    ),
    (
        "fr",
        "Bonjour ! Posez-nous vos questions — nous répondons en général en quelques minutes.",
    ),
    (
        "es",
        "¡Hola! Pregúntenos lo que quiera: solemos responder en pocos minutos.",
    ),
    (
        "nb",
        "Hei! Spør oss om hva som helst — vi svarer vanligvis i løpet av få minutter.",
    ),
    (
        "nl",
        "Hallo! Vraag ons gerust alles — we antwoorden meestal binnen enkele minuten.",
    ),
];

/// The language a tag such as `de-CH` or `no` asks for: its primary subtag, lower case,
/// with Norwegian's macro tags read as Bokmål.
pub(super) fn language_of(locale: Option<&str>) -> Option<String> {
    let language = locale?.split(['-', '_']).next()?.to_ascii_lowercase();
    Some(match language.as_str() {
        "no" | "nn" => "nb".to_string(),
        _ => language,
    })
}

/// The site's welcome text for the first of the caller's languages that has one: a site
/// admin's text, else the built-in one, in that language; else in English.
pub fn site_welcome(storage: &mut impl Storage, languages: &[String]) -> PluginResult<String> {
    let wanted: Vec<String> = languages.iter().filter_map(|tag| language_of(Some(tag))).collect();
    for candidate in wanted.iter().map(String::as_str).chain(["en"]) {
        if let Some(text) = get_json::<String>(storage, &keys::welcome(candidate))? {
            return Ok(text);
        }
        if let Some((_, text)) = WELCOME.iter().find(|(tag, _)| *tag == candidate) {
            return Ok(text.to_string());
        }
    }
    Ok(WELCOME[0].1.to_string())
}

/// Every language the site has a welcome text in, with that text, ordered by language.
pub fn welcome_texts<H: Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<Vec<WelcomeText>> {
    require_site_admin(host, ctx, "translate and customize the chat")?;
    all_texts(host)
}

/// Sets (or, with `None`, clears) a language's site-wide welcome text.
pub fn save_welcome_text<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    language: &str,
    text: Option<&str>,
) -> PluginResult<Vec<WelcomeText>> {
    require_site_admin(host, ctx, "translate and customize the chat")?;
    let valid = (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_lowercase());
    if !valid {
        return Err(PluginError::Invalid(format!(
            "language: {:?} is not 2 or 3 lower-case letters (for example en, de, nb)",
            language.chars().take(20).collect::<String>()
        )));
    }
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => {
            let rule = TextRule {
                field: "text",
                ..super::settings::WIDGET_TEXT
            };
            let text = helpdesk_text_policy::text(text, rule).map_err(PluginError::Invalid)?;
            put_json(host, &keys::welcome(language), &text)?;
        }
        None => {
            host.kv_delete(&keys::welcome(language))?;
        }
    }
    all_texts(host)
}

fn all_texts(storage: &mut impl Storage) -> PluginResult<Vec<WelcomeText>> {
    let prefix = keys::welcome("");
    let mut texts: Vec<WelcomeText> = WELCOME
        .iter()
        .map(|(language, text)| WelcomeText {
            language: language.to_string(),
            text: text.to_string(),
            customized: false,
        })
        .collect();
    for entry in scan_all(storage, &prefix, &prefix_end(&prefix))? {
        let language = decode_key_part(&entry.key[prefix.len()..])?;
        let text: String = decode_json(&entry.key, &entry.value)?;
        match texts.iter_mut().find(|t| t.language == language) {
            Some(known) => {
                known.text = text;
                known.customized = true;
            }
            None => texts.push(WelcomeText {
                language,
                text,
                customized: true,
            }),
        }
    }
    texts.sort_by(|a, b| a.language.cmp(&b.language));
    Ok(texts)
}
