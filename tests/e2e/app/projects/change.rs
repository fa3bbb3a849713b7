//! Projects: update (by editors and admins, null clearing) and delete (by owners and
//! admins, with everything under the project).

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use crate::app::fixtures::{add_member, create_project_as, person};

#[tokio::test]
async fn update_project_by_editors_and_admins_with_null_clearing() {
    let app = TestApp::spawn().await;
    let owner = person(&app, "owner@acme.test", "AppMember").await;
    let editor = person(&app, "editor@acme.test", "AppMember").await;
    let viewer = person(&app, "viewer@acme.test", "AppMember").await;
    let project = create_project_as(
        &app,
        &owner.token,
        json!({"name": "Plan", "goal": "Ship it", "deadline": "2026-03-01T00:00:00Z"}),
    )
    .await;
    let id = project["id"].as_str().unwrap();
    let path = format!("/api/v1/app/project/{id}");
    add_member(&app, id, &editor.id, "Editor").await;
    add_member(&app, id, &viewer.id, "Viewer").await;

    let p = editor
        .req(&app, Method::PUT, &path)
        .json(&json!({"name": "Plan B", "goal": null, "deadline": null,
                "visibility": "Org", "default_member_role": "Editor", "default_role_enabled": true,
                "project_context": "ctx", "answer_context": "ans"}))
        .ok()
        .await;
    assert_eq!(p["name"], "Plan B");
    assert_eq!(p["goal"], Value::Null);
    assert_eq!(p["deadline"], Value::Null);
    assert_eq!(p["visibility"], "Org");
    assert_eq!(p["default_member_role"], "Editor");
    assert_eq!(p["default_role_enabled"], true);
    assert_eq!(p["project_context"], "ctx");
    assert_eq!(p["answer_context"], "ans");
    assert_eq!(p["member_count"], 3);
    assert_eq!(p["created_at"], project["created_at"]);

    // Absent fields stay as they are.
    let p = app
        .admin(Method::PUT, &path)
        .json(&json!({"deadline": "2027-01-02T03:04:05Z"}))
        .ok()
        .await;
    assert_eq!(p["deadline"], "2027-01-02T03:04:05Z");
    assert_eq!(p["name"], "Plan B");
    assert_eq!(p["project_context"], "ctx");
    let got = owner.req(&app, Method::GET, &path).ok().await;
    assert_eq!(got["deadline"], "2027-01-02T03:04:05Z");

    let body = viewer
        .req(&app, Method::PUT, &path)
        .json(&json!({"name": "Viewer was here"}))
        .problem(403, "project_editor_required")
        .await;
    assert!(
        body["detail"].as_str().unwrap().contains("Editor"),
        "{body}"
    );

    let put = |body: &'static str| {
        app.admin(Method::PUT, &path)
            .header("content-type", "application/json")
            .body(body)
    };
    put("{}").problem(400, "empty_update").await;
    put("{\"name\": ").problem(400, "invalid_json").await;
    let body = put("{\"visibility\": \"Secret\"}")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "visibility");
    // A name may be left out, never cleared: null is a wrong type, not "unchanged".
    let body = put("{\"name\": null}")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "name", "{body}");
    let body = put("{\"name\": \"\", \"deadline\": \"soon\"}")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 2, "{body}");
    let body = put("{\"member_count\": 99}")
        .problem(400, "validation_failed")
        .await;
    assert!(body["detail"].as_str().unwrap().contains("member_count"));
    let body = put("{\"default_role_enabled\": 1}")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "default_role_enabled");
    app.admin(Method::PUT, &path)
        .header("content-type", "text/plain")
        .body("{\"name\": \"x\"}")
        .problem(415, "unsupported_media_type")
        .await;
    app.admin(Method::PUT, "/api/v1/app/project/proj_0000000000000000")
        .json(&json!({"name": "x"}))
        .problem(404, "project_not_found")
        .await;
}

#[tokio::test]
async fn delete_project_by_owners_and_admins_removes_everything_under_it() {
    let app = TestApp::spawn().await;
    let owner = person(&app, "owner@acme.test", "AppMember").await;
    let editor = person(&app, "editor@acme.test", "AppMember").await;
    let project = create_project_as(&app, &owner.token, json!({"name": "Doomed"})).await;
    let id = project["id"].as_str().unwrap();
    let path = format!("/api/v1/app/project/{id}");
    add_member(&app, id, &editor.id, "Editor").await;
    editor
        .req(&app, Method::POST, &format!("{path}/artifact"))
        .json(&json!({"name": "Notes", "type": "Document"}))
        .status(201)
        .await;
    editor
        .req(&app, Method::POST, &format!("{path}/pin"))
        .status(200)
        .await;

    let body = editor
        .req(&app, Method::DELETE, &path)
        .problem(403, "project_owner_required")
        .await;
    assert!(body["detail"].as_str().unwrap().contains("Owner"), "{body}");

    owner.req(&app, Method::DELETE, &path).no_content().await;
    for who in [&owner, &editor] {
        who.req(&app, Method::GET, &path)
            .problem(404, "project_not_found")
            .await;
    }
    owner
        .req(&app, Method::DELETE, &path)
        .problem(404, "project_not_found")
        .await;
    let latest = app
        .admin(
            Method::GET,
            &format!("/api/v1/app/user/{}/latest-artifacts", editor.id),
        )
        .ok()
        .await;
    assert_eq!(latest, json!([]), "artifacts went with the project");

    // An AppAdmin deletes a project it is not a member of.
    let other = create_project_as(&app, &owner.token, json!({"name": "Other"})).await;
    app.admin(
        Method::DELETE,
        &format!("/api/v1/app/project/{}", other["id"].as_str().unwrap()),
    )
    .no_content()
    .await;
    let list = owner
        .req(&app, Method::GET, "/api/v1/app/project")
        .ok()
        .await;
    assert_eq!(list["total_count"], 0, "{list}");
}
