//! Pages of users filtered by metadata (with a state and a role, no search) through the
//! pairs they hold (`user_metadata_pairs`, migration 2026-12-13-000042): one btree of
//! (org, key, value, created_at, user) gives a pair's users counted (an index-only scan)
//! and in the list's order (a walk that stops at the page), so only the page's users are
//! read. Same answers as `metadata @> filter` on the users' GIN index, whose count
//! rechecks every match on the heap (tests compare; `docs/performance.md`).

use std::fmt::Write as _;

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::{limit_literal, prepared_once, rows_and_total, Total, WithTotal};
use roster_core::error::DomainResult;

use super::word_search::{bind_state_and_role, on_users, Bound, PAGE_COLUMNS};
use super::{UserFilter, UserRecord};
use crate::OrgId;

/// Whether these pages serve `filter`: metadata, and no search.
pub(super) fn serves(filter: &UserFilter) -> bool {
    !filter.metadata.is_empty() && !filter.has_search()
}

/// The `(created_at, user_id)` of the users matching `filter`, as a `SELECT` of the pairs
/// aliased `alias`, in the index's order: `$1` the org, then each pair's key and value
/// (the first pair walked, the others looked up beside it), then the state and the role
/// when the filter has them (checked on the users, which only those filters visit).
fn matches(filter: &UserFilter, alias: &str) -> String {
    let mut sql = format!(
        "SELECT {alias}.created_at, {alias}.user_id FROM user_metadata_pairs {alias}{} \
         WHERE {alias}.org_id = $1 AND {alias}.key = $2 AND {alias}.value = $3",
        on_users(filter, alias, bound_pairs(filter)),
    );
    for n in 1..filter.metadata.contained().len() {
        let (key, value) = (2 + 2 * n, 3 + 2 * n);
        let _ = write!(
            sql,
            " AND EXISTS (SELECT FROM user_metadata_pairs {alias}{n} \
             WHERE {alias}{n}.org_id = $1 AND {alias}{n}.key = ${key} \
             AND {alias}{n}.value = ${value} AND {alias}{n}.created_at = {alias}.created_at \
             AND {alias}{n}.user_id = {alias}.user_id)"
        );
    }
    sql
}

/// How many parameters come before the state and the role: the org and the pairs.
fn bound_pairs(filter: &UserFilter) -> usize {
    1 + 2 * filter.metadata.contained().len()
}

/// How many parameters [`matches`] takes.
fn params(filter: &UserFilter) -> usize {
    bound_pairs(filter) + usize::from(filter.state.is_some()) + usize::from(filter.role.is_some())
}

/// Binds what [`matches`] takes, in its order.
fn bind_matches<'a>(sql: String, org_id: &'a OrgId, filter: &'a UserFilter) -> Bound<'a> {
    let mut query = diesel::sql_query(sql)
        .into_boxed()
        .bind::<Text, _>(org_id.as_str());
    for (key, value) in filter.metadata.contained().iter() {
        query = query.bind::<Text, _>(key).bind::<Text, _>(value);
    }
    bind_state_and_role(query, filter)
}

/// How many users of the org match `filter` (which [`serves`]).
pub(super) async fn count(
    conn: &AsyncPgConnection,
    org_id: &OrgId,
    filter: &UserFilter,
) -> DomainResult<i64> {
    let sql = format!("SELECT count(*) AS total FROM ({}) c", matches(filter, "c"));
    let total: Total = prepared_once(bind_matches(sql, org_id, filter))
        .get_result(&mut &*conn)
        .await?;
    Ok(total.total)
}

/// Up to `limit` users matching `filter` (which [`serves`]) from `offset` on, oldest
/// first, and how many match, in one statement prepared once per connection (its plan
/// walks the same index whatever the values). Its `LIMIT` is a literal and a zero
/// `OFFSET` is left out, as a word search's (`word_search::page`).
pub(super) async fn page(
    conn: &AsyncPgConnection,
    org_id: &OrgId,
    filter: &UserFilter,
    limit: i64,
    offset: i64,
) -> DomainResult<(Vec<UserRecord>, i64)> {
    let offset_sql = if offset == 0 {
        String::new()
    } else {
        format!(" OFFSET ${}", params(filter) + 1)
    };
    let sql = format!(
        "SELECT {PAGE_COLUMNS}, (SELECT count(*) FROM ({}) c) AS total \
         FROM ({} ORDER BY p.created_at, p.user_id LIMIT {}{offset_sql}) page \
         JOIN users u ON u.org_id = $1 AND u.id = page.user_id \
         ORDER BY page.created_at, page.user_id",
        matches(filter, "c"),
        matches(filter, "p"),
        limit_literal(limit),
    );
    let mut query = bind_matches(sql, org_id, filter);
    if offset != 0 {
        query = query.bind::<BigInt, _>(offset);
    }
    let mut rows: Vec<WithTotal<UserRecord>> = prepared_once(query).load(&mut &*conn).await?;
    rows.truncate(limit as usize);
    let (users, total) = rows_and_total(rows.into_iter().map(Into::into).collect(), offset);
    let total = match total {
        Some(total) => total,
        None => count(conn, org_id, filter).await?,
    };
    Ok((users, total))
}
