//! App users: `GET /api/v1/app/user`: paging, cursors and filters.

use reqwest::Method;
use roster_e2e::{json, Expect, TestApp};

use super::user_page;
use serde_json::{json, Value};

#[tokio::test]
async fn list_pages_with_the_seed_envelope() {
    let app = TestApp::spawn().await;
    for i in 0..5 {
        app.create_user(&format!("u{i}@acme.test"), "AppMember")
            .await;
    }
    let (status, first) = json(
        app.admin(Method::GET, "/api/v1/app/user?page=1&page_size=2")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(first["total_count"], 6);
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    assert_eq!(
        (
            first["has_next_page"].as_bool(),
            first["has_previous_page"].as_bool()
        ),
        (Some(true), Some(false))
    );
    assert_eq!(
        first["data"][0]["id"],
        app.admin.user_id.as_str(),
        "oldest first"
    );
    let (_, last) = json(
        app.admin(Method::GET, "/api/v1/app/user?page=3&page_size=2")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (
            last["has_next_page"].as_bool(),
            last["has_previous_page"].as_bool()
        ),
        (Some(false), Some(true))
    );
    assert_eq!(last["data"][1]["email"], "u4@acme.test");
    let (_, beyond) = json(
        app.admin(Method::GET, "/api/v1/app/user?page=9&page_size=2")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(beyond["data"], json!([]));
    assert_eq!(beyond["total_count"], 6);
    let (_, default) = json(
        app.admin(Method::GET, "/api/v1/app/user")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(default["data"].as_array().unwrap().len(), 6);
    // A member may read the directory too.
    let (_, token) = app.user_with_token("reader@acme.test", "AppMember").await;
    let (status, _) = json(
        app.as_user(&token, "acme", Method::GET, "/api/v1/app/user")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn list_rejects_out_of_range_paging() {
    let app = TestApp::spawn().await;
    for (query, field) in [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page=abc", "page"),
        ("page_size=1.5", "page_size"),
        ("first=101", "first"),
        ("last=0", "last"),
        ("after=%%%", "after"),
        ("after=bm9wZQ", "after"),
        ("state=Sleeping", "state"),
        ("role=Owner", "role"),
        ("page=9223372036854775807&page_size=100", "page"),
    ] {
        let body = app
            .admin(Method::GET, &format!("/api/v1/app/user?{query}"))
            .status(400)
            .await
            .json();
        assert!(
            body["detail"].as_str().unwrap().contains(field),
            "{query}: {body}"
        );
    }
    app.admin(Method::GET, "/api/v1/app/user?page=2&first=3")
        .problem(400, "mixed_paging")
        .await;
    app.admin(Method::GET, "/api/v1/app/user?first=2&last=3")
        .problem(400, "mixed_paging")
        .await;
}

#[tokio::test]
async fn list_filters_by_state_role_and_search() {
    let app = TestApp::spawn().await;
    let a = app.create_user("ana.lopez@acme.test", "AppMember").await;
    app.create_user("bo@acme.test", "AppAdmin").await;
    app.create_user("100%_real@acme.test", "AppMember").await;
    app.admin(
        Method::POST,
        &format!("/api/v1/app/user/{}/deactivate", a["id"].as_str().unwrap()),
    )
    .send()
    .await
    .unwrap();
    let emails = |page: &Value| {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?state=Inactive")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(emails(&page), ["ana.lopez@acme.test"]);
    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?role=AppAdmin")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(emails(&page), ["admin@acme.test", "bo@acme.test"]);
    assert_eq!(page["total_count"], 2);
    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?search=LOPEZ")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(emails(&page), ["ana.lopez@acme.test"]);
    // Search covers names too (create_user names users "User <email>").
    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?search=user%20bo")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(emails(&page), ["bo@acme.test"]);
    // LIKE wildcards are literal.
    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?search=%25_")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(emails(&page), ["100%_real@acme.test"]);
    let (_, page) = json(
        app.admin(
            Method::GET,
            "/api/v1/app/user?state=Active&role=AppMember&search=real",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(emails(&page), ["100%_real@acme.test"]);
    app.admin(Method::GET, "/api/v1/app/user?search=a%1Fb")
        .problem(400, "validation_failed")
        .await;
    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?search=nobody-matches")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (
            page["total_count"].as_i64(),
            page["data"].as_array().unwrap().len()
        ),
        (Some(0), 0)
    );
}

/// A client polling past the end (after the last user, or before the first) gets an empty
/// page with the total and the way back, filtered or not; and a user added since shows up
/// on the next poll.
#[tokio::test]
async fn pages_past_either_end_of_the_cursor_walk_are_empty_with_the_total_and_the_way_back() {
    let app = TestApp::spawn().await;
    for i in 0..3 {
        app.create_user(&format!("p{i}@acme.test"), "AppMember")
            .await;
    }
    let get = |query: String| {
        let app = &app;
        async move {
            let (status, page) = json(
                app.admin(Method::GET, &format!("/api/v1/app/user?{query}"))
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            assert_eq!(status, 200, "{query}: {page}");
            page
        }
    };
    for filter in ["", "&role=AppMember"] {
        let total = if filter.is_empty() { 4 } else { 3 };
        let last = get(format!("last=1{filter}")).await;
        let after_last = last["previous_cursor"].as_str().unwrap().to_owned();
        let past = get(format!("first=5&after={after_last}{filter}")).await;
        assert_eq!(past["data"], json!([]), "{filter}");
        assert_eq!(past["total_count"], total, "{filter}");
        assert_eq!(
            (&past["has_previous_page"], &past["has_next_page"]),
            (&json!(true), &json!(false)),
            "{filter}: {past}"
        );
        let first = get(format!("first=1{filter}")).await;
        let before_first = first["next_cursor"].as_str().unwrap().to_owned();
        let before = get(format!("last=5&before={before_first}{filter}")).await;
        assert_eq!(before["data"], json!([]), "{filter}");
        assert_eq!(before["total_count"], total, "{filter}");
        assert_eq!(
            (&before["has_previous_page"], &before["has_next_page"]),
            (&json!(false), &json!(true)),
            "{filter}: {before}"
        );
        let beyond = get(format!("page=3&page_size=2{filter}")).await;
        assert_eq!(beyond["data"], json!([]), "{filter}");
        assert_eq!(beyond["total_count"], total, "{filter}");
        assert_eq!(beyond["has_previous_page"], true, "{filter}");
    }
    // The next poll after the last cursor finds the user added since.
    let last = get("last=1".into()).await;
    let cursor = last["previous_cursor"].as_str().unwrap().to_owned();
    let added = app.create_user("p9@acme.test", "AppMember").await;
    let next = get(format!("after={cursor}")).await;
    assert_eq!(next["data"].as_array().map(Vec::len), Some(1), "{next}");
    assert_eq!(next["data"][0]["email"], "p9@acme.test", "{next} {added:?}");
    assert_eq!(next["total_count"], 5);
}

#[tokio::test]
async fn cursor_paging_walks_forwards_and_backwards_in_the_offset_order() {
    let app = TestApp::spawn().await;
    for i in 0..6 {
        app.create_user(&format!("c{i}@acme.test"), "AppMember")
            .await;
    }
    let ids = |page: &Value| {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let (_, all) = json(
        app.admin(Method::GET, "/api/v1/app/user?page_size=100")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let expected = ids(&all);
    assert_eq!(expected.len(), 7);

    let mut walked = Vec::new();
    let mut query = "first=3".to_owned();
    loop {
        let page = user_page(&app, &query).await;
        assert_eq!(page["total_count"], 7);
        assert_eq!(
            page["has_previous_page"].as_bool(),
            Some(!walked.is_empty()),
            "{page}"
        );
        walked.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                assert_eq!(page["has_next_page"], true);
                query = format!("first=3&after={cursor}");
            }
            None => {
                assert_eq!(page["has_next_page"], false);
                break;
            }
        }
    }
    assert_eq!(walked, expected);

    let (_, tail) = json(
        app.admin(Method::GET, "/api/v1/app/user?last=3")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ids(&tail), expected[4..]);
    assert_eq!(
        (
            tail["has_next_page"].as_bool(),
            tail["has_previous_page"].as_bool()
        ),
        (Some(false), Some(true))
    );
    let before = tail["previous_cursor"].as_str().unwrap();
    let (_, prev) = json(
        app.admin(
            Method::GET,
            &format!("/api/v1/app/user?last=3&before={before}"),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(ids(&prev), expected[1..4]);
    assert_eq!(
        (
            prev["has_next_page"].as_bool(),
            prev["has_previous_page"].as_bool()
        ),
        (Some(true), Some(true))
    );
}

#[tokio::test]
async fn deep_offset_pages_hold_the_same_rows_as_the_order_says() {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let app = TestApp::spawn().await;
    let org = &app.admin.org_id;
    let mut conn = app.pool.get().await.unwrap();
    // 1100 users in one statement, some sharing a created_at (the id breaks the tie).
    diesel::sql_query(format!(
        "WITH s AS (SELECT g, lpad(to_hex(g), 16, '0') AS hex FROM generate_series(1, 1100) g),
              a AS (INSERT INTO accounts (id, email, name)
                    SELECT 'acct_' || hex, 'deep' || g || '@acme.test', 'Deep' FROM s)
         INSERT INTO users (org_id, id, account_id, name, email, state, role, created_at)
         SELECT '{org}', 'user_' || hex, 'acct_' || hex, 'Deep', 'deep' || g || '@acme.test',
                CASE WHEN g % 50 = 0 THEN 'Inactive' ELSE 'Active' END, 'AppMember',
                timestamptz '2025-01-01' + (g / 2) * interval '1 ms'
         FROM s"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    for (query, condition) in [("", "true"), ("&state=Active", "state = 'Active'")] {
        let expected: Vec<String> = diesel::sql_query(format!(
            "SELECT id FROM users WHERE org_id = '{org}' AND {condition}
             ORDER BY created_at, id OFFSET 1000 LIMIT 20"
        ))
        .load::<Id>(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
        assert_eq!(expected.len(), 20);
        let (status, page) = json(
            app.admin(
                Method::GET,
                &format!("/api/v1/app/user?page=51&page_size=20{query}"),
            )
            .send()
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let got: Vec<&str> = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_str().unwrap())
            .collect();
        assert_eq!(got, expected, "filter `{query}`");
        assert_eq!(page["has_next_page"], true);
        assert_eq!(page["has_previous_page"], true);
        // The cursor after page 50 starts the same rows, through created_at ties.
        let (_, previous) = json(
            app.admin(
                Method::GET,
                &format!("/api/v1/app/user?page=50&page_size=20{query}"),
            )
            .send()
            .await
            .unwrap(),
        )
        .await;
        let cursor = previous["next_cursor"].as_str().unwrap();
        let (status, after) = json(
            app.admin(
                Method::GET,
                &format!("/api/v1/app/user?after={cursor}&first=20{query}"),
            )
            .send()
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{after}");
        let got: Vec<&str> = after["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_str().unwrap())
            .collect();
        assert_eq!(got, expected, "cursor, filter `{query}`");
        assert_eq!(after["has_previous_page"], true);
        // And back: the cursor before it ends with page 50's rows.
        let back = after["previous_cursor"].as_str().unwrap();
        let (_, before) = json(
            app.admin(
                Method::GET,
                &format!("/api/v1/app/user?before={back}&last=20{query}"),
            )
            .send()
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(before["data"], previous["data"], "before, filter `{query}`");
    }
}

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
              a AS (INSERT INTO accounts (id, email, name)
                    SELECT 'acct_' || hex, '{email_prefix}' || g || '@acme.test', '{name}' FROM s)
         INSERT INTO users (org_id, id, account_id, name, email, state, role, created_at)
         SELECT '{org}', 'user_' || hex, 'acct_' || hex, '{name}',
                '{email_prefix}' || g || '@acme.test',
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
        let page = user_page(&app, query).await;
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
        search: Some("plan".into()),
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
    roster_e2e::assert_generic_plans(
        &mut conn,
        "(statement LIKE '%FROM \"users\"%ORDER BY%LIMIT%'
          OR statement LIKE '%FROM user_search_words%LIMIT%')
         AND statement NOT LIKE '%OFFSET%'",
        4,
    )
    .await;
}
