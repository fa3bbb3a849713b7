//! App users: `activate` and `deactivate`.

use reqwest::Method;
use roster_e2e::{json, Expect, TestApp};
use serde_json::json;

#[tokio::test]
async fn deactivate_and_activate_are_idempotent_and_take_effect_at_once() {
    let app = TestApp::spawn().await;
    let (user, token) = app.user_with_token("temp@acme.test", "AppMember").await;
    let id = user["id"].as_str().unwrap();
    assert_eq!(
        app.as_user(&token, "acme", Method::GET, "/api/v1/app/me")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    for _ in 0..2 {
        let (status, body) = json(
            app.admin(Method::POST, &format!("/api/v1/app/user/{id}/deactivate"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (status, body),
            (200, json!({"id": id, "state": "Inactive"}))
        );
    }
    app.as_user(&token, "acme", Method::GET, "/api/v1/app/me")
        .problem(403, "user_inactive")
        .await;
    for _ in 0..2 {
        let (status, body) = json(
            app.admin(Method::POST, &format!("/api/v1/app/user/{id}/activate"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, body), (200, json!({"id": id, "state": "Active"})));
    }
    assert_eq!(
        app.as_user(&token, "acme", Method::GET, "/api/v1/app/me")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
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
