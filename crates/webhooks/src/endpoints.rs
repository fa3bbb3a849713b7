//! An org's webhook endpoints: where its events go, and the secrets that sign them.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::etag::Precondition;
use roster_core::events::{self, EventType, NewEvent};
use roster_core::feed::{FeedPage, FeedRequest};
use roster_core::page::{Cursor, Keyset, ListOrder};
use roster_core::sealed::{self, SealingKey};
use roster_core::time::Timestamp;
use roster_core::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::requests::{EndpointChanges, NewEndpoint};
use crate::schema::{webhook_deliveries, webhook_endpoints};
use crate::{signing, target, EndpointId};

/// How long a rotated-out secret keeps signing beside the new one.
pub const ROTATION_OVERLAP: time::Duration = time::Duration::hours(24);

/// The key signing secrets are sealed with, from the master secret (`ROSTER_SECRET`).
pub fn sealing_key(master: &[u8]) -> SealingKey {
    SealingKey::derive(master, "webhook-secret")
}

/// An endpoint as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints, check_for_backend(diesel::pg::Pg))]
pub struct EndpointRecord {
    pub org_id: String,
    pub id: EndpointId,
    pub url: String,
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    pub enabled: bool,
    pub secret_sealed: Vec<u8>,
    pub previous_secret_sealed: Option<Vec<u8>>,
    pub previous_secret_expires_at: Option<Timestamp>,
    pub failing_since: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// An endpoint as the API shows it (never its secret).
#[roster_core::time::timestamps(seconds, example = "2026-02-08T14:12:45Z")]
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookEndpoint {
    pub id: EndpointId,
    #[schema(example = "https://hooks.example.com/roster")]
    pub url: String,
    /// The event types it gets; null: every event.
    #[schema(value_type = Option<Vec<roster_core::events::TypeFilter>>)]
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    /// Off after a 410 or 5 days of failures, or by a PATCH.
    pub enabled: bool,
    /// Since when every delivery has failed; null while it succeeds.
    #[serde(with = "roster_core::time::seconds::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub failing_since: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

roster_core::versioned!(WebhookEndpoint);

impl From<EndpointRecord> for WebhookEndpoint {
    fn from(r: EndpointRecord) -> Self {
        Self {
            id: r.id,
            url: r.url,
            events: r.events,
            description: r.description,
            enabled: r.enabled,
            failing_since: r.failing_since,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A new endpoint and its secret, shown this once (`GET .../secret` shows it again).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedEndpoint {
    #[serde(flatten)]
    pub endpoint: WebhookEndpoint,
    /// Verifies the signatures: `whsec_<base64>`.
    #[schema(example = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")]
    pub secret: String,
}

/// An endpoint's signing secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookSecret {
    #[schema(example = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")]
    pub secret: String,
}

/// The test event sent: receivers see its id as `webhook-id`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TestSent {
    pub event_id: roster_core::events::EventId,
}

fn not_found() -> DomainError {
    DomainError::not_found("webhook")
}

fn event(kind: EventType, endpoint: &WebhookEndpoint, org_id: &str) -> DomainResult<NewEvent> {
    NewEvent::new(org_id, kind, endpoint.id.as_str(), endpoint)
}

async fn checked_url(raw: &str, allow_private: bool) -> DomainResult<String> {
    target::check(raw, allow_private)
        .await
        .map(String::from)
        .map_err(|message| DomainError::invalid("url", message))
}

/// Creates an endpoint with a fresh secret (`webhook.created`).
pub async fn create(
    conn: &mut AsyncPgConnection,
    key: &SealingKey,
    allow_private: bool,
    org_id: &str,
    new: NewEndpoint,
) -> DomainResult<CreatedEndpoint> {
    let url = checked_url(&new.url, allow_private).await?;
    let id = EndpointId::generate();
    let secret = signing::new_secret();
    let sealed = sealed::seal(key, id.as_str(), &secret)?;
    let now = roster_core::time::now();
    conn.transaction::<_, DomainError, _>(async |conn| {
        let record = diesel::insert_into(webhook_endpoints::table)
            .values((
                webhook_endpoints::org_id.eq(org_id),
                webhook_endpoints::id.eq(&id),
                webhook_endpoints::url.eq(&url),
                webhook_endpoints::events.eq(&new.events),
                webhook_endpoints::description.eq(&new.description),
                webhook_endpoints::secret_sealed.eq(&sealed),
                webhook_endpoints::created_at.eq(now),
                webhook_endpoints::updated_at.eq(now),
            ))
            .returning(EndpointRecord::as_returning())
            .get_result(conn)
            .await?;
        let endpoint = WebhookEndpoint::from(record);
        events::emit(conn, event(EventType::WebhookCreated, &endpoint, org_id)?).await?;
        Ok(CreatedEndpoint { endpoint, secret })
    })
    .await
}

/// The endpoints' list order.
const NEWEST_FIRST: Keyset<webhook_endpoints::created_at, webhook_endpoints::id> = Keyset::new(
    webhook_endpoints::created_at,
    webhook_endpoints::id,
    ListOrder::NewestFirst,
);

/// The org's endpoints, newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    page: &FeedRequest,
) -> DomainResult<FeedPage<WebhookEndpoint>> {
    let query = webhook_endpoints::table
        .filter(webhook_endpoints::org_id.eq(org_id))
        .select(EndpointRecord::as_select())
        .into_boxed();
    let rows: Vec<EndpointRecord> = NEWEST_FIRST.page(query, &page.paging()).load(conn).await?;
    Ok(
        FeedPage::assemble(page, rows, |r| Cursor::of(r.created_at, &r.id))
            .map(WebhookEndpoint::from),
    )
}

/// One endpoint of the org as stored; another org's is a 404 like an unknown one.
pub async fn record(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    id: &EndpointId,
) -> DomainResult<EndpointRecord> {
    webhook_endpoints::table
        .find((org_id, id))
        .select(EndpointRecord::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(not_found)
}

/// One endpoint of the org.
pub async fn get(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    id: &EndpointId,
) -> DomainResult<WebhookEndpoint> {
    record(conn, org_id, id).await.map(WebhookEndpoint::from)
}

#[derive(AsChangeset)]
#[diesel(table_name = webhook_endpoints)]
struct Changeset {
    url: Option<String>,
    events: Option<Option<Vec<String>>>,
    description: Option<Option<String>>,
    enabled: Option<bool>,
    failing_since: Option<Option<Timestamp>>,
    updated_at: Timestamp,
}

/// Changes an endpoint (`webhook.updated`); enabling it again forgets its failures.
pub async fn update(
    conn: &mut AsyncPgConnection,
    allow_private: bool,
    org_id: &str,
    id: &EndpointId,
    changes: EndpointChanges,
    pre: &Precondition,
) -> DomainResult<WebhookEndpoint> {
    let url = match &changes.url {
        Some(raw) => Some(checked_url(raw, allow_private).await?),
        None => None,
    };
    let changeset = Changeset {
        url,
        events: changes.events,
        description: changes.description,
        enabled: changes.enabled,
        failing_since: (changes.enabled == Some(true)).then_some(None),
        updated_at: roster_core::time::now(),
    };
    conn.transaction::<_, DomainError, _>(async |conn| {
        roster_core::check_locked!(pre, conn, webhook_endpoints, (org_id, id)).await?;
        let record = diesel::update(webhook_endpoints::table.find((org_id, id)))
            .set(&changeset)
            .returning(EndpointRecord::as_returning())
            .get_result(conn)
            .await
            .optional()?
            .ok_or_else(not_found)?;
        let endpoint = WebhookEndpoint::from(record);
        events::emit(conn, event(EventType::WebhookUpdated, &endpoint, org_id)?).await?;
        Ok(endpoint)
    })
    .await
}

/// Deletes an endpoint and its deliveries (`webhook.deleted`); a stale `pre` is a 412.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    id: &EndpointId,
    pre: &Precondition,
) -> DomainResult<()> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        // The deliveries first: a deliverer holds those it is sending until it has
        // recorded their outcome, which may update the endpoint. Taking the endpoint's
        // row first, then waiting for its deliveries, would deadlock with it.
        diesel::delete(
            webhook_deliveries::table
                .filter(webhook_deliveries::org_id.eq(org_id))
                .filter(webhook_deliveries::endpoint_id.eq(id)),
        )
        .execute(conn)
        .await?;
        // `pre` is checked on the row as deleted (the delete locked it); a stale one rolls
        // the whole delete back.
        let version = diesel::delete(webhook_endpoints::table.find((org_id, id)))
            .returning(webhook_endpoints::updated_at)
            .get_result(conn)
            .await
            .optional()?
            .ok_or_else(not_found)?;
        pre.check(version)?;
        events::emit_removed(conn, org_id, EventType::WebhookDeleted, id.as_str()).await
    })
    .await
}

/// The endpoint's current signing secret.
pub async fn secret(
    conn: &mut AsyncPgConnection,
    key: &SealingKey,
    org_id: &str,
    id: &EndpointId,
) -> DomainResult<WebhookSecret> {
    let record = record(conn, org_id, id).await?;
    Ok(WebhookSecret {
        secret: sealed::open(key, id.as_str(), &record.secret_sealed)?,
    })
}

/// A new secret for the endpoint; the old one signs beside it for
/// [`ROTATION_OVERLAP`] (`webhook.secret_rotated`).
pub async fn rotate_secret(
    conn: &mut AsyncPgConnection,
    key: &SealingKey,
    org_id: &str,
    id: &EndpointId,
) -> DomainResult<WebhookSecret> {
    let secret = signing::new_secret();
    let sealed = sealed::seal(key, id.as_str(), &secret)?;
    conn.transaction::<_, DomainError, _>(async |conn| {
        let current = webhook_endpoints::table
            .find((org_id, id))
            .select(EndpointRecord::as_select())
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or_else(not_found)?;
        let now = roster_core::time::now();
        let record = diesel::update(webhook_endpoints::table.find((org_id, id)))
            .set((
                webhook_endpoints::secret_sealed.eq(&sealed),
                webhook_endpoints::previous_secret_sealed.eq(&current.secret_sealed),
                webhook_endpoints::previous_secret_expires_at.eq(now + ROTATION_OVERLAP),
                webhook_endpoints::updated_at.eq(now),
            ))
            .returning(EndpointRecord::as_returning())
            .get_result(conn)
            .await?;
        let endpoint = WebhookEndpoint::from(record);
        events::emit(
            conn,
            event(EventType::WebhookSecretRotated, &endpoint, org_id)?,
        )
        .await?;
        Ok(WebhookSecret { secret })
    })
    .await
}

/// Sends a `webhook.test` event to this endpoint only.
pub async fn send_test(
    conn: &mut AsyncPgConnection,
    org_id: &str,
    id: &EndpointId,
) -> DomainResult<TestSent> {
    let endpoint = get(conn, org_id, id).await?;
    let test = event(EventType::WebhookTest, &endpoint, org_id)?;
    let event_id = test.id.clone();
    events::emit_to_endpoint(conn, test, id.as_str()).await?;
    Ok(TestSent { event_id })
}
