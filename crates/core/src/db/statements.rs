//! Shapes of statements that keep PostgreSQL's plans good: planned per call, prepared
//! once, a literal `LIMIT`, the matches of a search found first. Why each, with the
//! measurements: `docs/performance.md`, "Statement shapes".

use diesel::pg::Pg;
use diesel::row::NamedRow;
use diesel::sql_types::BigInt;
use diesel::QueryableByName;

/// One page of the rows `matches` selects, in `(created_at, id)` order, each with the
/// number of all of them: `WITH m AS MATERIALIZED (<matches>) SELECT m.*, count(*) OVER ()
/// FROM m ORDER BY m.created_at, m.id LIMIT .. OFFSET ..`, planned for its parameters on
/// every call. For searches: the matches are found once, by the best plan for the
/// `WHERE` alone (the trigram index), for the page and its total together.
///
/// The fence keeps PostgreSQL from walking the tenant's `(created_at, id)` index in the
/// hope of stopping after the page, which is slow when few rows match; sent unnamed, the
/// statement is planned knowing how selective `%term%` is.
///
/// `matches` must select the columns of the rows loaded, `created_at` and `id` among them.
pub fn matches_first<Q>(matches: Q, limit: i64, offset: i64) -> MatchesFirst<Q> {
    MatchesFirst {
        matches,
        limit,
        offset,
    }
}

/// Splits what [`matches_first`] loaded into the rows and the total they carry. `None`
/// when there is no row to carry it though some may match (a page past the end, at
/// `offset` > 0): the caller counts then.
pub fn rows_and_total<T>(rows: Vec<(T, i64)>, offset: i64) -> (Vec<T>, Option<i64>) {
    let total = match rows.as_slice().first() {
        Some((_, total)) => Some(*total),
        None if offset == 0 => Some(0),
        None => None,
    };
    (rows.into_iter().map(|(row, _)| row).collect(), total)
}

/// A row with the number of all the rows its statement matched beside it, in a `total`
/// column: a page of a search written in SQL, as [`matches_first`] loads one in the DSL.
#[derive(Debug)]
pub struct WithTotal<T> {
    pub row: T,
    pub total: i64,
}

impl<T: QueryableByName<Pg>> QueryableByName<Pg> for WithTotal<T> {
    fn build<'a>(row: &impl NamedRow<'a, Pg>) -> diesel::deserialize::Result<Self> {
        Ok(Self {
            row: T::build(row)?,
            total: NamedRow::get::<BigInt, i64>(row, "total")?,
        })
    }
}

impl<T> From<WithTotal<T>> for (T, i64) {
    fn from(r: WithTotal<T>) -> Self {
        (r.row, r.total)
    }
}

/// The `total` column alone: how a page past the end counts the matches it has no row for.
#[derive(Debug, QueryableByName)]
pub struct Total {
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

/// See [`matches_first`].
#[derive(Debug, Clone, Copy)]
pub struct MatchesFirst<Q> {
    matches: Q,
    limit: i64,
    offset: i64,
}

impl<Q: diesel::query_builder::Query> diesel::query_builder::Query for MatchesFirst<Q> {
    type SqlType = (Q::SqlType, diesel::sql_types::BigInt);
}

impl<Q> diesel::query_builder::QueryId for MatchesFirst<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: diesel::query_builder::QueryFragment<diesel::pg::Pg>>
    diesel::query_builder::QueryFragment<diesel::pg::Pg> for MatchesFirst<Q>
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> diesel::QueryResult<()> {
        out.unsafe_to_cache_prepared();
        out.push_sql("WITH m AS MATERIALIZED (");
        self.matches.walk_ast(out.reborrow())?;
        out.push_sql(") SELECT m.*, count(*) OVER () FROM m ORDER BY m.created_at, m.id LIMIT ");
        out.push_bind_param::<diesel::sql_types::BigInt, _>(&self.limit)?;
        out.push_sql(" OFFSET ");
        out.push_bind_param::<diesel::sql_types::BigInt, _>(&self.offset)?;
        Ok(())
    }
}

/// A query sent as an unnamed statement, planned for its actual parameters on every call
/// (see [`planned_per_call`]).
#[derive(Debug, Clone, Copy)]
pub struct PlannedPerCall<Q>(Q);

/// Runs `query` planned for its actual parameters each time, instead of as a statement
/// prepared once per connection. A prepared statement may settle on a generic plan, made
/// without its parameters; for a substring search that plan cannot know how selective
/// `%term%` is. Planning costs time on every call: use it only where the parameters
/// decide the plan.
pub fn planned_per_call<Q>(query: Q) -> PlannedPerCall<Q> {
    PlannedPerCall(query)
}

impl<Q: diesel::query_builder::Query> diesel::query_builder::Query for PlannedPerCall<Q> {
    type SqlType = Q::SqlType;
}

impl<Q> diesel::query_builder::QueryId for PlannedPerCall<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: diesel::query_builder::QueryFragment<diesel::pg::Pg>>
    diesel::query_builder::QueryFragment<diesel::pg::Pg> for PlannedPerCall<Q>
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> diesel::QueryResult<()> {
        out.unsafe_to_cache_prepared();
        self.0.walk_ast(out.reborrow())
    }
}

/// A query kept as a statement prepared once per connection, though diesel would not
/// cache it (see [`prepared_once`]).
#[derive(Debug, Clone, Copy)]
pub struct PreparedOnce<Q>(Q);

/// Runs `query`, typically a `sql_query` (which diesel sends unnamed, parsed and planned
/// on every call), as a statement prepared once per connection, keyed by its SQL text.
/// Only for SQL whose text is one of a few fixed shapes, with every value bound (the
/// connection keeps each distinct text), and whose best plan does not depend on its
/// parameters: PostgreSQL moves to a generic plan after five calls when it costs no more
/// than the custom ones. A word search's plan takes its words from a subquery run at
/// execution, so knowing the term would not change it.
pub fn prepared_once<Q>(query: Q) -> PreparedOnce<Q> {
    PreparedOnce(query)
}

impl<Q: diesel::query_builder::Query> diesel::query_builder::Query for PreparedOnce<Q> {
    type SqlType = Q::SqlType;
}

impl<Q> diesel::query_builder::QueryId for PreparedOnce<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: diesel::query_builder::QueryFragment<diesel::pg::Pg>>
    diesel::query_builder::QueryFragment<diesel::pg::Pg> for PreparedOnce<Q>
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> diesel::QueryResult<()> {
        self.0.walk_ast(out.reborrow())
    }

    fn is_safe_to_cache_prepared(&self, _backend: &diesel::pg::Pg) -> diesel::QueryResult<bool> {
        Ok(true)
    }
}

/// The literal `LIMIT`s [`limited`] writes: the common page sizes, and each plus one (a
/// page and the row that tells whether more follow), up to 100 rows and one.
const LIMIT_BUCKETS: [i64; 14] = [1, 2, 5, 6, 10, 11, 20, 21, 25, 26, 50, 51, 100, 101];

/// A query cut to a literal `LIMIT` (see [`limited`]).
#[derive(Debug, Clone, Copy)]
pub struct Limited<Q> {
    query: Q,
    limit: i64,
    offset: i64,
}

/// `<query> LIMIT <n> [OFFSET $k]`, with `n` the smallest of a few fixed sizes that is at
/// least `fetch` (the caller keeps the rows it asked for, as `Page::assemble` does), and
/// the `OFFSET` written only when it is not 0. `query` must be ordered and neither limited
/// nor offset.
///
/// PostgreSQL costs a generic plan with a bound `LIMIT` (diesel's `.limit(n)`) above the
/// custom one, so it plans such a prepared statement anew on every call; with the `LIMIT`
/// in the text it keeps the generic plan, one statement per size. A bound `OFFSET` is
/// costed the same way, so a page at an offset is still planned per call (a literal would
/// make a statement per page).
pub fn limited<Q>(query: Q, fetch: i64, offset: i64) -> Limited<Q> {
    Limited {
        query,
        limit: limit_literal(fetch),
        offset,
    }
}

/// The `LIMIT` to write into SQL text for a page of `fetch` rows: the smallest of a few
/// fixed sizes that holds them (see [`limited`]); the caller keeps the first `fetch` rows.
pub fn limit_literal(fetch: i64) -> i64 {
    LIMIT_BUCKETS
        .into_iter()
        .find(|&bucket| bucket >= fetch)
        .unwrap_or(fetch)
}

impl<Q: diesel::query_builder::Query> diesel::query_builder::Query for Limited<Q> {
    type SqlType = Q::SqlType;
}

impl<Q> diesel::query_builder::QueryId for Limited<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: diesel::query_builder::QueryFragment<diesel::pg::Pg>>
    diesel::query_builder::QueryFragment<diesel::pg::Pg> for Limited<Q>
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> diesel::QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(" LIMIT ");
        out.push_sql(&self.limit.to_string());
        if self.offset != 0 {
            out.push_sql(" OFFSET ");
            out.push_bind_param::<diesel::sql_types::BigInt, _>(&self.offset)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use diesel::query_builder::QueryBuilder;
    use diesel::query_builder::QueryFragment;

    use super::{limited, rows_and_total};

    #[test]
    fn the_total_comes_from_the_rows_unless_there_are_none_past_the_start() {
        assert_eq!(
            rows_and_total(vec![("a", 3), ("b", 3)], 0),
            (vec!["a", "b"], Some(3))
        );
        assert_eq!(
            rows_and_total(Vec::<(&str, i64)>::new(), 0),
            (vec![], Some(0))
        );
        assert_eq!(
            rows_and_total(Vec::<(&str, i64)>::new(), 20),
            (vec![], None)
        );
    }

    fn sql(fetch: i64, offset: i64) -> String {
        let query = limited(
            diesel::dsl::sql::<diesel::sql_types::Integer>("SELECT 1"),
            fetch,
            offset,
        );
        let mut builder = diesel::pg::PgQueryBuilder::default();
        query
            .to_sql(&mut builder, &diesel::pg::Pg)
            .expect("the query has SQL");
        builder.finish()
    }

    #[test]
    fn the_limit_is_a_literal_rounded_up_to_a_bucket_and_a_zero_offset_is_left_out() {
        assert_eq!(sql(1, 0), "SELECT 1 LIMIT 1");
        assert_eq!(sql(3, 0), "SELECT 1 LIMIT 5");
        assert_eq!(sql(20, 0), "SELECT 1 LIMIT 20");
        assert_eq!(sql(21, 0), "SELECT 1 LIMIT 21");
        assert_eq!(sql(22, 40), "SELECT 1 LIMIT 25 OFFSET $1");
        assert_eq!(sql(27, 0), "SELECT 1 LIMIT 50");
        assert_eq!(sql(101, 0), "SELECT 1 LIMIT 101");
        assert_eq!(sql(500, 0), "SELECT 1 LIMIT 500");
    }
}
