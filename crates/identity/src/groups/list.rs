//! Listing an org's groups, oldest first: offset and cursor pages, or any range (SCIM's
//! `startIndex` and `count`), filtered.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::keys::identity_key;
use roster_core::page::{Keyset, ListOrder, Page, Paging};

use super::{Group, GroupFilter};
use crate::schema::{org_group_members, org_groups};
use crate::OrgId;

/// The list of groups runs oldest first, on the `(org_id, created_at, id)` index.
const GROUPS: Keyset<org_groups::created_at, org_groups::id> = Keyset::new(
    org_groups::created_at,
    org_groups::id,
    ListOrder::OldestFirst,
);

/// The org's groups that `filter` lets through, boxed.
fn filtered<'a>(org_id: &'a OrgId, filter: &'a GroupFilter) -> org_groups::BoxedQuery<'a, Pg> {
    let mut query = org_groups::table
        .filter(org_groups::org_id.eq(org_id))
        .into_boxed();
    if let Some(search) = &filter.search {
        query = query.filter(org_groups::display_name.ilike(search.contains_pattern()));
    }
    if let Some(name) = &filter.display_name {
        query = query.filter(org_groups::display_name_key.eq(identity_key(name)));
    }
    if let Some(external_id) = &filter.external_id {
        query = query.filter(org_groups::external_id.eq(external_id));
    }
    if let Some(member) = &filter.member {
        query = query.filter(
            org_groups::id.eq_any(
                org_group_members::table
                    .filter(org_group_members::org_id.eq(org_id))
                    .filter(org_group_members::user_id.eq(member))
                    .select(org_group_members::group_id),
            ),
        );
    }
    query
}

/// One page of the org's groups (oldest first) that `filter` lets through, with their
/// total.
pub async fn list(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    filter: &GroupFilter,
    paging: &Paging,
) -> DomainResult<Page<Group>> {
    let total: i64 = filtered(org_id, filter).count().get_result(conn).await?;
    let behind_query = filtered(org_id, filter).select(org_groups::id);
    let behind = GROUPS.behind(behind_query, paging).load(conn).await?;
    let rows: Vec<Group> = GROUPS
        .page(filtered(org_id, filter).select(Group::as_select()), paging)
        .load(conn)
        .await?;
    Ok(Page::assemble(paging, rows, total, behind, Group::cursor))
}

/// Up to `limit` of the org's groups (oldest first) that `filter` lets through, from
/// `offset` (0-based) on, and how many it lets through in all.
pub async fn list_range(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    filter: &GroupFilter,
    offset: i64,
    limit: i64,
) -> DomainResult<(Vec<Group>, i64)> {
    let total: i64 = filtered(org_id, filter).count().get_result(conn).await?;
    let rows: Vec<Group> = GROUPS
        .in_list_order(filtered(org_id, filter).select(Group::as_select()))
        .offset(offset.max(0))
        .limit(limit.max(0))
        .load(conn)
        .await?;
    Ok((rows, total))
}
