//! Project members: adding them (with a role or the project's default), listing them, and
//! who may manage them.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{counted_members, member_path, project_json};
use crate::app::fixtures::{add_member, admin_project, create_project_as, person};

#[tokio::test]
async fn owners_add_members_and_the_count_follows() {
    let app = TestApp::spawn().await;
    let owner = person(&app, "owner@acme.test", "AppMember").await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let project = create_project_as(&app, &owner.token, json!({"name": "Team"})).await;
    let id = project["id"].as_str().unwrap();

    let (location, m) = owner
        .req(&app, Method::POST, &member_path(id))
        .json(&json!({"user_id": sasha.id, "role": "Editor"}))
        .created_at()
        .await;
    assert_eq!(location, format!("{}/{}", member_path(id), sasha.id));
    assert_eq!(m["project_id"], id);
    assert_eq!(m["user_id"], sasha.id.as_str());
    assert_eq!(m["role"], "Editor");
    assert!(m["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(project_json(&app, id).await["member_count"], 2);

    // The new member now sees the private project, with itself in the list.
    let list = sasha.req(&app, Method::GET, &member_path(id)).ok().await;
    let users: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        users,
        [owner.id.as_str(), sasha.id.as_str()],
        "in join order"
    );
    assert_eq!(list["total_count"], 2);
    assert_eq!(list["has_next_page"], false);

    let first = sasha
        .req(
            &app,
            Method::GET,
            &format!("{}?page_size=1", member_path(id)),
        )
        .ok()
        .await;
    assert_eq!(first["data"].as_array().unwrap().len(), 1);
    assert_eq!(first["has_next_page"], true);
    assert_eq!(first["total_count"], 2);
    let body = sasha
        .req(
            &app,
            Method::GET,
            &format!("{}?page_size=101", member_path(id)),
        )
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "page_size");

    // Adding the same user again is a conflict, decided by the database.
    let body = owner
        .req(&app, Method::POST, &member_path(id))
        .json(&json!({"user_id": sasha.id, "role": "Viewer"}))
        .problem(409, "already_member")
        .await;
    assert_eq!(body["errors"][0]["field"], "user_id", "{body}");
    assert_eq!(project_json(&app, id).await["member_count"], 2);
    assert_eq!(counted_members(&app, id).await, 2);
}

#[tokio::test]
async fn a_member_added_without_a_role_gets_the_default_only_when_enabled() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let lee = person(&app, "lee@acme.test", "AppMember").await;
    let plain = admin_project(&app, "Plain", "Private").await;
    let body = app
        .admin(Method::POST, &member_path(&plain))
        .json(&json!({"user_id": sasha.id}))
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "role", "{body}");

    let defaulted = create_project_as(
        &app,
        &app.admin.token,
        json!({"name": "Defaulted", "default_member_role": "Editor", "default_role_enabled": true}),
    )
    .await;
    let defaulted = defaulted["id"].as_str().unwrap();
    let m = app
        .admin(Method::POST, &member_path(defaulted))
        .json(&json!({"user_id": sasha.id}))
        .created()
        .await;
    assert_eq!(m["role"], "Editor", "{m}");
    // An explicit role wins over the default.
    let m = app
        .admin(Method::POST, &member_path(defaulted))
        .json(&json!({"user_id": lee.id, "role": "Viewer"}))
        .created()
        .await;
    assert_eq!(m["role"], "Viewer", "{m}");
}

#[tokio::test]
async fn only_owners_and_admins_manage_members() {
    let app = TestApp::spawn().await;
    let owner = person(&app, "owner@acme.test", "AppMember").await;
    let editor = person(&app, "editor@acme.test", "AppMember").await;
    let viewer = person(&app, "viewer@acme.test", "AppMember").await;
    let outsider = person(&app, "outsider@acme.test", "AppMember").await;
    let newcomer = person(&app, "newcomer@acme.test", "AppMember").await;
    let private = create_project_as(&app, &owner.token, json!({"name": "P"})).await;
    let private = private["id"].as_str().unwrap();
    add_member(&app, private, &editor.id, "Editor").await;
    add_member(&app, private, &viewer.id, "Viewer").await;

    for who in [&editor, &viewer] {
        who.req(&app, Method::POST, &member_path(private))
            .json(&json!({"user_id": newcomer.id, "role": "Viewer"}))
            .problem(403, "project_owner_required")
            .await;
        who.req(
            &app,
            Method::PUT,
            &format!("{}/{}", member_path(private), viewer.id),
        )
        .json(&json!({"role": "Owner"}))
        .problem(403, "project_owner_required")
        .await;
        who.req(
            &app,
            Method::DELETE,
            &format!("{}/{}", member_path(private), owner.id),
        )
        .problem(403, "project_owner_required")
        .await;
    }
    // Not a member of a private project: it does not exist.
    outsider
        .req(&app, Method::POST, &member_path(private))
        .json(&json!({"user_id": outsider.id, "role": "Owner"}))
        .problem(404, "project_not_found")
        .await;
    // Not a member of an Org project: visible, but not to manage.
    let open = create_project_as(
        &app,
        &owner.token,
        json!({"name": "O", "visibility": "Org"}),
    )
    .await;
    outsider
        .req(
            &app,
            Method::POST,
            &member_path(open["id"].as_str().unwrap()),
        )
        .json(&json!({"user_id": outsider.id, "role": "Owner"}))
        .problem(403, "project_owner_required")
        .await;

    // An AppAdmin who is no member manages members.
    app.admin(Method::POST, &member_path(private))
        .json(&json!({"user_id": newcomer.id, "role": "Viewer"}))
        .created()
        .await;
    let m = app
        .admin(
            Method::PUT,
            &format!("{}/{}", member_path(private), newcomer.id),
        )
        .json(&json!({"role": "Editor"}))
        .ok()
        .await;
    assert_eq!(m["role"], "Editor", "{m}");
    assert_eq!(project_json(&app, private).await["member_count"], 4);
    assert_eq!(counted_members(&app, private).await, 4);
}

#[tokio::test]
async fn adding_an_unknown_or_foreign_user_is_404_and_bad_bodies_are_400() {
    let app = TestApp::spawn().await;
    let project = admin_project(&app, "P", "Private").await;
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    for user in [
        globex.user_id.as_str(),
        "user_0000000000000000",
        "not-a-user-id",
        "acct_4b7c2a1d9e5f3c8b",
    ] {
        app.admin(Method::POST, &member_path(&project))
            .json(&json!({"user_id": user, "role": "Viewer"}))
            .problem(404, "user_not_found")
            .await;
    }
    assert_eq!(project_json(&app, &project).await["member_count"], 1);

    let post = |body: &'static str| {
        app.admin(Method::POST, &member_path(&project))
            .header("content-type", "application/json")
            .body(body)
    };
    let body = post("{\"user_id\": \"user_0000000000000000\", \"role\": \"Admin\"}")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "role");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("Admin") && message.contains("Owner") && message.contains("Viewer"),
        "{message}"
    );
    let body = post("{\"user_id\": 5}")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "user_id");
    let body = post("{\"role\": \"Viewer\"}")
        .problem(400, "validation_failed")
        .await;
    assert!(
        body["detail"].as_str().unwrap().contains("user_id"),
        "{body}"
    );
    post("{\"user_id\"").problem(400, "invalid_json").await;
    app.admin(Method::POST, &member_path(&project))
        .body("user_id=x")
        .problem(415, "unsupported_media_type")
        .await;
    // Another org's project: 404 whoever is named.
    let theirs = app
        .as_user(&globex.token, "globex", Method::POST, "/api/v1/app/project")
        .json(&json!({"name": "Theirs"}))
        .created()
        .await;
    app.admin(Method::POST, &member_path(theirs["id"].as_str().unwrap()))
        .json(&json!({"user_id": app.admin.user_id, "role": "Owner"}))
        .problem(404, "project_not_found")
        .await;
}
