//! Artifacts: who may read or write them, by the project's visibility and roles.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{admin_artifact, artifact_path, names};
use crate::app::fixtures::{add_member, admin_project, person};

#[tokio::test]
async fn artifacts_follow_the_projects_visibility_and_roles() {
    let app = TestApp::spawn().await;
    let viewer = person(&app, "viewer@acme.test", "AppMember").await;
    let outsider = person(&app, "outsider@acme.test", "AppMember").await;
    let private = admin_project(&app, "Private", "Private").await;
    let open = admin_project(&app, "Open", "Org").await;
    add_member(&app, &private, &viewer.id, "Viewer").await;
    let secret = admin_artifact(&app, &private, "Secret").await;
    let public = admin_artifact(&app, &open, "Public").await;
    let secret_path = format!(
        "{}/{}",
        artifact_path(&private),
        secret["id"].as_str().unwrap()
    );
    let public_path = format!(
        "{}/{}",
        artifact_path(&open),
        public["id"].as_str().unwrap()
    );

    // Viewers read but do not write.
    let list = viewer
        .req(&app, Method::GET, &artifact_path(&private))
        .ok()
        .await;
    assert_eq!(names(&list), vec!["Secret".to_owned()]);
    viewer.req(&app, Method::GET, &secret_path).ok().await;
    viewer
        .req(&app, Method::POST, &artifact_path(&private))
        .json(&json!({"name": "Mine", "type": "Other"}))
        .problem(403, "project_editor_required")
        .await;
    viewer
        .req(&app, Method::PATCH, &secret_path)
        .json(&json!({"state": "Ready"}))
        .problem(403, "project_editor_required")
        .await;
    viewer
        .req(&app, Method::DELETE, &secret_path)
        .problem(403, "project_editor_required")
        .await;

    // Outsiders: a private project's artifacts do not exist for them.
    outsider
        .req(&app, Method::GET, &secret_path)
        .problem(404, "project_not_found")
        .await;
    outsider
        .req(&app, Method::POST, &artifact_path(&private))
        .json(&json!({"name": "Mine", "type": "Other"}))
        .problem(404, "project_not_found")
        .await;
    // An Org project's artifacts are readable by everyone, writable by its editors.
    let a = outsider.req(&app, Method::GET, &public_path).ok().await;
    assert_eq!(a["name"], "Public");
    outsider
        .req(&app, Method::POST, &artifact_path(&open))
        .json(&json!({"name": "Mine", "type": "Other"}))
        .problem(403, "project_editor_required")
        .await;

    // An artifact is only found under its own project.
    let wrong = format!(
        "{}/{}",
        artifact_path(&open),
        secret["id"].as_str().unwrap()
    );
    app.admin(Method::GET, &wrong)
        .problem(404, "artifact_not_found")
        .await;
    app.admin(Method::PATCH, &wrong)
        .json(&json!({"state": "Ready"}))
        .problem(404, "artifact_not_found")
        .await;
    app.admin(Method::DELETE, &wrong)
        .problem(404, "artifact_not_found")
        .await;
    for bad in [
        "artifact_0000000000000000",
        "artifact_XYZ",
        "proj_0000000000000000",
    ] {
        app.admin(Method::GET, &format!("{}/{bad}", artifact_path(&open)))
            .problem(404, "artifact_not_found")
            .await;
    }
    app.admin(
        Method::GET,
        "/api/v1/app/project/bad/artifact/artifact_0000000000000000",
    )
    .problem(404, "project_not_found")
    .await;
    app.admin(Method::PUT, &public_path)
        .problem(405, "method_not_allowed")
        .await;
}

#[tokio::test]
async fn another_orgs_artifacts_are_404() {
    let app = TestApp::spawn().await;
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    let theirs = app
        .as_user(&globex.token, "globex", Method::POST, "/api/v1/app/project")
        .json(&json!({"name": "Theirs", "visibility": "Org"}))
        .created()
        .await;
    let theirs = theirs["id"].as_str().unwrap();
    let artifact = app
        .as_user(
            &globex.token,
            "globex",
            Method::POST,
            &artifact_path(theirs),
        )
        .json(&json!({"name": "Their doc", "type": "Document"}))
        .created()
        .await;
    let path = format!(
        "{}/{}",
        artifact_path(theirs),
        artifact["id"].as_str().unwrap()
    );
    app.admin(Method::GET, &path)
        .problem(404, "project_not_found")
        .await;
    app.admin(Method::PATCH, &path)
        .json(&json!({"name": "Ours"}))
        .problem(404, "project_not_found")
        .await;
    app.admin(Method::DELETE, &path)
        .problem(404, "project_not_found")
        .await;
    // An artifact id of theirs under a project of ours is unknown too.
    let ours = admin_project(&app, "Ours", "Org").await;
    app.admin(
        Method::GET,
        &format!(
            "{}/{}",
            artifact_path(&ours),
            artifact["id"].as_str().unwrap()
        ),
    )
    .problem(404, "artifact_not_found")
    .await;
    app.admin(
        Method::GET,
        &format!("/api/v1/app/user/{}/latest-artifacts", globex.user_id),
    )
    .problem(404, "user_not_found")
    .await;
}
