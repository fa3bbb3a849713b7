//! Rows that expire (audit events past retention, idempotency keys past their window),
//! deleted in small batches: short statements that hold few locks, never one long DELETE.

use std::time::Duration;

use diesel::sql_types::{BigInt, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::Pool;
use crate::error::DomainResult;
use crate::time::Timestamp;

/// The pause between two batches, so that expiry never holds a table for long.
const BETWEEN_BATCHES: Duration = Duration::from_millis(50);

/// A table whose rows expire by the time in one of its columns.
#[derive(Debug, Clone, Copy)]
pub struct Expiring {
    pub table: &'static str,
    /// The `timestamptz` column a row's age is counted from.
    pub column: &'static str,
    /// What the logs call its rows ("audit events").
    pub rows: &'static str,
}

impl Expiring {
    /// Deletes up to `limit` rows older than `before`; returns how many.
    pub async fn delete_batch(
        &self,
        conn: &mut AsyncPgConnection,
        before: Timestamp,
        limit: i64,
    ) -> DomainResult<usize> {
        let Self { table, column, .. } = self;
        Ok(diesel::sql_query(format!(
            "DELETE FROM {table} WHERE ctid IN \
             (SELECT ctid FROM {table} WHERE {column} < $1 LIMIT $2)"
        ))
        .bind::<Timestamptz, _>(before)
        .bind::<BigInt, _>(limit)
        .execute(conn)
        .await?)
    }

    /// Deletes every row older than `before`, `limit` at a time; returns how many.
    pub async fn delete_expired(
        &self,
        pool: &Pool,
        before: Timestamp,
        limit: i64,
    ) -> DomainResult<usize> {
        let mut total = 0;
        loop {
            let mut conn = crate::db::conn(pool).await?;
            let deleted = self.delete_batch(&mut conn, before, limit).await?;
            drop(conn);
            total += deleted;
            if i64::try_from(deleted).unwrap_or(i64::MAX) < limit {
                return Ok(total);
            }
            tokio::time::sleep(BETWEEN_BATCHES).await;
        }
    }

    /// Every `every`, from now on, deletes the rows older than `keep`, `batch` at a time
    /// (until the task is aborted).
    pub async fn run(self, pool: Pool, every: Duration, keep: time::Duration, batch: i64) {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let before = crate::time::now() - keep;
            match self.delete_expired(&pool, before, batch).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(deleted = n, rows = self.rows, %keep, "expired rows deleted")
                }
                Err(e) => {
                    tracing::warn!(error = %e, rows = self.rows, "deleting expired rows failed")
                }
            }
        }
    }
}
