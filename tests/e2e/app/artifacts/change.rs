//! Artifacts: patch and delete.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{admin_artifact, artifact_path};
use crate::app::fixtures::{add_member, admin_project, person};

#[tokio::test]
async fn patch_and_delete_artifacts() {
    let app = TestApp::spawn().await;
    let editor = person(&app, "editor@acme.test", "AppMember").await;
    let project = admin_project(&app, "P", "Private").await;
    add_member(&app, &project, &editor.id, "Editor").await;
    let a = admin_artifact(&app, &project, "Draft").await;
    let path = format!("{}/{}", artifact_path(&project), a["id"].as_str().unwrap());

    let patched = editor
        .req(&app, Method::PATCH, &path)
        .json(
            &json!({"name": "Final", "type": "Spreadsheet", "state": "Ready",
                "ingest_status": "InProgress", "has_content": true}),
        )
        .ok()
        .await;
    assert_eq!(patched["name"], "Final");
    assert_eq!(patched["type"], "Spreadsheet");
    assert_eq!(patched["state"], "Ready");
    assert_eq!(patched["ingest_status"], "InProgress");
    assert_eq!(patched["has_content"], true);
    assert_eq!(patched["source"], "User", "unchanged");
    assert_eq!(
        patched["created_by"],
        app.admin.user_id.as_str(),
        "unchanged"
    );
    assert_eq!(patched["created_at"], a["created_at"]);
    let only_state = app
        .admin(Method::PATCH, &path)
        .json(&json!({"ingest_status": "Done"}))
        .ok()
        .await;
    assert_eq!(only_state["ingest_status"], "Done");
    assert_eq!(only_state["name"], "Final");

    let patch = |body: &'static str| {
        app.admin(Method::PATCH, &path)
            .header("content-type", "application/json")
            .body(body)
    };
    patch("{}").problem(400, "empty_update").await;
    let body = patch(r#"{"state": "Gone"}"#)
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "state");
    assert!(
        body["detail"].as_str().unwrap().contains("Processing"),
        "{body}"
    );
    let body = patch(r#"{"source": "Agent"}"#)
        .problem(400, "validation_failed")
        .await;
    assert!(
        body["detail"].as_str().unwrap().contains("source"),
        "{body}"
    );
    let body = patch(r#"{"name": ""}"#)
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "name");
    patch("nope").problem(400, "invalid_json").await;

    editor.req(&app, Method::DELETE, &path).no_content().await;
    editor
        .req(&app, Method::DELETE, &path)
        .problem(404, "artifact_not_found")
        .await;
    editor
        .req(&app, Method::GET, &path)
        .problem(404, "artifact_not_found")
        .await;
    app.admin(Method::PATCH, &path)
        .json(&json!({"name": "Back"}))
        .problem(404, "artifact_not_found")
        .await;
}
