//! The write path, one component: creates and changes of users (App and external) take a
//! writer's turn before a connection (`ROSTER_DB_WRITERS`, split among the workers), and
//! creates of App users by email that wait for a turn are added together (`gathered`).

mod gathered;

use std::sync::Arc;

use roster_core::db::{Pool, PooledConn};
use roster_core::outbox::Announcer;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use gathered::CreateQueue;
pub use gathered::MAX_BATCH;

use crate::error::ApiError;
use crate::metrics::Metrics;

/// One worker thread's writers: its turns, its waiting creates and its pool.
#[derive(Clone)]
pub struct Writer {
    pool: Pool,
    metrics: Arc<Metrics>,
    turns: Arc<Semaphore>,
    creates: Arc<CreateQueue>,
    /// Announces the rows a gathered batch queued (mail, deliveries) once it commits.
    announcer: Announcer,
}

impl Writer {
    /// Writers over `pool` with `turns` turns.
    pub fn new(pool: Pool, metrics: Arc<Metrics>, turns: usize, announcer: Announcer) -> Self {
        Self {
            pool,
            metrics,
            turns: Arc::new(Semaphore::new(turns)),
            creates: Arc::default(),
            announcer,
        }
    }

    /// A connection for a create or change of users, once a turn is free: the turn is
    /// held as long as the connection is.
    pub async fn conn(&self) -> Result<WriterConn, ApiError> {
        let turn = self.turn().await?;
        Ok(WriterConn {
            conn: self.pooled().await?,
            _turn: turn,
        })
    }

    async fn turn(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.turns.clone().acquire_owned().await.map_err(|_| {
            ApiError(roster_core::DomainError::internal_msg(
                "the writers' turns were closed",
            ))
        })
    }

    async fn pooled(&self) -> Result<PooledConn, ApiError> {
        crate::state::pooled(&self.pool, &self.metrics).await
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
