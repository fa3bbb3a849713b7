//! What every handler shares: the pool, the configuration and the metrics.

use std::sync::Arc;
use std::time::Instant;

use roster_core::db::{Pool, PooledConn};

use crate::config::Config;
use crate::credentials::CredentialCache;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::principals::PrincipalCache;
use crate::rate_limit::RateLimits;

#[derive(Clone)]
pub struct AppState {
    /// This worker thread's pool (see `server::build`).
    pub pool: Pool,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub limits: Arc<RateLimits>,
    pub credentials: Arc<CredentialCache>,
    pub principals: Arc<PrincipalCache>,
}

impl AppState {
    /// A pooled connection; an unreachable database is a 503 with `Retry-After`.
    pub async fn conn(&self) -> Result<PooledConn, ApiError> {
        let started = Instant::now();
        let conn = roster_core::db::conn(&self.pool).await;
        self.metrics.record_pool_wait(started.elapsed());
        Ok(conn?)
    }
}
