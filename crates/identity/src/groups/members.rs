//! A group's members: users of the same org. Writes lock the group row (so that they go
//! one at a time with a replace or a delete), bump its `updated_at`, and emit one
//! `group.member_added` or `group.member_removed` per member that changed.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::events::EventType;
use roster_core::page::{Keyset, ListOrder, Page, Paging};
use roster_core::time::Timestamp;
use roster_core::DomainError;

use super::{events, record, GroupMember};
use crate::schema::{org_group_members as m, org_groups, users};
use crate::{OrgGroupId, OrgId, UserId};

/// The members of a group in the order they joined, on the `(org_id, group_id,
/// created_at, user_id)` index.
const MEMBERS: Keyset<m::created_at, m::user_id> =
    Keyset::new(m::created_at, m::user_id, ListOrder::OldestFirst);

/// The member rows of a group with their users' name and email, boxed.
macro_rules! member_rows {
    ($org_id:expr, $group_id:expr) => {
        m::table
            .inner_join(users::table.on(users::org_id.eq(m::org_id).and(users::id.eq(m::user_id))))
            .filter(m::org_id.eq($org_id))
            .filter(m::group_id.eq($group_id))
            .select((
                m::group_id,
                m::user_id,
                users::name,
                users::email,
                m::created_at,
            ))
            .into_boxed()
    };
}

/// The membership rows of a group.
#[diesel::dsl::auto_type(no_type_alias)]
fn of_group<'a>(org_id: &'a OrgId, group_id: &'a OrgGroupId) -> _ {
    m::table
        .filter(m::org_id.eq(org_id))
        .filter(m::group_id.eq(group_id))
}

/// One page of a group's members, in the order they joined, with their total.
pub async fn members(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    group_id: &OrgGroupId,
    paging: &Paging,
) -> DomainResult<Page<GroupMember>> {
    record(conn, org_id, group_id, false).await?;
    let total: i64 = of_group(org_id, group_id).count().get_result(conn).await?;
    let behind_query = of_group(org_id, group_id).select(m::user_id).into_boxed();
    let behind = MEMBERS.behind(behind_query, paging).load(conn).await?;
    let rows: Vec<GroupMember> = MEMBERS
        .page(member_rows!(org_id, group_id), paging)
        .load(conn)
        .await?;
    Ok(Page::assemble(
        paging,
        rows,
        total,
        behind,
        GroupMember::cursor,
    ))
}

/// Every member of a group, in the order they joined (SCIM shows a group with all its
/// members).
pub async fn all_members(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    group_id: &OrgGroupId,
) -> DomainResult<Vec<GroupMember>> {
    record(conn, org_id, group_id, false).await?;
    Ok(MEMBERS
        .in_list_order(member_rows!(org_id, group_id))
        .load(conn)
        .await?)
}

/// The members named, as rows, for their events.
async fn rows_of(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    group_id: &OrgGroupId,
    user_ids: &[UserId],
) -> DomainResult<Vec<GroupMember>> {
    Ok(MEMBERS
        .in_list_order(member_rows!(org_id, group_id).filter(m::user_id.eq_any(user_ids)))
        .load(conn)
        .await?)
}

/// Sets the group's `updated_at`: its members changed.
pub(super) async fn touch(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    group_id: &OrgGroupId,
    now: Timestamp,
) -> DomainResult<()> {
    diesel::update(org_groups::table.find((org_id, group_id)))
        .set(org_groups::updated_at.eq(now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds the users to the group, those already members aside, and emits
/// `group.member_added` for each added; returns them. Every user must be a user of the
/// org (locked `FOR KEY SHARE` so that none is deleted meanwhile), else a 404 that adds
/// no one. Call in a transaction, with the group locked.
pub(super) async fn insert_members(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    group_id: &OrgGroupId,
    user_ids: &[UserId],
    now: Timestamp,
) -> DomainResult<Vec<GroupMember>> {
    let wanted: BTreeSet<&UserId> = user_ids.iter().collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<UserId> = users::table
        .filter(users::org_id.eq(org_id))
        .filter(users::id.eq_any(&wanted))
        .select(users::id)
        .order(users::id)
        .for_key_share()
        .load(conn)
        .await?;
    if found.len() != wanted.len() {
        return Err(DomainError::not_found("user").on_field("user_id", "no such user"));
    }
    let rows: Vec<_> = found
        .iter()
        .map(|user_id| {
            (
                m::org_id.eq(org_id),
                m::group_id.eq(group_id),
                m::user_id.eq(user_id),
                m::created_at.eq(now),
            )
        })
        .collect();
    let added: Vec<UserId> = diesel::insert_into(m::table)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(m::user_id)
        .get_results(conn)
        .await
        .map_err(|e| match violated_constraint(&e) {
            Some("org_group_members_group_fkey") => DomainError::not_found("group"),
            _ => e.into(),
        })?;
    if added.is_empty() {
        return Ok(Vec::new());
    }
    touch(conn, org_id, group_id, now).await?;
    let added = rows_of(conn, org_id, group_id, &added).await?;
    for member in &added {
        events::emit(conn, org_id, EventType::GroupMemberAdded, group_id, member).await?;
    }
    Ok(added)
}

/// Removes the members named (`None`: every member but `keep`), emits
/// `group.member_removed` for each, and returns their ids.
async fn delete_members(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    group_id: &OrgGroupId,
    which: Which<'_>,
) -> DomainResult<Vec<UserId>> {
    let mut query = diesel::delete(m::table)
        .filter(m::org_id.eq(org_id))
        .filter(m::group_id.eq(group_id))
        .into_boxed();
    query = match which {
        Which::These(ids) => query.filter(m::user_id.eq_any(ids)),
        Which::AllBut(ids) => query.filter(m::user_id.ne_all(ids)),
    };
    let mut removed: Vec<UserId> = query.returning(m::user_id).get_results(conn).await?;
    removed.sort();
    if removed.is_empty() {
        return Ok(removed);
    }
    touch(conn, org_id, group_id, roster_core::time::now()).await?;
    for user_id in &removed {
        let gone = serde_json::json!({ "group_id": group_id, "user_id": user_id });
        let kind = EventType::GroupMemberRemoved;
        events::emit(conn, org_id, kind, group_id, &gone).await?;
    }
    Ok(removed)
}

enum Which<'a> {
    These(&'a [UserId]),
    AllBut(&'a [UserId]),
}

/// Removes every member but `keep` (for [`replace`](super::replace)).
pub(super) async fn remove_all_but(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    group_id: &OrgGroupId,
    keep: &[UserId],
) -> DomainResult<Vec<UserId>> {
    delete_members(conn, org_id, group_id, Which::AllBut(keep)).await
}

/// Adds one user of the org to a group. An unknown group, or a user that is not of the
/// org, is a 404; a user already a member is a 409 (`already_member`).
pub async fn add_member(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    group_id: &OrgGroupId,
    user_id: &UserId,
) -> DomainResult<GroupMember> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        record(conn, org_id, group_id, true).await?;
        let now = roster_core::time::now();
        let added = insert_members(conn, org_id, group_id, std::slice::from_ref(user_id), now);
        added.await?.pop().ok_or_else(|| {
            DomainError::conflict(
                "already_member",
                "this user is already a member of the group",
            )
            .on_field("user_id", "already a member")
        })
    })
    .await
}

/// Adds several users of the org to a group; idempotent: those already members are left
/// as they are. Returns the members added. Any user that is not of the org is a 404 that
/// adds no one.
pub async fn add_members(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    group_id: &OrgGroupId,
    user_ids: &[UserId],
) -> DomainResult<Vec<GroupMember>> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        record(conn, org_id, group_id, true).await?;
        let now = roster_core::time::now();
        insert_members(conn, org_id, group_id, user_ids, now).await
    })
    .await
}

/// Removes one member from a group; a user that is not a member is a 404
/// (`member_not_found`), an unknown group a 404 (`group_not_found`).
pub async fn remove_member(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    group_id: &OrgGroupId,
    user_id: &UserId,
) -> DomainResult<()> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        record(conn, org_id, group_id, true).await?;
        let ids = std::slice::from_ref(user_id);
        let removed = delete_members(conn, org_id, group_id, Which::These(ids)).await?;
        if removed.is_empty() {
            return Err(DomainError::not_found("member"));
        }
        Ok(())
    })
    .await
}

/// Removes several members from a group; idempotent: users that are not members (or not
/// users at all) are ignored. Returns the ids of the members removed.
pub async fn remove_members(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    group_id: &OrgGroupId,
    user_ids: &[UserId],
) -> DomainResult<Vec<UserId>> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        record(conn, org_id, group_id, true).await?;
        delete_members(conn, org_id, group_id, Which::These(user_ids)).await
    })
    .await
}
