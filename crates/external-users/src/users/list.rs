//! Listing external users: the filters, and the plain and searched pages.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::{matches_first, planned_per_call, rows_and_total};
use roster_core::error::DomainResult;
use roster_core::metadata::MetadataFilter;
use roster_core::search::SearchTerm;
use roster_core::text::within_one_word;

use super::ExternalUser;
use crate::paging::{Listed, PageRequest};
use crate::schema::external_users as users;
use crate::user_counts;
use crate::{ChannelId, GroupId, SuperIdentityId, TierId, WorkspaceId};

/// List filters; an empty one does not filter, several values of one match any of them.
#[derive(Debug, Clone, Default)]
pub struct ExternalUserFilter {
    pub channel_ids: Vec<ChannelId>,
    pub external_user_group_ids: Vec<GroupId>,
    pub super_identity_ids: Vec<SuperIdentityId>,
    pub tier_ids: Vec<TierId>,
    /// Case-insensitive substring of the name, identifier or external reference.
    pub search: Option<SearchTerm>,
    /// Metadata pairs all of which a user holds (`@>`, on the GIN index).
    pub metadata: MetadataFilter,
}

impl ExternalUserFilter {
    /// Whether the counters (`external_user_counts`) give this filter's total: they count by
    /// channel, tier and group only. A search is counted with its page (`searched`), and
    /// super identities and metadata select few users, whose count is cheap.
    pub(crate) fn served_by_counters(&self) -> bool {
        self.search.is_none() && self.super_identity_ids.is_empty() && self.metadata.is_empty()
    }
}

fn filtered(
    workspace_id: WorkspaceId,
    filter: &ExternalUserFilter,
) -> users::BoxedQuery<'static, diesel::pg::Pg> {
    let mut query = users::table
        .filter(users::workspace_id.eq(workspace_id))
        .into_boxed();
    if !filter.channel_ids.is_empty() {
        query = query.filter(users::channel_id.eq_any(filter.channel_ids.clone()));
    }
    if !filter.external_user_group_ids.is_empty() {
        query = query
            .filter(users::external_user_group_id.eq_any(filter.external_user_group_ids.clone()));
    }
    if !filter.super_identity_ids.is_empty() {
        query = query.filter(users::super_identity_id.eq_any(filter.super_identity_ids.clone()));
    }
    if !filter.tier_ids.is_empty() {
        query = query.filter(users::tier_id.eq_any(filter.tier_ids.clone()));
    }
    if let Some(search) = &filter.search {
        // `search` is name, identifier and external id joined by U+001F, which neither
        // they nor a search (see `SearchTerm`) may contain: a match lies within one.
        query = query.filter(users::search.ilike(search.contains_pattern()));
    }
    if !filter.metadata.is_empty() {
        query = query.filter(users::metadata.contains(filter.metadata.contained().clone()));
    }
    query
}

/// The workspace's external users matching `filter`, oldest first, and how many match.
pub async fn list(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    filter: &ExternalUserFilter,
    page: PageRequest,
) -> DomainResult<Listed<ExternalUser>> {
    if filter.search.is_some() {
        return searched(conn, workspace_id, filter, page).await;
    }
    let total: i64 = if filter.served_by_counters() {
        user_counts::total(conn, workspace_id, filter).await?
    } else {
        filtered(workspace_id, filter)
            .count()
            .get_result(conn)
            .await?
    };
    let items = filtered(workspace_id, filter)
        .order((users::created_at.asc(), users::id.asc()))
        .offset(page.offset())
        .limit(page.size)
        .select(ExternalUser::as_select())
        .load(conn)
        .await?;
    Ok(Listed { items, total })
}

/// A searched list. Within one word and without metadata, through the words users hold
/// (`user_words`); else
/// in one statement (`roster_core::db::matches_first`): the page and, beside each row,
/// the count of all the matches, so that the trigram index and the rechecks find them
/// once. Only a page past the end counts again.
async fn searched(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    filter: &ExternalUserFilter,
    page: PageRequest,
) -> DomainResult<Listed<ExternalUser>> {
    let by_words = filter.search.as_deref().filter(|t| within_one_word(t));
    if let Some(term) = by_words.filter(|_| filter.metadata.is_empty()) {
        return crate::user_words::page(conn, workspace_id, term, filter, page).await;
    }
    let rows: Vec<(ExternalUser, i64)> = matches_first(
        filtered(workspace_id, filter).select(ExternalUser::as_select()),
        page.size,
        page.offset(),
    )
    .load(conn)
    .await?;
    let (items, total) = rows_and_total(rows, page.offset());
    let total = match total {
        Some(total) => total,
        None => {
            planned_per_call(filtered(workspace_id, filter).count())
                .get_result(conn)
                .await?
        }
    };
    Ok(Listed { items, total })
}
