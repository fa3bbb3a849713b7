//! Projects: who sees a private, an org-wide or another org's project.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use crate::app::fixtures::{admin_project, create_project_as, person};

#[tokio::test]
async fn private_projects_are_seen_by_members_and_admins_only() {
    let app = TestApp::spawn().await;
    let owner = person(&app, "owner@acme.test", "AppMember").await;
    let viewer = person(&app, "viewer@acme.test", "AppMember").await;
    let outsider = person(&app, "outsider@acme.test", "AppMember").await;
    let project = create_project_as(&app, &owner.token, json!({"name": "Secret"})).await;
    let id = project["id"].as_str().unwrap();
    let path = format!("/api/v1/app/project/{id}");
    owner
        .req(&app, Method::POST, &format!("{path}/member"))
        .json(&json!({"user_id": viewer.id, "role": "Viewer"}))
        .status(201)
        .await;

    for who in [&owner, &viewer] {
        let p = who.req(&app, Method::GET, &path).ok().await;
        assert_eq!(p["id"], id, "{p}");
        assert_eq!(p["member_count"], 2);
    }
    let p = app.admin(Method::GET, &path).ok().await;
    assert_eq!(p["name"], "Secret", "{p}");

    // Not a member: as if it did not exist, on every route under it.
    for (method, sub) in [
        (Method::GET, ""),
        (Method::GET, "/member"),
        (Method::GET, "/artifact"),
        (Method::POST, "/pin"),
        (Method::DELETE, "/pin"),
        (Method::DELETE, ""),
    ] {
        let body = outsider
            .req(&app, method.clone(), &format!("{path}{sub}"))
            .problem(404, "project_not_found")
            .await;
        assert_eq!(body["detail"], "project not found", "{method} {sub}");
    }
    outsider
        .req(&app, Method::PUT, &path)
        .json(&json!({"name": "Mine now"}))
        .problem(404, "project_not_found")
        .await;
    let list = outsider
        .req(&app, Method::GET, "/api/v1/app/project")
        .ok()
        .await;
    assert_eq!(list["total_count"], 0, "{list}");
    assert_eq!(list["data"], json!([]));
}

#[tokio::test]
async fn org_projects_are_seen_by_every_active_user_but_changed_only_by_editors() {
    let app = TestApp::spawn().await;
    let owner = person(&app, "owner@acme.test", "AppMember").await;
    let anyone = person(&app, "anyone@acme.test", "AppMember").await;
    let project = create_project_as(
        &app,
        &owner.token,
        json!({"name": "Open", "visibility": "Org"}),
    )
    .await;
    let path = format!("/api/v1/app/project/{}", project["id"].as_str().unwrap());
    let p = anyone.req(&app, Method::GET, &path).ok().await;
    assert_eq!(p["name"], "Open", "{p}");
    anyone
        .req(&app, Method::GET, &format!("{path}/member"))
        .ok()
        .await;

    anyone
        .req(&app, Method::PUT, &path)
        .json(&json!({"name": "Hijacked"}))
        .problem(403, "project_editor_required")
        .await;
    anyone
        .req(&app, Method::DELETE, &path)
        .problem(403, "project_owner_required")
        .await;

    // Deactivated users see nothing at all.
    app.admin(
        Method::POST,
        &format!("/api/v1/app/user/{}/deactivate", anyone.id),
    )
    .status(200)
    .await;
    anyone
        .req(&app, Method::GET, &path)
        .problem(403, "user_inactive")
        .await;
}

#[tokio::test]
async fn another_orgs_project_and_malformed_ids_are_404() {
    let app = TestApp::spawn().await;
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    let theirs = create_project_as_org(&app, &globex.token, "globex", "Theirs").await;
    let ours = admin_project(&app, "Ours", "Org").await;

    for path in [
        format!("/api/v1/app/project/{theirs}"),
        format!("/api/v1/app/project/{theirs}/member"),
        format!("/api/v1/app/project/{theirs}/artifact"),
    ] {
        app.admin(Method::GET, &path)
            .problem(404, "project_not_found")
            .await;
    }
    app.admin(Method::PUT, &format!("/api/v1/app/project/{theirs}"))
        .json(&json!({"name": "x"}))
        .problem(404, "project_not_found")
        .await;
    app.admin(Method::DELETE, &format!("/api/v1/app/project/{theirs}"))
        .problem(404, "project_not_found")
        .await;
    // And the other way round.
    app.as_user(
        &globex.token,
        "globex",
        Method::GET,
        &format!("/api/v1/app/project/{ours}"),
    )
    .problem(404, "project_not_found")
    .await;
    // Theirs is untouched.
    let p = app
        .as_user(
            &globex.token,
            "globex",
            Method::GET,
            &format!("/api/v1/app/project/{theirs}"),
        )
        .ok()
        .await;
    assert_eq!(p["name"], "Theirs");

    for bad in [
        "nope",
        "proj_123",
        "proj_4B7C2A1D9E5F3C8B",
        "user_4b7c2a1d9e5f3c8b",
        "proj_0000000000000000",
    ] {
        app.admin(Method::GET, &format!("/api/v1/app/project/{bad}"))
            .problem(404, "project_not_found")
            .await;
        app.admin(Method::POST, &format!("/api/v1/app/project/{bad}/pin"))
            .problem(404, "project_not_found")
            .await;
    }
}

async fn create_project_as_org(app: &TestApp, token: &str, org: &str, name: &str) -> String {
    let p = app
        .as_user(token, org, Method::POST, "/api/v1/app/project")
        .json(&json!({"name": name}))
        .created()
        .await;
    p["id"].as_str().unwrap().to_owned()
}
