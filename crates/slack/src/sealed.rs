//! Bot tokens at rest: sealed (`roster_core::sealed`) under the `slack-bot-token` key,
//! bound to their team id so that a sealed token copied onto another workspace's row
//! does not open.

use roster_core::sealed::{self, SealingKey};
use roster_core::DomainError;

/// The key bot tokens are sealed with.
#[derive(Clone, Debug)]
pub struct BotTokenKey(SealingKey);

impl BotTokenKey {
    /// Derives the key from the master secret (`ROSTER_SECRET`).
    pub fn derive(master: &[u8]) -> Self {
        Self(SealingKey::derive(master, "slack-bot-token"))
    }
}

/// Seals a bot token of `team_id`.
pub fn seal(key: &BotTokenKey, team_id: &str, token: &str) -> Result<Vec<u8>, DomainError> {
    sealed::seal(&key.0, team_id, token)
}

/// Opens a value made by [`seal`] for the same team.
pub fn open(key: &BotTokenKey, team_id: &str, sealed: &[u8]) -> Result<String, DomainError> {
    sealed::open(&key.0, team_id, sealed)
}
