//! The sender's SQL: claiming due mail (locked, so that no other sender sends it
//! meanwhile) and recording what came of each attempt.

use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::{planned_per_call, prepared_once};
use roster_core::error::DomainResult;
use roster_core::time::Timestamp;

/// A due mail, locked by the claiming transaction.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub recipient: String,
    #[diesel(sql_type = Text)]
    pub subject: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub body: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub link_purpose: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub link_account_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub link_callback: Option<String>,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
}

/// Up to `$1` due mails, soonest first, skipping those another sender holds.
const CLAIM: &str = "\
SELECT id, recipient, subject, body, link_purpose, link_account_id, link_callback, attempts
  FROM mail_outbox
 WHERE state = 'pending' AND next_attempt_at <= now()
 ORDER BY next_attempt_at
 LIMIT $1
 FOR UPDATE SKIP LOCKED";

/// Claims up to `limit` due mails for the rest of the caller's transaction; planned on
/// every call, as the deliverer's claim is: a plan kept from the sender's first claims,
/// on an empty outbox, would stay with the connection as the outbox grows.
pub async fn claim(conn: &mut AsyncPgConnection, limit: i64) -> DomainResult<Vec<Claimed>> {
    Ok(
        planned_per_call(diesel::sql_query(CLAIM).bind::<BigInt, _>(limit))
            .load(conn)
            .await?,
    )
}

/// Gives up mail queued more than a week ago and never sent (mail was not configured, or
/// kept failing), so that configuring mail late does not send stale invitations.
pub async fn give_up_stale(conn: &mut AsyncPgConnection) -> DomainResult<()> {
    prepared_once(diesel::sql_query(
        "UPDATE mail_outbox SET state = 'failed', body = NULL,
                last_error = 'not sent within a week of being queued'
          WHERE state = 'pending' AND created_at < now() - interval '7 days'",
    ))
    .execute(conn)
    .await?;
    Ok(())
}

/// What one attempt leaves on its mail: sent or given up (the body deleted), or pending
/// again at `retry_at`.
pub enum Recorded<'a> {
    Sent,
    Retry { at: Timestamp, error: &'a str },
    GivenUp { error: &'a str },
}

/// Records the outcome of one claimed mail.
pub async fn record(
    conn: &mut AsyncPgConnection,
    id: &str,
    recorded: Recorded<'_>,
) -> DomainResult<()> {
    let (state, next, error): (&str, Option<Timestamp>, Option<&str>) = match recorded {
        Recorded::Sent => ("sent", None, None),
        Recorded::Retry { at, error } => ("pending", Some(at), Some(error)),
        Recorded::GivenUp { error } => ("failed", None, Some(error)),
    };
    prepared_once(
        diesel::sql_query(
            "UPDATE mail_outbox
                SET state = $2, attempts = attempts + 1,
                    next_attempt_at = COALESCE($3, next_attempt_at),
                    last_error = $4,
                    body = CASE WHEN $2 = 'pending' THEN body END,
                    sent_at = CASE WHEN $2 = 'sent' THEN now() END
              WHERE id = $1",
        )
        .bind::<Text, _>(id)
        .bind::<Text, _>(state)
        .bind::<Nullable<diesel::sql_types::Timestamptz>, _>(next)
        .bind::<Nullable<Text>, _>(error),
    )
    .execute(conn)
    .await?;
    Ok(())
}
