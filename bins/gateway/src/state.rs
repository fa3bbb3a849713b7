//! What every handler shares: the pool, the configuration, the caches and the writers.

use std::sync::Arc;
use std::time::Instant;

use roster_core::db::{ConnectionSource, Pool, PooledConn};
use roster_identity::passwords::Hasher;

use crate::config::Config;
use crate::credentials::CredentialCache;
use crate::defences::Defences;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::principals::PrincipalCache;
use crate::rate_limit::RateLimits;
use crate::scim_clients::ScimClientCache;
use crate::writer::Writer;

#[derive(Clone)]
pub struct AppState {
    /// This worker thread's pool (see `server::build`).
    pub pool: Pool,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub limits: Arc<RateLimits>,
    pub defences: Arc<Defences>,
    pub credentials: Arc<CredentialCache>,
    pub principals: Arc<PrincipalCache>,
    pub scim_clients: Arc<ScimClientCache>,
    /// This worker thread's write path.
    pub writer: Writer,
    /// Wakes the outbox workers once a request's writes that queued rows have committed.
    pub announcer: roster_core::outbox::Announcer,
    /// Held only to end the background tasks with the server.
    pub background: Arc<crate::background::BackgroundTasks>,
    /// The process's turns at checking and hashing passwords (`ROSTER_PASSWORD_HASHERS`).
    pub hasher: Hasher,
}

impl AppState {
    /// A pooled connection; an unreachable database is a 503 with `Retry-After`.
    pub async fn conn(&self) -> Result<PooledConn, ApiError> {
        pooled(&self.pool, &self.metrics).await
    }
}

/// A connection from `pool`, its wait recorded.
pub async fn pooled(pool: &Pool, metrics: &Metrics) -> Result<PooledConn, ApiError> {
    let started = Instant::now();
    let conn = roster_core::db::conn(pool).await;
    metrics.record_pool_wait(started.elapsed());
    Ok(conn?)
}

/// For domain functions that take a connection only while they need one.
impl ConnectionSource for AppState {
    async fn get(&self) -> Result<PooledConn, roster_core::DomainError> {
        self.conn().await.map_err(|e| e.0)
    }
}
