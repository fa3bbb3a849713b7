//! Listing an org's users, oldest first: offset and cursor pages, searched or not.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures_util::future::{try_join, try_join3};
use roster_core::db::{limited, matches_first, rows_and_total};
use roster_core::error::DomainResult;
use roster_core::page::{Keyset, ListOrder, Page, Paging};
use roster_core::text::within_one_word;

use super::filter::{counted, filtered, total_count};
use super::{metadata_page, word_search, User, UserFilter, UserRecord};
use crate::schema::users;
use crate::OrgId;

/// The list of users runs oldest first, on the `(org_id, created_at, id)` index.
const USERS: Keyset<users::created_at, users::id> =
    Keyset::new(users::created_at, users::id, ListOrder::OldestFirst);

/// From this offset on, an unfiltered page is found through the index alone first.
const DEFERRED_JOIN_OFFSET: i64 = 1_000;

/// One page of an org's users in a stable order (oldest first), with the total count.
/// An unsearched page is one statement (`unsearched_page`; an empty one two, pipelined),
/// and so is a searched offset page (`searched_offset_page`); a searched cursor page
/// pipelines its queries (three at most, whatever the page size): one round trip.
pub async fn list(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    filter: &UserFilter,
    paging: &Paging,
) -> DomainResult<Page<User>> {
    let conn: &AsyncPgConnection = conn;
    let (rows, total_count, rows_exist_behind) = if !filter.counts_matches() {
        unsearched_page(conn, org_id, filter, paging).await?
    } else if let Paging::Offset { .. } = paging {
        searched_offset_page(conn, org_id, filter, paging).await?
    } else {
        searched_cursor_page(conn, org_id, filter, paging).await?
    };
    Ok(Page::assemble(
        paging,
        rows,
        total_count,
        rows_exist_behind,
        UserRecord::cursor,
    )
    .map(User::from))
}

/// The rows of a page, the total and whether any row lies behind the page's cursor.
type Rows = (Vec<UserRecord>, i64, bool);

/// A page of an unsearched list as one statement: the page's rows, each carrying the
/// total (the counters' sum) and whether any row lies behind the cursor, both computed
/// once (uncorrelated subqueries): one transaction and one result. An empty page (a
/// client polling after its last cursor, a page past the end) has no row to carry them:
/// it asks for them alone, pipelined.
async fn unsearched_page(
    conn: &AsyncPgConnection,
    org_id: &OrgId,
    filter: &UserFilter,
    paging: &Paging,
) -> DomainResult<Rows> {
    debug_assert!(!filter.counts_matches());
    let behind = || USERS.behind(filtered(org_id, filter).select(users::id), paging);
    let columns = (
        UserRecord::as_select(),
        counted(org_id, filter).single_value(),
        behind(),
    );
    let query = filtered(org_id, filter).select(columns);
    let offset = paging.offset();
    let rows: Vec<(UserRecord, Option<i64>, bool)> =
        if offset < DEFERRED_JOIN_OFFSET || !filter.is_empty() {
            USERS.page(query, paging).load(&mut &*conn).await?
        } else {
            // Skip through the (org_id, created_at, id) index alone (an index-only scan),
            // then read just the page's rows.
            let skip = sql::<Bool>("users.id IN (SELECT p.id FROM users p WHERE p.org_id = ")
                .bind::<Text, _>(org_id)
                .sql(" ORDER BY p.created_at, p.id OFFSET ")
                .bind::<BigInt, _>(offset)
                .sql(" LIMIT ")
                .bind::<BigInt, _>(paging.fetch())
                .sql(")");
            limited(USERS.read(query.filter(skip), paging), paging.fetch(), 0)
                .load(&mut &*conn)
                .await?
        };
    let Some(&(_, total, rows_exist_behind)) = rows.as_slice().first() else {
        let (total, rows_exist_behind) =
            try_join(total_count(conn, org_id, filter), behind().load(conn)).await?;
        return Ok((Vec::new(), total, rows_exist_behind));
    };
    let rows = rows.into_iter().map(|(row, _, _)| row).collect();
    Ok((rows, total.unwrap_or(0), rows_exist_behind))
}

/// A searched offset page (a search, metadata or both): the page and, beside each row,
/// the count of all the matches, in one statement, so that the matches are found once
/// for both: through the words users hold for a term within one word and no metadata
/// ([`word_search::page`]), through the metadata pairs they hold for metadata and no
/// search ([`metadata_page::page`]), else through the trigram and metadata indexes
/// ([`matches_first`]). Only a page past the end (no row to carry the count) counts again.
async fn searched_offset_page(
    conn: &AsyncPgConnection,
    org_id: &OrgId,
    filter: &UserFilter,
    paging: &Paging,
) -> DomainResult<Rows> {
    let (fetch, offset) = (paging.fetch(), paging.offset());
    let by_words = filter.search.as_deref().filter(|t| within_one_word(t));
    let (rows, total) = match by_words.filter(|_| filter.metadata.is_empty()) {
        Some(term) => word_search::page(conn, org_id, term, filter, fetch, offset).await?,
        None if metadata_page::serves(filter) => {
            metadata_page::page(conn, org_id, filter, fetch, offset).await?
        }
        None => {
            let rows: Vec<(UserRecord, i64)> = matches_first(
                filtered(org_id, filter).select(UserRecord::as_select()),
                fetch,
                offset,
            )
            .load(&mut &*conn)
            .await?;
            match rows_and_total(rows, offset) {
                (rows, Some(total)) => (rows, total),
                (rows, None) => (rows, total_count(conn, org_id, filter).await?),
            }
        }
    };
    Ok((rows, total, false))
}

/// A searched cursor page: the page, its total and what lies behind, pipelined.
async fn searched_cursor_page(
    conn: &AsyncPgConnection,
    org_id: &OrgId,
    filter: &UserFilter,
    paging: &Paging,
) -> DomainResult<Rows> {
    let rows = async {
        let query = filtered(org_id, filter).select(UserRecord::as_select());
        Ok(USERS.page(query, paging).load(&mut &*conn).await?)
    };
    let behind = USERS.behind(filtered(org_id, filter).select(users::id), paging);
    let (total, rows, rows_exist_behind) =
        try_join3(total_count(conn, org_id, filter), rows, behind.load(conn)).await?;
    Ok((rows, total, rows_exist_behind))
}
