//! Credentials this process has lately checked: the SHA-256 of a token -> who it is, for
//! a few seconds, so that a request does not look its token up in the database each time.
//!
//! A cached credential must never outlive its revocation, on any replica: every change to
//! `sessions` and `api_tokens` (sign-out, revoke-session(s), a password reset or change
//! that ends sessions, a reclaimed account, a token revoked, an account deleted) fires a
//! `NOTIFY roster_credential_changed` from a trigger (migration
//! `2026-12-11-000032_credential_change_notices`), payload the account's id (or `*`),
//! and every process drops that account's entries; the cache follows the rules of
//! `notified` (unused while its connection is down). Whether the account is an active
//! user of the org is checked on every request (`principals`). Unknown credentials are
//! never cached, so a new token works at once and guessing cannot fill the cache.

use std::sync::Arc;
use std::time::Duration;

use roster_identity::auth::Authenticated;
use roster_identity::AccountId;

use crate::notified::{self, Notified, NotifiedCache};

/// The channel the triggers on `sessions` and `api_tokens` notify.
pub const CHANNEL: &str = "roster_credential_changed";

pub type CredentialKey = [u8; 32];

pub struct CredentialCache(NotifiedCache<CredentialKey, Authenticated>);

impl CredentialCache {
    /// A cache keeping each credential for `ttl`; zero turns it off. It is used only once
    /// `listen` has its connection.
    pub fn new(ttl: Duration) -> Self {
        Self(NotifiedCache::new(ttl))
    }

    /// The key of a secret: its SHA-256, as the database stores it.
    pub fn key(secret: &str) -> CredentialKey {
        Self::key_of_hash(&roster_core::secret::hash(secret)).unwrap_or_default()
    }

    fn key_of_hash(hash: &[u8]) -> Option<CredentialKey> {
        hash.try_into().ok()
    }

    pub fn get(&self, key: &CredentialKey) -> Option<Authenticated> {
        self.0.get(key)
    }

    /// Call before looking a credential up; pass the value to `put`.
    pub fn epoch(&self) -> u64 {
        self.0.epoch()
    }

    /// Keeps a checked credential for the TTL, or until it expires if that is sooner,
    /// unless anything was invalidated since `epoch`.
    pub fn put(&self, key: CredentialKey, auth: Authenticated, epoch: u64) {
        let left = match auth.expires_at {
            Some(expires_at) => {
                Duration::try_from(expires_at - roster_core::time::now()).unwrap_or_default()
            }
            None => Duration::MAX,
        };
        self.0.put(key, auth, left, epoch);
    }

    /// Drops a secret (sign-out).
    pub fn forget(&self, secret: &str) {
        self.0.forget(&Self::key(secret));
    }

    /// Drops a credential by its stored hash (revocation).
    pub fn forget_hash(&self, hash: &[u8]) {
        if let Some(key) = Self::key_of_hash(hash) {
            self.0.forget(&key);
        }
    }

    /// Drops every credential of an account (its sessions ended at once, e.g. a reset).
    pub fn forget_account(&self, account_id: &AccountId) {
        self.0.invalidate(|_, auth| auth.account_id == *account_id);
    }
}

impl Notified for CredentialCache {
    const WHAT: &'static str = "credentials";

    fn set_listening(&self, on: bool) {
        self.0.set_listening(on);
    }

    /// Applies one notification payload: an account's id, or `*` for everything.
    fn apply(&self, payload: &str) {
        match AccountId::parse(payload) {
            Some(account) => self.forget_account(&account),
            None => self.0.forget_all(),
        }
    }
}

/// Keeps the `LISTEN` connection of `cache` (see `notified::listen`).
pub fn listen(cache: &Arc<CredentialCache>, database_url: String) {
    notified::listen(cache, cache.0.ttl(), database_url, CHANNEL);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(expires_in: Option<time::Duration>) -> Authenticated {
        Authenticated {
            account_id: AccountId::generate(),
            session: None,
            expires_at: expires_in.map(|d| roster_core::time::now() + d),
        }
    }

    fn live_cache() -> CredentialCache {
        let cache = CredentialCache::new(Duration::from_secs(5));
        cache.set_listening(true);
        cache
    }

    #[test]
    fn a_credential_is_kept_for_the_ttl_and_dropped_on_demand() {
        let cache = live_cache();
        let key = CredentialCache::key("rpat_secret");
        assert!(cache.get(&key).is_none());
        cache.put(key, auth(None), cache.epoch());
        assert!(cache.get(&key).is_some());
        cache.forget("rpat_secret");
        assert!(cache.get(&key).is_none());
        cache.put(key, auth(None), cache.epoch());
        cache.forget_hash(&roster_core::secret::hash("rpat_secret"));
        assert!(cache.get(&key).is_none());
    }

    #[test]
    fn a_notice_drops_the_accounts_credentials_or_all_of_them() {
        let cache = live_cache();
        let (mine, other) = (auth(None), auth(None));
        let (a, b, c) = (
            CredentialCache::key("rses_a"),
            CredentialCache::key("rpat_b"),
            CredentialCache::key("rses_c"),
        );
        cache.put(a, mine.clone(), cache.epoch());
        cache.put(b, mine.clone(), cache.epoch());
        cache.put(c, other, cache.epoch());
        cache.apply(mine.account_id.as_str());
        assert!(cache.get(&a).is_none() && cache.get(&b).is_none());
        assert!(
            cache.get(&c).is_some(),
            "another account's credential stays"
        );
        cache.apply("*");
        assert!(cache.get(&c).is_none());
        // A lookup that began before a notice is not kept.
        let before = cache.epoch();
        cache.apply(AccountId::generate().as_str());
        cache.put(a, mine, before);
        assert!(cache.get(&a).is_none());
    }

    #[test]
    fn nothing_outlives_its_credential_or_a_zero_ttl() {
        let cache = live_cache();
        let key = CredentialCache::key("rses_expired");
        cache.put(key, auth(Some(time::Duration::seconds(-1))), cache.epoch());
        assert!(cache.get(&key).is_none());
        let off = CredentialCache::new(Duration::ZERO);
        off.set_listening(true);
        off.put(key, auth(None), off.epoch());
        assert!(off.get(&key).is_none());
    }
}
