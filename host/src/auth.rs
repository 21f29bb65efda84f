//! Identity: password hashing, session tokens, and who a token belongs to. The database
//! keeps only a token's hash, which is also the session's id as the plugin sees it.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use blake2::{Blake2s256, Digest};
use rand::RngCore;

use crate::contract::helpdesk::chat::directory::User;
use crate::storage::{StoreError, Transaction};

/// How long a session lasts.
pub const SESSION_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;
/// How long a session opened in a chat widget lasts: its token lives in another site's page.
pub const WIDGET_SESSION_TTL_MS: i64 = 24 * 60 * 60 * 1000;

/// Hashes a password with Argon2id and a random salt.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?
        .to_string())
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A new random token (what a client holds: a session token, a visitor token).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A stable, non-secret id for a secret token: what the database keeps of a session token,
/// so a leaked database holds no live tokens, and what identifies a session or a visitor.
pub fn token_id(token: &str) -> String {
    let digest = Blake2s256::digest(token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// Where a session may be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionScope {
    /// Everywhere on the site, with the user's rights.
    Site,
    /// In one project's chat widget only, as a customer.
    Widget(String),
}

/// Starts a session for `user`; returns its token.
pub fn start_session(
    tx: &mut dyn Transaction,
    user: &str,
    scope: &SessionScope,
    now_ms: i64,
) -> Result<String, StoreError> {
    let token = new_token();
    let (widget_project, ttl) = match scope {
        SessionScope::Site => (None, SESSION_TTL_MS),
        SessionScope::Widget(project) => (Some(project.as_str()), WIDGET_SESSION_TTL_MS),
    };
    tx.create_session(&token_id(&token), user, widget_project, now_ms, now_ms + ttl)?;
    Ok(token)
}

/// A live session: its user, its id and where it may be used.
#[derive(Debug, Clone)]
pub struct LiveSession {
    /// Whose it is.
    pub user: User,
    /// Its id (the hash of its token).
    pub id: String,
    /// Where it may be used.
    pub scope: SessionScope,
}

/// The live session a token opens, if any.
pub fn session_user(tx: &mut dyn Transaction, token: &str, now_ms: i64) -> Result<Option<LiveSession>, StoreError> {
    let id = token_id(token);
    let Some(stored) = tx.session_user(&id, now_ms)? else {
        return Ok(None);
    };
    let scope = match stored.widget_project {
        Some(project) => SessionScope::Widget(project),
        None => SessionScope::Site,
    };
    Ok(tx.user(&stored.user)?.map(|user| LiveSession { user, id, scope }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn expired_sessions_are_found_and_live_ones_kept() {
        use crate::storage::{DirectoryStore, SessionStore};
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::storage::sqlite::schema::open(&dir.path().join("s.db")).unwrap();
        let mut tx = crate::storage::sqlite::tx::SqliteTx::new(conn, true);
        let user = User {
            id: "u".into(),
            display_name: "U".into(),
            email: "u@example.test".into(),
            time_zone: "UTC".into(),
            locale: "en".into(),
            site_admin: false,
            member: true,
        };
        tx.insert_user(&user, None).unwrap();
        let old = start_session(&mut tx, "u", &SessionScope::Site, 0).unwrap();
        let new = start_session(&mut tx, "u", &SessionScope::Site, SESSION_TTL_MS).unwrap();
        let expired = tx.expired_sessions(SESSION_TTL_MS + 1, 10).unwrap();
        assert_eq!(
            expired,
            vec![("u".to_string(), token_id(&old))],
            "who and which session, for the plugin"
        );
        assert_eq!(tx.delete_session(&token_id(&old)).unwrap().as_deref(), Some("u"));
        assert!(session_user(&mut tx, &new, SESSION_TTL_MS + 1).unwrap().is_some());
        assert!(session_user(&mut tx, &old, SESSION_TTL_MS + 1).unwrap().is_none());
    }

    #[test]
    fn lc_6_a_widget_session_is_scoped_to_its_project_and_ends_within_a_day() {
        use crate::storage::DirectoryStore;
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::storage::sqlite::schema::open(&dir.path().join("w.db")).unwrap();
        let mut tx = crate::storage::sqlite::tx::SqliteTx::new(conn, true);
        let user = User {
            id: "sam".into(),
            display_name: "Sam".into(),
            email: "sam@example.test".into(),
            time_zone: "UTC".into(),
            locale: "en".into(),
            site_admin: true,
            member: true,
        };
        tx.insert_user(&user, None).unwrap();
        let widget = SessionScope::Widget("SUP".into());
        let token = start_session(&mut tx, "sam", &widget, 0).unwrap();
        let live = session_user(&mut tx, &token, WIDGET_SESSION_TTL_MS - 1)
            .unwrap()
            .unwrap();
        assert_eq!((live.user.id.as_str(), live.scope), ("sam", widget));
        assert!(
            session_user(&mut tx, &token, WIDGET_SESSION_TTL_MS).unwrap().is_none(),
            "a day at most"
        );
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_ne!(token_id(&a), a);
        assert_eq!(token_id(&a), token_id(&a), "the id of a token is stable");
    }
}
