//! The deliverer's SQL: claiming due deliveries (locked, so that no other deliverer sends
//! them meanwhile) and recording what their attempts came to.

use diesel::pg::Pg;
use diesel::query_builder::{Query, QueryFragment};
use diesel::sql_types::Untyped;
use diesel::sql_types::{Array, BigInt, Bool, Bytea, Integer, Jsonb, Nullable, Text, Timestamptz};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::{planned_per_call, PlannedPerCall};
use roster_core::error::DomainResult;
use roster_core::events::{Event, EventId, EventRecord};
use roster_core::time::Timestamp;

use super::send::Outcome;
use crate::config::RetrySchedule;

/// A due delivery, with its endpoint and event, locked by the claiming transaction.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = Text)]
    pub org_id: String,
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub endpoint_id: String,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Text)]
    pub url: String,
    #[diesel(sql_type = Bool)]
    pub enabled: bool,
    #[diesel(sql_type = Bytea)]
    pub secret_sealed: Vec<u8>,
    #[diesel(sql_type = Nullable<Bytea>)]
    pub previous_secret_sealed: Option<Vec<u8>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub previous_secret_expires_at: Option<Timestamp>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub failing_since: Option<Timestamp>,
    #[diesel(sql_type = Text)]
    pub event_id: EventId,
    #[diesel(sql_type = Text)]
    pub event_type: String,
    #[diesel(sql_type = Timestamptz)]
    pub occurred_at: Timestamp,
    #[diesel(sql_type = Text)]
    pub actor_type: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub actor_id: Option<String>,
    #[diesel(sql_type = Text)]
    pub target_type: String,
    #[diesel(sql_type = Text)]
    pub target_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub request_id: Option<String>,
    #[diesel(sql_type = Jsonb)]
    pub data: serde_json::Value,
}

impl Claimed {
    /// The event to send.
    pub fn event(&self) -> Event {
        Event::from(EventRecord {
            org_id: Some(self.org_id.clone()),
            id: self.event_id.clone(),
            kind: self.event_type.clone(),
            occurred_at: self.occurred_at,
            actor_type: self.actor_type.clone(),
            actor_id: self.actor_id.clone(),
            target_type: self.target_type.clone(),
            target_id: self.target_id.clone(),
            request_id: self.request_id.clone(),
            data: self.data.clone(),
        })
    }
}

/// Up to `$1` due deliveries, soonest first, skipping those another deliverer holds:
/// the deliveries locked first, from the due index alone, then their endpoints and events
/// by key, so that a backlog is never sorted whole for a batch.
const CLAIM: &str = "\
WITH c AS MATERIALIZED (
SELECT d.org_id, d.id, d.endpoint_id, d.event_id, d.attempts, d.next_attempt_at
  FROM webhook_deliveries d
 WHERE d.state = 'pending' AND d.next_attempt_at <= now()
 ORDER BY d.next_attempt_at
 LIMIT $1
 FOR UPDATE SKIP LOCKED)
SELECT c.org_id, c.id, c.endpoint_id, c.attempts,
       w.url, w.enabled, w.secret_sealed, w.previous_secret_sealed,
       w.previous_secret_expires_at, w.failing_since,
       e.id AS event_id, e.type AS event_type, e.occurred_at, e.actor_type, e.actor_id,
       e.target_type, e.target_id, e.request_id, e.data
  FROM c
  JOIN webhook_endpoints w ON w.org_id = c.org_id AND w.id = c.endpoint_id
  JOIN events e ON e.org_id = c.org_id AND e.id = c.event_id
 ORDER BY c.next_attempt_at";

/// Claims up to `limit` due deliveries for the rest of the caller's transaction.
///
/// Planned on every call, never prepared once: the first claims of a deliverer run on
/// empty tables (it polls from its start), and a generic plan settled on then stays with
/// the connection while `events` and the deliveries grow. One such plan looked each
/// event up by `org_id` alone and filtered on its id, reading every event of the org for
/// each delivery: ~2 s a claim at 35,000 events, 25 deliveries a second in `cargo xtask
/// bench` (docs/performance.md, "Webhook deliveries and a cached plan").
pub async fn claim(conn: &mut AsyncPgConnection, limit: i64) -> DomainResult<Vec<Claimed>> {
    Ok(claim_statement(limit).load(conn).await?)
}

fn claim_statement(
    limit: i64,
) -> PlannedPerCall<impl QueryFragment<Pg> + Query<SqlType = Untyped> + Send> {
    planned_per_call(diesel::sql_query(CLAIM).bind::<BigInt, _>(limit))
}

/// What one attempt leaves on its delivery.
struct Recorded<'a> {
    state: &'static str,
    next_attempt_at: Option<Timestamp>,
    status: Option<i32>,
    error: Option<&'a str>,
    attempted: i32,
}

fn recorded<'a>(claimed: &Claimed, outcome: &'a Outcome, schedule: &RetrySchedule) -> Recorded<'a> {
    let attempts = u32::try_from(claimed.attempts).unwrap_or(0) + 1;
    let retry_at = || {
        schedule
            .after(attempts)
            .and_then(|wait| time::Duration::try_from(wait).ok())
            .map(|wait| roster_core::time::now() + wait)
    };
    match outcome {
        Outcome::Delivered(status) => Recorded {
            state: "delivered",
            next_attempt_at: None,
            status: Some(i32::from(*status)),
            error: None,
            attempted: 1,
        },
        Outcome::Gone => Recorded {
            state: "failed",
            next_attempt_at: None,
            status: Some(410),
            error: Some("the receiver answered 410 Gone: the endpoint is disabled"),
            attempted: 1,
        },
        Outcome::Failed { status, error } => {
            let next = retry_at();
            Recorded {
                state: if next.is_some() { "pending" } else { "failed" },
                next_attempt_at: next,
                status: status.map(i32::from),
                error: Some(error),
                attempted: 1,
            }
        }
        Outcome::Skipped(why) => Recorded {
            state: "failed",
            next_attempt_at: None,
            status: None,
            error: Some(why),
            attempted: 0,
        },
    }
}

/// Records the outcome of each claimed delivery, in one statement, planned on every call
/// as the claim is: a join planned while the table was small must not stay.
pub async fn record(
    conn: &mut AsyncPgConnection,
    claimed: &[Claimed],
    outcomes: &[Outcome],
    schedule: &RetrySchedule,
) -> DomainResult<()> {
    let rows: Vec<Recorded<'_>> = claimed
        .iter()
        .zip(outcomes)
        .map(|(c, o)| recorded(c, o, schedule))
        .collect();
    planned_per_call(
        diesel::sql_query(
            "UPDATE webhook_deliveries d
                SET state = o.state, attempts = d.attempts + o.attempted,
                    next_attempt_at = o.next_attempt_at, last_status = o.status,
                    last_error = o.error,
                    last_attempt_at = CASE WHEN o.attempted = 1 THEN now() ELSE d.last_attempt_at END,
                    updated_at = now()
               FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::int[],
                           $6::text[], $7::int[])
                 AS o(org_id, id, state, next_attempt_at, status, error, attempted)
              WHERE d.org_id = o.org_id AND d.id = o.id",
        )
        .bind::<Array<Text>, _>(claimed.iter().map(|c| c.org_id.as_str()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(claimed.iter().map(|c| c.id.as_str()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(rows.iter().map(|r| r.state).collect::<Vec<_>>())
        .bind::<Array<Nullable<Timestamptz>>, _>(
            rows.iter().map(|r| r.next_attempt_at).collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Integer>>, _>(rows.iter().map(|r| r.status).collect::<Vec<_>>())
        .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|r| r.error).collect::<Vec<_>>())
        .bind::<Array<Integer>, _>(rows.iter().map(|r| r.attempted).collect::<Vec<_>>()),
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claim_is_planned_on_every_call_never_kept_prepared() {
        // A statement kept prepared settles on a generic plan after five calls; the
        // deliverer's first calls run on empty tables (docs/performance.md).
        assert!(!claim_statement(50).is_safe_to_cache_prepared(&Pg).unwrap());
        let prepared = roster_core::db::prepared_once(diesel::sql_query(CLAIM));
        assert!(
            prepared.is_safe_to_cache_prepared(&Pg).unwrap(),
            "the check can fail"
        );
    }
}
