//! Creating, changing, replacing and deleting groups.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::etag::Precondition;
use roster_core::events::EventType;
use roster_core::keys::identity_key;
use roster_core::DomainError;

use super::members::{insert_members, remove_all_but};
use super::{events, not_found, record, Group, GroupChanges, GroupReplacement, NewGroup};
use crate::schema::org_groups;
use crate::{OrgGroupId, OrgId};

/// 409 `group_name_taken` for the unique index on `(org_id, display_name_key)`.
fn name_taken(e: diesel::result::Error) -> DomainError {
    match violated_constraint(&e) {
        Some("org_groups_org_display_name_key") => DomainError::conflict(
            "group_name_taken",
            "a group with this display name already exists in this org",
        )
        .on_field("display_name", "already taken"),
        _ => e.into(),
    }
}

/// Creates a group with its first members (`group.created`, then `group.member_added`
/// for each member). A display name taken in the org, whatever its case, is a 409; a
/// member that is not a user of the org is a 404 (`user_not_found`) and creates nothing.
pub async fn create(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    new: NewGroup,
) -> DomainResult<Group> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let now = roster_core::time::now();
        let id = OrgGroupId::generate();
        let record = diesel::insert_into(org_groups::table)
            .values((
                org_groups::org_id.eq(org_id),
                org_groups::id.eq(&id),
                org_groups::display_name.eq(&new.display_name),
                org_groups::display_name_key.eq(identity_key(&new.display_name)),
                org_groups::external_id.eq(&new.external_id),
                org_groups::created_at.eq(now),
                org_groups::updated_at.eq(now),
            ))
            .returning(Group::as_returning())
            .get_result(conn)
            .await
            .map_err(name_taken)?;
        let group = emitted(conn, org_id, EventType::GroupCreated, record).await?;
        insert_members(conn, org_id, &id, &new.members, now).await?;
        Ok(group)
    })
    .await
}

/// Changes a group's display name or external id (`group.updated`). A taken display name
/// is a 409; an unknown group, or another org's, a 404; a stale `pre` a 412.
pub async fn update(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &OrgGroupId,
    changes: GroupChanges,
    pre: &Precondition,
) -> DomainResult<Group> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        roster_core::check_locked!(pre, conn, org_groups, (org_id, id)).await?;
        let record = diesel::update(org_groups::table.find((org_id, id)))
            .set((
                &changes,
                // The key follows the name it is of.
                changes
                    .display_name
                    .as_deref()
                    .map(|name| org_groups::display_name_key.eq(identity_key(name))),
                org_groups::updated_at.eq(roster_core::time::now()),
            ))
            .returning(Group::as_returning())
            .get_result(conn)
            .await
            .optional()
            .map_err(name_taken)?
            .ok_or_else(not_found)?;
        let group = emitted(conn, org_id, EventType::GroupUpdated, record).await?;
        Ok(group)
    })
    .await
}

/// Replaces a group whole (SCIM's PUT): its display name, its external id, and exactly
/// `members` as its members. Emits `group.updated`, then `group.member_added` and
/// `group.member_removed` for each member that changed. Errors as [`update`]'s, and a
/// member that is not a user of the org is a 404 (`user_not_found`) that changes nothing.
pub async fn replace(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &OrgGroupId,
    whole: GroupReplacement,
) -> DomainResult<Group> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        record(conn, org_id, id, true).await?;
        let now = roster_core::time::now();
        let record = diesel::update(org_groups::table.find((org_id, id)))
            .set((
                org_groups::display_name.eq(&whole.display_name),
                org_groups::display_name_key.eq(identity_key(&whole.display_name)),
                org_groups::external_id.eq(&whole.external_id),
                org_groups::updated_at.eq(now),
            ))
            .returning(Group::as_returning())
            .get_result(conn)
            .await
            .map_err(name_taken)?;
        let group = emitted(conn, org_id, EventType::GroupUpdated, record).await?;
        remove_all_but(conn, org_id, id, &whole.members).await?;
        insert_members(conn, org_id, id, &whole.members, now).await?;
        Ok(group)
    })
    .await
}

/// Deletes a group with its memberships (`group.deleted`, data `{"id"}`); the users stay.
/// A stale `pre` is a 412.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &OrgGroupId,
    pre: &Precondition,
) -> DomainResult<()> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        roster_core::check_locked!(pre, conn, org_groups, (org_id, id)).await?;
        diesel::delete(org_groups::table.find((org_id, id)))
            .returning(org_groups::id)
            .get_result::<OrgGroupId>(conn)
            .await
            .optional()?
            .ok_or_else(not_found)?;
        let gone = serde_json::json!({ "id": id });
        events::emit(conn, org_id, EventType::GroupDeleted, id, &gone).await
    })
    .await
}

/// The group a write returned, with its event emitted.
async fn emitted(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    kind: EventType,
    group: Group,
) -> DomainResult<Group> {
    events::emit(conn, org_id, kind, &group.id, &group).await?;
    Ok(group)
}
