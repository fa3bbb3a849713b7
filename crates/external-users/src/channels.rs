//! Channels: where external users come from (a website, a WhatsApp number, ...). An
//! external user belongs to exactly one channel; a channel with users cannot be deleted.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::patch;
use roster_core::schema::StringSchema;
use roster_core::time::Timestamp;
use roster_core::DomainError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::input::{self, Errors, NAME};
use crate::paging::{Listed, PageRequest};
use crate::schema::external_channels;
use crate::{ChannelId, WorkspaceId};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = external_channels, check_for_backend(diesel::pg::Pg))]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    #[serde(with = "roster_core::time::millis")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T14:12:45.123Z")]
    pub created_at: Timestamp,
    pub id: ChannelId,
    #[serde(with = "roster_core::time::millis")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T14:12:45.123Z")]
    pub updated_at: Timestamp,
    #[schema(schema_with = channel_name)]
    pub name: String,
    pub workspace_id: WorkspaceId,
}

/// `POST /api/v1/channels`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateChannelRequest {
    #[schema(schema_with = new_channel_name)]
    pub name: String,
}

/// `PATCH /api/v1/channels/{id}`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateChannelRequest {
    #[serde(default)]
    #[schema(schema_with = channel_name_change)]
    pub name: Option<String>,
}

impl CreateChannelRequest {
    /// The name, validated.
    pub fn parse(&self) -> DomainResult<String> {
        NAME.parse("name", &self.name)
    }
}

impl UpdateChannelRequest {
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

fn channel_name() -> StringSchema {
    input::described_name(Some("The channel's name")).example("Website chat")
}

fn new_channel_name() -> StringSchema {
    input::described_name(None).example("Website chat")
}

fn channel_name_change() -> StringSchema {
    input::described_name(None)
}

fn not_found() -> DomainError {
    DomainError::not_found("channel")
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    name: &str,
) -> DomainResult<Channel> {
    let now = roster_core::time::now();
    Ok(diesel::insert_into(external_channels::table)
        .values((
            external_channels::workspace_id.eq(workspace_id),
            external_channels::id.eq(ChannelId::generate()),
            external_channels::name.eq(name),
            external_channels::created_at.eq(now),
            external_channels::updated_at.eq(now),
        ))
        .returning(Channel::as_returning())
        .get_result(conn)
        .await?)
}

/// A channel of this workspace; anyone else's is a 404.
pub async fn get(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    id: ChannelId,
) -> DomainResult<Channel> {
    external_channels::table
        .find((workspace_id, id))
        .select(Channel::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(not_found)
}

/// The workspace's channels, oldest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    page: PageRequest,
) -> DomainResult<Listed<Channel>> {
    let total: i64 = external_channels::table
        .filter(external_channels::workspace_id.eq(workspace_id))
        .count()
        .get_result(conn)
        .await?;
    let items = external_channels::table
        .filter(external_channels::workspace_id.eq(workspace_id))
        .order((
            external_channels::created_at.asc(),
            external_channels::id.asc(),
        ))
        .offset(page.offset())
        .limit(page.size)
        .select(Channel::as_select())
        .load(conn)
        .await?;
    Ok(Listed { items, total })
}

pub async fn rename(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    id: ChannelId,
    name: &str,
) -> DomainResult<Channel> {
    diesel::update(external_channels::table.find((workspace_id, id)))
        .set((
            external_channels::name.eq(name),
            external_channels::updated_at.eq(roster_core::time::now()),
        ))
        .returning(Channel::as_returning())
        .get_result(conn)
        .await
        .optional()?
        .ok_or_else(not_found)
}

/// Deletes a channel; one that still has external users is a 409.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    id: ChannelId,
) -> DomainResult<()> {
    let n = diesel::delete(external_channels::table.find((workspace_id, id)))
        .execute(conn)
        .await
        .map_err(|e| match violated_constraint(&e) {
            Some("external_users_channel_fkey") => {
                DomainError::conflict("channel_in_use", "the channel still has external users")
            }
            _ => e.into(),
        })?;
    if n == 0 {
        return Err(not_found());
    }
    Ok(())
}
