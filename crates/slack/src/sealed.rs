//! Bot tokens at rest: sealed with XChaCha20-Poly1305 under a key derived from
//! `ROSTER_SECRET`, bound to their team id so that a sealed token copied onto another
//! workspace's row does not open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use roster_core::DomainError;

/// The first byte of every sealed value, so that the scheme can change later.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

/// The key bot tokens are sealed with.
#[derive(Clone)]
pub struct BotTokenKey([u8; 32]);

impl BotTokenKey {
    /// Derives the key from the master secret (`ROSTER_SECRET`).
    pub fn derive(master: &[u8]) -> Self {
        Self(roster_core::jwt::derive_key(master, "slack-bot-token"))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }
}

impl std::fmt::Debug for BotTokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BotTokenKey(..)")
    }
}

/// Seals a bot token of `team_id`: `version || nonce || ciphertext+tag`.
pub fn seal(key: &BotTokenKey, team_id: &str, token: &str) -> Result<Vec<u8>, DomainError> {
    let nonce = roster_core::secret::random_bytes::<NONCE_LEN>();
    let sealed = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: token.as_bytes(),
                aad: team_id.as_bytes(),
            },
        )
        .map_err(|_| DomainError::internal_msg("sealing a bot token failed"))?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
    out.push(VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens a value made by [`seal`] for the same team.
pub fn open(key: &BotTokenKey, team_id: &str, sealed: &[u8]) -> Result<String, DomainError> {
    let broken = || DomainError::internal_msg("a sealed bot token does not open with this key");
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
                aad: team_id.as_bytes(),
            },
        )
        .map_err(|_| broken())?;
    String::from_utf8(plain).map_err(|_| broken())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_tokens_open_only_with_their_key_and_team() {
        let key = BotTokenKey::derive(b"a master secret that is long enough");
        let sealed = seal(&key, "T0AAA", "xoxb-123-secret").unwrap();
        assert!(!sealed
            .windows("xoxb-123-secret".len())
            .any(|w| w == b"xoxb-123-secret"));
        assert_eq!(open(&key, "T0AAA", &sealed).unwrap(), "xoxb-123-secret");
        assert!(open(&key, "T0BBB", &sealed).is_err());
        let other = BotTokenKey::derive(b"another master secret, long enough");
        assert!(open(&other, "T0AAA", &sealed).is_err());
        assert_ne!(seal(&key, "T0AAA", "xoxb-123-secret").unwrap(), sealed);
        assert!(open(&key, "T0AAA", &[]).is_err());
    }
}
