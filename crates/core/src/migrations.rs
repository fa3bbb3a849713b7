//! The SQL migrations under `migrations/`, embedded in every binary.

use diesel::migration::MigrationVersion;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::AsyncPgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn connect(database_url: &str) -> Result<AsyncConnectionWrapper<AsyncPgConnection>, BoxError> {
    use diesel::Connection;
    Ok(AsyncConnectionWrapper::<AsyncPgConnection>::establish(
        database_url,
    )?)
}

/// Applies every pending migration, then recomputes the stored identity keys in Rust if
/// the folding changed ([`crate::keys::refold`]: idempotent, batched); returns the
/// versions applied. Blocking: call it from `tokio::task::spawn_blocking` (or outside any
/// runtime).
pub fn run_pending(database_url: &str) -> Result<Vec<String>, BoxError> {
    let mut conn = connect(database_url)?;
    let applied: Vec<String> = {
        let applied: Vec<MigrationVersion<'_>> = conn.run_pending_migrations(MIGRATIONS)?;
        applied.iter().map(ToString::to_string).collect()
    };
    crate::keys::refold(&mut conn)?;
    Ok(applied)
}

/// Applies the pending migrations (on a blocking thread, as [`run_pending`] must run),
/// then opens a connection: how a program built on the crates starts. Returns the
/// versions applied with the connection.
pub async fn migrate_and_connect(
    database_url: &str,
) -> Result<(Vec<String>, AsyncPgConnection), BoxError> {
    use diesel_async::AsyncConnection;
    let url = database_url.to_owned();
    let applied = tokio::task::spawn_blocking(move || run_pending(&url)).await??;
    Ok((applied, AsyncPgConnection::establish(database_url).await?))
}

/// Reverts every applied migration, newest first (for the up-down-up check). Blocking.
pub fn revert_all(database_url: &str) -> Result<Vec<String>, BoxError> {
    let mut conn = connect(database_url)?;
    let reverted = conn.revert_all_migrations(MIGRATIONS)?;
    Ok(reverted.iter().map(ToString::to_string).collect())
}

/// A fingerprint of the embedded migrations (names and SQL), so that a test template
/// database can be named after the exact schema it holds.
pub fn fingerprint() -> String {
    use diesel::migration::MigrationSource;
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    match MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS) {
        Ok(list) => {
            for m in list {
                hasher.update(m.name().to_string().as_bytes());
            }
        }
        Err(e) => hasher.update(e.to_string().as_bytes()),
    }
    hasher.update(include_bytes!(concat!(
        env!("OUT_DIR"),
        "/migrations.digest"
    )));
    hex::encode(&hasher.finalize()[..8])
}
