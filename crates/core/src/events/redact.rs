//! Erasing what past events say about someone: a deleted user's personal data leaves the
//! audit log and the deliveries still to send (their payloads are read from the events),
//! and its id stays. Events are otherwise never changed: the database refuses any other
//! update (the `events_refuse_update` trigger), and this one only inside a transaction
//! that declares it (`roster.erasing`) and only when the new data is contained in the old.

use diesel::sql_types::{Array, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::error::DomainResult;

/// The data of the events matched, down to the keys `$keep` it has.
const KEEP_ONLY: &str = "data = (SELECT coalesce(jsonb_object_agg(k, e.data -> k), '{}'::jsonb) \
     FROM unnest($3::text[]) AS k WHERE e.data ? k)";

/// Declares the erasure to the `events_refuse_update` trigger, for the rest of the
/// caller's transaction.
async fn declare(conn: &mut AsyncPgConnection) -> DomainResult<()> {
    diesel::sql_query("SELECT set_config('roster.erasing', 'on', true)")
        .execute(conn)
        .await?;
    Ok(())
}

/// Cuts the data of every event of `org_id` about `target_id` (its target) down to the
/// keys in `keep`. On the `(org_id, target_id)` index. Call it in a transaction.
pub async fn redact_target(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    target_id: &str,
    keep: &[&str],
) -> DomainResult<usize> {
    declare(conn).await?;
    let sql = format!("UPDATE events e SET {KEEP_ONLY} WHERE e.org_id = $1 AND e.target_id = $2");
    Ok(diesel::sql_query(sql)
        .bind::<Text, _>(org_id)
        .bind::<Text, _>(target_id)
        .bind::<Array<Text>, _>(keep)
        .execute(conn)
        .await?)
}

/// Cuts the data of every event of `org_id` of type `kind` whose data names `value` at
/// `key` down to the keys in `keep` (a group's `group.member_added` names its member,
/// with the member's name and email). On the `(org_id, type)` index. Call it in a
/// transaction.
pub async fn redact_mentions(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    kind: super::EventType,
    key: &str,
    value: &str,
    keep: &[&str],
) -> DomainResult<usize> {
    declare(conn).await?;
    let sql = format!(
        "UPDATE events e SET {KEEP_ONLY} \
         WHERE e.org_id = $1 AND e.type = $2 AND e.data ->> $4 = $5"
    );
    Ok(diesel::sql_query(sql)
        .bind::<Text, _>(org_id)
        .bind::<Text, _>(kind.as_str())
        .bind::<Array<Text>, _>(keep)
        .bind::<Text, _>(key)
        .bind::<Text, _>(value)
        .execute(conn)
        .await?)
}

/// Cuts the events of no org about an account (its target, or the account its session
/// data names as `userId`) down to `{"id"}`: a deleted account's sign-up, settings and
/// sessions keep no personal data. On the `(org_id, target_id)` index's null-org part.
/// Call it in a transaction.
pub async fn redact_account_of_no_org(
    conn: &mut AsyncPgConnection,
    account_id: &str,
) -> DomainResult<usize> {
    declare(conn).await?;
    let sql = format!(
        "UPDATE events e SET {KEEP_ONLY} \
         WHERE e.org_id IS NULL AND (e.target_id = $1 OR e.data ->> 'userId' = $2)"
    );
    Ok(diesel::sql_query(sql)
        .bind::<Text, _>(account_id)
        .bind::<Text, _>(account_id)
        .bind::<Array<Text>, _>(&["id"][..])
        .execute(conn)
        .await?)
}
