//! Changing and deleting groups.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{create_group, group_named, group_path, members_path, GROUPS};
use crate::app::fixtures::person;

#[tokio::test]
async fn a_patch_changes_only_what_it_names() {
    let app = TestApp::spawn().await;
    let group = create_group(&app, json!({"display_name": "Eng", "external_id": "x1"})).await;
    let id = group["id"].as_str().unwrap();
    let renamed = app
        .admin(Method::PATCH, &group_path(id))
        .json(&json!({"display_name": "Engineering"}))
        .ok()
        .await;
    assert_eq!(renamed["display_name"], "Engineering");
    assert_eq!(renamed["external_id"], "x1");
    assert_eq!(renamed["created_at"], group["created_at"]);
    // Only its case changes: still its own name.
    let recased = app
        .admin(Method::PATCH, &group_path(id))
        .json(&json!({"display_name": "ENGINEERING"}))
        .ok()
        .await;
    assert_eq!(recased["display_name"], "ENGINEERING");
    let cleared = app
        .admin(Method::PATCH, &group_path(id))
        .json(&json!({"external_id": null}))
        .ok()
        .await;
    assert_eq!(cleared["external_id"], Value::Null);
    assert_eq!(cleared["display_name"], "ENGINEERING");
    assert_eq!(app.admin(Method::GET, &group_path(id)).ok().await, cleared);
}

#[tokio::test]
async fn bad_patches_are_refused() {
    let app = TestApp::spawn().await;
    let id = group_named(&app, "Eng").await;
    group_named(&app, "Sales").await;
    let patch = |body: Value| app.admin(Method::PATCH, &group_path(&id)).json(&body);
    let body = patch(json!({"display_name": "sales"}))
        .problem(409, "group_name_taken")
        .await;
    assert_eq!(body["errors"][0]["field"], "display_name");
    patch(json!({})).problem(400, "empty_update").await;
    for (body, field) in [
        (json!({"display_name": ""}), "display_name"),
        (json!({"display_name": "x".repeat(201)}), "display_name"),
        (json!({"external_id": "e".repeat(256)}), "external_id"),
        (json!({"display_name": 3}), "display_name"),
        (json!({"external_id": false}), "external_id"),
    ] {
        let problem = patch(body).problem(400, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    patch(json!({"members": []}))
        .problem(400, "validation_failed")
        .await;
    app.admin(Method::PATCH, &group_path(&id))
        .header("content-type", "application/json")
        .body("{")
        .problem(400, "invalid_json")
        .await;
    for unknown in ["grp_0000000000000000", "grp_nope", "user_0000000000000000"] {
        app.admin(Method::PATCH, &group_path(unknown))
            .json(&json!({"display_name": "X"}))
            .problem(404, "group_not_found")
            .await;
    }
    let group = app.admin(Method::GET, &group_path(&id)).ok().await;
    assert_eq!(group["display_name"], "Eng", "unchanged: {group}");
}

#[tokio::test]
async fn deleting_a_group_drops_its_memberships_not_its_users() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let group = create_group(&app, json!({"display_name": "Eng", "members": [sasha.id]})).await;
    let id = group["id"].as_str().unwrap();
    app.admin(Method::DELETE, &group_path(id))
        .no_content()
        .await;
    app.admin(Method::GET, &group_path(id))
        .problem(404, "group_not_found")
        .await;
    app.admin(Method::GET, &members_path(id))
        .problem(404, "group_not_found")
        .await;
    app.admin(Method::DELETE, &group_path(id))
        .problem(404, "group_not_found")
        .await;
    app.admin(Method::GET, &format!("/api/v1/app/user/{}", sasha.id))
        .ok()
        .await;
    assert_eq!(
        app.sql_count("SELECT count(*) AS n FROM org_group_members")
            .await,
        0
    );
    // The name is free again.
    create_group(&app, json!({"display_name": "eng"})).await;
    let list = app.admin(Method::GET, GROUPS).ok().await;
    assert_eq!(list["total_count"], 1);
}
