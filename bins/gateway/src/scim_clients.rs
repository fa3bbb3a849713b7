//! SCIM tokens this process has lately checked: the SHA-256 of a token -> its org and id,
//! for a few seconds, so that a SCIM request does not look its token up each time.
//!
//! A cached token must never outlive its revocation, on any replica: a revoke through this
//! process drops it before it is answered, and every change to `scim_tokens` (a token
//! revoked, an org deleted with its tokens) fires a `NOTIFY roster_scim_token_changed` from
//! a trigger (migration `2026-12-13-000040_scim_token_change_notices`), payload the org's id
//! (or `*`), on which every process drops that org's tokens; the cache follows the rules of
//! `notified`. Unknown tokens are never cached, so a new token works at once and guessing
//! cannot fill the cache.

use std::sync::Arc;
use std::time::Duration;

use roster_identity::scim_tokens::ScimClient;
use roster_identity::{OrgId, ScimTokenId};

use crate::credentials::{CredentialCache, CredentialKey};
use crate::notified::{self, Notified, NotifiedCache};

/// The channel the triggers on `scim_tokens` notify.
pub const CHANNEL: &str = "roster_scim_token_changed";

pub struct ScimClientCache(NotifiedCache<CredentialKey, ScimClient>);

impl ScimClientCache {
    /// A cache keeping each token for `ttl`; zero turns it off. It is used only once
    /// `listen` has its connection.
    pub fn new(ttl: Duration) -> Self {
        Self(NotifiedCache::new(ttl))
    }

    /// The client of `secret` from the cache, else from `load`, kept for next time
    /// (unless anything was invalidated while `load` ran).
    pub async fn get_or_load<E, F, Fut>(&self, secret: &str, load: F) -> Result<ScimClient, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<ScimClient, E>>,
    {
        let key = CredentialCache::key(secret);
        if let Some(known) = self.get(&key) {
            return Ok(known);
        }
        let epoch = self.0.epoch();
        let client = load().await?;
        self.put(key, client.clone(), epoch);
        Ok(client)
    }

    fn get(&self, key: &CredentialKey) -> Option<ScimClient> {
        self.0.get(key)
    }

    fn put(&self, key: CredentialKey, client: ScimClient, epoch: u64) {
        self.0.put(key, client, Duration::MAX, epoch);
    }

    /// Drops one token (revoked through this process).
    pub fn forget_token(&self, org_id: &OrgId, id: &ScimTokenId) {
        self.0
            .invalidate(|_, c| c.org_id == *org_id && c.token_id == *id);
    }

    /// Drops every token of an org.
    pub fn forget_org(&self, org_id: &OrgId) {
        self.0.invalidate(|_, c| c.org_id == *org_id);
    }
}

impl Notified for ScimClientCache {
    const WHAT: &'static str = "SCIM tokens";

    fn set_listening(&self, on: bool) {
        self.0.set_listening(on);
    }

    /// Applies one notification payload: an org's id, or `*` for everything.
    fn apply(&self, payload: &str) {
        match OrgId::parse(payload) {
            Some(org) => self.forget_org(&org),
            None => self.0.forget_all(),
        }
    }
}

/// Keeps the `LISTEN` connection of `cache` (see `notified::listen`).
pub fn listen(cache: &Arc<ScimClientCache>, database_url: String) {
    notified::listen(cache, cache.0.ttl(), database_url, CHANNEL);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> ScimClient {
        ScimClient {
            org_id: OrgId::generate(),
            token_id: ScimTokenId::generate(),
        }
    }

    fn live_cache() -> ScimClientCache {
        let cache = ScimClientCache::new(Duration::from_secs(5));
        cache.set_listening(true);
        cache
    }

    fn keep(cache: &ScimClientCache, secret: &str, client: &ScimClient) {
        cache.put(
            CredentialCache::key(secret),
            client.clone(),
            cache.0.epoch(),
        );
    }

    fn cached(cache: &ScimClientCache, secret: &str) -> bool {
        cache.get(&CredentialCache::key(secret)).is_some()
    }

    #[test]
    fn a_token_is_kept_until_revoked_or_its_org_is_announced() {
        let cache = live_cache();
        let (a, b) = (client(), client());
        assert!(!cached(&cache, "rscim_a"));
        keep(&cache, "rscim_a", &a);
        keep(&cache, "rscim_b", &b);
        assert!(cached(&cache, "rscim_a"));
        cache.forget_token(&a.org_id, &a.token_id);
        assert!(!cached(&cache, "rscim_a") && cached(&cache, "rscim_b"));
        keep(&cache, "rscim_a", &a);
        cache.apply(a.org_id.as_str());
        assert!(!cached(&cache, "rscim_a") && cached(&cache, "rscim_b"));
        cache.apply("*");
        assert!(!cached(&cache, "rscim_b"));
    }
}
