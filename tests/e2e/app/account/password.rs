//! `POST /api/auth/change-password`: the current password, the new one's strength, the
//! other sessions ended on request, one event, and nothing changed on any error.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{alive, browser, events_of, member_of_acme, sign_in, sign_up, PASSWORD};

const NEW: &str = "another fine passphrase";

#[tokio::test]
async fn the_password_changes_and_other_sessions_end_on_request() {
    let app = TestApp::spawn().await;
    let first = member_of_acme(&app, "lee@example.com").await;
    let second = sign_in(&app, "lee@example.com", PASSWORD).await;
    let body = browser(&app, &second, Method::POST, "/api/auth/change-password")
        .json(&json!({"currentPassword": PASSWORD, "newPassword": NEW}))
        .ok()
        .await;
    assert_eq!(body["user"]["email"], "lee@example.com");
    assert!(body["token"].is_null());
    assert!(
        alive(&app, &first).await,
        "kept without revokeOtherSessions"
    );
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "lee@example.com", "password": PASSWORD}))
        .problem(401, "INVALID_EMAIL_OR_PASSWORD")
        .await;
    let third = sign_in(&app, "lee@example.com", NEW).await;
    browser(&app, &third, Method::POST, "/api/auth/change-password")
        .json(&json!({"currentPassword": NEW, "newPassword": "yet another fine one", "revokeOtherSessions": true}))
        .ok()
        .await;
    assert!(!alive(&app, &first).await && !alive(&app, &second).await);
    assert!(alive(&app, &third).await, "the caller's session goes on");
    assert_eq!(
        events_of(&app, &app.admin.org_id, "account.password_changed").await,
        2
    );
    let data = app
        .sql_count("SELECT count(*) AS n FROM events WHERE data::text LIKE '%fine%' OR data::text LIKE '%argon%'")
        .await;
    assert_eq!(data, 0, "no password or hash in events");
}

#[tokio::test]
async fn wrong_weak_and_malformed_changes_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let token = member_of_acme(&app, "lee@example.com").await;
    let change = |body: serde_json::Value| {
        browser(&app, &token, Method::POST, "/api/auth/change-password").json(&body)
    };
    let wrong = change(json!({"currentPassword": "not the password", "newPassword": NEW}))
        .problem(400, "INVALID_PASSWORD")
        .await;
    assert_eq!(wrong["message"], "Invalid password");
    change(json!({"currentPassword": PASSWORD, "newPassword": "password"}))
        .problem(400, "PASSWORD_TOO_WEAK")
        .await;
    change(json!({"currentPassword": PASSWORD, "newPassword": "short"}))
        .problem(400, "PASSWORD_TOO_SHORT")
        .await;
    change(json!({"currentPassword": PASSWORD, "newPassword": "x".repeat(129)}))
        .problem(400, "PASSWORD_TOO_LONG")
        .await;
    change(json!({"currentPassword": PASSWORD}))
        .problem(400, "VALIDATION_ERROR")
        .await;
    change(json!({"currentPassword": PASSWORD, "newPassword": 42}))
        .problem(400, "VALIDATION_ERROR")
        .await;
    change(json!({"currentPassword": PASSWORD, "newPassword": NEW, "revokeOtherSessions": "yes"}))
        .problem(400, "VALIDATION_ERROR")
        .await;
    browser(&app, &token, Method::POST, "/api/auth/change-password")
        .header("content-type", "application/json")
        .body("{nope")
        .problem(400, "VALIDATION_ERROR")
        .await;
    app.anon(Method::POST, "/api/auth/change-password")
        .json(&json!({"currentPassword": PASSWORD, "newPassword": NEW}))
        .problem(401, "UNAUTHORIZED")
        .await;
    // An API token is no session.
    app.anon(Method::POST, "/api/auth/change-password")
        .bearer_auth(&app.admin.token)
        .json(&json!({"currentPassword": PASSWORD, "newPassword": NEW}))
        .problem(401, "UNAUTHORIZED")
        .await;
    sign_in(&app, "lee@example.com", PASSWORD).await;
    assert_eq!(
        events_of(&app, &app.admin.org_id, "account.password_changed").await,
        0
    );
}

#[tokio::test]
async fn two_changes_racing_from_the_same_password_succeed_once() {
    let app = TestApp::spawn().await;
    let (token, _) = sign_up(&app, "race@example.com").await;
    let change = |new: &'static str| {
        browser(&app, &token, Method::POST, "/api/auth/change-password")
            .json(&json!({"currentPassword": PASSWORD, "newPassword": new}))
            .reply()
    };
    let (a, b) = tokio::join!(
        change("first fine passphrase"),
        change("second fine passphrase")
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 400], "{a} / {b}");
}
