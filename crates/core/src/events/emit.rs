//! `emit`: the event and its deliveries in one statement of the caller's transaction, and
//! the deliverers' wake-up once it commits (`outbox::queued`).

use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{EventType, NewEvent};
use crate::db::prepared_once;
use crate::error::DomainResult;

/// The channel committed deliveries are announced on (`outbox::queued`).
pub const DELIVERIES_CHANNEL: &str = "roster_webhook_due";

/// Inserts the events, one pending delivery per enabled endpoint of their org that
/// subscribes to their type (all types, the type itself, or a `prefix.*` under which it
/// falls; or the one endpoint named by `$11`); returns how many deliveries it added. Call
/// it inside the transaction of the change: a rollback takes the events and their
/// deliveries with it.
const EMIT: &str = "\
WITH e AS (
    INSERT INTO events (org_id, id, type, occurred_at, actor_type, actor_id, target_type,
                        target_id, request_id, data)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[],
                         $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[])
    RETURNING org_id, id, type
), d AS (
    INSERT INTO webhook_deliveries (org_id, id, endpoint_id, event_id, event_type,
                                    next_attempt_at, created_at, updated_at)
    SELECT e.org_id, 'whdl_' || left(md5(gen_random_uuid()::text), 16), w.id, e.id, e.type,
           now(), now(), now()
      FROM e JOIN webhook_endpoints w ON w.org_id = e.org_id
     WHERE CASE WHEN $11::text IS NULL
                THEN w.enabled AND (w.events IS NULL OR e.type = ANY (w.events)
                     OR EXISTS (SELECT 1 FROM unnest(w.events) p
                                 WHERE p LIKE '%.*' AND starts_with(e.type, left(p, -1))))
                ELSE w.id = $11 END
    RETURNING 1
)
SELECT count(*) AS deliveries FROM d";

#[derive(QueryableByName)]
struct Added {
    #[diesel(sql_type = BigInt)]
    deliveries: i64,
}

/// Emits one event (see [`emit_all`]).
pub async fn emit(conn: &mut AsyncPgConnection, event: NewEvent) -> DomainResult<()> {
    emit_all(conn, std::slice::from_ref(&event)).await
}

/// Emits the event of a removal: `data` is `{"id"}`, the one shape every removal shares.
pub async fn emit_removed(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    kind: EventType,
    id: &str,
) -> DomainResult<()> {
    let data = serde_json::json!({ "id": id });
    emit(conn, NewEvent::new(org_id, kind, id, &data)?).await
}

/// Emits events in one statement: each and its deliveries, the deliverers woken once it
/// commits if any delivery was added. Call it inside the transaction of the change.
pub async fn emit_all(conn: &mut AsyncPgConnection, events: &[NewEvent]) -> DomainResult<()> {
    insert(conn, events, None).await
}

/// Emits one event delivered to one endpoint only, whatever it subscribes to and even
/// while it is disabled (a test event).
pub async fn emit_to_endpoint(
    conn: &mut AsyncPgConnection,
    event: NewEvent,
    endpoint_id: &str,
) -> DomainResult<()> {
    insert(conn, std::slice::from_ref(&event), Some(endpoint_id)).await
}

async fn insert(
    conn: &mut AsyncPgConnection,
    events: &[NewEvent],
    only_endpoint: Option<&str>,
) -> DomainResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let texts = |f: fn(&NewEvent) -> &str| -> Vec<&str> { events.iter().map(f).collect() };
    let optional =
        |f: fn(&NewEvent) -> Option<&str>| -> Vec<Option<&str>> { events.iter().map(f).collect() };
    let added: Added = prepared_once(
        diesel::sql_query(EMIT)
            .bind::<Array<Nullable<Text>>, _>(optional(|e| e.org_id.as_deref()))
            .bind::<Array<Text>, _>(texts(|e| e.id.as_str()))
            .bind::<Array<Text>, _>(texts(|e| e.kind.as_str()))
            .bind::<Array<Timestamptz>, _>(events.iter().map(|e| e.occurred_at).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(texts(|e| e.context.actor.kind.as_str()))
            .bind::<Array<Nullable<Text>>, _>(optional(|e| e.context.actor.id.as_deref()))
            .bind::<Array<Text>, _>(texts(|e| e.kind.target_type()))
            .bind::<Array<Text>, _>(texts(|e| e.target_id.as_str()))
            .bind::<Array<Nullable<Text>>, _>(optional(|e| e.context.request_id.as_deref()))
            .bind::<Array<Jsonb>, _>(events.iter().map(|e| &e.data).collect::<Vec<_>>())
            .bind::<Nullable<Text>, _>(only_endpoint),
    )
    .get_result(conn)
    .await?;
    match added.deliveries {
        0 => Ok(()),
        _ => crate::outbox::queued(conn, DELIVERIES_CHANNEL).await,
    }
}
