//! Which users a list holds, and how many: the filter, its query and its total.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::planned_per_call;
use roster_core::error::DomainResult;
use roster_core::metadata::MetadataFilter;
use roster_core::search::SearchTerm;

use super::{Role, UserState};
use crate::schema::{user_counts, users, users_metadata};
use crate::OrgId;

/// What joins name and email in the searched column; a search may not contain it.
pub const SEARCH_SEPARATOR: char = '\u{1f}';

/// List filters; all optional.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub state: Option<UserState>,
    pub role: Option<Role>,
    /// Case-insensitive substring of name or email.
    pub search: Option<SearchTerm>,
    /// Metadata pairs all of which a user holds (`@>`, on the GIN index).
    pub metadata: MetadataFilter,
}

impl UserFilter {
    /// Whether it lets every user of the org through.
    pub fn is_empty(&self) -> bool {
        self.state.is_none() && self.role.is_none() && !self.counts_matches()
    }

    /// Whether a search (never blank) narrows the list.
    pub fn has_search(&self) -> bool {
        self.search.is_some()
    }

    /// Whether the total is a count of the matches (a search, metadata), not the
    /// counters' sum.
    pub fn counts_matches(&self) -> bool {
        self.has_search() || !self.metadata.is_empty()
    }
}

/// The org's users that `filter` lets through, boxed (for [`roster_core::page::Keyset`]).
pub(super) fn filtered<'a>(org_id: &'a OrgId, filter: &'a UserFilter) -> users::BoxedQuery<'a, Pg> {
    let mut query = users::table.filter(users::org_id.eq(org_id)).into_boxed();
    if let Some(state) = filter.state {
        query = query.filter(users::state.eq(state));
    }
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role));
    }
    if let Some(search) = &filter.search {
        // `search` is name and email joined by U+001F, which callers keep out of a search
        // (see `SEARCH_SEPARATOR`): a match lies within the name or within the email.
        query = query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("\"users\".\"search\" ILIKE ")
                .bind::<diesel::sql_types::Text, _>(search.contains_pattern()),
        );
    }
    if !filter.metadata.is_empty() {
        query = query.filter(users_metadata::metadata.contains(filter.metadata.contained()));
    }
    query
}

/// How many users of the org match the filter. Without a search or metadata, a sum over
/// the org's counters (kept exact by triggers, see the `user_counters` migration); with
/// metadata alone, a count of the metadata pairs' index (`metadata_page::count`); with a
/// search, a count of the matches, which the trigram (and metadata) index finds.
pub(super) async fn total_count(
    conn: &AsyncPgConnection,
    org_id: &OrgId,
    filter: &UserFilter,
) -> DomainResult<i64> {
    if super::metadata_page::serves(filter) {
        return super::metadata_page::count(conn, org_id, filter).await;
    }
    if filter.counts_matches() {
        return Ok(planned_per_call(filtered(org_id, filter).count())
            .get_result(&mut &*conn)
            .await?);
    }
    let total: Option<i64> = counted(org_id, filter).get_result(&mut &*conn).await?;
    Ok(total.unwrap_or(0))
}

/// The sum of the org's counters for `filter`'s state and role (its search aside): how many
/// users an unsearched list holds. Plain DSL (no SQL literal), so that a statement holding
/// it is prepared once per connection.
pub(super) fn counted<'a>(
    org_id: &'a OrgId,
    filter: &'a UserFilter,
) -> user_counts::BoxedQuery<'a, Pg, Nullable<BigInt>> {
    let mut query = user_counts::table
        .filter(user_counts::org_id.eq(org_id))
        .select(diesel::dsl::sum(user_counts::n))
        .into_boxed();
    if let Some(state) = filter.state {
        query = query.filter(user_counts::state.eq(state));
    }
    if let Some(role) = filter.role {
        query = query.filter(user_counts::role.eq(role));
    }
    query
}
