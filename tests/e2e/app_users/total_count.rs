//! `total_count` of the user list comes from per-org counters kept by triggers (see the
//! `user_counters` migration): it must equal a real count after every kind of change.

use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use futures_util::future::join_all;
use reqwest::Method;
use roster_e2e::{json, Expect, TestApp};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

async fn sql_count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.pool.get().await.unwrap();
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .await
        .unwrap()
        .n
}

/// For every filter the counters serve, the list's total equals `count(*)`.
async fn assert_totals_exact(app: &TestApp) {
    let org = &app.admin.org_id;
    for (query, condition) in [
        ("", "true"),
        ("state=Active", "state = 'Active'"),
        ("state=Inactive", "state = 'Inactive'"),
        ("role=AppAdmin", "role = 'AppAdmin'"),
        ("role=AppMember", "role = 'AppMember'"),
        (
            "state=Active&role=AppAdmin",
            "state = 'Active' AND role = 'AppAdmin'",
        ),
        (
            "state=Inactive&role=AppMember",
            "state = 'Inactive' AND role = 'AppMember'",
        ),
    ] {
        let expected = sql_count(
            app,
            &format!("SELECT count(*) AS n FROM users WHERE org_id = '{org}' AND {condition}"),
        )
        .await;
        let (status, page) = json(
            app.admin(
                Method::GET,
                &format!("/api/v1/app/user?page_size=1&{query}"),
            )
            .send()
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["total_count"], expected, "filter `{query}`");
    }
}

#[tokio::test]
async fn total_count_stays_exact_through_creates_deactivations_and_role_changes() {
    let app = TestApp::spawn().await;
    assert_totals_exact(&app).await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let user = app
            .create_user(&format!("c{i}@acme.test"), "AppMember")
            .await;
        ids.push(user["id"].as_str().unwrap().to_owned());
    }
    assert_totals_exact(&app).await;
    for id in &ids[..2] {
        app.admin(Method::POST, &format!("/api/v1/app/user/{id}/deactivate"))
            .status(200)
            .await;
    }
    // Idempotent: deactivating again changes nothing.
    app.admin(
        Method::POST,
        &format!("/api/v1/app/user/{}/deactivate", ids[0]),
    )
    .send()
    .await
    .unwrap();
    assert_totals_exact(&app).await;
    for id in &ids[1..4] {
        app.admin(Method::PUT, &format!("/api/v1/app/user/{id}"))
            .json(&serde_json::json!({"role": "AppAdmin"}))
            .status(200)
            .await;
    }
    // A change that is not a state or role leaves the counts alone.
    app.admin(Method::PUT, &format!("/api/v1/app/user/{}", ids[5]))
        .json(&serde_json::json!({"name": "Renamed"}))
        .send()
        .await
        .unwrap();
    assert_totals_exact(&app).await;
    app.admin(
        Method::POST,
        &format!("/api/v1/app/user/{}/activate", ids[1]),
    )
    .send()
    .await
    .unwrap();
    // A refused create (taken email) counts nothing.
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&super::new_user("c0@acme.test", "AppMember"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    assert_totals_exact(&app).await;
    let (_, all) = json(
        app.admin(Method::GET, "/api/v1/app/user")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(all["total_count"], 7);
}

#[tokio::test]
async fn total_count_stays_exact_under_concurrent_creates() {
    let app = TestApp::spawn().await;
    let creates = (0..40).map(|i| {
        app.admin(Method::POST, "/api/v1/app/user")
            .json(&super::new_user(&format!("many{i}@acme.test"), "AppMember"))
            .send()
    });
    for res in join_all(creates).await {
        assert_eq!(res.unwrap().status(), 201);
    }
    // The same emails again, concurrently: all refused, none counted.
    let again = (0..10).map(|i| {
        app.admin(Method::POST, "/api/v1/app/user")
            .json(&super::new_user(&format!("many{i}@acme.test"), "AppMember"))
            .send()
    });
    for res in join_all(again).await {
        assert_eq!(res.unwrap().status(), 409);
    }
    assert_totals_exact(&app).await;
    let (_, all) = json(
        app.admin(Method::GET, "/api/v1/app/user")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(all["total_count"], 41);
}

#[tokio::test]
async fn search_totals_count_the_matches() {
    let app = TestApp::spawn().await;
    for i in 0..3 {
        app.create_user(&format!("findme{i}@acme.test"), "AppMember")
            .await;
    }
    app.create_user("other@acme.test", "AppMember").await;
    let (status, page) = json(
        app.admin(Method::GET, "/api/v1/app/user?search=FINDME&page_size=2")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page["total_count"], 3);
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    assert_eq!(page["has_next_page"], true);
    assert_eq!(page["has_previous_page"], false);

    // The page's rows carry the total (one statement); the last page, a page past the end
    // (counted alone), no match, and the same search through cursors all agree.
    let get = |query: &'static str| super::user_page(&app, query);
    let last = get("search=findme&page_size=2&page=2").await;
    assert_eq!(last["total_count"], 3);
    assert_eq!(last["data"].as_array().unwrap().len(), 1);
    assert_eq!(last["data"][0]["email"], "findme2@acme.test");
    assert_eq!(
        (&last["has_next_page"], &last["has_previous_page"]),
        (&serde_json::json!(false), &serde_json::json!(true))
    );
    let past = get("search=findme&page_size=2&page=3").await;
    assert_eq!(past["total_count"], 3);
    assert_eq!(past["data"], serde_json::json!([]));
    let none = get("search=nobody-at-all&page=2").await;
    assert_eq!(
        (&none["total_count"], &none["data"]),
        (&serde_json::json!(0), &serde_json::json!([]))
    );
    let first = get("search=findme&first=2").await;
    assert_eq!(first["total_count"], 3);
    assert_eq!(first["data"], page["data"]);
}

#[tokio::test]
async fn deleting_an_org_takes_its_counters_with_it() {
    let app = TestApp::spawn().await;
    app.create_user("gone@acme.test", "AppMember").await;
    let other = app.bootstrap("other", "admin@other.test").await;
    let mut conn = app.pool.get().await.unwrap();
    diesel::sql_query(format!(
        "DELETE FROM orgs WHERE id = '{}'",
        app.admin.org_id
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    drop(conn);
    let left = sql_count(
        &app,
        &format!(
            "SELECT count(*) AS n FROM user_counts WHERE org_id = '{}'",
            app.admin.org_id
        ),
    )
    .await;
    assert_eq!(left, 0);
    let others = sql_count(
        &app,
        &format!(
            "SELECT coalesce(sum(n), 0)::bigint AS n FROM user_counts WHERE org_id = '{}'",
            other.org_id
        ),
    )
    .await;
    assert_eq!(others, 1);
}

/// With one writer's turn (`ROSTER_DB_WRITERS=1`), concurrent creates, changes and state
/// changes queue for it in the gateway: every one is answered and applied, reads are
/// answered meanwhile, and the totals stay exact.
#[tokio::test]
async fn writes_queued_for_one_turn_are_all_answered_and_applied() {
    let app = TestApp::spawn_with(|config| config.db_writers = 1).await;
    let creates = (0..24).map(|i| {
        app.admin(Method::POST, "/api/v1/app/user")
            .json(&super::new_user(&format!("turn{i}@acme.test"), "AppMember"))
            .send()
    });
    let reads = (0..8).map(|_| app.admin(Method::GET, "/api/v1/app/user").send());
    let (created, read) = tokio::join!(join_all(creates), join_all(reads));
    let mut ids = Vec::new();
    for res in created {
        let (status, user) = json(res.unwrap()).await;
        assert_eq!(status, 201, "{user}");
        ids.push(user["id"].as_str().unwrap().to_owned());
    }
    for res in read {
        assert_eq!(res.unwrap().status(), 200);
    }
    let renames = ids[..12].iter().map(|id| {
        app.admin(Method::PUT, &format!("/api/v1/app/user/{id}"))
            .json(&serde_json::json!({"name": format!("Renamed {id}")}))
            .send()
    });
    let deactivations = ids[12..].iter().map(|id| {
        app.admin(Method::POST, &format!("/api/v1/app/user/{id}/deactivate"))
            .send()
    });
    let (renamed, deactivated) = tokio::join!(join_all(renames), join_all(deactivations));
    for res in renamed.into_iter().chain(deactivated) {
        let (status, body) = json(res.unwrap()).await;
        assert_eq!(status, 200, "{body}");
    }
    let renamed_in_db = sql_count(
        &app,
        &format!(
            "SELECT count(*) AS n FROM users WHERE org_id = '{}' AND name LIKE 'Renamed user_%'",
            app.admin.org_id
        ),
    )
    .await;
    assert_eq!(renamed_in_db, 12);
    assert_totals_exact(&app).await;
    let (_, inactive) = json(
        app.admin(Method::GET, "/api/v1/app/user?state=Inactive")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(inactive["total_count"], 12);
}
