//! App users: `activate` and `deactivate`.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

#[tokio::test]
async fn deactivate_and_activate_are_idempotent_and_take_effect_at_once() {
    let app = TestApp::spawn().await;
    let (user, token) = app.user_with_token("temp@acme.test", "AppMember").await;
    let id = user["id"].as_str().unwrap();
    let me = || app.as_user(&token, "acme", Method::GET, "/api/v1/app/me");
    me().status(200).await;
    for _ in 0..2 {
        let body = app
            .admin(Method::POST, &format!("/api/v1/app/user/{id}/deactivate"))
            .ok()
            .await;
        assert_eq!(body, json!({"id": id, "state": "Inactive"}));
    }
    me().problem(403, "user_inactive").await;
    for _ in 0..2 {
        let body = app
            .admin(Method::POST, &format!("/api/v1/app/user/{id}/activate"))
            .ok()
            .await;
        assert_eq!(body, json!({"id": id, "state": "Active"}));
    }
    me().status(200).await;
}

#[tokio::test]
async fn only_app_admins_activate_and_deactivate() {
    let app = TestApp::spawn().await;
    let (_, token) = app.user_with_token("member@acme.test", "AppMember").await;
    for action in ["deactivate", "activate"] {
        app.as_user(
            &token,
            "acme",
            Method::POST,
            &format!("/api/v1/app/user/{}/{action}", app.admin.user_id),
        )
        .problem(403, "admin_required")
        .await;
    }
    app.admin(Method::POST, "/api/v1/app/user/user_nope/deactivate")
        .problem(404, "user_not_found")
        .await;
}
