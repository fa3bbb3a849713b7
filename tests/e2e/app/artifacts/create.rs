//! Artifacts: adding them, with defaults or every field, and the bodies refused.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{add_artifact, artifact_path};
use crate::app::fixtures::{add_member, admin_project, person};

#[tokio::test]
async fn editors_add_artifacts_with_defaults_and_every_field() {
    let app = TestApp::spawn().await;
    let editor = person(&app, "editor@acme.test", "AppMember").await;
    let project = admin_project(&app, "P", "Private").await;
    add_member(&app, &project, &editor.id, "Editor").await;

    let (location, a) = editor
        .req(&app, Method::POST, &artifact_path(&project))
        .json(&json!({"name": "Q1 Support Summary", "type": "Document"}))
        .created_at()
        .await;
    let id = a["id"].as_str().unwrap();
    assert!(id.starts_with("artifact_") && id.len() == 25, "{id}");
    assert_eq!(location, format!("{}/{id}", artifact_path(&project)));
    assert_eq!(a["project_id"], project.as_str());
    assert_eq!(a["name"], "Q1 Support Summary");
    assert_eq!(a["type"], "Document");
    assert_eq!(a["source"], "User");
    assert_eq!(a["state"], "Processing");
    assert_eq!(a["ingest_status"], "Pending");
    assert_eq!(a["has_content"], false);
    assert_eq!(a["created_by"], editor.id.as_str());
    assert!(a["created_at"].as_str().unwrap().ends_with('Z'));

    let full = add_artifact(
        &app,
        &editor,
        &project,
        json!({"name": "Deck", "type": "Presentation", "source": "Agent", "state": "Ready",
            "ingest_status": "Done", "has_content": true}),
    )
    .await;
    assert_eq!(full["type"], "Presentation");
    assert_eq!(full["source"], "Agent");
    assert_eq!(full["state"], "Ready");
    assert_eq!(full["ingest_status"], "Done");
    assert_eq!(full["has_content"], true);

    let got = editor.req(&app, Method::GET, &location).ok().await;
    assert_eq!(got, a);
}

#[tokio::test]
async fn artifact_bodies_are_checked_naming_the_field_and_the_allowed_values() {
    let app = TestApp::spawn().await;
    let project = admin_project(&app, "P", "Private").await;
    let post = |body: &'static str| {
        app.admin(Method::POST, &artifact_path(&project))
            .header("content-type", "application/json")
            .body(body)
    };
    for (body, field, allowed) in [
        (
            r#"{"name": "A", "type": "Video"}"#,
            "type",
            &["Document", "Spreadsheet", "Presentation", "Image", "Other"][..],
        ),
        (
            r#"{"name": "A", "type": "Image", "source": "Robot"}"#,
            "source",
            &["User", "Integration", "Agent"][..],
        ),
        (
            r#"{"name": "A", "type": "Image", "state": "Done"}"#,
            "state",
            &["Processing", "Ready", "Failed"][..],
        ),
        (
            r#"{"name": "A", "type": "Image", "ingest_status": "Started"}"#,
            "ingest_status",
            &["Pending", "InProgress", "Done", "Failed"][..],
        ),
    ] {
        let problem_body = post(body).problem(400, "validation_failed").await;
        assert_eq!(problem_body["errors"][0]["field"], field, "{problem_body}");
        let message = problem_body["errors"][0]["message"].as_str().unwrap();
        for value in allowed {
            assert!(message.contains(value), "{field}: {message}");
        }
    }
    let body = post(r#"{"name": "A", "type": 7}"#)
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "type", "{body}");
    let body = post(r#"{"name": "A", "type": "Image", "has_content": "yes"}"#)
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "has_content");
    let body = post(r#"{"name": " ", "type": "Image"}"#)
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "name");
    let body = post(r#"{"name": "A"}"#)
        .problem(400, "validation_failed")
        .await;
    assert!(body["detail"].as_str().unwrap().contains("type"), "{body}");
    post(r#"{"name": "A", "#).problem(400, "invalid_json").await;
    post("").problem(400, "invalid_json").await;
    let list = app.admin(Method::GET, &artifact_path(&project)).ok().await;
    assert_eq!(list["total_count"], 0, "{list}");
}
