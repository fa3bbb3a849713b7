//! A page of the org's users (`GET /Users`), in one statement where it can: the page's
//! rows, each with its groups (a subquery, not a query per page) and, without a filter,
//! the sum of the org's counters for `totalResults`. A filter's total comes from the page
//! when the page is its end (a `userName eq` hit, say); only a full page, or one past the
//! end, counts the matches apart. Measurements: docs/performance.md.

use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::{limited, prepared_once};
use roster_identity::schema::{user_counts, users};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value as Json;

use super::row::ScimUserRow;
use super::view::UserView;
use super::{columns, render_with, Scope};
use crate::error::ScimResult;
use crate::filter::sql::narrowed;
use crate::filter::{Filter, Op};
use crate::list::{self, ListQuery};

/// A user's groups, oldest first, as a JSON array of `[id, display name]` pairs (NULL
/// for none), on `org_group_members_org_user_idx`.
const GROUPS: &str = "(SELECT json_agg(json_build_array(g.id, g.display_name) \
     ORDER BY g.created_at, g.id)::text FROM org_group_members m \
     JOIN org_groups g ON g.org_id = m.org_id AND g.id = m.group_id \
     WHERE m.org_id = users.org_id AND m.user_id = users.id)";

/// What a row carries beside the user: its groups, and the total (without a filter).
type Row = (ScimUserRow, Option<String>, Option<i64>);

/// A page of Users as answered, a `ListResponse`: each user written straight from its row,
/// unless `attributes` or `excludedAttributes` asks for a projection.
pub struct UserList<'a> {
    total: i64,
    start_index: i64,
    resources: Resources<'a>,
}

enum Resources<'a> {
    Projected(Vec<Json>),
    Whole(Vec<UserView<'a>>),
}

impl Serialize for UserList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The keys in the order `list::response` has them (sorted).
        let mut m = s.serialize_map(Some(5))?;
        let items = match &self.resources {
            Resources::Projected(r) => {
                m.serialize_entry("Resources", r)?;
                r.len()
            }
            Resources::Whole(r) => {
                m.serialize_entry("Resources", r)?;
                r.len()
            }
        };
        m.serialize_entry("itemsPerPage", &items)?;
        m.serialize_entry("schemas", &[list::LIST_SCHEMA])?;
        m.serialize_entry("startIndex", &self.start_index)?;
        m.serialize_entry("totalResults", &self.total)?;
        m.end()
    }
}

/// The org's users, oldest first, with the exact total.
pub async fn list<'a>(
    conn: &mut AsyncPgConnection,
    scope: Scope<'a>,
    query: &ListQuery,
) -> ScimResult<UserList<'a>> {
    let org_id = scope.org_id;
    let filter = query.filter.as_ref();
    let base = || {
        let all = users::table.filter(users::org_id.eq(org_id)).into_boxed();
        narrowed::<users::table, _>(all, filter, &columns::resolve)
    };
    let cached = few_shapes(filter, query.count);
    let rows: Vec<Row> = match query.count {
        0 => Vec::new(),
        n => {
            let groups = match query.projection.wants("groups") {
                true => GROUPS,
                false => "NULL::text",
            };
            let page = base()?
                .select((
                    ScimUserRow::as_select(),
                    sql::<Nullable<Text>>(groups),
                    counted(scope, filter),
                ))
                .order((users::created_at.asc(), users::id.asc()));
            let page = limited(page, n, query.offset());
            let mut rows: Vec<Row> = match cached {
                true => prepared_once(page).load(conn).await?,
                false => page.load(conn).await?,
            };
            rows.truncate(usize::try_from(n).unwrap_or(usize::MAX));
            rows
        }
    };
    let total = match total_of(&rows, filter, query) {
        Some(total) => total,
        None if filter.is_none() => counters(conn, scope).await?,
        None => {
            let count = base()?.count();
            match cached {
                true => prepared_once(count).get_result(conn).await?,
                false => count.get_result(conn).await?,
            }
        }
    };
    let rows = rows.into_iter().map(|(row, groups, _)| {
        let groups = groups.as_deref().map(|g| user_groups(scope.base, g));
        (row, groups)
    });
    let resources = match query.projection.is_empty() {
        true => Resources::Whole(
            rows.map(|(row, groups)| UserView {
                row,
                base: scope.base,
                groups,
            })
            .collect(),
        ),
        false => Resources::Projected(
            rows.map(|(row, groups)| render_with(&row, scope, &query.projection, groups))
                .collect(),
        ),
    };
    Ok(UserList {
        total,
        start_index: query.start_index,
        resources,
    })
}

/// The total column: without a filter, the sum of the org's counters (an `InitPlan`, run
/// once); with one, none (see [`total_of`]).
fn counted(
    scope: Scope<'_>,
    filter: Option<&Filter>,
) -> Box<dyn BoxableExpression<users::table, Pg, SqlType = Nullable<BigInt>>> {
    match filter {
        None => Box::new(
            sql::<Nullable<BigInt>>(
                "(SELECT coalesce(sum(c.n), 0)::bigint FROM user_counts c WHERE c.org_id = ",
            )
            .bind::<Text, _>(scope.org_id.as_str().to_owned())
            .sql(")"),
        ),
        Some(_) => Box::new(sql::<Nullable<BigInt>>("NULL::bigint")),
    }
}

/// The org's users, from its counters (a page past the end, or `count=0`).
async fn counters(conn: &mut AsyncPgConnection, scope: Scope<'_>) -> ScimResult<i64> {
    Ok(user_counts::table
        .filter(user_counts::org_id.eq(scope.org_id))
        .select(diesel::dsl::sum(user_counts::n))
        .get_result::<Option<i64>>(conn)
        .await?
        .unwrap_or(0))
}

/// The total when the rows tell it: the counters' sum they carry, or, for a filter, the
/// rows themselves when the page ends before `count` (and is not past the end).
fn total_of(rows: &[Row], filter: Option<&Filter>, query: &ListQuery) -> Option<i64> {
    let loaded = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    match (filter, rows.first()) {
        (None, Some((_, _, total))) => *total,
        (Some(_), _) if loaded < query.count && (loaded > 0 || query.offset() == 0) => {
            Some(query.offset().saturating_add(loaded))
        }
        _ => None,
    }
}

/// Whether the statement is one of a few shapes, kept prepared per connection: no filter
/// or a single `eq` (one text per attribute), and a `LIMIT` of the common sizes. Any other
/// filter is planned per call, so that a client's many filter shapes do not each leave a
/// statement behind on every connection.
fn few_shapes(filter: Option<&Filter>, count: i64) -> bool {
    let simple = matches!(filter, None | Some(Filter::Compare(_, Op::Eq, _)));
    simple && count <= LARGEST_BUCKET
}

/// The largest `LIMIT` `roster_core::db::limited` rounds up to; above it, each count is a
/// text of its own.
const LARGEST_BUCKET: i64 = 101;

/// A user's `groups` from the `[id, name]` pairs of [`GROUPS`].
fn user_groups(base: &str, pairs: &str) -> Vec<Json> {
    serde_json::from_str::<Vec<(String, String)>>(pairs)
        .unwrap_or_default()
        .iter()
        .map(|(id, name)| crate::groups::user_group(base, id, name))
        .collect()
}
