//! App users: cursor paging (`first`/`after`, `last`/`before`) and how it meets the
//! offset pages, at either end and deep into a large org.

use roster_e2e::TestApp;
use serde_json::{json, Value};

use super::user_page;

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
        async move { user_page(app, &query).await }
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
    let all = user_page(&app, "page_size=100").await;
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

    let tail = user_page(&app, "last=3").await;
    assert_eq!(ids(&tail), expected[4..]);
    assert_eq!(
        (
            tail["has_next_page"].as_bool(),
            tail["has_previous_page"].as_bool()
        ),
        (Some(false), Some(true))
    );
    let before = tail["previous_cursor"].as_str().unwrap();
    let prev = user_page(&app, &format!("last=3&before={before}")).await;
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
              a AS (INSERT INTO accounts (id, email, email_key, name)
                    SELECT 'acct_' || hex, 'deep' || g || '@acme.test', 'deep' || g || '@acme.test',
                           'Deep' FROM s)
         INSERT INTO users (org_id, id, account_id, name, email, email_key, state, role, created_at)
         SELECT '{org}', 'user_' || hex, 'acct_' || hex, 'Deep', 'deep' || g || '@acme.test',
                'deep' || g || '@acme.test',
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
        let page = user_page(&app, &format!("page=51&page_size=20{query}")).await;
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
        let previous = user_page(&app, &format!("page=50&page_size=20{query}")).await;
        let cursor = previous["next_cursor"].as_str().unwrap();
        let after = user_page(&app, &format!("after={cursor}&first=20{query}")).await;
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
        let before = user_page(&app, &format!("before={back}&last=20{query}")).await;
        assert_eq!(before["data"], previous["data"], "before, filter `{query}`");
    }
}
