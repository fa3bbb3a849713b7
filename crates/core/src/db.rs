//! The database pool (diesel-async over tokio-postgres, pooled by deadpool).

use std::time::Duration;

use diesel_async::pooled_connection::deadpool::Pool as DeadPool;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
pub use diesel_async::AsyncPgConnection;

pub type Pool = DeadPool<AsyncPgConnection>;
pub type PooledConn = diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection>;
pub type PoolError = diesel_async::pooled_connection::deadpool::PoolError;

/// How long a request waits for a connection before it is told to retry (503).
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

pub type PoolBuildError = diesel_async::pooled_connection::deadpool::BuildError;

/// Builds the pool; connections are opened lazily, so this succeeds while the database is down.
pub fn pool(database_url: &str, max_size: usize) -> Result<Pool, PoolBuildError> {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(database_url);
    DeadPool::builder(manager)
        .max_size(max_size)
        .wait_timeout(Some(ACQUIRE_TIMEOUT))
        .create_timeout(Some(Duration::from_secs(3)))
        .recycle_timeout(Some(Duration::from_secs(3)))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
}

/// Takes a connection from the pool; an unreachable database is `Unavailable` (503).
pub async fn conn(pool: &Pool) -> Result<PooledConn, crate::DomainError> {
    Ok(pool.get().await?)
}
