//! The widget's built-in welcome text in the languages the product ships (LC-7), chosen by
//! the visitor's language with English as the fallback. A project's override replaces it in
//! every language.

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

/// The welcome text for a language tag such as `de-CH` (its first subtag decides).
pub fn default_welcome(locale: Option<&str>) -> &'static str {
    let language = locale
        .and_then(|tag| tag.split(['-', '_']).next())
        .map(str::to_ascii_lowercase);
    let language = match language.as_deref() {
        Some("no" | "nn") => Some("nb"),
        other => other,
    };
    WELCOME
        .iter()
        .find(|(tag, _)| Some(*tag) == language)
        .unwrap_or(&WELCOME[0])
        .1
}
