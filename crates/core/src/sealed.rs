//! Secrets Roster must read back (Slack bot tokens, webhook signing secrets), sealed at
//! rest with XChaCha20-Poly1305 under a key derived from `ROSTER_SECRET` for one purpose,
//! and bound to the row they belong to, so that a sealed value copied onto another row
//! does not open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::DomainError;

/// The first byte of every sealed value, so that the scheme can change later.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

/// A key for one purpose (`slack-bot-token`, `webhook-secret`).
#[derive(Clone)]
pub struct SealingKey([u8; 32]);

impl SealingKey {
    /// Derives the key of `purpose` from the master secret (`ROSTER_SECRET`).
    pub fn derive(master: &[u8], purpose: &str) -> Self {
        Self(crate::jwt::derive_key(master, purpose))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(..)")
    }
}

/// Seals `secret` for the row named by `bound_to`: `version || nonce || ciphertext+tag`.
pub fn seal(key: &SealingKey, bound_to: &str, secret: &str) -> Result<Vec<u8>, DomainError> {
    let nonce = crate::secret::random_bytes::<NONCE_LEN>();
    let sealed = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: secret.as_bytes(),
                aad: bound_to.as_bytes(),
            },
        )
        .map_err(|_| DomainError::internal_msg("sealing a secret failed"))?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
    out.push(VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens a value made by [`seal`] for the same row.
pub fn open(key: &SealingKey, bound_to: &str, sealed: &[u8]) -> Result<String, DomainError> {
    let broken = || DomainError::internal_msg("a sealed secret does not open with this key");
    let (version, rest) = sealed.split_first().ok_or_else(broken)?;
    if *version != VERSION || rest.len() < NONCE_LEN {
        return Err(broken());
    }
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    let plain = key
        .cipher()
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: bound_to.as_bytes(),
            },
        )
        .map_err(|_| broken())?;
    String::from_utf8(plain).map_err(|_| broken())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_row() {
        let key = SealingKey::derive(b"a master secret that is long enough", "test");
        let sealed = seal(&key, "T0AAA", "xoxb-123-secret").unwrap();
        assert!(!sealed
            .windows("xoxb-123-secret".len())
            .any(|w| w == b"xoxb-123-secret"));
        assert_eq!(open(&key, "T0AAA", &sealed).unwrap(), "xoxb-123-secret");
        assert!(open(&key, "T0BBB", &sealed).is_err());
        let other = SealingKey::derive(b"another master secret, long enough", "test");
        assert!(open(&other, "T0AAA", &sealed).is_err());
        let purpose = SealingKey::derive(b"a master secret that is long enough", "other");
        assert!(open(&purpose, "T0AAA", &sealed).is_err());
        assert_ne!(seal(&key, "T0AAA", "xoxb-123-secret").unwrap(), sealed);
        assert!(open(&key, "T0AAA", &[]).is_err());
    }
}
