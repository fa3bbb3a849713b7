//! App users' pages as PostgreSQL plans them: cursor pages walk the index, and first and
//! cursor pages settle on a generic plan.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};

/// Inserts `n` active AppMembers named `name` into `org` in one statement (emails
/// `<email_prefix><g>@acme.test`, one millisecond apart from 2025-01-01), then analyzes
/// the users and their words, as a large org would be.
async fn insert_users(
    conn: &mut diesel_async::AsyncPgConnection,
    org: &str,
    n: u32,
    name: &str,
    email_prefix: &str,
) {
    use diesel_async::RunQueryDsl;
    diesel::sql_query(format!(
        "WITH s AS (SELECT g, lpad(to_hex(g), 16, '0') AS hex FROM generate_series(1, {n}) g),
              a AS (INSERT INTO accounts (id, email, email_key, name)
                    SELECT 'acct_' || hex, '{email_prefix}' || g || '@acme.test',
                           '{email_prefix}' || g || '@acme.test', '{name}' FROM s)
         INSERT INTO users (org_id, id, account_id, name, email, email_key, state, role, created_at)
         SELECT '{org}', 'user_' || hex, 'acct_' || hex, '{name}',
                '{email_prefix}' || g || '@acme.test', '{email_prefix}' || g || '@acme.test',
                'Active', 'AppMember', timestamptz '2025-01-01' + g * interval '1 ms'
         FROM s"
    ))
    .execute(&mut *conn)
    .await
    .unwrap();
    diesel::sql_query("ANALYZE users, search_words, user_search_words")
        .execute(conn)
        .await
        .unwrap();
}

/// A cursor page and its "anything behind/ahead?" probe walk the `(org_id, created_at, id)`
/// index even under the generic plan a cached prepared statement falls back to: the probe
/// once planned as a sequential scan of `users` (192 ms at a million users when nothing
/// lay behind). Counted by PostgreSQL itself, in `pg_stat_xact_user_tables`.
#[tokio::test]
async fn cursor_pages_probe_the_index_under_a_generic_plan() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    use roster_core::page::{Cursor, Paging};
    use roster_identity::users::{self, UserFilter};
    use roster_identity::{OrgId, UserState};
    #[derive(diesel::QueryableByName)]
    struct Scans {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    async fn seq_scans(conn: &mut AsyncPgConnection) -> i64 {
        diesel::sql_query(
            "SELECT coalesce(sum(seq_scan), 0)::bigint AS n FROM pg_stat_xact_user_tables
             WHERE relname = 'users'",
        )
        .get_result::<Scans>(conn)
        .await
        .unwrap()
        .n
    }
    let app = TestApp::spawn().await;
    let org = &app.admin.org_id;
    let mut conn = AsyncPgConnection::establish(&app.db.url).await.unwrap();
    insert_users(&mut conn, org, 3000, "Probe", "probe").await;
    // Cursors at both ends (nothing behind the first row, nothing ahead of the last) and in
    // the middle.
    let mut cursors = Vec::new();
    for query in ["first=1", "last=1", "page=75&page_size=20"] {
        let page = app
            .admin(Method::GET, &format!("/api/v1/app/user?{query}"))
            .ok()
            .await;
        for key in ["next_cursor", "previous_cursor"] {
            if let Some(raw) = page[key].as_str() {
                cursors.push(Cursor::decode("after", raw).unwrap());
            }
        }
    }
    assert!(cursors.len() >= 4, "{} cursors", cursors.len());
    let org_id = OrgId::parse(org).unwrap();
    let filters = [
        UserFilter::default(),
        UserFilter {
            state: Some(UserState::Active),
            ..UserFilter::default()
        },
    ];
    diesel::sql_query("SET plan_cache_mode = force_generic_plan")
        .execute(&mut conn)
        .await
        .unwrap();
    diesel::sql_query("BEGIN").execute(&mut conn).await.unwrap();
    let before = seq_scans(&mut conn).await;
    let mut pages = 0;
    for filter in &filters {
        for cursor in &cursors {
            for paging in [
                Paging::After {
                    cursor: Some(cursor.clone()),
                    size: 20,
                },
                Paging::Before {
                    cursor: Some(cursor.clone()),
                    size: 20,
                },
            ] {
                // Twice: the second run executes the cached statement.
                for _ in 0..2 {
                    let page = users::list(&mut conn, &org_id, filter, &paging)
                        .await
                        .unwrap();
                    assert_eq!(page.total_count, 3001);
                    pages += 1;
                }
            }
        }
    }
    let after = seq_scans(&mut conn).await;
    diesel::sql_query("COMMIT")
        .execute(&mut conn)
        .await
        .unwrap();
    assert!(pages >= 16);
    assert_eq!(
        after - before,
        0,
        "sequential scans of users in {pages} cursor pages"
    );
}

/// First pages (unsearched, or searched by a word) and cursor pages are prepared statements
/// that PostgreSQL settles on a generic plan for, instead of planning them on every call:
/// their `LIMIT` is written into the SQL (`roster_core::db::limit_literal`), and a cursor
/// is one row comparison. With a bound `LIMIT`, PostgreSQL costs the generic plan as if
/// 10% of the rows came through, and it never wins. (A bound `OFFSET` is costed so too: the offset pages after the
/// first stay planned per call.) Counted by PostgreSQL itself, in `pg_prepared_statements`.
#[tokio::test]
async fn first_and_cursor_pages_settle_on_a_generic_plan() {
    use diesel_async::{AsyncConnection, AsyncPgConnection};
    use roster_core::page::Paging;
    use roster_core::search::SearchTerm;
    use roster_identity::users::{self, UserFilter};
    use roster_identity::OrgId;
    let app = TestApp::spawn().await;
    let mut conn = AsyncPgConnection::establish(&app.db.url).await.unwrap();
    insert_users(&mut conn, &app.admin.org_id, 5000, "Plan", "u").await;
    let org_id = OrgId::parse(&app.admin.org_id).unwrap();
    let filter = UserFilter::default();
    let first = users::list(
        &mut conn,
        &org_id,
        &filter,
        &Paging::Offset { page: 1, size: 20 },
    )
    .await
    .unwrap();
    assert_eq!(first.data.len(), 20);
    let cursor =
        roster_core::page::Cursor::decode("after", first.next_cursor.as_deref().unwrap()).unwrap();
    let pagings = [
        Paging::Offset { page: 1, size: 20 },
        Paging::Offset { page: 3, size: 20 },
        Paging::After {
            cursor: Some(cursor.clone()),
            size: 20,
        },
        Paging::Before {
            cursor: Some(cursor),
            size: 7,
        },
    ];
    // A first page searched by a word (`user_words::page`).
    let searched = UserFilter {
        search: SearchTerm::parse(Some("plan")).unwrap(),
        ..UserFilter::default()
    };
    for (filter, paging) in pagings
        .iter()
        .map(|p| (&filter, p))
        .chain([(&searched, &pagings[0])])
    {
        for _ in 0..8 {
            let page = users::list(&mut conn, &org_id, filter, paging)
                .await
                .unwrap();
            let total = if filter.search.is_some() { 5000 } else { 5001 };
            assert_eq!(page.total_count, total);
            assert_eq!(page.data.len(), paging.size() as usize);
        }
    }
    // The first page, cursor pages after and before, the searched first page.
    super::assert_generic_plans(
        &mut conn,
        "(statement LIKE '%FROM \"users\"%ORDER BY%LIMIT%'
          OR statement LIKE '%FROM user_search_words%LIMIT%')
         AND statement NOT LIKE '%OFFSET%'",
        4,
    )
    .await;
}
