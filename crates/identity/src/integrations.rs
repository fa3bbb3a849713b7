//! Integrations: a user's connections to outside tools (`conf_…`), one per type.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::events::{self, EventType, NewEvent};
use roster_core::time::Timestamp;
use roster_core::DomainError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::schema::integrations;
use crate::{IntegrationId, OrgId, UserId};

roster_core::text_enum!(
    /// The outside tool an integration connects.
    IntegrationType { Confluence, Jira, GoogleDrive, Notion, GitHub, Slack }
);

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = integrations, check_for_backend(diesel::pg::Pg))]
pub struct Integration {
    pub id: IntegrationId,
    pub user_id: UserId,
    pub org_id: OrgId,
    #[serde(rename = "type")]
    #[diesel(column_name = type_)]
    pub kind: IntegrationType,
    #[serde(with = "roster_core::time::seconds")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-05T09:10:00Z")]
    pub created_at: Timestamp,
    #[serde(with = "roster_core::time::seconds")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T10:02:11Z")]
    pub updated_at: Timestamp,
}

/// A user's new integration of a kind, made at `created_at`.
#[derive(Insertable)]
#[diesel(table_name = integrations)]
struct NewIntegration<'a> {
    org_id: &'a OrgId,
    id: IntegrationId,
    user_id: &'a UserId,
    #[diesel(column_name = type_)]
    kind: IntegrationType,
    created_at: Timestamp,
    updated_at: Timestamp,
}

impl<'a> NewIntegration<'a> {
    fn at(now: Timestamp, org_id: &'a OrgId, user_id: &'a UserId, kind: IntegrationType) -> Self {
        Self {
            org_id,
            id: IntegrationId::generate(),
            user_id,
            kind,
            created_at: now,
            updated_at: now,
        }
    }
}

/// `POST /api/v1/app/user/integrations`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIntegrationRequest {
    #[serde(rename = "type")]
    #[schema(schema_with = creatable_type)]
    pub kind: IntegrationType,
}

/// The types made by hand: every one but the managed (Slack, a 400 `managed_integration`).
fn creatable_type() -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, Type};
    let creatable = IntegrationType::ALL
        .iter()
        .filter(|kind| !managed(**kind))
        .map(|kind| kind.as_str());
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(creatable))
        .description(Some(
            "The tool to connect. Slack integrations are made by linking a Slack account \
             (`/work-apps/slack`), so `Slack` is a 400 `managed_integration`.",
        ))
        .build()
}

/// A user's integrations, oldest first (a user has at most one per type).
pub async fn list(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    user_id: &UserId,
) -> DomainResult<Vec<Integration>> {
    Ok(integrations::table
        .filter(integrations::org_id.eq(org_id))
        .filter(integrations::user_id.eq(user_id))
        .order((integrations::created_at.asc(), integrations::id.asc()))
        .select(Integration::as_select())
        .load(conn)
        .await?)
}

/// Slack integrations follow the user's Slack links (`/work-apps/slack`); they are not
/// made or removed by hand, so the two never drift apart.
fn managed(kind: IntegrationType) -> bool {
    kind == IntegrationType::Slack
}

const MANAGED: &str =
    "Slack integrations follow Slack account links: link or disconnect through /work-apps/slack";

/// Asking for a Slack integration by hand is a 400.
fn managed_error() -> DomainError {
    DomainError::bad_request("managed_integration", MANAGED)
}

/// Connects a tool for a user; the same type twice is a 409; Slack is a 400 (see `managed`).
pub async fn create(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    user_id: &UserId,
    kind: IntegrationType,
) -> DomainResult<Integration> {
    if managed(kind) {
        return Err(managed_error());
    }
    let now = roster_core::time::now();
    conn.transaction::<_, DomainError, _>(async |conn| {
        let created = diesel::insert_into(integrations::table)
            .values(NewIntegration::at(now, org_id, user_id, kind))
            .returning(Integration::as_returning())
            .get_result(conn)
            .await
            .map_err(|e| match violated_constraint(&e) {
                Some("integrations_org_user_type_key") => DomainError::conflict(
                    "integration_exists",
                    format!("you already have a {kind} integration"),
                )
                .on_field("type", "already connected"),
                _ => e.into(),
            })?;
        let event = NewEvent::new(
            org_id.as_str(),
            EventType::IntegrationCreated,
            created.id.as_str(),
            &created,
        )?;
        events::emit(conn, event).await?;
        Ok(created)
    })
    .await
}

/// Records that a user has this integration now (creating it, or touching `updated_at`).
/// For integrations kept in step by another crate, such as Slack links: the caller's
/// own event (`slack.user_linked`...) records the change, so this emits none.
pub async fn ensure(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    user_id: &UserId,
    kind: IntegrationType,
) -> DomainResult<Integration> {
    let now = roster_core::time::now();
    Ok(diesel::insert_into(integrations::table)
        .values(NewIntegration::at(now, org_id, user_id, kind))
        .on_conflict((
            integrations::org_id,
            integrations::user_id,
            integrations::type_,
        ))
        .do_update()
        .set(integrations::updated_at.eq(now))
        .returning(Integration::as_returning())
        .get_result(conn)
        .await?)
}

/// Removes a user's integration of this type, if any (the counterpart of `ensure`).
pub async fn remove_kind(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    user_id: &UserId,
    kind: IntegrationType,
) -> DomainResult<bool> {
    let n = diesel::delete(
        integrations::table
            .filter(integrations::org_id.eq(org_id))
            .filter(integrations::user_id.eq(user_id))
            .filter(integrations::type_.eq(kind)),
    )
    .execute(conn)
    .await?;
    Ok(n > 0)
}

/// Removes one of the user's integrations; anyone else's is a 404.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    user_id: &UserId,
    id: &IntegrationId,
) -> DomainResult<()> {
    let found: Option<IntegrationType> = integrations::table
        .find((org_id, id))
        .filter(integrations::user_id.eq(user_id))
        .select(integrations::type_)
        .first(conn)
        .await
        .optional()?;
    match found {
        None => Err(DomainError::not_found("integration")),
        // The request is sound; the integration's state (kept by a Slack link) refuses it.
        Some(kind) if managed(kind) => Err(DomainError::conflict("managed_integration", MANAGED)),
        Some(_) => {
            conn.transaction::<_, DomainError, _>(async |conn| {
                let n = diesel::delete(integrations::table.find((org_id, id)))
                    .execute(conn)
                    .await?;
                if n == 0 {
                    return Err(DomainError::not_found("integration"));
                }
                events::emit_removed(
                    conn,
                    org_id.as_str(),
                    EventType::IntegrationDeleted,
                    id.as_str(),
                )
                .await
            })
            .await
        }
    }
}
