//! Deliveries: one event to send to one endpoint, `pending` until `delivered` or `failed`.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::feed::{FeedPage, FeedRequest};
use roster_core::page::{Cursor, Keyset, ListOrder};
use roster_core::time::Timestamp;
use roster_core::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::webhook_deliveries;
use crate::{endpoints, DeliveryId, EndpointId};

roster_core::text_enum!(
    /// Where a delivery stands.
    #[allow(non_camel_case_types)]
    DeliveryState { pending, delivered, failed }
);

/// A delivery as the API shows it.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = webhook_deliveries, check_for_backend(diesel::pg::Pg))]
pub struct Delivery {
    pub id: DeliveryId,
    pub endpoint_id: EndpointId,
    pub event_id: roster_core::events::EventId,
    #[schema(value_type = roster_core::events::EventType)]
    pub event_type: String,
    pub state: DeliveryState,
    /// Attempts made so far.
    pub attempts: i32,
    /// The HTTP status of the last attempt, if it got one.
    pub last_status: Option<i32>,
    /// Why the last attempt failed (a status, a timeout, a refused connection).
    pub last_error: Option<String>,
    /// When the next attempt is due; null once delivered or failed.
    #[serde(with = "roster_core::time::millis::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_attempt_at: Option<Timestamp>,
    #[serde(with = "roster_core::time::millis::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_attempt_at: Option<Timestamp>,
    #[serde(with = "roster_core::time::millis")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// The deliveries' list order.
const NEWEST_FIRST: Keyset<webhook_deliveries::created_at, webhook_deliveries::id> = Keyset::new(
    webhook_deliveries::created_at,
    webhook_deliveries::id,
    ListOrder::NewestFirst,
);

/// An endpoint's deliveries, newest first; another org's endpoint is a 404.
pub async fn list(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    endpoint_id: &EndpointId,
    page: &FeedRequest,
) -> DomainResult<FeedPage<Delivery>> {
    endpoints::record(conn, org_id, endpoint_id).await?;
    let query = webhook_deliveries::table
        .filter(webhook_deliveries::org_id.eq(org_id))
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .select(Delivery::as_select())
        .into_boxed();
    let rows: Vec<Delivery> = NEWEST_FIRST.page(query, &page.paging()).load(conn).await?;
    Ok(FeedPage::assemble(page, rows, |d| {
        Cursor::of(d.created_at, &d.id)
    }))
}

/// Sends a delivery again now, whatever its state: one more attempt (its retries go on
/// from where its schedule stood). Another org's delivery is a 404.
pub async fn retry(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    endpoint_id: &EndpointId,
    id: &DeliveryId,
) -> DomainResult<Delivery> {
    use diesel_async::AsyncConnection;
    conn.transaction::<_, DomainError, _>(async |conn| {
        let now = roster_core::time::now();
        let updated = diesel::update(
            webhook_deliveries::table
                .find((org_id, id))
                .filter(webhook_deliveries::endpoint_id.eq(endpoint_id)),
        )
        .set((
            webhook_deliveries::state.eq(DeliveryState::pending),
            webhook_deliveries::next_attempt_at.eq(now),
            webhook_deliveries::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
        if updated == 0 {
            return Err(DomainError::not_found("delivery"));
        }
        roster_core::outbox::queued(conn, roster_core::events::DELIVERIES_CHANNEL).await?;
        Ok(webhook_deliveries::table
            .filter(webhook_deliveries::org_id.eq(org_id))
            .filter(webhook_deliveries::id.eq(id))
            .select(Delivery::as_select())
            .first(conn)
            .await?)
    })
    .await
}
