//! Projects, their members and their artifacts emit one event per write; a refused write
//! emits none.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{all_events, types};

async fn send(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = app.admin(method, &format!("/api/v1/app{path}"));
    if let Some(body) = body {
        req = req.json(&body);
    }
    let reply = req.reply().await;
    (reply.status, reply.json())
}

#[tokio::test]
async fn each_project_and_member_write_is_one_event() {
    let app = TestApp::spawn().await;
    let user = app.create_user("sam@acme.test", "AppMember").await;
    let user_id = user["id"].as_str().unwrap();
    let (status, project) = send(
        &app,
        Method::POST,
        "/project",
        Some(json!({"name": "Insights"})),
    )
    .await;
    assert_eq!(status, 201, "{project}");
    let id = project["id"].as_str().unwrap().to_owned();
    let (_, updated) = send(
        &app,
        Method::PUT,
        &format!("/project/{id}"),
        Some(json!({"goal": "Trends"})),
    )
    .await;
    let member = json!({"user_id": user_id, "role": "Editor"});
    let (status, added) = send(
        &app,
        Method::POST,
        &format!("/project/{id}/member"),
        Some(member.clone()),
    )
    .await;
    assert_eq!(status, 201, "{added}");
    // A second add is a 409: no event.
    app.admin(Method::POST, &format!("/api/v1/app/project/{id}/member"))
        .json(&member)
        .problem(409, "already_member")
        .await;
    let path = format!("/project/{id}/member/{user_id}");
    let (_, promoted) = send(&app, Method::PUT, &path, Some(json!({"role": "Owner"}))).await;
    app.admin(Method::DELETE, &format!("/api/v1/app{path}"))
        .no_content()
        .await;
    app.admin(Method::DELETE, &format!("/api/v1/app/project/{id}"))
        .no_content()
        .await;

    let events = all_events(&app, "type=project.*").await;
    assert_eq!(
        types(&json!({"data": events})),
        [
            "project.deleted",
            "project.member_removed",
            "project.member_updated",
            "project.member_added",
            "project.updated",
            "project.created"
        ]
    );
    assert!(events
        .iter()
        .all(|e| e["target"] == json!({"type": "project", "id": id})));
    assert!(events
        .iter()
        .all(|e| e["actor"] == json!({"type": "user", "id": app.admin.user_id})));
    assert_eq!(events[5]["data"], project);
    assert_eq!(events[4]["data"], updated);
    assert_eq!(events[3]["data"], added);
    assert_eq!(events[2]["data"], promoted);
    assert_eq!(
        events[1]["data"],
        json!({"project_id": id, "user_id": user_id})
    );
    assert_eq!(events[0]["data"], json!({"id": id}));
}

#[tokio::test]
async fn each_artifact_write_is_one_event_about_the_artifact() {
    let app = TestApp::spawn().await;
    let (_, project) = send(
        &app,
        Method::POST,
        "/project",
        Some(json!({"name": "Insights"})),
    )
    .await;
    let base = format!("/project/{}/artifact", project["id"].as_str().unwrap());
    let body = json!({"name": "Q1 report", "type": "Document"});
    let (status, created) = send(&app, Method::POST, &base, Some(body)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("{base}/{id}");
    let (status, updated) = send(&app, Method::PATCH, &path, Some(json!({"name": "Q1"}))).await;
    assert_eq!(status, 200, "{updated}");
    // An empty change is a 400: no event.
    app.admin(Method::PATCH, &format!("/api/v1/app{path}"))
        .json(&json!({}))
        .problem(400, "empty_update")
        .await;
    app.admin(Method::DELETE, &format!("/api/v1/app{path}"))
        .no_content()
        .await;

    let events = all_events(&app, "type=artifact.*").await;
    assert_eq!(
        types(&json!({"data": events})),
        ["artifact.deleted", "artifact.updated", "artifact.created"]
    );
    assert!(events
        .iter()
        .all(|e| e["target"] == json!({"type": "artifact", "id": id})));
    assert_eq!(events[2]["data"], created);
    assert_eq!(events[1]["data"], updated);
    assert_eq!(events[0]["data"], json!({"id": id}));
}
