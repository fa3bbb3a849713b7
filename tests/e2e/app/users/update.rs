//! App users: `GET` and `PUT /api/v1/app/user/{id}`.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

#[tokio::test]
async fn get_user_is_404_for_unknown_malformed_and_other_orgs_ids() {
    let app = TestApp::spawn().await;
    let other = app.bootstrap("globex", "boss@globex.test").await;
    for id in [
        "user_0123456789abcdef",
        "user_nope",
        "1",
        other.user_id.as_str(),
        "user_0123456789ABCDEF",
    ] {
        app.admin(Method::GET, &format!("/api/v1/app/user/{id}"))
            .problem(404, "user_not_found")
            .await;
    }
    // Nothing of the other org leaks through any route of this one.
    for path in ["deactivate", "activate"] {
        app.admin(
            Method::POST,
            &format!("/api/v1/app/user/{}/{path}", other.user_id),
        )
        .problem(404, "user_not_found")
        .await;
    }
    app.admin(Method::PUT, &format!("/api/v1/app/user/{}", other.user_id))
        .json(&json!({"name": "Hacked"}))
        .problem(404, "user_not_found")
        .await;
}

#[tokio::test]
async fn admins_update_users_and_null_clears_a_field() {
    let app = TestApp::spawn().await;
    let user = app.create_user("sam@acme.test", "AppMember").await;
    let path = format!("/api/v1/app/user/{}", user["id"].as_str().unwrap());
    let body = json!({"name": "Sam Stone", "role": "AppAdmin", "given_name": "Sam", "job_position_name": "Ops", "job_position_description": "Runs things"});
    let updated = app.admin(Method::PUT, &path).json(&body).ok().await;
    assert_eq!(
        (updated["name"].as_str(), updated["roles"].clone()),
        (Some("Sam Stone"), json!(["AppAdmin"]))
    );
    assert_eq!(
        (
            updated["given_name"].as_str(),
            updated["job_position_name"].as_str()
        ),
        (Some("Sam"), Some("Ops"))
    );
    let cleared = app
        .admin(Method::PUT, &path)
        .json(&json!({"given_name": null}))
        .ok()
        .await;
    assert!(cleared["given_name"].is_null(), "{cleared}");
    assert_eq!(cleared["job_position_name"], "Ops", "untouched fields stay");
    let fetched = app.admin(Method::GET, &path).ok().await;
    assert_eq!(fetched, cleared);
}

#[tokio::test]
async fn update_rejects_bad_input_duplicates_and_unknown_users() {
    let app = TestApp::spawn().await;
    let user = app.create_user("sam@acme.test", "AppMember").await;
    let path = format!("/api/v1/app/user/{}", user["id"].as_str().unwrap());
    app.admin(Method::PUT, &path)
        .json(&json!({}))
        .problem(400, "empty_update")
        .await;
    app.admin(Method::PUT, &path)
        .json(&json!({"name": ""}))
        .problem(400, "validation_failed")
        .await;
    app.admin(Method::PUT, &path)
        .json(&json!({"role": "God"}))
        .problem(400, "validation_failed")
        .await;
    app.admin(Method::PUT, &path)
        .json(&json!({"email": "nope"}))
        .problem(400, "validation_failed")
        .await;
    app.admin(Method::PUT, &path)
        .json(&json!({"name": 7}))
        .problem(400, "validation_failed")
        .await;
    let body = app
        .admin(Method::PUT, &path)
        .json(&json!({"email": "ADMIN@acme.test"}))
        .problem(409, "email_taken")
        .await;
    assert_eq!(body["errors"][0]["field"], "email");
    app.admin(Method::PUT, "/api/v1/app/user/user_0123456789abcdef")
        .json(&json!({"name": "X"}))
        .problem(404, "user_not_found")
        .await;
}

#[tokio::test]
async fn users_change_their_own_name_and_job_but_never_their_role() {
    let app = TestApp::spawn().await;
    let (me, token) = app.user_with_token("self@acme.test", "AppMember").await;
    let path = format!("/api/v1/app/user/{}", me["id"].as_str().unwrap());
    let updated = app
        .as_user(&token, "acme", Method::PUT, &path)
        .json(&json!({"name": "New Me", "job_position_name": "Analyst"}))
        .ok()
        .await;
    assert_eq!(
        (
            updated["name"].as_str(),
            updated["job_position_name"].as_str()
        ),
        (Some("New Me"), Some("Analyst"))
    );
    app.as_user(&token, "acme", Method::PUT, &path)
        .json(&json!({"role": "AppAdmin"}))
        .problem(403, "admin_required")
        .await;
    app.as_user(&token, "acme", Method::PUT, &path)
        .json(&json!({"email": "other@acme.test"}))
        .problem(403, "admin_required")
        .await;
    app.as_user(
        &token,
        "acme",
        Method::PUT,
        &format!("/api/v1/app/user/{}", app.admin.user_id),
    )
    .json(&json!({"name": "Pwned"}))
    .problem(403, "admin_required")
    .await;
    let me = app.admin(Method::GET, &path).ok().await;
    assert_eq!(me["roles"], json!(["AppMember"]));
}

#[tokio::test]
async fn the_last_active_admin_can_be_neither_demoted_nor_deactivated() {
    let app = TestApp::spawn().await;
    let me = format!("/api/v1/app/user/{}", app.admin.user_id);
    app.admin(Method::PUT, &me)
        .json(&json!({"role": "AppMember"}))
        .problem(409, "last_admin")
        .await;
    app.admin(Method::POST, &format!("{me}/deactivate"))
        .problem(409, "last_admin")
        .await;
    // With a second active admin, it can.
    app.create_user("second@acme.test", "AppAdmin").await;
    let body = app
        .admin(Method::POST, &format!("{me}/deactivate"))
        .ok()
        .await;
    assert_eq!(body["state"], "Inactive");
}
