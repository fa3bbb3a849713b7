//! Totals of external-user lists from the counters that triggers keep exact, per
//! workspace, channel, tier and group (migration `2026-12-01-000015_external_user_counts`).

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;

use crate::schema::external_user_counts as counts;
use crate::users::ExternalUserFilter;
use crate::WorkspaceId;

/// How many of the workspace's external users are on the filter's channels, tiers and
/// groups (any, where a list is empty): a sum over the workspace's counters. Only for a
/// filter that `ExternalUserFilter::served_by_counters`: the others are not counted here.
pub(crate) async fn total(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    filter: &ExternalUserFilter,
) -> DomainResult<i64> {
    let mut query = counts::table
        .filter(counts::workspace_id.eq(workspace_id))
        .into_boxed();
    if !filter.channel_ids.is_empty() {
        query = query.filter(counts::channel_id.eq_any(filter.channel_ids.clone()));
    }
    if !filter.external_user_group_ids.is_empty() {
        query = query
            .filter(counts::external_user_group_id.eq_any(filter.external_user_group_ids.clone()));
    }
    if !filter.tier_ids.is_empty() {
        query = query.filter(counts::tier_id.eq_any(filter.tier_ids.clone()));
    }
    // Plain DSL (no SQL literal), so that the statement is prepared once per connection.
    let total: Option<i64> = query
        .select(diesel::dsl::sum(counts::n))
        .get_result(conn)
        .await?;
    Ok(total.unwrap_or(0))
}
