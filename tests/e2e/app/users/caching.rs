//! The gateway caches who a caller is for a few seconds; no change to a user may be
//! hidden by it: through the same process at once, through another one (or SQL) as soon
//! as its notification arrives.

use std::time::{Duration, Instant};

use diesel_async::RunQueryDsl;
use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

/// Polls `status` until it gives `want`; returns how long that took, failing after 3 s.
async fn until_status<F, Fut>(want: u16, mut status: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = u16>,
{
    let started = Instant::now();
    loop {
        let got = status().await;
        if got == want {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "still {got}, not {want}, after 3 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn me_shows_a_change_at_once_though_the_caller_was_cached() {
    let app = TestApp::spawn().await;
    let (user, token) = app.user_with_token("named@acme.test", "AppMember").await;
    let me = || app.as_user(&token, "acme", Method::GET, "/api/v1/app/me");
    for _ in 0..2 {
        me().status(200).await;
    }
    let id = user["id"].as_str().unwrap();
    app.as_user(
        &token,
        "acme",
        Method::PUT,
        &format!("/api/v1/app/user/{id}"),
    )
    .json(&json!({"name": "New Name"}))
    .status(200)
    .await;
    assert_eq!(me().ok().await["name"], "New Name");
    // A demotion through the same process bites at once too.
    app.admin(Method::PUT, &format!("/api/v1/app/user/{id}"))
        .json(&json!({"role": "AppAdmin"}))
        .status(200)
        .await;
    assert_eq!(me().ok().await["roles"], json!(["AppAdmin"]));
}

#[tokio::test]
async fn a_deactivation_through_another_gateway_cuts_access_within_moments() {
    let app = TestApp::spawn().await;
    let replica = app.replica();
    let (user, token) = app.user_with_token("replica@acme.test", "AppMember").await;
    let me_there = || async {
        app.client
            .get(replica.url("/api/v1/app/me"))
            .bearer_auth(&token)
            .header("x-org", "acme")
            .reply()
            .await
            .status
    };
    // Give the replica's listener a moment, then have it cache the caller.
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..3 {
        assert_eq!(me_there().await, 200);
    }
    let id = user["id"].as_str().unwrap();
    app.admin(Method::POST, &format!("/api/v1/app/user/{id}/deactivate"))
        .status(200)
        .await;
    let took = until_status(403, me_there).await;
    assert!(took < Duration::from_secs(1), "took {took:?}");
    // And back: activation shows through the replica as well.
    app.admin(Method::POST, &format!("/api/v1/app/user/{id}/activate"))
        .reply()
        .await;
    until_status(200, me_there).await;
}

#[tokio::test]
async fn a_change_made_in_sql_reaches_the_cache_too() {
    let app = TestApp::spawn().await;
    let (user, token) = app.user_with_token("sql@acme.test", "AppMember").await;
    let me = || async {
        app.as_user(&token, "acme", Method::GET, "/api/v1/app/me")
            .reply()
            .await
            .status
    };
    assert_eq!(me().await, 200);
    assert_eq!(me().await, 200);
    let mut conn = app.pool.get().await.unwrap();
    diesel::sql_query(format!(
        "UPDATE users SET state = 'Inactive' WHERE id = '{}'",
        user["id"].as_str().unwrap()
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    until_status(403, me).await;
    app.as_user(&token, "acme", Method::GET, "/api/v1/app/me")
        .problem(403, "user_inactive")
        .await;
}
