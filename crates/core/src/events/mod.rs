//! Events: one row per change, written in the change's own transaction ([`emit`]); the
//! audit log reads them ([`audit`]) and webhooks deliver them (the `roster-webhooks`
//! crate). They live here, not in a domain crate, so that every crate emits without
//! depending on another.

pub mod audit;
pub mod catalogue;
pub mod context;
mod emit;
pub mod filter;
pub mod redact;
pub mod retention;
pub mod schema;

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

pub use catalogue::EventType;
pub use context::{Actor, ActorType, EventContext};
pub use emit::{bind_columns, emit, emit_all, emit_removed, emit_to_endpoint, DELIVERIES_CHANNEL};
pub use filter::TypeFilter;

use crate::time::Timestamp;

crate::prefixed_id!(
    /// An event's id, `evt_…`: receivers de-duplicate webhooks on it.
    EventId,
    "evt"
);

/// What an event is about: `{"type": "user", "id": "user_…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Target {
    #[serde(rename = "type")]
    #[schema(example = "user")]
    pub kind: String,
    pub id: String,
}

/// A change, as the audit log and webhooks show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Event {
    pub id: EventId,
    #[serde(rename = "type")]
    #[schema(value_type = EventType)]
    pub kind: String,
    /// The org whose audit log holds it; null for an event of no org (an account that is
    /// a user of no org: its sign-up, sessions and settings), which only the operator
    /// reads (`roster-gateway audit-events`).
    pub org_id: Option<String>,
    #[serde(with = "crate::time::millis")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T14:12:45.123Z")]
    pub occurred_at: Timestamp,
    pub actor: Actor,
    pub target: Target,
    /// The `x-request-id` of the request that made the change; null outside a request.
    pub request_id: Option<String>,
    /// The resource as the API returns it after the change, or `{"id"}` for a removal.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// An event as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = schema::events, check_for_backend(diesel::pg::Pg))]
pub struct EventRecord {
    pub org_id: Option<String>,
    pub id: EventId,
    pub kind: String,
    pub occurred_at: Timestamp,
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub target_type: String,
    pub target_id: String,
    pub request_id: Option<String>,
    pub data: serde_json::Value,
}

impl From<EventRecord> for Event {
    fn from(r: EventRecord) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            org_id: r.org_id,
            occurred_at: r.occurred_at,
            actor: Actor {
                kind: ActorType::from_stored(&r.actor_type),
                id: r.actor_id,
            },
            target: Target {
                kind: r.target_type,
                id: r.target_id,
            },
            request_id: r.request_id,
            data: r.data,
        }
    }
}

/// An event to emit: what happened to which resource of which org, by the context it is
/// made in (see [`EventContext`]).
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: EventId,
    /// `None`: an event of no org (see [`NewEvent::in_org_or_none`]).
    pub org_id: Option<String>,
    pub kind: EventType,
    pub target_id: String,
    pub data: serde_json::Value,
    pub occurred_at: Timestamp,
    pub context: EventContext,
}

impl NewEvent {
    /// An event of the running task's context, about `target_id` (of the type's target
    /// type), with `data` (the resource after the change; never a secret).
    pub fn new(
        org_id: impl Into<String>,
        kind: EventType,
        target_id: impl Into<String>,
        data: &impl Serialize,
    ) -> Result<Self, crate::DomainError> {
        Self::in_context(org_id, kind, target_id, data, EventContext::current())
    }

    /// The same, in `org_id`'s audit log, or with no org when `None`: a write about an
    /// account that is a user of no org (its sign-up, sessions, settings). No webhook
    /// delivers such an event (endpoints belong to orgs); the operator reads them with
    /// `roster-gateway audit-events`.
    pub fn in_org_or_none(
        org_id: Option<&str>,
        kind: EventType,
        target_id: impl Into<String>,
        data: &impl Serialize,
    ) -> Result<Self, crate::DomainError> {
        let org_id = org_id.map(str::to_owned);
        Self::build(org_id, kind, target_id, data, EventContext::current())
    }

    /// An event of `org_id` in a context carried over from elsewhere (a gathered create).
    pub fn in_context(
        org_id: impl Into<String>,
        kind: EventType,
        target_id: impl Into<String>,
        data: &impl Serialize,
        context: EventContext,
    ) -> Result<Self, crate::DomainError> {
        Self::build(Some(org_id.into()), kind, target_id, data, context)
    }

    fn build(
        org_id: Option<String>,
        kind: EventType,
        target_id: impl Into<String>,
        data: &impl Serialize,
        context: EventContext,
    ) -> Result<Self, crate::DomainError> {
        Ok(Self {
            id: EventId::generate(),
            org_id,
            kind,
            target_id: target_id.into(),
            data: serde_json::to_value(data).map_err(crate::DomainError::internal)?,
            occurred_at: crate::time::now(),
            context,
        })
    }
}
