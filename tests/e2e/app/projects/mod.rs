//! Projects: create, get, update, delete, and who may see or change what.

use reqwest::Method;
use roster_e2e::{json, problem, Expect, TestApp};
use serde_json::{json, Value};

use crate::app::fixtures::{add_member, admin_project, create_project_as, person};

mod lists;

#[tokio::test]
async fn create_project_applies_defaults_and_makes_the_creator_its_owner() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let res = sasha
        .req(&app, Method::POST, "/api/v1/app/project")
        .json(&json!({"name": "  Customer Insights  "}))
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let (status, p) = json(res).await;
    assert_eq!(status, 201, "{p}");
    let id = p["id"].as_str().unwrap();
    assert!(
        id.starts_with("proj_") && id.len() == 21,
        "a proj_<16 hex> id: {id}"
    );
    assert_eq!(location, format!("/api/v1/app/project/{id}"));
    assert_eq!(p["name"], "Customer Insights");
    assert_eq!(p["goal"], Value::Null);
    assert_eq!(p["deadline"], Value::Null);
    assert_eq!(p["visibility"], "Private");
    assert_eq!(p["member_count"], 1);
    assert_eq!(p["default_member_role"], "Viewer");
    assert_eq!(p["default_role_enabled"], false);
    assert_eq!(p["project_context"], Value::Null);
    assert_eq!(p["answer_context"], Value::Null);
    assert_eq!(p["is_pinned"], false);
    assert_eq!(p["created_by"], sasha.id.as_str());
    assert!(p["created_at"].as_str().unwrap().ends_with('Z'), "{p}");

    let members = sasha
        .req(
            &app,
            Method::GET,
            &format!("/api/v1/app/project/{id}/member"),
        )
        .ok()
        .await;
    assert_eq!(members["total_count"], 1);
    assert_eq!(members["data"][0]["user_id"], sasha.id.as_str());
    assert_eq!(members["data"][0]["role"], "Owner");
    assert_eq!(members["data"][0]["project_id"], id);
}

#[tokio::test]
async fn create_project_with_every_field_round_trips_with_the_seed_field_names() {
    let app = TestApp::spawn().await;
    let body = json!({
        "name": "Customer Insights",
        "goal": "Summarize weekly support trends.",
        "deadline": "2026-03-01T01:00:00+01:00",
        "visibility": "Org",
        "default_member_role": "Editor",
        "default_role_enabled": true,
        "project_context": "Support analytics for Q1.",
        "answer_context": "Use approved templates."
    });
    let created = create_project_as(&app, &app.admin.token, body).await;
    let id = created["id"].as_str().unwrap();
    let p = app
        .admin(Method::GET, &format!("/api/v1/app/project/{id}"))
        .ok()
        .await;
    assert_eq!(p, created);
    assert_eq!(p["goal"], "Summarize weekly support trends.");
    assert_eq!(p["deadline"], "2026-03-01T00:00:00Z", "rendered in UTC");
    assert_eq!(p["visibility"], "Org");
    assert_eq!(p["default_member_role"], "Editor");
    assert_eq!(p["default_role_enabled"], true);
    assert_eq!(p["project_context"], "Support analytics for Q1.");
    assert_eq!(p["answer_context"], "Use approved templates.");
    for key in [
        "id",
        "name",
        "goal",
        "deadline",
        "visibility",
        "member_count",
        "default_member_role",
        "default_role_enabled",
        "project_context",
        "answer_context",
        "is_pinned",
    ] {
        assert!(p.get(key).is_some(), "seed field {key} missing: {p}");
    }
}

#[tokio::test]
async fn create_project_rejects_bad_input_naming_the_field() {
    let app = TestApp::spawn().await;
    let post = |body: &str| {
        app.admin(Method::POST, "/api/v1/app/project")
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
    };
    problem(post("{\"name\": ").await.unwrap(), 400, "invalid_json").await;
    problem(post("[]").await.unwrap(), 400, "validation_failed").await;

    let body = problem(
        post("{\"name\": 5}").await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "name", "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("invalid type"),
        "{body}"
    );

    let body = problem(post("{}").await.unwrap(), 400, "validation_failed").await;
    assert!(body["detail"].as_str().unwrap().contains("name"), "{body}");

    let body = problem(
        post("{\"name\": \"P\", \"visibility\": \"Public\"}")
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "visibility", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("Public") && message.contains("Private") && message.contains("Org"),
        "names the value and the allowed ones: {message}"
    );

    let body = problem(
        post("{\"name\": \"P\", \"default_member_role\": \"Admin\"}")
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "default_member_role");
    let message = body["errors"][0]["message"].as_str().unwrap();
    for allowed in ["Owner", "Editor", "Viewer"] {
        assert!(message.contains(allowed), "{message}");
    }

    for wrong in ["3", "true", "[\"Org\"]", "{}"] {
        let body = problem(
            post(&format!("{{\"name\": \"P\", \"visibility\": {wrong}}}"))
                .await
                .unwrap(),
            400,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "visibility", "{wrong}: {body}");
    }

    let body = problem(
        post("{\"name\": \"P\", \"deadline\": 1767225600}")
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "deadline", "{body}");

    let body = problem(
        post("{\"name\": \"P\", \"default_role_enabled\": \"yes\"}")
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "default_role_enabled");

    let body = problem(
        post("{\"name\": \"P\", \"colour\": \"red\"}")
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("colour"),
        "{body}"
    );

    // Every field error at once.
    let body = problem(
        post(&format!(
            "{{\"name\": \"  \", \"deadline\": \"next friday\", \"goal\": \"{}\"}}",
            "g".repeat(2001)
        ))
        .await
        .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "goal", "deadline"], "{body}");

    let body = problem(
        post(&format!("{{\"name\": \"{}\"}}", "n".repeat(201)))
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "name");

    // Nothing was created by any of these.
    let list = app.admin(Method::GET, "/api/v1/app/project").ok().await;
    assert_eq!(list["total_count"], 0, "{list}");
}

#[tokio::test]
async fn project_routes_need_a_credential_and_an_org() {
    let app = TestApp::spawn().await;
    let res = app
        .anon(Method::GET, "/api/v1/app/project")
        .send()
        .await
        .unwrap();
    assert!(res.headers().contains_key("www-authenticate"));
    problem(res, 401, "unauthorized").await;
    app.anon(Method::POST, "/api/v1/app/project")
        .json(&json!({"name": "P"}))
        .problem(401, "unauthorized")
        .await;
    app.anon(Method::GET, "/api/v1/app/project")
        .bearer_auth(&app.admin.token)
        .problem(400, "org_required")
        .await;
    // A token of an account with no user in that org.
    let other = app.bootstrap("globex", "admin@globex.test").await;
    app.as_user(&other.token, "acme", Method::GET, "/api/v1/app/project")
        .problem(403, "not_a_member")
        .await;
}

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
        let (status, p) = json(who.req(&app, Method::GET, &path).send().await.unwrap()).await;
        assert_eq!((status, p["id"].as_str()), (200, Some(id)), "{p}");
        assert_eq!(p["member_count"], 2);
    }
    let (status, p) = json(app.admin(Method::GET, &path).send().await.unwrap()).await;
    assert_eq!((status, p["name"].as_str()), (200, Some("Secret")), "{p}");

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
    let (status, p) = json(anyone.req(&app, Method::GET, &path).send().await.unwrap()).await;
    assert_eq!((status, p["name"].as_str()), (200, Some("Open")), "{p}");
    let _ = anyone
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
    let (status, p) = json(
        app.as_user(
            &globex.token,
            "globex",
            Method::GET,
            &format!("/api/v1/app/project/{theirs}"),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((status, p["name"].as_str()), (200, Some("Theirs")));

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
            .send()
    };
    problem(put("{}").await.unwrap(), 400, "empty_update").await;
    problem(put("{\"name\": ").await.unwrap(), 400, "invalid_json").await;
    let body = problem(
        put("{\"visibility\": \"Secret\"}").await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "visibility");
    let body = problem(put("{\"name\": null}").await.unwrap(), 400, "empty_update").await;
    assert_eq!(body["status"], 400);
    let body = problem(
        put("{\"name\": \"\", \"deadline\": \"soon\"}")
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 2, "{body}");
    let body = problem(
        put("{\"member_count\": 99}").await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("member_count"));
    let body = problem(
        put("{\"default_role_enabled\": 1}").await.unwrap(),
        400,
        "validation_failed",
    )
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

    let res = owner.req(&app, Method::DELETE, &path).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert!(res.text().await.unwrap().is_empty());
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
