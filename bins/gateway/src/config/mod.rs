//! Configuration from the environment (see the README's table).

use std::net::SocketAddr;

use clap::{Args, ValueEnum};

pub use mail::{MailConfig, MailTransport};

use crate::defences::{TrustedOrigins, TrustedProxies};
use crate::rate_limit::{Limit, RateLimits};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Signup {
    Open,
    #[default]
    Closed,
}

/// The default lifetime of the in-process credential cache, in seconds.
pub const DEFAULT_AUTH_CACHE_SECONDS: u64 = 5;

/// Settings of a serving gateway.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// PostgreSQL URL, e.g. postgres://roster@127.0.0.1:5432/roster
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: String,
    /// Address to listen on.
    #[arg(long, env = "ROSTER_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Signing key for tokens Roster issues: at least 32 bytes.
    #[arg(long, env = "ROSTER_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub secret: Secret,
    /// The URL clients reach this gateway at (for links Roster hands out).
    #[arg(
        long,
        env = "ROSTER_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// Origins browsers may call from with the session cookie (comma-separated; default
    /// the origin of ROSTER_PUBLIC_URL): CSRF checks and CORS (docs/security.md).
    #[arg(long, env = "ROSTER_TRUSTED_ORIGINS", default_value = "")]
    pub trusted_origins: TrustedOrigins,
    /// Whether anyone may create an account with POST /api/auth/sign-up/email (`open`), or
    /// only administrators add people (`closed`, the default).
    #[arg(long, env = "ROSTER_SIGNUP", value_enum, default_value_t = Signup::Closed)]
    pub signup: Signup,
    /// Database connections per process.
    #[arg(long, env = "ROSTER_DB_POOL_SIZE", default_value_t = 16)]
    pub db_pool_size: usize,
    /// User creates and changes (App and external users) in flight per process, split
    /// among the workers (at least one each); the others wait for a turn before they
    /// take a connection. Every one of them writes the same few index pages (the newest
    /// users, their common words, the counters), and PostgreSQL does more of them a
    /// second with a few at a time than with many.
    #[arg(long, env = "ROSTER_DB_WRITERS", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub db_writers: u32,
    /// Attempts per minute at sign-in or sign-up with one credential (email).
    #[arg(long, env = "ROSTER_RATE_LIMIT_PER_CREDENTIAL", default_value_t = 10)]
    pub rate_limit_per_credential: u32,
    /// Attempts per minute at sign-in or sign-up from one client address.
    #[arg(long, env = "ROSTER_RATE_LIMIT_PER_CLIENT", default_value_t = 120)]
    pub rate_limit_per_client: u32,
    /// Attempts per minute at POST /api/v1/external-users/authenticate with one API key.
    #[arg(
        long,
        env = "ROSTER_RATE_LIMIT_AUTHENTICATE_PER_KEY",
        default_value_t = 600
    )]
    pub rate_limit_authenticate_per_key: u32,
    /// Attempts per minute at POST /api/v1/external-users/authenticate from one address.
    #[arg(
        long,
        env = "ROSTER_RATE_LIMIT_AUTHENTICATE_PER_CLIENT",
        default_value_t = 1200
    )]
    pub rate_limit_authenticate_per_client: u32,
    /// Slash commands per minute from one Slack user (team and user id).
    #[arg(
        long,
        env = "ROSTER_RATE_LIMIT_SLACK_COMMANDS_PER_USER",
        default_value_t = 20
    )]
    pub rate_limit_slack_commands_per_user: u32,
    /// Slash commands per minute from one client address (Slack's servers).
    #[arg(
        long,
        env = "ROSTER_RATE_LIMIT_SLACK_COMMANDS_PER_CLIENT",
        default_value_t = 600
    )]
    pub rate_limit_slack_commands_per_client: u32,
    /// Milliseconds a client has to send its request head (slow clients get 408).
    #[arg(long, env = "ROSTER_CLIENT_TIMEOUT_MS", default_value_t = 10_000)]
    pub client_timeout_ms: u64,
    /// Milliseconds a client has to send its request body once the head is in (408 and the
    /// connection closed past it).
    #[arg(long, env = "ROSTER_BODY_TIMEOUT_MS", default_value_t = 30_000,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout_ms: u64,
    /// The largest file `POST /api/v1/app/user-imports` takes, in bytes (1 GiB by
    /// default). Its body is streamed, so the body deadline counts from its last bytes.
    #[arg(long, env = "ROSTER_IMPORT_MAX_BYTES", default_value_t = 1 << 30)]
    pub import_max_bytes: u64,
    /// Connections open at once from one client address; further ones are answered 429
    /// and closed as they arrive. Trusted proxies are not capped.
    #[arg(long, env = "ROSTER_MAX_CONNECTIONS_PER_CLIENT", default_value_t = 256,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections_per_client: u32,
    /// Addresses or CIDRs of the proxies in front of Roster (comma-separated): from them,
    /// the client is the right-most untrusted `X-Forwarded-For` entry.
    #[arg(long, env = "ROSTER_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: TrustedProxies,
    /// Where `/metrics` (and `/healthz`, `/readyz`) answer anyone who reaches them: an
    /// address, or `off`.
    #[arg(long, env = "ROSTER_METRICS_BIND", default_value = "127.0.0.1:9090")]
    pub metrics_bind: MetricsBind,
    /// A bearer token that opens `/metrics` on the public address too (unset: a 404 there).
    #[arg(long, env = "ROSTER_METRICS_TOKEN", hide_env_values = true, value_parser = parse_nonempty_secret)]
    pub metrics_token: Option<Secret>,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "ROSTER_WORKERS")]
    pub workers: Option<usize>,
    /// Passwords checked or hashed at once per process (default: one per core); sign-ups
    /// and sign-ins past that wait for a turn without holding a database connection.
    #[arg(long, env = "ROSTER_PASSWORD_HASHERS", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub password_hashers: Option<u32>,
    #[command(flatten)]
    pub slack: SlackConfig,
    /// Seconds a checked token or session, and the active user it is in an org, are
    /// trusted without asking the database again (0: always ask). Revocation and
    /// sign-out through this process end the first at once; any change to the user,
    /// through any process, ends the second (see principals.rs).
    #[arg(long, env = "ROSTER_AUTH_CACHE_SECONDS", default_value_t = DEFAULT_AUTH_CACHE_SECONDS)]
    pub auth_cache_seconds: u64,
    /// Days the audit log keeps an event; older ones are deleted in small batches.
    #[arg(long, env = "ROSTER_AUDIT_RETENTION_DAYS", default_value_t = 365,
        value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub audit_retention_days: u32,
    /// Hours an `Idempotency-Key` is remembered (its first answer replayed); older keys are
    /// deleted in small batches.
    #[arg(long, env = "ROSTER_IDEMPOTENCY_HOURS", default_value_t = roster_core::idempotency::DEFAULT_HOURS,
        value_parser = clap::value_parser!(u32).range(1..=720))]
    pub idempotency_hours: u32,
    #[command(flatten)]
    pub webhooks: WebhookConfig,
    #[command(flatten)]
    pub mail: MailConfig,
}

/// How webhooks are delivered.
#[derive(Debug, Clone, Args)]
pub struct WebhookConfig {
    /// Milliseconds a receiver has to answer 2xx.
    #[arg(id = "webhook_timeout_ms", long = "webhook-timeout-ms", env = "ROSTER_WEBHOOK_TIMEOUT_MS", default_value_t = 10_000,
        value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub timeout_ms: u64,
    /// The waits between attempts, e.g. `5s,5m,30m,2h,5h,10h,10h`.
    #[arg(id = "webhook_retry_schedule", long = "webhook-retry-schedule", env = "ROSTER_WEBHOOK_RETRY_SCHEDULE",
        default_value = roster_webhooks::config::DEFAULT_RETRY_SCHEDULE,
        value_parser = parse_schedule)]
    pub retry_schedule: roster_webhooks::config::RetrySchedule,
    /// Allows `http` URLs and loopback or private addresses (development and tests only).
    #[arg(id = "webhook_allow_private", long = "webhook-allow-private", env = "ROSTER_WEBHOOK_ALLOW_PRIVATE", default_value_t = false,
        action = clap::ArgAction::Set)]
    pub allow_private: bool,
    /// Deliveries this process sends at once, in batches (0: it delivers none).
    #[arg(id = "webhook_workers", long = "webhook-workers", env = "ROSTER_WEBHOOK_WORKERS", default_value_t = 4,
        value_parser = clap::value_parser!(u16).range(0..=64))]
    pub workers: u16,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            timeout_ms: 10_000,
            retry_schedule: roster_webhooks::config::RetrySchedule::default(),
            allow_private: false,
            workers: 4,
        }
    }
}

impl WebhookConfig {
    /// The deliverer's settings.
    pub fn delivery(&self) -> roster_webhooks::config::DeliveryConfig {
        roster_webhooks::config::DeliveryConfig {
            timeout: std::time::Duration::from_millis(self.timeout_ms),
            schedule: self.retry_schedule.clone(),
            allow_private: self.allow_private,
            workers: usize::from(self.workers),
        }
    }
}

fn parse_schedule(raw: &str) -> Result<roster_webhooks::config::RetrySchedule, String> {
    raw.parse()
}

/// A signing key; its Debug never shows it.
#[derive(Clone)]
pub struct Secret(pub Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

fn parse_secret(raw: &str) -> Result<Secret, String> {
    if raw.len() < 32 {
        return Err("ROSTER_SECRET must be at least 32 bytes".into());
    }
    Ok(Secret(raw.as_bytes().to_vec()))
}

impl Config {
    /// A configuration for tests and tools: everything default but the database and secret.
    pub fn for_database(database_url: impl Into<String>, secret: &[u8]) -> Self {
        Self {
            database_url: database_url.into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            secret: Secret(secret.to_vec()),
            public_url: "http://127.0.0.1:8080".into(),
            trusted_origins: TrustedOrigins::default(),
            signup: Signup::Closed,
            db_pool_size: 8,
            db_writers: 4,
            rate_limit_per_credential: 10,
            rate_limit_per_client: 120,
            rate_limit_authenticate_per_key: 600,
            rate_limit_authenticate_per_client: 1200,
            rate_limit_slack_commands_per_user: 20,
            rate_limit_slack_commands_per_client: 600,
            client_timeout_ms: 10_000,
            body_timeout_ms: 30_000,
            import_max_bytes: 1 << 30,
            max_connections_per_client: 256,
            trusted_proxies: TrustedProxies::default(),
            metrics_bind: MetricsBind(None),
            metrics_token: None,
            workers: Some(2),
            password_hashers: None,
            slack: SlackConfig::default(),
            auth_cache_seconds: DEFAULT_AUTH_CACHE_SECONDS,
            audit_retention_days: 365,
            idempotency_hours: roster_core::idempotency::DEFAULT_HOURS,
            webhooks: WebhookConfig::default(),
            mail: MailConfig::default(),
        }
    }

    /// The limits of the credential endpoints.
    pub fn rate_limits(&self) -> RateLimits {
        RateLimits::new(
            Limit {
                per_credential: self.rate_limit_per_credential,
                per_client: self.rate_limit_per_client,
            },
            Limit {
                per_credential: self.rate_limit_authenticate_per_key,
                per_client: self.rate_limit_authenticate_per_client,
            },
            Limit {
                per_credential: self.rate_limit_slack_commands_per_user,
                per_client: self.rate_limit_slack_commands_per_client,
            },
        )
    }

    /// The key webhook signing secrets are sealed with.
    pub fn webhook_key(&self) -> roster_core::sealed::SealingKey {
        roster_webhooks::endpoints::sealing_key(&self.secret.0)
    }

    /// The password hashing turns of this process (see `password_hashers`).
    pub fn hasher(&self) -> roster_identity::passwords::Hasher {
        let threads = self.password_hashers.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |n| usize::try_from(n).unwrap_or(1),
        );
        roster_identity::passwords::Hasher::new(threads)
    }

    /// Whether clients reach Roster over HTTPS (cookies are then `Secure`, and HSTS is sent);
    /// the scheme is case-insensitive.
    pub fn https(&self) -> bool {
        self.public_url
            .get(.."https://".len())
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
    }
}

/// The Slack app Roster answers for (`/work-apps/slack`).
#[derive(Debug, Clone, Args)]
pub struct SlackConfig {
    /// Verifies slash commands (the app's "Signing Secret"); unset, they answer 503.
    #[arg(long = "slack-signing-secret", env = "SLACK_SIGNING_SECRET", hide_env_values = true, value_parser = parse_nonempty_secret)]
    pub signing_secret: Option<Secret>,
    /// The app's OAuth client id; with the client secret it enables install and connect.
    #[arg(long = "slack-client-id", env = "SLACK_CLIENT_ID")]
    pub client_id: Option<String>,
    #[arg(long = "slack-client-secret", env = "SLACK_CLIENT_SECRET", hide_env_values = true, value_parser = parse_nonempty_secret)]
    pub client_secret: Option<Secret>,
    /// Slack's Web API; its OAuth pages are at the same origin without `/api`.
    #[arg(
        long = "slack-api-base-url",
        env = "SLACK_API_BASE_URL",
        default_value = "https://slack.com/api"
    )]
    pub api_base_url: String,
    /// How long a link token from the `link` slash command stays valid, in seconds.
    #[arg(long = "slack-link-token-ttl-secs", env = "SLACK_LINK_TOKEN_TTL_SECS", default_value_t = 600,
        value_parser = clap::value_parser!(u32).range(60..=86_400))]
    pub link_token_ttl_secs: u32,
}

impl Default for SlackConfig {
    fn default() -> Self {
        Self {
            signing_secret: None,
            client_id: None,
            client_secret: None,
            api_base_url: "https://slack.com/api".into(),
            link_token_ttl_secs: 600,
        }
    }
}

impl SlackConfig {
    /// The OAuth client id and secret, when both are set.
    pub fn oauth(&self) -> Option<(&str, &str)> {
        let id = self
            .client_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())?;
        let secret = std::str::from_utf8(&self.client_secret.as_ref()?.0).ok()?;
        Some((id, secret))
    }
}

fn parse_nonempty_secret(raw: &str) -> Result<Secret, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("must not be empty".into());
    }
    Ok(Secret(raw.as_bytes().to_vec()))
}

/// The management address of `/metrics`; `None` when `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsBind(pub Option<SocketAddr>);

impl std::str::FromStr for MetricsBind {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "off" => Ok(Self(None)),
            addr => addr
                .parse()
                .map(|a| Self(Some(a)))
                .map_err(|_| format!("{addr:?} is neither an address (host:port) nor off")),
        }
    }
}

mod mail;
#[cfg(test)]
mod tests;
