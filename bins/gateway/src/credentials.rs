//! Credentials this process has lately checked: the SHA-256 of a token -> who it is, for
//! a few seconds, so that a request does not look its token up in the database each time.
//!
//! Revocation and sign-out through this process drop the entry at once; in another
//! replica a revoked credential keeps working for at most the TTL. Only the credential is
//! cached: whether its account is an active user of the org is checked on every request,
//! so a deactivation takes effect at once in every replica. Unknown credentials are never
//! cached, so a new token works at once and guessing cannot fill the cache.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use roster_identity::auth::Authenticated;

/// Entries kept at most; past that, expired ones go, and if none had, all of them.
const CAPACITY: usize = 50_000;

pub type CredentialKey = [u8; 32];

pub struct CredentialCache {
    ttl: Duration,
    entries: Mutex<HashMap<CredentialKey, (Authenticated, Instant)>>,
}

impl CredentialCache {
    /// A cache keeping each credential for `ttl`; zero turns it off.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The key of a secret: its SHA-256, as the database stores it.
    pub fn key(secret: &str) -> CredentialKey {
        Self::key_of_hash(&roster_core::secret::hash(secret)).unwrap_or_default()
    }

    fn key_of_hash(hash: &[u8]) -> Option<CredentialKey> {
        hash.try_into().ok()
    }

    pub fn get(&self, key: &CredentialKey) -> Option<Authenticated> {
        let entries = self.entries.lock().ok()?;
        let (auth, until) = entries.get(key)?;
        (Instant::now() < *until).then(|| auth.clone())
    }

    /// Keeps a checked credential for the TTL, or until it expires if that is sooner.
    pub fn put(&self, key: CredentialKey, auth: Authenticated) {
        let mut ttl = self.ttl;
        if let Some(expires_at) = auth.expires_at {
            let left = expires_at - roster_core::time::now();
            ttl = ttl.min(Duration::try_from(left).unwrap_or(Duration::ZERO));
        }
        if ttl.is_zero() {
            return;
        }
        let now = Instant::now();
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CAPACITY {
            entries.retain(|_, (_, until)| *until > now);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key, (auth, now + ttl));
    }

    /// Drops a secret (sign-out).
    pub fn forget(&self, secret: &str) {
        self.forget_key(&Self::key(secret));
    }

    /// Drops a credential by its stored hash (revocation).
    pub fn forget_hash(&self, hash: &[u8]) {
        if let Some(key) = Self::key_of_hash(hash) {
            self.forget_key(&key);
        }
    }

    /// Drops every credential of an account (its sessions ended at once, e.g. a reset).
    pub fn forget_account(&self, account_id: &roster_identity::AccountId) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (auth, _)| auth.account_id != *account_id);
        }
    }

    fn forget_key(&self, key: &CredentialKey) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_identity::AccountId;

    fn auth(expires_in: Option<time::Duration>) -> Authenticated {
        Authenticated {
            account_id: AccountId::generate(),
            session: None,
            expires_at: expires_in.map(|d| roster_core::time::now() + d),
        }
    }

    #[test]
    fn a_credential_is_kept_for_the_ttl_and_dropped_on_demand() {
        let cache = CredentialCache::new(Duration::from_secs(5));
        let key = CredentialCache::key("rpat_secret");
        assert!(cache.get(&key).is_none());
        cache.put(key, auth(None));
        assert!(cache.get(&key).is_some());
        cache.forget("rpat_secret");
        assert!(cache.get(&key).is_none());
        cache.put(key, auth(None));
        cache.forget_hash(&roster_core::secret::hash("rpat_secret"));
        assert!(cache.get(&key).is_none());
    }

    #[test]
    fn nothing_outlives_its_credential_or_a_zero_ttl() {
        let cache = CredentialCache::new(Duration::from_secs(5));
        let key = CredentialCache::key("rses_expired");
        cache.put(key, auth(Some(time::Duration::seconds(-1))));
        assert!(cache.get(&key).is_none());
        let off = CredentialCache::new(Duration::ZERO);
        off.put(key, auth(None));
        assert!(off.get(&key).is_none());
    }

    #[test]
    fn an_entry_expires_after_the_ttl() {
        let cache = CredentialCache::new(Duration::from_millis(20));
        let key = CredentialCache::key("rpat_brief");
        cache.put(key, auth(None));
        assert!(cache.get(&key).is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert!(cache.get(&key).is_none());
    }
}
