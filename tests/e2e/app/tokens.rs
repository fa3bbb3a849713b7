//! API tokens: create (secret shown once), list (no secrets), revoke (at once).

use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

#[tokio::test]
async fn a_new_token_is_shown_once_listed_without_secret_and_works() {
    let app = TestApp::spawn().await;
    let reply = app
        .admin(Method::POST, "/api/v1/app/tokens")
        .json(&json!({"name": "ci", "expires_in_days": 30}))
        .status(201)
        .await;
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let created = reply.json();
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("rpat_"));
    assert!(created["id"].as_str().unwrap().starts_with("tok_"));
    assert_eq!(created["name"], "ci");
    assert!(created["expires_at"].as_str().unwrap().ends_with('Z'));
    let me = app
        .as_user(secret, "acme", Method::GET, "/api/v1/app/me")
        .ok()
        .await;
    assert_eq!(me["id"], app.admin.user_id.as_str());

    let list = app.admin(Method::GET, "/api/v1/app/tokens").ok().await;
    assert_eq!(
        list["total_count"], 2,
        "bootstrap token and this one: {list}"
    );
    let text = list.to_string();
    assert!(
        !text.contains(secret) && !text.contains("rpat_"),
        "no secrets in lists: {text}"
    );
    assert!(list["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t.get("secret").is_none()));
}

#[tokio::test]
async fn tokens_are_stored_only_as_hashes() {
    let app = TestApp::spawn().await;
    let created = app
        .admin(Method::POST, "/api/v1/app/tokens")
        .json(&json!({"name": "ci"}))
        .created()
        .await;
    let secret = created["secret"].as_str().unwrap();
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        dump: String,
    }
    let mut conn = app.pool.get().await.unwrap();
    let row: Row = diesel::sql_query("SELECT string_agg(t::text, ' ') AS dump FROM api_tokens t")
        .get_result(&mut conn)
        .await
        .unwrap();
    assert!(
        !row.dump.contains(secret) && !row.dump.contains("rpat_"),
        "{}",
        row.dump
    );
}

#[tokio::test]
async fn a_revoked_token_stops_working_at_once() {
    let app = TestApp::spawn().await;
    let created = app
        .admin(Method::POST, "/api/v1/app/tokens")
        .json(&json!({"name": "short-lived"}))
        .created()
        .await;
    let (id, secret) = (
        created["id"].as_str().unwrap(),
        created["secret"].as_str().unwrap(),
    );
    app.as_user(secret, "acme", Method::GET, "/api/v1/app/me")
        .status(200)
        .await;
    app.admin(Method::DELETE, &format!("/api/v1/app/tokens/{id}"))
        .no_content()
        .await;
    app.as_user(secret, "acme", Method::GET, "/api/v1/app/me")
        .problem(401, "unauthorized")
        .await;
    app.admin(Method::DELETE, &format!("/api/v1/app/tokens/{id}"))
        .problem(404, "token_not_found")
        .await;
}

#[tokio::test]
async fn nobody_revokes_or_sees_someone_elses_tokens() {
    let app = TestApp::spawn().await;
    let (_, member_token) = app.user_with_token("member@acme.test", "AppMember").await;
    let admin_tokens = app.admin(Method::GET, "/api/v1/app/tokens").ok().await;
    let admin_token_id = admin_tokens["data"][0]["id"].as_str().unwrap();
    app.as_user(
        &member_token,
        "acme",
        Method::DELETE,
        &format!("/api/v1/app/tokens/{admin_token_id}"),
    )
    .problem(404, "token_not_found")
    .await;
    let member_list = app
        .as_user(&member_token, "acme", Method::GET, "/api/v1/app/tokens")
        .ok()
        .await;
    assert_eq!(member_list["total_count"], 1);
    assert_ne!(member_list["data"][0]["id"], admin_token_id);
    // The admin's token still works.
    app.admin(Method::GET, "/api/v1/app/me").status(200).await;
    app.admin(Method::DELETE, "/api/v1/app/tokens/tok_nope")
        .problem(404, "token_not_found")
        .await;
}

/// JSON Schema's `integer` takes `30.0` as well as `30`, and so does the gateway.
#[tokio::test]
async fn a_whole_number_written_with_a_fraction_is_a_number_of_days() {
    let app = TestApp::spawn().await;
    let created = app
        .admin(Method::POST, "/api/v1/app/tokens")
        .json(&json!({"name": "ci", "expires_in_days": 30.0}))
        .created()
        .await;
    let expires = roster_core::time::parse(created["expires_at"].as_str().unwrap()).unwrap();
    let hours = (expires - roster_core::time::now()).whole_hours();
    assert!((29 * 24..=30 * 24).contains(&hours), "{created}");
    let body = app
        .admin(Method::POST, "/api/v1/app/tokens")
        .json(&json!({"name": "ci", "expires_in_days": 30.5}))
        .problem(400, "validation_failed")
        .await;
    assert!(
        body["detail"].as_str().unwrap().contains("expires_in_days"),
        "{body}"
    );
}

#[tokio::test]
async fn token_requests_are_validated() {
    let app = TestApp::spawn().await;
    for body in [
        json!({"name": ""}),
        json!({"name": "x".repeat(101)}),
        json!({"name": "ci", "expires_in_days": 0}),
        json!({"name": "ci", "expires_in_days": 3651}),
        json!({"name": "ci", "expires_in_days": "soon"}),
        json!({"name": "ci", "expires_in_days": 30.5}),
        json!({}),
    ] {
        app.admin(Method::POST, "/api/v1/app/tokens")
            .json(&body)
            .status(400)
            .await
            .json();
    }
    app.admin(Method::GET, "/api/v1/app/tokens?page_size=101")
        .problem(400, "validation_failed")
        .await;
    app.admin(Method::GET, "/api/v1/app/tokens?page=0")
        .problem(400, "validation_failed")
        .await;
}

#[tokio::test]
async fn an_expired_token_is_401() {
    let app = TestApp::spawn().await;
    let created = app
        .admin(Method::POST, "/api/v1/app/tokens")
        .json(&json!({"name": "old", "expires_in_days": 1}))
        .created()
        .await;
    app.sql("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE name = 'old'")
        .await;
    app.as_user(
        created["secret"].as_str().unwrap(),
        "acme",
        Method::GET,
        "/api/v1/app/me",
    )
    .problem(401, "unauthorized")
    .await;
}

#[tokio::test]
async fn a_token_deleted_by_another_process_stops_working_long_before_the_cache_ttl() {
    let app = TestApp::spawn_with(|c| c.auth_cache_seconds = 600).await;
    let (_, token) = app
        .user_with_token("elsewhere@acme.test", "AppMember")
        .await;
    let me = || app.as_user(&token, "acme", Method::GET, "/api/v1/app/me");
    me().status(200).await;
    me().status(200).await;
    // Another process deletes it: the trigger's notice drops it from this one's cache.
    app.sql("DELETE FROM api_tokens WHERE name = 'test'").await;
    let started = std::time::Instant::now();
    loop {
        let status = me().reply().await.status;
        if status == 401 {
            break;
        }
        assert_eq!(status, 200);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "still accepted after {:?}: the cache did not hear the deletion",
            started.elapsed()
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn without_the_cache_a_token_deleted_elsewhere_fails_at_once() {
    let app = TestApp::spawn_with(|c| c.auth_cache_seconds = 0).await;
    let (_, token) = app.user_with_token("nocache@acme.test", "AppMember").await;
    let me = || app.as_user(&token, "acme", Method::GET, "/api/v1/app/me");
    me().status(200).await;
    app.sql("DELETE FROM api_tokens WHERE name = 'test'").await;
    me().problem(401, "unauthorized").await;
}
