//! Principals this process has lately resolved: (account, org reference) -> its active
//! user there, for a few seconds, so that a request does not look its user up each time.
//!
//! A cached principal must never outlive a change to its user (deactivation, a new role):
//! a change anywhere fires a `NOTIFY roster_user_changed` from a trigger on `users` (the
//! `user_change_notices` migration), and the cache follows the rules of `notified`.
//!
//! Only active users are cached; a 403 is always decided by the database.

use std::sync::Arc;
use std::time::Duration;

use roster_identity::auth::Principal;
use roster_identity::{AccountId, OrgId, UserId};

use crate::notified::{self, Notified, NotifiedCache};

/// The channel the trigger on `users` notifies, payload `<org_id> <user_id>` or `*`.
pub const CHANNEL: &str = "roster_user_changed";

pub struct PrincipalCache(NotifiedCache<(AccountId, String), Principal>);

impl PrincipalCache {
    /// A cache keeping each principal for `ttl` (zero turns it off). It is used only once
    /// `listen` has its connection.
    pub fn new(ttl: Duration) -> Self {
        Self(NotifiedCache::new(ttl))
    }

    pub fn get(&self, account: &AccountId, org_ref: &str) -> Option<Principal> {
        self.0.get(&(account.clone(), org_ref.to_owned()))
    }

    /// The principal of `account` in `org_ref` from the cache, else from `load`, kept
    /// for next time (unless anything was invalidated while `load` ran). Without an
    /// `org_ref` (the request names no org) nothing is cached.
    pub async fn get_or_load<E, F, Fut>(
        &self,
        account: &AccountId,
        org_ref: Option<&str>,
        load: F,
    ) -> Result<Principal, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Principal, E>>,
    {
        if let Some(known) = org_ref.and_then(|o| self.get(account, o)) {
            return Ok(known);
        }
        let epoch = self.epoch();
        let principal = load().await?;
        if let Some(org_ref) = org_ref {
            self.put(org_ref, principal.clone(), epoch);
        }
        Ok(principal)
    }

    /// Call before looking a principal up; pass the value to `put`.
    pub fn epoch(&self) -> u64 {
        self.0.epoch()
    }

    /// Keeps an active principal, unless anything was invalidated since `epoch`.
    pub fn put(&self, org_ref: &str, principal: Principal, epoch: u64) {
        if !principal.user.is_active() {
            return;
        }
        let key = (principal.account_id.clone(), org_ref.to_owned());
        self.0.put(key, principal, Duration::MAX, epoch);
    }

    /// Drops every entry of one user (it changed).
    pub fn forget_user(&self, org_id: &OrgId, user_id: &UserId) {
        self.0
            .invalidate(|_, p| p.user.org_id == *org_id && p.user.id == *user_id);
    }

    /// Drops everything.
    pub fn forget_all(&self) {
        self.0.forget_all();
    }
}

impl Notified for PrincipalCache {
    const WHAT: &'static str = "principals";

    fn set_listening(&self, on: bool) {
        self.0.set_listening(on);
    }

    /// Applies one notification payload: `<org_id> <user_id>`, or `*` for everything.
    fn apply(&self, payload: &str) {
        match payload.split_once(' ') {
            Some((org, user)) => match (OrgId::parse(org), UserId::parse(user)) {
                (Some(org), Some(user)) => self.forget_user(&org, &user),
                _ => self.forget_all(),
            },
            None => self.forget_all(),
        }
    }
}

/// Keeps the `LISTEN` connection of `cache` (see `notified::listen`).
pub fn listen(cache: &Arc<PrincipalCache>, database_url: String) {
    notified::listen(cache, cache.0.ttl(), database_url, CHANNEL);
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_identity::users::UserRecord;
    use roster_identity::{Role, UserState};

    fn principal(org: &OrgId, state: UserState) -> Principal {
        let account_id = AccountId::generate();
        let now = roster_core::time::now();
        Principal {
            account_id: account_id.clone(),
            user: UserRecord {
                org_id: org.clone(),
                id: UserId::generate(),
                account_id,
                name: "Ada".into(),
                given_name: None,
                family_name: None,
                email: "ada@example.test".into(),
                job_position_name: None,
                job_position_description: None,
                state,
                role: Role::AppMember,
                created_at: now,
                updated_at: now,
                metadata: Default::default(),
            },
        }
    }

    fn live_cache() -> PrincipalCache {
        let cache = PrincipalCache::new(Duration::from_secs(5));
        cache.set_listening(true);
        cache
    }

    #[test]
    fn nothing_is_cached_until_the_listener_is_up() {
        let org = OrgId::generate();
        let cache = PrincipalCache::new(Duration::from_secs(5));
        let p = principal(&org, UserState::Active);
        cache.put("acme", p.clone(), cache.epoch());
        assert!(cache.get(&p.account_id, "acme").is_none());
        cache.set_listening(true);
        cache.put("acme", p.clone(), cache.epoch());
        assert!(cache.get(&p.account_id, "acme").is_some());
        cache.set_listening(false);
        assert!(cache.get(&p.account_id, "acme").is_none());
    }

    #[test]
    fn a_change_to_the_user_drops_it_by_call_or_notification() {
        let org = OrgId::generate();
        let cache = live_cache();
        let p = principal(&org, UserState::Active);
        let other = principal(&org, UserState::Active);
        cache.put("acme", p.clone(), cache.epoch());
        cache.put("acme", other.clone(), cache.epoch());
        cache.forget_user(&org, &p.user.id);
        assert!(cache.get(&p.account_id, "acme").is_none());
        assert!(cache.get(&other.account_id, "acme").is_some());
        cache.apply(&format!("{} {}", org, other.user.id));
        assert!(cache.get(&other.account_id, "acme").is_none());
        cache.put("acme", p.clone(), cache.epoch());
        cache.apply("*");
        assert!(cache.get(&p.account_id, "acme").is_none());
    }

    #[test]
    fn a_lookup_older_than_an_invalidation_is_not_kept_nor_an_inactive_user() {
        let org = OrgId::generate();
        let cache = live_cache();
        let p = principal(&org, UserState::Active);
        let before = cache.epoch();
        cache.forget_user(&org, &UserId::generate());
        cache.put("acme", p.clone(), before);
        assert!(cache.get(&p.account_id, "acme").is_none());
        let inactive = principal(&org, UserState::Inactive);
        cache.put("acme", inactive.clone(), cache.epoch());
        assert!(cache.get(&inactive.account_id, "acme").is_none());
    }
}
