//! The console's CSRF tokens: every form carries one, and a POST without the right one is
//! refused (403 `csrf_failed`) before anything is read or written.
//!
//! A token is an HMAC (key: `ROSTER_SECRET`) of what it is bound to: the session token
//! once signed in, and before that a random value in a cookie of its own (the sign-in
//! form). Nothing is stored; another session's token is useless.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::HttpRequest;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::auth::SESSION_COOKIE;

/// The cookie that binds the sign-in form's token before there is a session.
pub const PRE_SESSION_COOKIE: &str = "roster-console-csrf";
/// The form field that carries the token.
pub const FIELD: &str = "csrf";

/// The token for `binding`, under `secret` (empty only if the key were refused, which an
/// HMAC never does: it takes a key of any length).
pub fn token(secret: &[u8], binding: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(b"roster-console-csrf\0");
    mac.update(binding.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `given` is the token for `binding` (compared in constant time).
pub fn verify(secret: &[u8], binding: &str, given: &str) -> bool {
    let expected = token(secret, binding);
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// What a request's tokens are bound to: the session cookie, else the pre-session one.
pub fn binding(req: &HttpRequest) -> Option<String> {
    [SESSION_COOKIE, PRE_SESSION_COOKIE]
        .iter()
        .find_map(|name| req.cookie(name).map(|c| c.value().to_owned()))
        .filter(|v| !v.is_empty())
}

/// A fresh pre-session cookie (for the sign-in page when the browser has none), and its
/// value.
pub fn pre_session_cookie(secure: bool) -> (Cookie<'static>, String) {
    let value = hex::encode(roster_core::secret::random_bytes::<32>());
    let cookie = Cookie::build(PRE_SESSION_COOKIE, value.clone())
        .path("/console")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish();
    (cookie, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_only_for_its_binding_and_key() {
        let t = token(b"k1", "session-a");
        assert!(verify(b"k1", "session-a", &t));
        assert!(!verify(b"k1", "session-b", &t));
        assert!(!verify(b"k2", "session-a", &t));
        assert!(!verify(b"k1", "session-a", ""));
        assert!(!verify(b"k1", "session-a", &t[..10]));
    }
}
