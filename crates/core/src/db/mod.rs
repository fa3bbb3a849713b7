//! The database pool (diesel-async over tokio-postgres, pooled by deadpool), and the
//! shapes of statements that keep PostgreSQL's plans good (`statements`).

mod statements;

pub use statements::{
    limit_literal, limited, matches_first, planned_per_call, prepared_once, rows_and_total,
    Limited, MatchesFirst, PlannedPerCall, PreparedOnce, Total, WithTotal,
};

use std::time::Duration;

use diesel_async::pooled_connection::deadpool::Pool as DeadPool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
pub use diesel_async::AsyncPgConnection;

pub type Pool = DeadPool<AsyncPgConnection>;
pub type PooledConn = diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection>;
pub type PoolError = diesel_async::pooled_connection::deadpool::PoolError;

/// How long a request waits for a connection before it is told to retry (503).
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

pub type PoolBuildError = diesel_async::pooled_connection::deadpool::BuildError;

/// Builds the pool; connections are opened lazily, so this succeeds while the database is down.
///
/// A connection is not pinged when it is taken (`RecyclingMethod::Fast`): that would be a
/// round trip per checkout. One that PostgreSQL closed is known as closed and replaced; one
/// that breaks during a query fails that query, which is answered 503 (see
/// `DomainError::from(diesel::result::Error)`), and is dropped instead of returned.
pub fn pool(database_url: &str, max_size: usize) -> Result<Pool, PoolBuildError> {
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager =
        AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(database_url, config);
    DeadPool::builder(manager)
        .max_size(max_size)
        .wait_timeout(Some(ACQUIRE_TIMEOUT))
        .create_timeout(Some(Duration::from_secs(3)))
        .recycle_timeout(Some(Duration::from_secs(3)))
        .runtime(deadpool::Runtime::Tokio1)
        .queue_mode(deadpool::managed::QueueMode::Lifo)
        .build()
}

/// Takes a connection from the pool; an unreachable database is `Unavailable` (503).
pub async fn conn(pool: &Pool) -> Result<PooledConn, crate::DomainError> {
    Ok(pool.get().await?)
}

/// Where a domain function that must not hold a connection throughout (while it hashes a
/// password, say) takes one each time it needs one.
pub trait ConnectionSource {
    fn get(&self) -> impl std::future::Future<Output = Result<PooledConn, crate::DomainError>>;
}

impl ConnectionSource for Pool {
    fn get(&self) -> impl std::future::Future<Output = Result<PooledConn, crate::DomainError>> {
        conn(self)
    }
}

/// A query's one row, or a 404 that names what was looked for.
pub trait OrNotFound<T> {
    fn or_not_found(self, what: &str) -> crate::error::DomainResult<T>;
}

impl<T> OrNotFound<T> for diesel::QueryResult<T> {
    fn or_not_found(self, what: &str) -> crate::error::DomainResult<T> {
        use diesel::OptionalExtension;
        self.optional()?
            .ok_or_else(|| crate::DomainError::not_found(what))
    }
}
