//! Rate limits for the credential endpoints: attempts per credential and per client
//! address in fixed one-minute windows, kept in this process (each replica counts its
//! own; the limits are per replica).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use roster_core::keys::identity_key;
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

/// The rate-limited credential endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /api/auth/sign-in/email`, per email.
    SignIn,
    /// `POST /api/auth/sign-up/email`, per email.
    SignUp,
    /// `POST /api/v1/external-users/authenticate`, per API key.
    Authenticate,
    /// `POST /work-apps/slack/commands`, per Slack team and user.
    SlackCommands,
}

impl Endpoint {
    fn name(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in",
            Self::SignUp => "sign-up",
            Self::Authenticate => "authenticate",
            Self::SlackCommands => "slack-commands",
        }
    }
}

/// Attempts per minute allowed at an endpoint, per credential and per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub per_credential: u32,
    pub per_client: u32,
}

/// The two counters of an endpoint (or of a group of endpoints sharing one limit).
struct Counters {
    per_credential: RateLimiter,
    per_client: RateLimiter,
}

impl Counters {
    fn new(limit: Limit) -> Self {
        Self {
            per_credential: RateLimiter::new(limit.per_credential),
            per_client: RateLimiter::new(limit.per_client),
        }
    }
}

/// The limits of the credential endpoints.
pub struct RateLimits {
    /// Sign-in and sign-up (counted apart, with the same limit).
    accounts: Counters,
    authenticate: Counters,
    slack_commands: Counters,
}

fn too_many(retry_after_secs: u64, limit: u32, what: &str) -> ApiError {
    ApiError(DomainError::TooManyRequests {
        detail: format!("too many attempts {what}; retry in {retry_after_secs} s"),
        retry_after_secs,
        limit,
    })
}

impl RateLimits {
    pub fn new(accounts: Limit, authenticate: Limit, slack_commands: Limit) -> Self {
        Self {
            accounts: Counters::new(accounts),
            authenticate: Counters::new(authenticate),
            slack_commands: Counters::new(slack_commands),
        }
    }

    fn counters(&self, endpoint: Endpoint) -> &Counters {
        match endpoint {
            Endpoint::SignIn | Endpoint::SignUp => &self.accounts,
            Endpoint::Authenticate => &self.authenticate,
            Endpoint::SlackCommands => &self.slack_commands,
        }
    }

    /// Counts an attempt at `endpoint` with `credential` (an email, a key, a Slack user;
    /// kept only as a hash) from `client` (the peer address); 429 past either limit.
    pub fn check(
        &self,
        endpoint: Endpoint,
        credential: Option<&str>,
        client: Option<std::net::IpAddr>,
    ) -> Result<(), ApiError> {
        self.check_client(endpoint, client)?;
        match credential {
            Some(credential) => self.check_credential(endpoint, credential),
            None => Ok(()),
        }
    }

    /// Counts an attempt from `client` alone (before the credential is known).
    pub fn check_client(
        &self,
        endpoint: Endpoint,
        client: Option<std::net::IpAddr>,
    ) -> Result<(), ApiError> {
        let Some(ip) = client else { return Ok(()) };
        let counter = &self.counters(endpoint).per_client;
        counter
            .hit(format!("{}:{ip}", endpoint.name()))
            .map_err(|s| too_many(s, counter.limit, "from this address"))
    }

    /// Counts an attempt with `credential` alone, bucketed by its identity key
    /// ([`roster_core::keys`]): the emails that sign in as one account share one bucket.
    pub fn check_credential(&self, endpoint: Endpoint, credential: &str) -> Result<(), ApiError> {
        let counter = &self.counters(endpoint).per_credential;
        let hashed = hex_of(&roster_core::secret::hash(&identity_key(credential)));
        counter
            .hit(format!("{}:{hashed}", endpoint.name()))
            .map_err(|s| too_many(s, counter.limit, "with this credential"))
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

    #[test]
    fn endpoints_have_their_own_limits_and_counts() {
        let one = Limit {
            per_credential: 1,
            per_client: 100,
        };
        let limits = RateLimits::new(
            one,
            Limit {
                per_credential: 2,
                per_client: 100,
            },
            one,
        );
        let ip = Some(std::net::IpAddr::from([127, 0, 0, 1]));
        assert!(limits.check(Endpoint::SignIn, Some("a@b.co"), ip).is_ok());
        assert!(limits.check(Endpoint::SignIn, Some("A@b.co"), ip).is_err());
        // The Kelvin sign is the letter K: one account, one bucket.
        assert!(limits.check(Endpoint::SignIn, Some("kim@b.co"), ip).is_ok());
        assert!(limits
            .check(Endpoint::SignIn, Some("\u{212A}im@b.co"), ip)
            .is_err());
        assert!(limits
            .check(Endpoint::SignIn, Some("admin@b.co"), ip)
            .is_ok());
        assert!(
            limits
                .check(Endpoint::SignIn, Some("adm\u{130}n@b.co"), ip)
                .is_ok(),
            "the dotted capital I is another identity, so another bucket"
        );
        assert!(limits.check(Endpoint::SignUp, Some("a@b.co"), ip).is_ok());
        assert!(limits.check(Endpoint::Authenticate, Some("k"), ip).is_ok());
        assert!(limits.check(Endpoint::Authenticate, Some("k"), ip).is_ok());
        assert!(limits.check(Endpoint::Authenticate, Some("k"), ip).is_err());
        assert!(limits
            .check(Endpoint::SlackCommands, Some("T1:U1"), ip)
            .is_ok());
        assert!(limits.check_client(Endpoint::SlackCommands, ip).is_ok());
    }
}
