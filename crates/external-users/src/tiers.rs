//! Tiers: the plan or level an external user or group is on. Deleting a tier leaves its
//! users and groups without one.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::patch;
use roster_core::schema::StringSchema;
use roster_core::time::Timestamp;
use roster_core::DomainError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::input::{self, Errors, NAME};
use crate::paging::{Listed, PageRequest};
use crate::schema::external_tiers;
use crate::{TierId, WorkspaceId};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = external_tiers, check_for_backend(diesel::pg::Pg))]
#[serde(rename_all = "camelCase")]
pub struct Tier {
    #[serde(with = "roster_core::time::millis")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T14:12:45.123Z")]
    pub created_at: Timestamp,
    pub id: TierId,
    #[serde(with = "roster_core::time::millis")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T14:12:45.123Z")]
    pub updated_at: Timestamp,
    #[schema(schema_with = tier_name)]
    pub name: String,
    pub workspace_id: WorkspaceId,
}

/// `POST /api/v1/tiers`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTierRequest {
    #[schema(schema_with = new_tier_name)]
    pub name: String,
}

/// `PATCH /api/v1/tiers/{id}`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateTierRequest {
    #[serde(default)]
    #[schema(schema_with = tier_name_change)]
    pub name: Option<String>,
}

impl CreateTierRequest {
    /// The name, validated.
    pub fn parse(&self) -> DomainResult<String> {
        NAME.parse("name", &self.name)
    }
}

impl UpdateTierRequest {
    /// The new name, validated; a request without one changes nothing (400).
    pub fn parse(&self) -> DomainResult<String> {
        let mut errors = Errors::default();
        let name = self
            .name
            .as_deref()
            .and_then(|n| errors.take(NAME.parse("name", n)));
        errors.finish()?;
        name.ok_or_else(patch::empty_update)
    }
}

fn tier_name() -> StringSchema {
    input::described_name(Some("The tier's name")).example("Gold")
}

fn new_tier_name() -> StringSchema {
    input::described_name(None).example("Gold")
}

fn tier_name_change() -> StringSchema {
    input::described_name(None)
}

fn not_found() -> DomainError {
    DomainError::not_found("tier")
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    name: &str,
) -> DomainResult<Tier> {
    let now = roster_core::time::now();
    Ok(diesel::insert_into(external_tiers::table)
        .values((
            external_tiers::workspace_id.eq(workspace_id),
            external_tiers::id.eq(TierId::generate()),
            external_tiers::name.eq(name),
            external_tiers::created_at.eq(now),
            external_tiers::updated_at.eq(now),
        ))
        .returning(Tier::as_returning())
        .get_result(conn)
        .await?)
}

/// A tier of this workspace; anyone else's is a 404.
pub async fn get(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    id: TierId,
) -> DomainResult<Tier> {
    external_tiers::table
        .find((workspace_id, id))
        .select(Tier::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(not_found)
}

/// The workspace's tiers, oldest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    page: PageRequest,
) -> DomainResult<Listed<Tier>> {
    let total: i64 = external_tiers::table
        .filter(external_tiers::workspace_id.eq(workspace_id))
        .count()
        .get_result(conn)
        .await?;
    let items = external_tiers::table
        .filter(external_tiers::workspace_id.eq(workspace_id))
        .order((external_tiers::created_at.asc(), external_tiers::id.asc()))
        .offset(page.offset())
        .limit(page.size)
        .select(Tier::as_select())
        .load(conn)
        .await?;
    Ok(Listed { items, total })
}

pub async fn rename(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    id: TierId,
    name: &str,
) -> DomainResult<Tier> {
    diesel::update(external_tiers::table.find((workspace_id, id)))
        .set((
            external_tiers::name.eq(name),
            external_tiers::updated_at.eq(roster_core::time::now()),
        ))
        .returning(Tier::as_returning())
        .get_result(conn)
        .await
        .optional()?
        .ok_or_else(not_found)
}

/// Deletes a tier; its users and groups are left without one (by the foreign keys).
pub async fn delete(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    id: TierId,
) -> DomainResult<()> {
    let n = diesel::delete(external_tiers::table.find((workspace_id, id)))
        .execute(conn)
        .await?;
    if n == 0 {
        return Err(not_found());
    }
    Ok(())
}
