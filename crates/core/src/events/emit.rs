//! `emit`: the event and its deliveries in one statement of the caller's transaction (the
//! database function `events_emit`), and
//! the deliverers' wake-up once it commits (`outbox::queued`).

use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
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
/// falls; or the one endpoint named by `$11`); returns how many deliveries it added: the
/// database function `events_emit` (migration `2026-12-13-000044_creates_in_one_statement`),
/// which the one-statement creates of users call too. Call it inside the transaction of the
/// change: a rollback takes the events and their deliveries with it.
const EMIT: &str = "SELECT events_emit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) AS deliveries";

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

/// `query` with the columns of `events` bound, as `events_emit` takes them (its first ten
/// parameters, in order).
pub fn bind_columns<'f>(
    query: BoxedSqlQuery<'f, Pg, SqlQuery>,
    events: &'f [NewEvent],
) -> BoxedSqlQuery<'f, Pg, SqlQuery> {
    let texts = |f: fn(&NewEvent) -> &str| -> Vec<&str> { events.iter().map(f).collect() };
    let optional =
        |f: fn(&NewEvent) -> Option<&str>| -> Vec<Option<&str>> { events.iter().map(f).collect() };
    query
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
}

async fn insert(
    conn: &mut AsyncPgConnection,
    events: &[NewEvent],
    only_endpoint: Option<&str>,
) -> DomainResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let query = bind_columns(diesel::sql_query(EMIT).into_boxed(), events)
        .bind::<Nullable<Text>, _>(only_endpoint);
    let added: Added = prepared_once(query).get_result(conn).await?;
    match added.deliveries {
        0 => Ok(()),
        _ => crate::outbox::queued(conn, DELIVERIES_CHANNEL).await,
    }
}
