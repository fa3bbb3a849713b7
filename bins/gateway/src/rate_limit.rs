//! Rate limits for the credential endpoints: attempts per credential and per client
//! address in fixed one-minute windows, kept in this process (each replica counts its
//! own; the limits are per replica).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use roster_core::DomainError;

use crate::error::ApiError;

const WINDOW: Duration = Duration::from_secs(60);
/// Past this many tracked keys, expired windows are dropped.
const PRUNE_AT: usize = 10_000;

struct Window {
    started: Instant,
    count: u32,
}

/// Attempts per key in fixed windows.
pub struct RateLimiter {
    limit: u32,
    windows: Mutex<HashMap<String, Window>>,
}

impl RateLimiter {
    pub fn new(limit: u32) -> Self {
        Self {
            limit: limit.max(1),
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt; past the limit, the seconds until the window resets.
    pub fn hit(&self, key: String) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        if windows.len() >= PRUNE_AT {
            windows.retain(|_, w| now.duration_since(w.started) < WINDOW);
        }
        let window = windows.entry(key).or_insert(Window {
            started: now,
            count: 0,
        });
        if now.duration_since(window.started) >= WINDOW {
            *window = Window {
                started: now,
                count: 0,
            };
        }
        if window.count >= self.limit {
            let left = WINDOW.saturating_sub(now.duration_since(window.started));
            return Err(left.as_secs().max(1));
        }
        window.count += 1;
        Ok(())
    }
}

/// The limits of the credential endpoints.
pub struct RateLimits {
    per_credential: RateLimiter,
    per_client: RateLimiter,
}

impl RateLimits {
    pub fn new(per_credential: u32, per_client: u32) -> Self {
        Self {
            per_credential: RateLimiter::new(per_credential),
            per_client: RateLimiter::new(per_client),
        }
    }

    /// Counts an attempt at `endpoint` with `credential` (an email, a key; kept only as a
    /// hash) from `client` (the peer address); 429 past either limit.
    pub fn check(
        &self,
        endpoint: &str,
        credential: Option<&str>,
        client: Option<std::net::IpAddr>,
    ) -> Result<(), ApiError> {
        let too_many = |retry_after_secs: u64, limit: u32, what: &str| {
            ApiError(DomainError::TooManyRequests {
                detail: format!("too many attempts {what}; retry in {retry_after_secs} s"),
                retry_after_secs,
                limit,
            })
        };
        if let Some(ip) = client {
            self.per_client
                .hit(format!("{endpoint}:{ip}"))
                .map_err(|s| too_many(s, self.per_client.limit, "from this address"))?;
        }
        if let Some(credential) = credential {
            let hashed = hex_of(&roster_core::secret::hash(
                &credential.trim().to_lowercase(),
            ));
            self.per_credential
                .hit(format!("{endpoint}:{hashed}"))
                .map_err(|s| too_many(s, self.per_credential.limit, "with this credential"))?;
        }
        Ok(())
    }
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_allows_its_limit_then_says_when_to_retry() {
        let limiter = RateLimiter::new(3);
        for _ in 0..3 {
            assert!(limiter.hit("k".into()).is_ok());
        }
        let retry = limiter.hit("k".into()).unwrap_err();
        assert!((1..=60).contains(&retry), "{retry}");
        assert!(
            limiter.hit("other".into()).is_ok(),
            "keys are counted apart"
        );
    }
}
