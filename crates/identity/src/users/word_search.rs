//! Searched pages of users through the words they hold (`user_search_words`, migration
//! 2026-12-01-000016_user_search_words): for a term within one word, the vocabulary's
//! trigram index finds the few words containing it, and one btree of (org, word,
//! created_at, user) gives their users, counted and ordered without visiting them; only
//! the page's users are read. Same answers as `search ILIKE '%term%'` (tests compare).

use std::fmt::Write as _;

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::{limit_literal, prepared_once, rows_and_total, Total, WithTotal};
use roster_core::error::DomainResult;

use super::{UserFilter, UserRecord};
use crate::OrgId;

/// The columns of a [`UserRecord`] read from the users as `u`.
pub(super) const PAGE_COLUMNS: &str = "u.org_id, u.id, u.account_id, u.name, u.given_name, \
     u.family_name, u.email, u.job_position_name, u.job_position_description, u.state, u.role, \
     u.created_at, u.updated_at, u.metadata";

/// The matches of `filter` (whose search lies within one word) as a `WITH m` clause of
/// `(created_at, user_id)`, with `$1` the org, `$2` the term, then the state and the role
/// when the filter has them (checked on the users, which only those filters visit):
/// [`params`] of them.
fn matches(filter: &UserFilter) -> String {
    format!(
        "WITH m AS MATERIALIZED (SELECT DISTINCT p.created_at, p.user_id \
         FROM user_search_words p{} \
         WHERE p.org_id = $1 AND p.word = ANY (ARRAY(SELECT w.word FROM search_words w \
         WHERE w.word LIKE (SELECT '%' || lower($2) || '%'))))",
        on_users(filter, "p", 2)
    )
}

/// How many parameters [`matches`] takes: the org, the term, the state and the role when
/// the filter has them.
fn params(filter: &UserFilter) -> usize {
    2 + usize::from(filter.state.is_some()) + usize::from(filter.role.is_some())
}

/// Binds what [`matches`] takes, in its order.
fn bind_matches<'a>(
    sql: String,
    org_id: &'a OrgId,
    term: &'a str,
    filter: &'a UserFilter,
) -> Bound<'a> {
    let query = diesel::sql_query(sql)
        .into_boxed()
        .bind::<Text, _>(org_id.as_str())
        .bind::<Text, _>(term);
    bind_state_and_role(query, filter)
}

/// A page's SQL query as [`bind_matches`] and the metadata pages bind it.
pub(super) type Bound<'a> =
    diesel::query_builder::BoxedSqlQuery<'a, diesel::pg::Pg, diesel::query_builder::SqlQuery>;

/// Binds the filter's state and role, when it has them, after what `query` has bound (as
/// [`on_users`] numbers them).
pub(super) fn bind_state_and_role<'a>(mut query: Bound<'a>, filter: &UserFilter) -> Bound<'a> {
    if let Some(state) = filter.state {
        query = query.bind::<Text, _>(state.as_str());
    }
    if let Some(role) = filter.role {
        query = query.bind::<Text, _>(role.as_str());
    }
    query
}

/// ` JOIN users <alias>f ON ..`, checking the filter's state and role (the parameters
/// after the first `bound`: `$3`, `$4` as [`matches`] numbers them) on the users of
/// `<alias>`'s rows; empty without them.
pub(super) fn on_users(filter: &UserFilter, alias: &str, bound: usize) -> String {
    let mut sql = String::new();
    if filter.state.is_some() || filter.role.is_some() {
        let _ = write!(
            sql,
            " JOIN users {alias}f ON {alias}f.org_id = {alias}.org_id AND {alias}f.id = {alias}.user_id"
        );
        let mut param = bound;
        for (column, set) in [
            ("state", filter.state.is_some()),
            ("role", filter.role.is_some()),
        ] {
            if set {
                param += 1;
                let _ = write!(sql, " AND {alias}f.{column} = ${param}");
            }
        }
    }
    sql
}

/// Up to `limit` matching users from `offset` on, oldest first, and how many match. The
/// statement is prepared once per connection: its plan does not depend on the term.
/// Its `LIMIT`s are literals (`limit_literal`) and a zero `OFFSET` is left out, so that
/// PostgreSQL settles on the generic plan (see `roster_core::db::limited`).
///
/// The page is read word by word: each matching word's first `offset + limit` users, in
/// order, straight from the `(org_id, word, created_at, user_id)` index, then merged (a
/// user holding two of the words counts once). The first `offset + limit` matches overall
/// are among them: a word's users before a match are matches before it too. The total
/// counts one word's rows when one word matches (most terms), else the distinct users of
/// all of them. Faster than finding every match first (`docs/performance.md`).
pub(super) async fn page(
    conn: &AsyncPgConnection,
    org_id: &OrgId,
    term: &str,
    filter: &UserFilter,
    limit: i64,
    offset: i64,
) -> DomainResult<(Vec<UserRecord>, i64)> {
    let params = params(filter);
    let (outer_offset, per_word) = if offset == 0 {
        (String::new(), limit_literal(limit).to_string())
    } else {
        (
            format!(" OFFSET ${}", params + 1),
            format!("${}", params + 2),
        )
    };
    let (on_c, on_p) = (on_users(filter, "c", 2), on_users(filter, "p", 2));
    let sql = format!(
        "WITH w AS MATERIALIZED (SELECT ARRAY(SELECT w.word FROM search_words w \
         WHERE w.word LIKE (SELECT '%' || lower($2) || '%')) AS words) \
         SELECT {PAGE_COLUMNS}, (SELECT CASE WHEN cardinality(w.words) = 1 \
         THEN (SELECT count(*) FROM user_search_words c{on_c} \
               WHERE c.org_id = $1 AND c.word = w.words[1]) \
         ELSE (SELECT count(*) FROM (SELECT DISTINCT c.created_at, c.user_id \
               FROM user_search_words c{on_c} WHERE c.org_id = $1 AND c.word = ANY (w.words)) d) \
         END FROM w) AS total \
         FROM (SELECT DISTINCT x.created_at, x.user_id FROM w, unnest(w.words) AS wd(word), \
               LATERAL (SELECT p.created_at, p.user_id FROM user_search_words p{on_p} \
                        WHERE p.org_id = $1 AND p.word = wd.word \
                        ORDER BY p.created_at, p.user_id LIMIT {per_word}) x \
               ORDER BY x.created_at, x.user_id LIMIT {}{outer_offset}) page \
         JOIN users u ON u.org_id = $1 AND u.id = page.user_id \
         ORDER BY page.created_at, page.user_id",
        limit_literal(limit),
    );
    let mut query = bind_matches(sql, org_id, term, filter);
    if offset != 0 {
        query = query
            .bind::<BigInt, _>(offset)
            .bind::<BigInt, _>(offset + limit);
    }
    let mut rows: Vec<WithTotal<UserRecord>> = prepared_once(query).load(&mut &*conn).await?;
    rows.truncate(limit as usize);
    let (users, total) = rows_and_total(rows.into_iter().map(Into::into).collect(), offset);
    let total = match total {
        Some(total) => total,
        None => {
            let mut sql = matches(filter);
            sql.push_str(" SELECT count(*) AS total FROM m");
            let total: Total = prepared_once(bind_matches(sql, org_id, term, filter))
                .get_result(&mut &*conn)
                .await?;
            total.total
        }
    };
    Ok((users, total))
}
