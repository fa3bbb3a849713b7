//! What every handler shares: the pool, the configuration and the metrics.

use std::sync::Arc;
use std::time::Instant;

use roster_core::db::{ConnectionSource, Pool, PooledConn};
use roster_identity::passwords::Hasher;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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
    /// This worker thread's turns for user writes (`ROSTER_DB_WRITERS` split among them).
    pub writers: Arc<Semaphore>,
    /// This worker thread's creates of App users waiting for a turn (`crate::creates`).
    pub creates: Arc<crate::creates::CreateQueue>,
    /// Held only to end the background tasks with the server.
    pub background: Arc<crate::background::BackgroundTasks>,
    /// The process's turns at checking and hashing passwords (`ROSTER_PASSWORD_HASHERS`).
    pub hasher: Hasher,
}

impl AppState {
    /// A pooled connection; an unreachable database is a 503 with `Retry-After`.
    pub async fn conn(&self) -> Result<PooledConn, ApiError> {
        let started = Instant::now();
        let conn = roster_core::db::conn(&self.pool).await;
        self.metrics.record_pool_wait(started.elapsed());
        Ok(conn?)
    }

    /// A connection for a create or change of users, once a turn is free (see
    /// `Config::db_writers`): the turn is held as long as the connection is.
    pub async fn writer_conn(&self) -> Result<WriterConn, ApiError> {
        let turn = self.writers.clone().acquire_owned().await.map_err(|_| {
            roster_core::DomainError::internal_msg("the writers' turns were closed")
        })?;
        Ok(WriterConn {
            conn: self.conn().await?,
            _turn: turn,
        })
    }
}

/// For domain functions that take a connection only while they need one.
impl ConnectionSource for AppState {
    async fn get(&self) -> Result<PooledConn, roster_core::DomainError> {
        self.conn().await.map_err(|e| e.0)
    }
}

/// A pooled connection with a writer's turn.
pub struct WriterConn {
    conn: PooledConn,
    _turn: OwnedSemaphorePermit,
}

impl std::ops::Deref for WriterConn {
    type Target = PooledConn;
    fn deref(&self) -> &PooledConn {
        &self.conn
    }
}

impl std::ops::DerefMut for WriterConn {
    fn deref_mut(&mut self) -> &mut PooledConn {
        &mut self.conn
    }
}
