//! External user groups: companies or teams external users belong to, with an optional
//! external reference (unique in the workspace) and tier.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::etag::Precondition;
use roster_core::events::EventType;
use roster_core::metadata::{
    self, metadata_apply, Metadata, MetadataFilter, MetadataUpdate, RawMetadata,
};
use roster_core::patch;
use roster_core::schema::StringSchema;
use roster_core::search::SearchTerm;
use roster_core::time::Timestamp;
use roster_core::DomainError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::events;
use crate::input::{self, Errors, EXTERNAL_ID, NAME};
use crate::paging::{Listed, PageRequest};
use crate::schema::external_user_groups as groups;
use crate::{GroupId, TierId, WorkspaceId};

#[roster_core::time::timestamps(millis, example = "2026-02-08T14:12:45.123Z")]
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = groups, check_for_backend(diesel::pg::Pg))]
#[serde(rename_all = "camelCase")]
pub struct ExternalUserGroup {
    pub created_at: Timestamp,
    pub id: GroupId,
    pub updated_at: Timestamp,
    #[schema(schema_with = group_external_id)]
    pub external_id: Option<String>,
    #[schema(schema_with = group_name)]
    pub name: String,
    /// The ID of the tier associated with the group.
    pub tier_id: Option<TierId>,
    pub workspace_id: WorkspaceId,
    #[schema(schema_with = metadata::schema)]
    pub metadata: Metadata,
}

roster_core::versioned!(ExternalUserGroup);

fn group_external_id() -> StringSchema {
    new_group_external_id()
        .description("External reference in the integrated system (unique in the workspace).")
}

fn group_name() -> StringSchema {
    new_group_name().description("The group's name.")
}

/// `POST /api/v1/external-user-groups`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateGroupRequest {
    #[schema(schema_with = new_group_name)]
    pub name: String,
    #[serde(default)]
    #[schema(schema_with = new_group_external_id)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub tier_id: Option<TierId>,
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(schema_with = metadata::create_schema)]
    pub metadata: Option<RawMetadata>,
}

fn new_group_name() -> StringSchema {
    input::name().example("Aurora Labs")
}

fn new_group_external_id() -> StringSchema {
    input::nullable_external_id().example("crm-account-1182")
}

/// `PATCH /api/v1/external-user-groups/{id}`: partial; `null` clears a nullable field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateGroupRequest {
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(schema_with = input::name)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = input::nullable_external_id)]
    pub external_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<TierId>)]
    pub tier_id: Option<Option<TierId>>,
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(schema_with = metadata::merge_schema)]
    pub metadata: Option<RawMetadata>,
}

/// A group to create, validated.
#[derive(Debug, Clone)]
pub struct NewGroup {
    pub name: String,
    pub external_id: Option<String>,
    pub tier_id: Option<TierId>,
    pub metadata: Metadata,
}

impl TryFrom<CreateGroupRequest> for NewGroup {
    type Error = DomainError;

    fn try_from(r: CreateGroupRequest) -> DomainResult<Self> {
        let mut errors = Errors::default();
        let name = errors.take(NAME.parse("name", &r.name));
        let external_id = input::optional(&mut errors, r.external_id, |v| {
            EXTERNAL_ID.parse("externalId", v)
        });
        let metadata = errors.take(Metadata::parse("metadata", r.metadata.unwrap_or_default()));
        let parsed = name.zip(metadata).map(|(name, metadata)| Self {
            name,
            external_id,
            tier_id: r.tier_id,
            metadata,
        });
        errors.finish_with(parsed)
    }
}

/// Changes to a group; `None` leaves a field, `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = groups)]
pub struct GroupChanges {
    pub name: Option<String>,
    pub external_id: Option<Option<String>>,
    pub tier_id: Option<Option<TierId>>,
    /// Merged (`roster_core::metadata`).
    #[diesel(skip_update)]
    pub metadata: Option<MetadataUpdate>,
}

impl TryFrom<UpdateGroupRequest> for GroupChanges {
    type Error = DomainError;

    fn try_from(r: UpdateGroupRequest) -> DomainResult<Self> {
        let mut errors = Errors::default();
        let name = r
            .name
            .as_deref()
            .and_then(|n| errors.take(NAME.parse("name", n)));
        let external_id = patch::check(&mut errors, r.external_id, |v| {
            EXTERNAL_ID.parse("externalId", &v)
        });
        let metadata = r
            .metadata
            .and_then(|m| errors.take(MetadataUpdate::merge("metadata", m)));
        errors.finish()?;
        let changes = Self {
            name,
            external_id,
            tier_id: r.tier_id,
            metadata,
        };
        if changes.name.is_none()
            && changes.external_id.is_none()
            && changes.tier_id.is_none()
            && changes.metadata.is_none()
        {
            return Err(patch::empty_update());
        }
        Ok(changes)
    }
}

/// List filters; empty ones do not filter.
#[derive(Debug, Clone, Default)]
pub struct GroupFilter {
    /// Exactly this external reference.
    pub external_id: Option<String>,
    pub ids: Vec<GroupId>,
    pub tier_ids: Vec<TierId>,
    /// Case-insensitive substring of the name or external reference.
    pub search: Option<SearchTerm>,
    /// Metadata pairs all of which a group holds (`@>`, on the GIN index).
    pub metadata: MetadataFilter,
}

fn not_found() -> DomainError {
    DomainError::not_found("external_user_group")
}

fn write_error(e: diesel::result::Error) -> DomainError {
    if let Some(err) = metadata::write_error(&e, "metadata") {
        return err;
    }
    match violated_constraint(&e) {
        Some("external_user_groups_external_id_key") => DomainError::conflict(
            "external_id_taken",
            "a group with this externalId already exists in this workspace",
        )
        .on_field("externalId", "already taken"),
        Some("external_user_groups_tier_fkey") => DomainError::not_found("tier"),
        _ => e.into(),
    }
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    new: NewGroup,
) -> DomainResult<ExternalUserGroup> {
    let now = roster_core::time::now();
    conn.transaction::<_, DomainError, _>(async |conn| {
        let group = diesel::insert_into(groups::table)
            .values((
                groups::workspace_id.eq(workspace_id),
                groups::id.eq(GroupId::generate()),
                groups::name.eq(new.name),
                groups::external_id.eq(new.external_id),
                groups::tier_id.eq(new.tier_id),
                groups::created_at.eq(now),
                groups::updated_at.eq(now),
                groups::metadata.eq(new.metadata),
            ))
            .returning(ExternalUserGroup::as_returning())
            .get_result(conn)
            .await
            .map_err(write_error)?;
        let kind = EventType::ExternalUserGroupCreated;
        events::emit(conn, workspace_id, kind, &group.id, &group).await?;
        Ok(group)
    })
    .await
}

/// A group of this workspace; anyone else's is a 404.
pub async fn get(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    id: GroupId,
) -> DomainResult<ExternalUserGroup> {
    groups::table
        .find((workspace_id, id))
        .select(ExternalUserGroup::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(not_found)
}

fn filtered(
    workspace_id: WorkspaceId,
    filter: &GroupFilter,
) -> groups::BoxedQuery<'static, diesel::pg::Pg> {
    let mut query = groups::table
        .filter(groups::workspace_id.eq(workspace_id))
        .into_boxed();
    if let Some(external_id) = &filter.external_id {
        query = query.filter(groups::external_id.eq(external_id.clone()));
    }
    if !filter.ids.is_empty() {
        query = query.filter(groups::id.eq_any(filter.ids.clone()));
    }
    if !filter.tier_ids.is_empty() {
        query = query.filter(groups::tier_id.eq_any(filter.tier_ids.clone()));
    }
    if let Some(search) = &filter.search {
        let pattern = search.contains_pattern();
        query = query.filter(
            groups::name
                .ilike(pattern.clone())
                .or(groups::external_id.ilike(pattern)),
        );
    }
    if !filter.metadata.is_empty() {
        query = query.filter(groups::metadata.contains(filter.metadata.contained().clone()));
    }
    query
}

/// The workspace's groups matching `filter`, oldest first, and how many match in all.
pub async fn list(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    filter: &GroupFilter,
    page: PageRequest,
) -> DomainResult<Listed<ExternalUserGroup>> {
    let total: i64 = filtered(workspace_id, filter)
        .count()
        .get_result(conn)
        .await?;
    let items = filtered(workspace_id, filter)
        .order((groups::created_at.asc(), groups::id.asc()))
        .offset(page.offset())
        .limit(page.size)
        .select(ExternalUserGroup::as_select())
        .load(conn)
        .await?;
    Ok(Listed { items, total })
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    id: GroupId,
    changes: GroupChanges,
    pre: &Precondition,
) -> DomainResult<ExternalUserGroup> {
    let metadata = changes.metadata.clone().map(|update| {
        let (replace, set, remove) = update.into_parts();
        groups::metadata.eq(metadata_apply(groups::metadata, replace, set, remove))
    });
    conn.transaction::<_, DomainError, _>(async |conn| {
        roster_core::check_locked!(pre, conn, groups, (workspace_id, id)).await?;
        let group = diesel::update(groups::table.find((workspace_id, id)))
            .set((
                &changes,
                metadata,
                groups::updated_at.eq(roster_core::time::now()),
            ))
            .returning(ExternalUserGroup::as_returning())
            .get_result(conn)
            .await
            .optional()
            .map_err(write_error)?
            .ok_or_else(not_found)?;
        let kind = EventType::ExternalUserGroupUpdated;
        events::emit(conn, workspace_id, kind, &group.id, &group).await?;
        Ok(group)
    })
    .await
}

/// Deletes a group; its users are left without one (by the foreign key). A stale `pre`
/// is a 412 (checked on the row as deleted, and the delete rolled back).
pub async fn delete(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    id: GroupId,
    pre: &Precondition,
) -> DomainResult<()> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let version = diesel::delete(groups::table.find((workspace_id, id)))
            .returning(groups::updated_at)
            .get_result(conn)
            .await
            .optional()?
            .ok_or_else(not_found)?;
        pre.check(version)?;
        events::removed(conn, workspace_id, EventType::ExternalUserGroupDeleted, &id).await
    })
    .await
}
