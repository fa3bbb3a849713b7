//! Configuration from the environment (see the README's table).

use std::net::SocketAddr;

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Signup {
    #[default]
    Open,
    Closed,
}

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
    /// Whether anyone may create an account with POST /api/auth/sign-up/email.
    #[arg(long, env = "ROSTER_SIGNUP", value_enum, default_value_t = Signup::Open)]
    pub signup: Signup,
    /// Database connections per process.
    #[arg(long, env = "ROSTER_DB_POOL_SIZE", default_value_t = 16)]
    pub db_pool_size: usize,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "ROSTER_WORKERS")]
    pub workers: Option<usize>,
    /// Seconds a checked token or session, and the active user it is in an org, are
    /// trusted without asking the database again (0: always ask). Revocation and
    /// sign-out through this process end the first at once; any change to the user,
    /// through any process, ends the second (see principals.rs).
    #[arg(long, env = "ROSTER_AUTH_CACHE_SECONDS", default_value_t = 5)]
    pub auth_cache_seconds: u64,
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
            signup: Signup::Open,
            db_pool_size: 8,
            workers: Some(2),
            auth_cache_seconds: 5,
        }
    }

    /// Whether cookies should be marked `Secure`.
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}
