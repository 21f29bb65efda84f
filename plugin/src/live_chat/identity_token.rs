//! The token a project's web site vouches for its logged-in user with: a JSON Web Token
//! (RFC 7519) in compact form, signed with HMAC-SHA256 (`HS256`) under the project's
//! identity secret, as Intercom's messenger takes it. The signature covers every claim, so
//! the site's server, and nobody else, says the user's id, name and address together; and
//! the token expires, so one copied from a page stops working.
//!
//! Written here with the RustCrypto HMAC already used for the secret, because the JWT
//! crates bring a C crypto library (`ring`) that does not build for `wasm32-wasip2`; only the
//! one algorithm is accepted, whatever the header says otherwise.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

/// The longest token taken.
pub const MAX_TOKEN_BYTES: usize = 4096;
/// The furthest ahead a token may expire: a site makes one per page it serves.
pub const MAX_LIFETIME_SECS: u64 = 7 * 24 * 60 * 60;

/// What a valid token says about the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteUserClaims {
    /// The user's id on the site (`sub`).
    pub id: String,
    /// Their name (`name`).
    pub name: String,
    /// Their e-mail address (`email`), if the site gave one.
    pub email: Option<String>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    typ: Option<String>,
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    name: String,
    #[serde(default)]
    email: Option<String>,
    exp: u64,
    #[serde(default)]
    nbf: Option<u64>,
}

/// The claims of `token` if it is signed with `secret` and valid at `now_secs`; otherwise
/// why not, in words a site's developer can act on.
pub fn verify(secret: &str, token: &str, now_secs: u64) -> Result<SiteUserClaims, String> {
    let token = token.trim();
    if token.len() > MAX_TOKEN_BYTES {
        return Err(format!("the user token is over {MAX_TOKEN_BYTES} bytes"));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the user token is no JSON Web Token (three parts joined by dots)".into());
    };
    let decode = |part: &str, what: &str| {
        URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .map_err(|_| format!("the user token's {what} is not base64url"))
    };
    let head: Header = serde_json::from_slice(&decode(header, "header")?)
        .map_err(|_| "the user token's header is not a JWT header".to_string())?;
    if head.alg != "HS256" || head.typ.as_deref().is_some_and(|typ| !typ.eq_ignore_ascii_case("JWT")) {
        return Err(format!("the user token must be signed with HS256, not {:?}", head.alg));
    }
    if head.crit.is_some() {
        return Err("the user token names critical extensions this chat does not know".into());
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| "no identity secret".to_string())?;
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    mac.verify_slice(&decode(signature, "signature")?).map_err(|_| {
        "the user token's signature does not match: sign it on your server with HS256 and the project's identity secret"
            .to_string()
    })?;
    let claims: Claims = serde_json::from_slice(&decode(payload, "payload")?)
        .map_err(|err| format!("the user token's claims: {err} (sub, name and exp are required)"))?;
    if claims.exp <= now_secs {
        return Err("the user token has expired: make a new one for each page".into());
    }
    if claims.exp > now_secs + MAX_LIFETIME_SECS {
        return Err("the user token expires too late: at most 7 days ahead".into());
    }
    if claims.nbf.is_some_and(|nbf| nbf > now_secs) {
        return Err("the user token is not valid yet".into());
    }
    Ok(SiteUserClaims {
        id: claims.sub,
        name: claims.name,
        email: claims.email.filter(|email| !email.trim().is_empty()),
    })
}

/// A token for `claims` (a JSON object) signed with `secret`: what a site's server makes.
pub fn sign(secret: &str, claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{header}.{payload}.{signature}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: u64 = 1_700_000_000;

    fn jane(exp: u64) -> serde_json::Value {
        json!({ "sub": "site-user-42", "name": "Jane", "email": "jane@shop.example", "exp": exp })
    }

    #[test]
    fn lc_4_a_signed_token_says_who_the_user_is_until_it_expires() {
        let token = sign("s3cret", &jane(NOW + 3600));
        let claims = verify("s3cret", &token, NOW).unwrap();
        assert_eq!(
            claims,
            SiteUserClaims {
                id: "site-user-42".into(),
                name: "Jane".into(),
                email: Some("jane@shop.example".into()),
            }
        );
        assert!(verify("s3cret", &token, NOW + 3600).unwrap_err().contains("expired"));
        assert!(verify("other", &token, NOW).unwrap_err().contains("signature"));
        assert!(
            verify("s3cret", &sign("s3cret", &jane(NOW + 30 * 24 * 3600)), NOW)
                .unwrap_err()
                .contains("too late")
        );
    }

    #[test]
    fn lc_4_a_changed_claim_or_another_algorithm_is_refused() {
        let token = sign("s3cret", &jane(NOW + 3600));
        let parts: Vec<&str> = token.split('.').collect();
        // Mallory keeps the signature and changes the name and address.
        let forged = URL_SAFE_NO_PAD.encode(
            json!({ "sub": "site-user-42", "name": "Mallory", "email": "mallory@evil.net", "exp": NOW + 3600 })
                .to_string(),
        );
        let tampered = format!("{}.{forged}.{}", parts[0], parts[2]);
        assert!(verify("s3cret", &tampered, NOW).unwrap_err().contains("signature"));
        let none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        assert!(
            verify("s3cret", &format!("{none}.{}.", parts[1]), NOW)
                .unwrap_err()
                .contains("HS256")
        );
        for junk in ["", "a.b", "a.b.c.d", "!!.??.##"] {
            assert!(verify("s3cret", junk, NOW).is_err(), "{junk:?}");
        }
        let no_exp = sign("s3cret", &json!({ "sub": "x", "name": "X" }));
        assert!(verify("s3cret", &no_exp, NOW).unwrap_err().contains("exp"));
        let huge = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert!(verify("s3cret", &huge, NOW).is_err());
    }

    #[test]
    fn lc_4_a_token_made_elsewhere_verifies() {
        // Made with Python's standard library (hmac, hashlib, base64, json), as a site's
        // server without a JWT library would: {"sub":"42","name":"Ann",
        // "email":"ann@shop.example","iat":1700000000,"exp":4102444800}, key "secret".
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
            eyJzdWIiOiI0MiIsIm5hbWUiOiJBbm4iLCJlbWFpbCI6ImFubkBzaG9wLmV4YW1wbGUiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMH0.\
            Ngl1kGPWzISC4eKwTRdmUpC7bJFtgbf2zeIwz3QbxEo";
        let claims = verify("secret", token, 4_102_444_800 - 3600).unwrap();
        assert_eq!(
            (claims.id.as_str(), claims.name.as_str(), claims.email.as_deref()),
            ("42", "Ann", Some("ann@shop.example"))
        );
    }
}
