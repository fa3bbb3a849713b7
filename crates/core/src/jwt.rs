//! Compact HS256 JSON Web Tokens, for the tokens Roster signs itself (Slack link tokens,
//! external-user access tokens). Only HS256 is accepted: a token naming any other
//! algorithm (including `none`) is rejected.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token's signature is invalid")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token was issued for another purpose ({0})")]
    WrongClaim(&'static str),
}

#[derive(Serialize, Deserialize)]
struct Header {
    alg: String,
    typ: Option<String>,
}

/// Derives a key for one purpose from the master secret (`ROSTER_SECRET`), so that a key
/// leaked from one use cannot sign tokens for another.
pub fn derive_key(master: &[u8], purpose: &str) -> [u8; 32] {
    let mut m = mac(master);
    m.update(purpose.as_bytes());
    m.finalize().into_bytes().into()
}

fn mac(key: &[u8]) -> HmacSha256 {
    match <HmacSha256 as Mac>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    }
}

/// Signs `claims` with HS256.
pub fn sign<T: Serialize>(claims: &T, key: &[u8]) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let signing_input = format!("{header}.{payload}");
    let mut m = mac(key);
    m.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(m.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// Checks the signature (in constant time) and the time claims `exp` (required) and
/// `nbf` (optional), allowing `leeway_secs` of clock skew, then returns the claims.
pub fn verify<T: DeserializeOwned>(
    token: &str,
    key: &[u8],
    now_unix: i64,
    leeway_secs: i64,
) -> Result<T, JwtError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    let header_json = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| JwtError::Malformed)?;
    let header: Header = serde_json::from_slice(&header_json).map_err(|_| JwtError::Malformed)?;
    if header.alg != "HS256" {
        return Err(JwtError::Malformed);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| JwtError::Malformed)?;
    let mut m = mac(key);
    m.update(header_and_payload(token).as_bytes());
    m.verify_slice(&signature)
        .map_err(|_| JwtError::BadSignature)?;
    let payload = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| JwtError::Malformed)?;
    let times: TimeClaims = serde_json::from_slice(&payload).map_err(|_| JwtError::Malformed)?;
    if times.exp + leeway_secs < now_unix {
        return Err(JwtError::Expired);
    }
    if times.nbf.is_some_and(|nbf| nbf - leeway_secs > now_unix) {
        return Err(JwtError::NotYetValid);
    }
    serde_json::from_slice(&payload).map_err(|_| JwtError::Malformed)
}

fn header_and_payload(token: &str) -> &str {
    token.rsplit_once('.').map(|(hp, _)| hp).unwrap_or(token)
}

#[derive(Deserialize)]
struct TimeClaims {
    exp: i64,
    nbf: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn signs_and_verifies() {
        let token = sign(&json!({"sub": "x", "exp": 2000}), KEY);
        let claims: Value = verify(&token, KEY, 1000, 0).unwrap();
        assert_eq!(claims["sub"], "x");
    }

    #[test]
    fn rejects_expired_tampered_and_foreign_tokens() {
        let token = sign(&json!({"sub": "x", "exp": 2000}), KEY);
        assert_eq!(
            verify::<Value>(&token, KEY, 2001, 0),
            Err(JwtError::Expired)
        );
        assert!(verify::<Value>(&token, KEY, 2001, 5).is_ok());
        assert_eq!(
            verify::<Value>(&token, b"another key, quite long enough!!", 1000, 0),
            Err(JwtError::BadSignature)
        );
        let forged = sign(&json!({"sub": "y", "exp": 2000}), KEY);
        let spliced = format!(
            "{}.{}",
            header_and_payload(&forged),
            token.rsplit('.').next().unwrap()
        );
        assert_eq!(
            verify::<Value>(&spliced, KEY, 1000, 0),
            Err(JwtError::BadSignature)
        );
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(br#"{"exp":2000}"#)
        );
        assert_eq!(
            verify::<Value>(&none, KEY, 1000, 0),
            Err(JwtError::Malformed)
        );
        assert_eq!(
            verify::<Value>("a.b", KEY, 1000, 0),
            Err(JwtError::Malformed)
        );
        let no_exp = sign(&json!({"sub": "x"}), KEY);
        assert_eq!(
            verify::<Value>(&no_exp, KEY, 1000, 0),
            Err(JwtError::Malformed)
        );
    }

    #[test]
    fn derived_keys_differ_by_purpose() {
        assert_ne!(
            derive_key(KEY, "slack-link"),
            derive_key(KEY, "external-access")
        );
        assert_eq!(derive_key(KEY, "a"), derive_key(KEY, "a"));
    }
}
