//! Keyset paging in SQL: a list ordered by `(created_at, id)` is read from a cursor as one
//! range of an index on the tenant's key and those columns, whatever the page's depth.
//!
//! A list names its columns and its order once, in a [`Keyset`], and takes from it the
//! page's rows ([`Keyset::page`]) and whether any row lies behind the page's cursor
//! ([`Keyset::behind`]); [`Page::assemble`](super::Page::assemble) makes the envelope.
//! The queries must be boxed (`.into_boxed()`), so that both orders have one type.
//!
//! ```no_run
//! use diesel::prelude::*;
//! use diesel_async::{AsyncPgConnection, RunQueryDsl};
//! use roster_core::error::DomainResult;
//! use roster_core::page::{Cursor, Keyset, ListOrder, Page, Paging};
//!
//! diesel::table! {
//!     events (tenant, id) {
//!         tenant -> Text,
//!         id -> Text,
//!         created_at -> Timestamptz,
//!     }
//! }
//!
//! /// The list of events runs newest first, on the `(tenant, created_at, id)` index.
//! const EVENTS: Keyset<events::created_at, events::id> =
//!     Keyset::new(events::created_at, events::id, ListOrder::NewestFirst);
//!
//! async fn list(
//!     conn: &mut AsyncPgConnection,
//!     tenant: &str,
//!     paging: &Paging,
//! ) -> DomainResult<Page<(String, time::OffsetDateTime)>> {
//!     let of_tenant = || events::table.filter(events::tenant.eq(tenant)).into_boxed();
//!     let total: i64 = of_tenant().count().get_result(conn).await?;
//!     let behind = EVENTS.behind(of_tenant().select(events::id), paging).load(conn).await?;
//!     let rows = EVENTS
//!         .page(of_tenant().select((events::id, events::created_at)), paging)
//!         .load(conn)
//!         .await?;
//!     Ok(Page::assemble(paging, rows, total, behind, |(id, at)| {
//!         Cursor::of(*at, id)
//!     }))
//! }
//! ```

use diesel::dsl::{exists as Exists, Asc, Desc};
use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::query_dsl::methods::{FilterDsl, LimitDsl, OrderDsl};
use diesel::sql_types::{Bool, Text, Timestamptz};
use diesel::ExpressionMethods;
use diesel_async::methods::LoadQuery;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{Cursor, Direction, Paging};
use crate::db::{limited, Limited};
use crate::error::DomainResult;

/// Which way a list runs in its `(created_at, id)` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOrder {
    OldestFirst,
    NewestFirst,
}

/// A list's key columns, `created_at` and `id`, and the order it shows them in.
#[derive(Debug, Clone, Copy)]
pub struct Keyset<C, I> {
    created_at: C,
    id: I,
    order: ListOrder,
}

/// Whether a page's query reads the key ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    Ascending,
    Descending,
}

impl<C, I> Keyset<C, I>
where
    C: Expression<SqlType = Timestamptz> + Copy,
    I: Expression<SqlType = Text> + Copy,
{
    pub const fn new(created_at: C, id: I, order: ListOrder) -> Self {
        Self {
            created_at,
            id,
            order,
        }
    }

    /// How a page going `direction` reads the key.
    fn scan(&self, direction: Direction) -> Scan {
        match (self.order, direction) {
            (ListOrder::OldestFirst, Direction::Forward)
            | (ListOrder::NewestFirst, Direction::Backward) => Scan::Ascending,
            (ListOrder::OldestFirst, Direction::Backward)
            | (ListOrder::NewestFirst, Direction::Forward) => Scan::Descending,
        }
    }

    fn ordered<Q>(&self, query: Q, scan: Scan) -> Q
    where
        Q: OrderDsl<(Asc<C>, Asc<I>), Output = Q> + OrderDsl<(Desc<C>, Desc<I>), Output = Q>,
    {
        match scan {
            Scan::Ascending => query.order((self.created_at.asc(), self.id.asc())),
            Scan::Descending => query.order((self.created_at.desc(), self.id.desc())),
        }
    }

    /// `query` in the list's own order.
    pub fn in_list_order<Q>(&self, query: Q) -> Q
    where
        Q: OrderDsl<(Asc<C>, Asc<I>), Output = Q> + OrderDsl<(Desc<C>, Desc<I>), Output = Q>,
    {
        self.ordered(query, self.scan(Direction::Forward))
    }

    /// `query` in the order `paging` reads it, from its cursor on (the cursor's row left
    /// out); a backward page comes out reversed, as [`Page::assemble`](super::Page::assemble) expects.
    pub fn read<Q>(&self, query: Q, paging: &Paging) -> Q
    where
        Q: OrderDsl<(Asc<C>, Asc<I>), Output = Q>
            + OrderDsl<(Desc<C>, Desc<I>), Output = Q>
            + FilterDsl<Beyond<C, I>, Output = Q>,
    {
        let scan = self.scan(paging.direction());
        let query = self.ordered(query, scan);
        match paging.cursor() {
            Some(cursor) => {
                let op = match scan {
                    Scan::Ascending => ">",
                    Scan::Descending => "<",
                };
                query.filter(self.beyond(cursor, op))
            }
            None => query,
        }
    }

    /// The rows `paging` loads: [`read`](Self::read), cut to the page and one more row
    /// (through [`limited`], with its literal `LIMIT`), past the offset of an offset page.
    pub fn page<Q>(&self, query: Q, paging: &Paging) -> Limited<Q>
    where
        Q: OrderDsl<(Asc<C>, Asc<I>), Output = Q>
            + OrderDsl<(Desc<C>, Desc<I>), Output = Q>
            + FilterDsl<Beyond<C, I>, Output = Q>,
    {
        limited(self.read(query, paging), paging.fetch(), paging.offset())
    }

    /// Whether any row of `query` (the list's, selecting one column) lies behind the
    /// cursor of `paging`: at or before it for a forward page, at or after it for a
    /// backward one. Ordered toward the cursor and limited to one row, so that even a
    /// generic plan probes the index from the cursor instead of scanning the table.
    pub fn behind<Q>(&self, query: Q, paging: &Paging) -> Behind<Q>
    where
        Q: OrderDsl<(Asc<C>, Asc<I>), Output = Q>
            + OrderDsl<(Desc<C>, Desc<I>), Output = Q>
            + FilterDsl<Beyond<C, I>, Output = Q>
            + LimitDsl<Output = Q>,
    {
        Behind(paging.cursor().map(|cursor| {
            let (op, toward_cursor) = match self.scan(paging.direction()) {
                Scan::Ascending => ("<=", Scan::Descending),
                Scan::Descending => (">=", Scan::Ascending),
            };
            let query = self.ordered(query.filter(self.beyond(cursor, op)), toward_cursor);
            diesel::dsl::exists(query.limit(1))
        }))
    }

    fn beyond(&self, cursor: &Cursor, op: &'static str) -> Beyond<C, I> {
        Beyond {
            created_at: self.created_at,
            id: self.id,
            cursor: cursor.clone(),
            op,
        }
    }
}

/// Where a row stands against a cursor: `(created_at, id) <op> (cursor)`. A row comparison
/// is one range of the index, which a generic plan estimates as one inequality (the same
/// range written as `created_at >= c AND (created_at > c OR id > i)` it estimates as two,
/// and then plans every call). Not a `sql` literal: diesel would prepare that anew each call.
#[derive(Debug, Clone)]
pub struct Beyond<C, I> {
    created_at: C,
    id: I,
    cursor: Cursor,
    op: &'static str,
}

impl<C, I> Expression for Beyond<C, I> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS>, I: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for Beyond<C, I> {}

impl<C: AppearsOnTable<QS>, I: AppearsOnTable<QS>, QS> SelectableExpression<QS> for Beyond<C, I> {}

impl<C, I> ValidGrouping<()> for Beyond<C, I> {
    type IsAggregate = is_aggregate::Never;
}

impl<C, I> QueryId for Beyond<C, I> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: QueryFragment<Pg>, I: QueryFragment<Pg>> QueryFragment<Pg> for Beyond<C, I> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> diesel::QueryResult<()> {
        out.push_sql("(");
        self.created_at.walk_ast(out.reborrow())?;
        out.push_sql(", ");
        self.id.walk_ast(out.reborrow())?;
        out.push_sql(") ");
        out.push_sql(self.op);
        out.push_sql(" (");
        out.push_bind_param::<Timestamptz, _>(&self.cursor.created_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.cursor.id)?;
        out.push_sql(")");
        Ok(())
    }
}

/// Whether any row lies behind a page's cursor (see [`Keyset::behind`]): an `EXISTS`, or
/// a bound `false` for a page without a cursor. Selectable beside a page's rows, or
/// loaded alone.
pub struct Behind<Q>(Option<Exists<Q>>);

impl<Q> Behind<Q> {
    /// Asks the database, unless the page has no cursor (then nothing is behind it).
    pub async fn load<'q, 'c>(self, conn: &'c AsyncPgConnection) -> DomainResult<bool>
    where
        Exists<Q>: Expression,
        diesel::dsl::select<Exists<Q>>:
            diesel::query_builder::AsQuery + LoadQuery<'q, &'c AsyncPgConnection, bool> + 'q,
    {
        match self.0 {
            Some(exists) => Ok(diesel::select(exists)
                .get_result::<bool>(&mut &*conn)
                .await?),
            None => Ok(false),
        }
    }
}

impl<Q> Expression for Behind<Q> {
    type SqlType = Bool;
}

impl<Q, QS> AppearsOnTable<QS> for Behind<Q> where Exists<Q>: AppearsOnTable<QS> {}

impl<Q, QS> SelectableExpression<QS> for Behind<Q> where Exists<Q>: SelectableExpression<QS> {}

impl<Q> ValidGrouping<()> for Behind<Q> {
    type IsAggregate = is_aggregate::Never;
}

impl<Q> QueryId for Behind<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> QueryFragment<Pg> for Behind<Q>
where
    Exists<Q>: QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> diesel::QueryResult<()> {
        match &self.0 {
            Some(exists) => exists.walk_ast(out.reborrow()),
            None => out.push_bind_param::<Bool, _>(&false),
        }
    }
}

#[cfg(test)]
mod tests {
    use diesel::pg::Pg;
    use diesel::prelude::*;
    use diesel::query_builder::{QueryBuilder, QueryFragment};
    use diesel::sql_types::Text;
    use time::macros::datetime;

    use super::{Keyset, ListOrder};
    use crate::page::{Cursor, Paging};

    diesel::table! {
        items (tenant, id) {
            tenant -> Text,
            id -> Text,
            created_at -> Timestamptz,
        }
    }

    fn sql(query: &impl QueryFragment<Pg>) -> String {
        let mut builder = diesel::pg::PgQueryBuilder::default();
        query.to_sql(&mut builder, &Pg).expect("the query has SQL");
        builder.finish()
    }

    fn list() -> items::BoxedQuery<'static, Pg, Text> {
        items::table
            .filter(items::tenant.eq("t"))
            .select(items::id)
            .into_boxed()
    }

    fn keyset(order: ListOrder) -> Keyset<items::created_at, items::id> {
        Keyset::new(items::created_at, items::id, order)
    }

    const ASC: &str = r#"ORDER BY "items"."created_at" ASC, "items"."id" ASC"#;
    const DESC: &str = r#"ORDER BY "items"."created_at" DESC, "items"."id" DESC"#;

    fn beyond(op: &str) -> String {
        format!(r#"("items"."created_at", "items"."id") {op} ($2, $3)"#)
    }

    #[test]
    fn a_cursor_page_reads_past_its_cursor_and_probes_toward_it() {
        let cursor = Some(Cursor::of(datetime!(2026-02-08 14:12:45 UTC), &"item_1"));
        let after = Paging::After {
            cursor: cursor.clone(),
            size: 20,
        };
        let before = Paging::Before { cursor, size: 20 };
        // (list order, page): (page's comparison and order, probe's comparison and order)
        for (order, paging, page, probe) in [
            (ListOrder::OldestFirst, &after, (">", ASC), ("<=", DESC)),
            (ListOrder::OldestFirst, &before, ("<", DESC), (">=", ASC)),
            (ListOrder::NewestFirst, &after, ("<", DESC), (">=", ASC)),
            (ListOrder::NewestFirst, &before, (">", ASC), ("<=", DESC)),
        ] {
            let rows = sql(&keyset(order).page(list(), paging));
            assert!(
                rows.contains(&beyond(page.0)),
                "{order:?} {paging:?}: {rows}"
            );
            assert!(
                rows.ends_with(&format!("{} LIMIT 21", page.1)),
                "{order:?} {paging:?}: {rows}"
            );
            let behind = sql(&keyset(order).behind(list(), paging));
            assert!(behind.starts_with("EXISTS (SELECT"), "{behind}");
            assert!(behind.contains(&beyond(probe.0)), "{behind}");
            assert!(
                behind.ends_with(&format!("{} LIMIT $4)", probe.1)),
                "{order:?} {paging:?}: {behind}"
            );
        }
    }

    #[test]
    fn a_page_without_a_cursor_reads_from_its_end_and_has_nothing_behind() {
        let oldest_first = keyset(ListOrder::OldestFirst);
        let last = Paging::Before {
            cursor: None,
            size: 5,
        };
        let rows = sql(&oldest_first.page(list(), &last));
        assert!(!rows.contains(") <") && !rows.contains(") >"), "{rows}");
        assert!(rows.ends_with(&format!("{DESC} LIMIT 6")), "{rows}");
        assert_eq!(sql(&oldest_first.behind(list(), &last)), "$1");

        let third = Paging::Offset { page: 3, size: 20 };
        let rows = sql(&oldest_first.page(list(), &third));
        assert!(
            rows.ends_with(&format!("{ASC} LIMIT 21 OFFSET $2")),
            "{rows}"
        );
        let newest_first = sql(&keyset(ListOrder::NewestFirst).in_list_order(list()));
        assert!(newest_first.ends_with(DESC), "{newest_first}");
    }
}
