//! `POST /api/auth/update-user`: the account's name and image, one event per change.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{browser, events_of, member_of_acme, sign_up};

#[tokio::test]
async fn name_and_image_change_and_null_clears_the_image() {
    let app = TestApp::spawn().await;
    let token = member_of_acme(&app, "lee@example.com").await;
    let update = |body: serde_json::Value| {
        browser(&app, &token, Method::POST, "/api/auth/update-user").json(&body)
    };
    let body = update(json!({"name": "Lee Renamed", "image": "https://img.example/lee.png"}))
        .ok()
        .await;
    assert_eq!(body, json!({"status": true}));
    let user = browser(&app, &token, Method::GET, "/api/auth/get-session")
        .ok()
        .await["user"]
        .clone();
    assert_eq!(user["name"], "Lee Renamed");
    assert_eq!(user["image"], "https://img.example/lee.png");
    assert_ne!(user["updatedAt"], user["createdAt"]);
    update(json!({"image": null})).ok().await;
    let user = browser(&app, &token, Method::GET, "/api/auth/get-session")
        .ok()
        .await["user"]
        .clone();
    assert!(user["image"].is_null());
    assert_eq!(user["name"], "Lee Renamed");
    assert_eq!(
        events_of(&app, &app.admin.org_id, "account.updated").await,
        2
    );
}

#[tokio::test]
async fn bad_updates_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (token, _) = sign_up(&app, "lee@example.com").await;
    let update = |body: serde_json::Value| {
        browser(&app, &token, Method::POST, "/api/auth/update-user").json(&body)
    };
    update(json!({})).problem(400, "NO_FIELDS_TO_UPDATE").await;
    update(json!({"name": ""}))
        .problem(400, "VALIDATION_ERROR")
        .await;
    update(json!({"name": "x".repeat(201)}))
        .problem(400, "VALIDATION_ERROR")
        .await;
    update(json!({"name": 7}))
        .problem(400, "VALIDATION_ERROR")
        .await;
    update(json!({"image": "x".repeat(2049)}))
        .problem(400, "VALIDATION_ERROR")
        .await;
    update(json!({"image": ["a"]}))
        .problem(400, "VALIDATION_ERROR")
        .await;
    app.anon(Method::POST, "/api/auth/update-user")
        .json(&json!({"name": "Nobody"}))
        .problem(401, "UNAUTHORIZED")
        .await;
    let user = browser(&app, &token, Method::GET, "/api/auth/get-session")
        .ok()
        .await["user"]
        .clone();
    assert_eq!(user["name"], "Lee");
    assert_eq!(
        // The sign-up's own only (an event of no org).
        app.sql_count(
            "SELECT count(*) AS n FROM events WHERE type LIKE 'account.%' \
             AND type <> 'account.signed_up'"
        )
        .await,
        0
    );
}
