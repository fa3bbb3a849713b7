//! Retention: events older than `ROSTER_AUDIT_RETENTION_DAYS` are deleted in small
//! batches (short transactions that hold few locks), never in one long DELETE.

use std::time::Duration;

use diesel_async::AsyncPgConnection;

use crate::db::Pool;
use crate::error::DomainResult;
use crate::expiry::Expiring;
use crate::time::Timestamp;

/// Events deleted by one statement.
pub const BATCH: i64 = 1_000;
/// How often a gateway looks for expired events.
const EVERY: Duration = Duration::from_secs(3_600);
/// The audit log, by the time its events occurred.
const EVENTS: Expiring = Expiring {
    table: "events",
    column: "occurred_at",
    rows: "audit events",
};

/// Deletes up to `limit` events that occurred before `before`; returns how many.
pub async fn delete_batch(
    conn: &mut AsyncPgConnection,
    before: Timestamp,
    limit: i64,
) -> DomainResult<usize> {
    EVENTS.delete_batch(conn, before, limit).await
}

/// Deletes every event that occurred before `before`, `limit` at a time; returns how many.
pub async fn delete_expired(pool: &Pool, before: Timestamp, limit: i64) -> DomainResult<usize> {
    EVENTS.delete_expired(pool, before, limit).await
}

/// Every hour, from now on, deletes the events older than `days` days (until the task is
/// aborted).
pub async fn run(pool: Pool, days: u32) {
    let keep = time::Duration::days(i64::from(days));
    EVENTS.run(pool, EVERY, keep, BATCH).await;
}
