//! Identity: password hashing, sessions, and who is asking.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use blake2::{Blake2s256, Digest};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, params};

use crate::directory::{self, User};

/// How long a session lasts.
pub const SESSION_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "hd_session";

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

/// A new random session token (what the client holds).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a token: its hash, so a leaked database holds no live tokens.
fn token_hash(token: &str) -> String {
    let digest = Blake2s256::digest(token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// Stores a new session for `user`.
pub fn create_session(conn: &Connection, token: &str, user: &str, now_ms: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash(token), user, now_ms, now_ms + SESSION_TTL_MS],
    )?;
    Ok(())
}

/// The user a live session token belongs to.
pub fn session_user(conn: &Connection, token: &str, now_ms: i64) -> rusqlite::Result<Option<User>> {
    let user_id: Option<String> = conn
        .prepare_cached("SELECT user_id FROM sessions WHERE token_hash = ?1 AND expires_ms > ?2")?
        .query_row(params![token_hash(token), now_ms], |row| row.get(0))
        .optional()?;
    match user_id {
        Some(id) => directory::get_user(conn, &id),
        None => Ok(None),
    }
}

/// Forgets sessions that have expired; returns how many.
pub fn purge_expired_sessions(conn: &Connection, now_ms: i64) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM sessions WHERE expires_ms <= ?1", params![now_ms])
}

/// Ends one session.
pub fn delete_session(conn: &Connection, token: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM sessions WHERE token_hash = ?1", params![token_hash(token)])?;
    Ok(())
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
    fn expired_sessions_are_purged_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::storage::schema::open(&dir.path().join("s.db")).unwrap();
        crate::directory::insert_user(
            &conn,
            &User {
                id: "u".into(),
                display_name: "U".into(),
                email: "u@example.test".into(),
                time_zone: "UTC".into(),
                locale: "en".into(),
                site_admin: false,
                member: true,
            },
            None,
        )
        .unwrap();
        create_session(&conn, "old", "u", 0).unwrap();
        create_session(&conn, "new", "u", SESSION_TTL_MS).unwrap();
        assert_eq!(purge_expired_sessions(&conn, SESSION_TTL_MS + 1).unwrap(), 1);
        assert!(session_user(&conn, "new", SESSION_TTL_MS + 1).unwrap().is_some());
        assert!(session_user(&conn, "old", SESSION_TTL_MS + 1).unwrap().is_none());
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_ne!(token_hash(&a), a);
    }
}
