//! An in-process cache that every replica keeps honest: what it holds is dropped when the
//! database announces a change (`NOTIFY` from a trigger, heard on a `LISTEN` connection of
//! the process's own), and it is not used at all while that connection is down.
//!
//! The rules both of the gateway's caches (`principals`, `credentials`) follow:
//! - a change made through this process drops its entries before it is answered;
//! - a change made anywhere fires a notification at commit, which every process hears
//!   and drops the entries on;
//! - while the connection is down, nothing is served from the cache (every request asks
//!   the database), and it starts empty again once the connection is back;
//! - an entry put by a lookup that began before an invalidation is refused (`epoch`), so
//!   a slow lookup cannot bring back what a notification dropped.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// Entries kept at most; past that, expired ones go, and if none had, all of them.
const CAPACITY: usize = 50_000;

pub struct NotifiedCache<K, V> {
    ttl: Duration,
    listening: AtomicBool,
    epoch: AtomicU64,
    entries: Mutex<HashMap<K, (V, Instant)>>,
}

impl<K: Eq + Hash, V: Clone> NotifiedCache<K, V> {
    /// A cache keeping each entry for `ttl` at most (zero turns it off). It is used only
    /// while its `LISTEN` connection is up (`listen`).
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            listening: AtomicBool::new(false),
            epoch: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn live(&self) -> bool {
        !self.ttl.is_zero() && self.listening.load(Ordering::Acquire)
    }

    pub fn get(&self, key: &K) -> Option<V> {
        if !self.live() {
            return None;
        }
        let entries = self.entries.lock().ok()?;
        let (value, until) = entries.get(key)?;
        (Instant::now() < *until).then(|| value.clone())
    }

    /// Call before looking a value up; pass the value to `put`.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Keeps `value` for the TTL or `within`, whichever is shorter, unless anything was
    /// invalidated since `epoch`.
    pub fn put(&self, key: K, value: V, within: Duration, epoch: u64) {
        let ttl = self.ttl.min(within);
        if ttl.is_zero() || !self.live() {
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
        entries.insert(key, (value, now + ttl));
    }

    /// Drops one entry.
    pub fn forget(&self, key: &K) {
        self.invalidate(|k, _| k == key);
    }

    /// Drops every entry `gone` says so of.
    pub fn invalidate(&self, gone: impl Fn(&K, &V) -> bool) {
        if let Ok(mut entries) = self.entries.lock() {
            self.epoch.fetch_add(1, Ordering::AcqRel);
            entries.retain(|k, (v, _)| !gone(k, v));
        }
    }

    /// Drops everything.
    pub fn forget_all(&self) {
        self.invalidate(|_, _| true);
    }

    /// Whether the notifications are heard; whatever was cached may have missed some, so
    /// it starts empty either way.
    pub fn set_listening(&self, on: bool) {
        self.forget_all();
        self.listening.store(on, Ordering::Release);
    }
}

/// A cache that a notification channel keeps honest.
pub trait Notified: Send + Sync + 'static {
    /// What the warning says is off while the connection is down.
    const WHAT: &'static str;
    /// The notifications are heard (`true`), or may be missed (`false`).
    fn set_listening(&self, on: bool);
    /// One notification's payload.
    fn apply(&self, payload: &str);
}

/// Keeps a `LISTEN` connection on `channel` for `cache` until the cache is dropped (the
/// server stopped), reconnecting after 1 s, then up to 30 s apart while it keeps failing.
/// A cache with a zero TTL is never used and listens to nothing.
pub fn listen<C: Notified>(
    cache: &Arc<C>,
    ttl: Duration,
    database_url: String,
    channel: &'static str,
) {
    if ttl.is_zero() {
        return;
    }
    tokio::spawn(roster_core::notifications::listen(
        database_url,
        channel,
        CacheListener(Arc::downgrade(cache)),
    ));
}

/// The cache's side of the `LISTEN` connection.
struct CacheListener<C>(Weak<C>);

impl<C: Notified> roster_core::notifications::Listener for CacheListener<C> {
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
            tracing::warn!(error = %e, cache = C::WHAT, "change notifications unavailable; the cache is off until they are back");
        }
        if let Some(cache) = self.0.upgrade() {
            cache.set_listening(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_served_until_the_listener_is_up_nor_after_it_went_down() {
        let cache = NotifiedCache::<u8, &str>::new(Duration::from_secs(5));
        cache.put(1, "a", Duration::MAX, cache.epoch());
        assert!(cache.get(&1).is_none());
        cache.set_listening(true);
        cache.put(1, "a", Duration::MAX, cache.epoch());
        assert_eq!(cache.get(&1), Some("a"));
        cache.set_listening(false);
        assert!(cache.get(&1).is_none());
        cache.set_listening(true);
        assert!(cache.get(&1).is_none(), "it starts empty again");
    }

    #[test]
    fn a_lookup_older_than_an_invalidation_is_not_kept() {
        let cache = NotifiedCache::<u8, &str>::new(Duration::from_secs(5));
        cache.set_listening(true);
        let before = cache.epoch();
        cache.forget(&2);
        cache.put(1, "a", Duration::MAX, before);
        assert!(cache.get(&1).is_none());
        cache.put(1, "a", Duration::MAX, cache.epoch());
        cache.put(2, "b", Duration::MAX, cache.epoch());
        cache.invalidate(|_, v| *v == "b");
        assert_eq!((cache.get(&1), cache.get(&2)), (Some("a"), None));
    }

    #[test]
    fn an_entry_lives_for_the_shorter_of_the_ttl_and_its_own_span() {
        let cache = NotifiedCache::<u8, &str>::new(Duration::from_millis(20));
        cache.set_listening(true);
        cache.put(1, "a", Duration::ZERO, cache.epoch());
        assert!(cache.get(&1).is_none());
        cache.put(1, "a", Duration::MAX, cache.epoch());
        assert!(cache.get(&1).is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert!(cache.get(&1).is_none());
        let off = NotifiedCache::<u8, &str>::new(Duration::ZERO);
        off.set_listening(true);
        off.put(1, "a", Duration::MAX, off.epoch());
        assert!(off.get(&1).is_none());
    }
}
