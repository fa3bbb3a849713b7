//! Principals this process has lately resolved: (account, org reference) -> its active
//! user there, for a few seconds, so that a request does not look its user up each time.
//!
//! A cached principal must never outlive a change to its user (deactivation, a new role):
//! - a change made through this process drops the user's entries before it is answered;
//! - a change made anywhere fires a `NOTIFY roster_user_changed` from a trigger on `users`
//!   (the `user_change_notices` migration), which every process hears on a `LISTEN`
//!   connection of its own and drops the entries on;
//! - while that connection is down, the cache is not used at all (every request asks the
//!   database), and it starts empty again once the connection is back.
//!
//! Only active users are cached; a 403 is always decided by the database. An entry put
//! by a lookup that began before an invalidation is refused (`epoch`), so a slow lookup
//! cannot bring back what a deactivation dropped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use roster_identity::auth::Principal;
use roster_identity::{AccountId, OrgId, UserId};

/// Entries kept at most; past that, expired ones go, and if none had, all of them.
const CAPACITY: usize = 50_000;
/// The channel the trigger on `users` notifies, payload `<org_id> <user_id>` or `*`.
pub const CHANNEL: &str = "roster_user_changed";

type Key = (AccountId, String);

pub struct PrincipalCache {
    ttl: Duration,
    listening: AtomicBool,
    epoch: AtomicU64,
    entries: Mutex<HashMap<Key, (Principal, Instant)>>,
}

impl PrincipalCache {
    /// A cache keeping each principal for `ttl` (zero turns it off). It is used only once
    /// `listen` has its connection.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            listening: AtomicBool::new(false),
            epoch: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn live(&self) -> bool {
        !self.ttl.is_zero() && self.listening.load(Ordering::Acquire)
    }

    pub fn get(&self, account: &AccountId, org_ref: &str) -> Option<Principal> {
        if !self.live() {
            return None;
        }
        let entries = self.entries.lock().ok()?;
        let (principal, until) = entries.get(&(account.clone(), org_ref.to_owned()))?;
        (Instant::now() < *until).then(|| principal.clone())
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
        self.epoch.load(Ordering::Acquire)
    }

    /// Keeps an active principal, unless anything was invalidated since `epoch`.
    pub fn put(&self, org_ref: &str, principal: Principal, epoch: u64) {
        if !self.live() || !principal.user.is_active() {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        // Checked under the lock that invalidations take too.
        if self.epoch.load(Ordering::Acquire) != epoch {
            return;
        }
        let now = Instant::now();
        if entries.len() >= CAPACITY {
            entries.retain(|_, (_, until)| *until > now);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            (principal.account_id.clone(), org_ref.to_owned()),
            (principal, now + self.ttl),
        );
    }

    /// Drops every entry of one user (it changed).
    pub fn forget_user(&self, org_id: &OrgId, user_id: &UserId) {
        self.invalidate(|p| p.user.org_id == *org_id && p.user.id == *user_id);
    }

    /// Drops everything.
    pub fn forget_all(&self) {
        self.invalidate(|_| true);
    }

    fn invalidate(&self, gone: impl Fn(&Principal) -> bool) {
        if let Ok(mut entries) = self.entries.lock() {
            self.epoch.fetch_add(1, Ordering::AcqRel);
            entries.retain(|_, (p, _)| !gone(p));
        }
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

    fn set_listening(&self, on: bool) {
        // Whatever was cached may have missed notifications: start empty either way.
        self.forget_all();
        self.listening.store(on, Ordering::Release);
    }
}

/// Keeps a `LISTEN` connection for `cache` until the cache is dropped (the server
/// stopped), reconnecting after 1 s, then up to 30 s apart while it keeps failing.
pub fn listen(cache: &Arc<PrincipalCache>, database_url: String) {
    if cache.ttl.is_zero() {
        return;
    }
    let listener = CacheListener(Arc::downgrade(cache));
    tokio::spawn(roster_core::notifications::listen(
        database_url,
        CHANNEL,
        listener,
    ));
}

/// The cache's side of the `LISTEN` connection.
struct CacheListener(Weak<PrincipalCache>);

impl roster_core::notifications::Listener for CacheListener {
    fn alive(&self) -> bool {
        self.0.strong_count() > 0
    }

    fn up(&self) {
        if let Some(cache) = self.0.upgrade() {
            cache.set_listening(true);
        }
    }

    fn heard(&self, payload: &str) {
        if let Some(cache) = self.0.upgrade() {
            cache.apply(payload);
        }
    }

    fn down(&self, error: Option<&tokio_postgres::Error>, first: bool) {
        if let (Some(e), true) = (error, first) {
            tracing::warn!(error = %e, "user-change notifications unavailable; principal cache off until they are back");
        }
        if let Some(cache) = self.0.upgrade() {
            cache.set_listening(false);
        }
    }
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
