//! Retention: events older than `ROSTER_AUDIT_RETENTION_DAYS` are deleted in small
//! batches (short transactions that hold few locks), never in one long DELETE.

use std::time::Duration;

use diesel::sql_types::{BigInt, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::Pool;
use crate::error::DomainResult;
use crate::time::Timestamp;

/// Events deleted by one statement.
pub const BATCH: i64 = 1_000;
/// How often a gateway looks for expired events.
const EVERY: Duration = Duration::from_secs(3_600);
/// The pause between two batches, so that retention never holds the table for long.
const BETWEEN_BATCHES: Duration = Duration::from_millis(50);

/// Deletes up to `limit` events that occurred before `before`; returns how many.
pub async fn delete_batch(
    conn: &mut AsyncPgConnection,
    before: Timestamp,
    limit: i64,
) -> DomainResult<usize> {
    Ok(diesel::sql_query(
        "DELETE FROM events WHERE ctid IN \
         (SELECT ctid FROM events WHERE occurred_at < $1 LIMIT $2)",
    )
    .bind::<Timestamptz, _>(before)
    .bind::<BigInt, _>(limit)
    .execute(conn)
    .await?)
}

/// Deletes every event that occurred before `before`, `limit` at a time; returns how many.
pub async fn delete_expired(pool: &Pool, before: Timestamp, limit: i64) -> DomainResult<usize> {
    let mut total = 0;
    loop {
        let mut conn = crate::db::conn(pool).await?;
        let deleted = delete_batch(&mut conn, before, limit).await?;
        drop(conn);
        total += deleted;
        if i64::try_from(deleted).unwrap_or(i64::MAX) < limit {
            return Ok(total);
        }
        tokio::time::sleep(BETWEEN_BATCHES).await;
    }
}

/// Every hour, from now on, deletes the events older than `days` days (until the task is
/// aborted).
pub async fn run(pool: Pool, days: u32) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        let before = crate::time::now() - time::Duration::days(i64::from(days));
        match delete_expired(&pool, before, BATCH).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, days, "expired audit events deleted"),
            Err(e) => tracing::warn!(error = %e, "deleting expired audit events failed"),
        }
    }
}
