//! Searched lists through the words external users hold (`external_user_search_words`,
//! migration 2026-12-01-000017_external_user_search_words): for a term within one word,
//! the vocabulary's trigram index finds the few words containing it, and one btree of
//! (workspace, word, created_at, user, + channel) gives their users, filtered by channel,
//! counted and ordered without visiting them; only the page's users are read. Same answers
//! as `search ILIKE '%term%'` (tests compare).

use std::fmt::Write as _;

use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Array, BigInt, Text, Uuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::{limit_literal, prepared_once, rows_and_total, Total, WithTotal};
use roster_core::error::DomainResult;

use crate::paging::{Listed, PageRequest};
use crate::users::{ExternalUser, ExternalUserFilter};
use crate::WorkspaceId;

/// The columns of `ExternalUser`, of `u`.
const COLUMNS: &str = "u.created_at, u.id, u.updated_at, u.blocked, u.channel_id, \
     u.external_id, u.external_user_group_id, u.identifier, u.name, u.super_identity_id, \
     u.tier_id, u.workspace_id, u.metadata";

/// The matches of `filter` (whose search lies within one word) as a `WITH m` clause of
/// `(created_at, user_id)`: `$1` the workspace, `$2` the term, then the id lists the filter
/// has, in `bind_matches`' order. Channels are checked in the index; tiers, groups and
/// super identities on the users, which only those filters visit. Returns the SQL and the
/// number of parameters it takes.
///
/// The term's pattern and the id lists are subqueries (`(SELECT $n)`, cast back to an
/// array): PostgreSQL then estimates them alike for a generic plan and a custom one, and
/// keeps the generic plan after five calls. Bound as they are, a custom plan knows how
/// many rows the channels hold where a generic plan guesses: costed above it, so every
/// call was planned anew (`docs/performance.md`, "Generic plans, really").
fn matches(filter: &ExternalUserFilter) -> (String, usize) {
    let mut sql = String::from(
        "WITH m AS MATERIALIZED (SELECT DISTINCT p.created_at, p.user_id \
         FROM external_user_search_words p",
    );
    let mut params = 2;
    let on_users = [
        ("tier_id", !filter.tier_ids.is_empty()),
        (
            "external_user_group_id",
            !filter.external_user_group_ids.is_empty(),
        ),
        ("super_identity_id", !filter.super_identity_ids.is_empty()),
    ];
    if on_users.iter().any(|(_, set)| *set) {
        sql.push_str(
            " JOIN external_users f ON f.workspace_id = p.workspace_id AND f.id = p.user_id",
        );
        for (column, _) in on_users.iter().filter(|(_, set)| *set) {
            params += 1;
            let _ = write!(sql, " AND f.{column} = ANY ((SELECT ${params})::uuid[])");
        }
    }
    sql.push_str(
        " WHERE p.workspace_id = $1 AND p.word = ANY (ARRAY(SELECT w.word FROM search_words w \
         WHERE w.word LIKE (SELECT '%' || lower($2) || '%')))",
    );
    if !filter.channel_ids.is_empty() {
        params += 1;
        let _ = write!(sql, " AND p.channel_id = ANY ((SELECT ${params})::uuid[])");
    }
    sql.push(')');
    (sql, params)
}

/// Binds what [`matches`] takes, in its order.
fn bind_matches<'a>(
    sql: String,
    workspace_id: WorkspaceId,
    term: &'a str,
    filter: &'a ExternalUserFilter,
) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
    let mut query = diesel::sql_query(sql)
        .into_boxed()
        .bind::<Uuid, _>(workspace_id)
        .bind::<Text, _>(term);
    if !filter.tier_ids.is_empty() {
        query = query.bind::<Array<Uuid>, _>(&filter.tier_ids);
    }
    if !filter.external_user_group_ids.is_empty() {
        query = query.bind::<Array<Uuid>, _>(&filter.external_user_group_ids);
    }
    if !filter.super_identity_ids.is_empty() {
        query = query.bind::<Array<Uuid>, _>(&filter.super_identity_ids);
    }
    if !filter.channel_ids.is_empty() {
        query = query.bind::<Array<Uuid>, _>(&filter.channel_ids);
    }
    query
}

/// The page of matching external users, oldest first, and how many match. The statement
/// is prepared once per connection: its plan does not depend on the term.
/// Its `LIMIT` is a literal (`limit_literal`) and a zero `OFFSET` is left out, so that
/// PostgreSQL settles on the generic plan (see `roster_core::db::limited`).
pub(crate) async fn page(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    term: &str,
    filter: &ExternalUserFilter,
    page: PageRequest,
) -> DomainResult<Listed<ExternalUser>> {
    let (mut sql, params) = matches(filter);
    let _ = write!(
        sql,
        " SELECT {COLUMNS}, (SELECT count(*) FROM m) AS total \
         FROM (SELECT created_at, user_id FROM m ORDER BY created_at, user_id \
         LIMIT {}{}) page \
         JOIN external_users u ON u.workspace_id = $1 AND u.id = page.user_id \
         ORDER BY page.created_at, page.user_id",
        limit_literal(page.size),
        if page.offset() == 0 {
            String::new()
        } else {
            format!(" OFFSET ${}", params + 1)
        }
    );
    let mut query = bind_matches(sql, workspace_id, term, filter);
    if page.offset() != 0 {
        query = query.bind::<BigInt, _>(page.offset());
    }
    let mut rows: Vec<WithTotal<ExternalUser>> = prepared_once(query).load(conn).await?;
    rows.truncate(page.size as usize);
    let (items, total) = rows_and_total(rows.into_iter().map(Into::into).collect(), page.offset());
    let total = match total {
        Some(total) => total,
        None => {
            let (mut sql, _) = matches(filter);
            sql.push_str(" SELECT count(*) AS total FROM m");
            let total: Total = prepared_once(bind_matches(sql, workspace_id, term, filter))
                .get_result(conn)
                .await?;
            total.total
        }
    };
    Ok(Listed { items, total })
}
