//! `total_count` of the user list comes from per-org counters kept by triggers (see the
//! `user_counters` migration): it must equal a real count after every kind of change.

use futures_util::future::join_all;
use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{new_user, user_page};

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
        let expected = app
            .sql_count(&format!(
                "SELECT count(*) AS n FROM users WHERE org_id = '{org}' AND {condition}"
            ))
            .await;
        let page = user_page(app, &format!("page_size=1&{query}")).await;
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
    .reply()
    .await;
    assert_totals_exact(&app).await;
    for id in &ids[1..4] {
        app.admin(Method::PUT, &format!("/api/v1/app/user/{id}"))
            .json(&json!({"role": "AppAdmin"}))
            .status(200)
            .await;
    }
    // A change that is not a state or role leaves the counts alone.
    app.admin(Method::PUT, &format!("/api/v1/app/user/{}", ids[5]))
        .json(&json!({"name": "Renamed"}))
        .reply()
        .await;
    assert_totals_exact(&app).await;
    app.admin(
        Method::POST,
        &format!("/api/v1/app/user/{}/activate", ids[1]),
    )
    .reply()
    .await;
    // A refused create (taken email) counts nothing.
    app.admin(Method::POST, "/api/v1/app/user")
        .json(&new_user("c0@acme.test", "AppMember"))
        .status(409)
        .await;
    assert_totals_exact(&app).await;
    let all = app.admin(Method::GET, "/api/v1/app/user").ok().await;
    assert_eq!(all["total_count"], 7);
}

#[tokio::test]
async fn total_count_stays_exact_under_concurrent_creates() {
    let app = TestApp::spawn().await;
    let create = |i| {
        app.admin(Method::POST, "/api/v1/app/user")
            .json(&new_user(&format!("many{i}@acme.test"), "AppMember"))
    };
    join_all((0..40).map(|i| create(i).status(201))).await;
    // The same emails again, concurrently: all refused, none counted.
    join_all((0..10).map(|i| create(i).status(409))).await;
    assert_totals_exact(&app).await;
    let all = app.admin(Method::GET, "/api/v1/app/user").ok().await;
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
    let page = user_page(&app, "search=FINDME&page_size=2").await;
    assert_eq!(page["total_count"], 3);
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    assert_eq!(page["has_next_page"], true);
    assert_eq!(page["has_previous_page"], false);

    // The page's rows carry the total (one statement); the last page, a page past the end
    // (counted alone), no match, and the same search through cursors all agree.
    let get = |query: &'static str| user_page(&app, query);
    let last = get("search=findme&page_size=2&page=2").await;
    assert_eq!(last["total_count"], 3);
    assert_eq!(last["data"].as_array().unwrap().len(), 1);
    assert_eq!(last["data"][0]["email"], "findme2@acme.test");
    assert_eq!(
        (&last["has_next_page"], &last["has_previous_page"]),
        (&json!(false), &json!(true))
    );
    let past = get("search=findme&page_size=2&page=3").await;
    assert_eq!(past["total_count"], 3);
    assert_eq!(past["data"], json!([]));
    let none = get("search=nobody-at-all&page=2").await;
    assert_eq!(
        (&none["total_count"], &none["data"]),
        (&json!(0), &json!([]))
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
    let org = &app.admin.org_id;
    app.sql(&format!("DELETE FROM orgs WHERE id = '{org}'"))
        .await;
    let left = app
        .sql_count(&format!(
            "SELECT count(*) AS n FROM user_counts WHERE org_id = '{org}'"
        ))
        .await;
    assert_eq!(left, 0);
    let others = app
        .sql_count(&format!(
            "SELECT coalesce(sum(n), 0)::bigint AS n FROM user_counts WHERE org_id = '{}'",
            other.org_id
        ))
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
            .json(&new_user(&format!("turn{i}@acme.test"), "AppMember"))
            .created()
    });
    let reads = (0..8).map(|_| app.admin(Method::GET, "/api/v1/app/user").status(200));
    let (created, _) = tokio::join!(join_all(creates), join_all(reads));
    let ids: Vec<String> = created
        .iter()
        .map(|user| user["id"].as_str().unwrap().to_owned())
        .collect();
    let renames = ids[..12].iter().map(|id| {
        app.admin(Method::PUT, &format!("/api/v1/app/user/{id}"))
            .json(&json!({"name": format!("Renamed {id}")}))
            .ok()
    });
    let deactivations = ids[12..].iter().map(|id| {
        app.admin(Method::POST, &format!("/api/v1/app/user/{id}/deactivate"))
            .ok()
    });
    tokio::join!(join_all(renames), join_all(deactivations));
    let renamed_in_db = app
        .sql_count(&format!(
            "SELECT count(*) AS n FROM users WHERE org_id = '{}' AND name LIKE 'Renamed user_%'",
            app.admin.org_id
        ))
        .await;
    assert_eq!(renamed_in_db, 12);
    assert_totals_exact(&app).await;
    let inactive = user_page(&app, "state=Inactive").await;
    assert_eq!(inactive["total_count"], 12);
}
