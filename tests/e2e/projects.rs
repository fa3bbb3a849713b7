//! Projects: create, get, list, update, delete, pins, a user's project list, and who
//! may see or change what.

use reqwest::{Method, RequestBuilder};
use roster_e2e::{json, problem, TestApp};
use serde_json::{json, Value};

/// A user of the test org with an API token.
pub(crate) struct Person {
    pub id: String,
    pub token: String,
}

impl Person {
    /// A request as this person in the test org.
    pub fn req(&self, app: &TestApp, method: Method, path: &str) -> RequestBuilder {
        app.as_user(&self.token, &app.admin.org_slug, method, path)
    }
}

/// A new user of the test org (`AppMember` or `AppAdmin`) with a token.
pub(crate) async fn person(app: &TestApp, email: &str, role: &str) -> Person {
    let (user, token) = app.user_with_token(email, role).await;
    Person {
        id: user["id"].as_str().unwrap().to_owned(),
        token,
    }
}

/// Creates a project as `token` in the test org; returns its JSON.
pub(crate) async fn create_project_as(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app
        .as_user(
            token,
            &app.admin.org_slug,
            Method::POST,
            "/api/v1/app/project",
        )
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, project) = json(res).await;
    assert_eq!(status, 201, "{project}");
    project
}

/// Creates a project as the admin; returns its id.
pub(crate) async fn admin_project(app: &TestApp, name: &str, visibility: &str) -> String {
    let project = create_project_as(
        app,
        &app.admin.token,
        json!({"name": name, "visibility": visibility}),
    )
    .await;
    project["id"].as_str().unwrap().to_owned()
}

/// Adds a member as the admin.
pub(crate) async fn add_member(app: &TestApp, project: &str, user: &str, role: &str) {
    let res = app
        .admin(
            Method::POST,
            &format!("/api/v1/app/project/{project}/member"),
        )
        .json(&json!({"user_id": user, "role": role}))
        .send()
        .await
        .unwrap();
    let (status, body) = json(res).await;
    assert_eq!(status, 201, "{body}");
}

fn ids(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

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

    let (status, members) = json(
        sasha
            .req(
                &app,
                Method::GET,
                &format!("/api/v1/app/project/{id}/member"),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{members}");
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
    let (status, p) = json(
        app.admin(Method::GET, &format!("/api/v1/app/project/{id}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
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
    problem(post("[]").await.unwrap(), 400, "invalid_json").await;

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

    let body = problem(post("{}").await.unwrap(), 400, "invalid_json").await;
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
    let (_, list) = json(
        app.admin(Method::GET, "/api/v1/app/project")
            .send()
            .await
            .unwrap(),
    )
    .await;
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
    let res = app
        .anon(Method::POST, "/api/v1/app/project")
        .json(&json!({"name": "P"}))
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;
    let res = app
        .anon(Method::GET, "/api/v1/app/project")
        .bearer_auth(&app.admin.token)
        .send()
        .await
        .unwrap();
    problem(res, 400, "org_required").await;
    // A token of an account with no user in that org.
    let other = app.bootstrap("globex", "admin@globex.test").await;
    let res = app
        .as_user(&other.token, "acme", Method::GET, "/api/v1/app/project")
        .send()
        .await
        .unwrap();
    problem(res, 403, "not_a_member").await;
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
    let res = owner
        .req(&app, Method::POST, &format!("{path}/member"))
        .json(&json!({"user_id": viewer.id, "role": "Viewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);

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
        let res = outsider
            .req(&app, method.clone(), &format!("{path}{sub}"))
            .send()
            .await
            .unwrap();
        let body = problem(res, 404, "project_not_found").await;
        assert_eq!(body["detail"], "project not found", "{method} {sub}");
    }
    let res = outsider
        .req(&app, Method::PUT, &path)
        .json(&json!({"name": "Mine now"}))
        .send()
        .await
        .unwrap();
    problem(res, 404, "project_not_found").await;
    let (_, list) = json(
        outsider
            .req(&app, Method::GET, "/api/v1/app/project")
            .send()
            .await
            .unwrap(),
    )
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
    let (status, _) = json(
        anyone
            .req(&app, Method::GET, &format!("{path}/member"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);

    let res = anyone
        .req(&app, Method::PUT, &path)
        .json(&json!({"name": "Hijacked"}))
        .send()
        .await
        .unwrap();
    problem(res, 403, "project_editor_required").await;
    let res = anyone
        .req(&app, Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    problem(res, 403, "project_owner_required").await;

    // Deactivated users see nothing at all.
    let res = app
        .admin(
            Method::POST,
            &format!("/api/v1/app/user/{}/deactivate", anyone.id),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = anyone.req(&app, Method::GET, &path).send().await.unwrap();
    problem(res, 403, "user_inactive").await;
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
        let res = app.admin(Method::GET, &path).send().await.unwrap();
        problem(res, 404, "project_not_found").await;
    }
    let res = app
        .admin(Method::PUT, &format!("/api/v1/app/project/{theirs}"))
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    problem(res, 404, "project_not_found").await;
    let res = app
        .admin(Method::DELETE, &format!("/api/v1/app/project/{theirs}"))
        .send()
        .await
        .unwrap();
    problem(res, 404, "project_not_found").await;
    // And the other way round.
    let res = app
        .as_user(
            &globex.token,
            "globex",
            Method::GET,
            &format!("/api/v1/app/project/{ours}"),
        )
        .send()
        .await
        .unwrap();
    problem(res, 404, "project_not_found").await;
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
        let res = app
            .admin(Method::GET, &format!("/api/v1/app/project/{bad}"))
            .send()
            .await
            .unwrap();
        problem(res, 404, "project_not_found").await;
        let res = app
            .admin(Method::POST, &format!("/api/v1/app/project/{bad}/pin"))
            .send()
            .await
            .unwrap();
        problem(res, 404, "project_not_found").await;
    }
}

async fn create_project_as_org(app: &TestApp, token: &str, org: &str, name: &str) -> String {
    let res = app
        .as_user(token, org, Method::POST, "/api/v1/app/project")
        .json(&json!({"name": name}))
        .send()
        .await
        .unwrap();
    let (status, p) = json(res).await;
    assert_eq!(status, 201, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn list_projects_is_pinned_first_then_newest_and_pages() {
    let app = TestApp::spawn().await;
    let mut created = Vec::new();
    for n in 0..5 {
        created.push(admin_project(&app, &format!("P{n}"), "Private").await);
    }
    // Pin the two oldest.
    for id in [&created[0], &created[1]] {
        let (status, p) = json(
            app.admin(Method::POST, &format!("/api/v1/app/project/{id}/pin"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, p["is_pinned"].as_bool()), (200, Some(true)), "{p}");
    }
    let expected = [
        &created[1],
        &created[0],
        &created[4],
        &created[3],
        &created[2],
    ];
    let (status, list) = json(
        app.admin(Method::GET, "/api/v1/app/project")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&list), expected.map(|s| s.to_owned()));
    let pinned: Vec<bool> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["is_pinned"].as_bool().unwrap())
        .collect();
    assert_eq!(pinned, [true, true, false, false, false]);
    assert_eq!(list["total_count"], 5);
    assert_eq!(list["has_next_page"], false);
    assert_eq!(list["has_previous_page"], false);

    let (_, page) = json(
        app.admin(Method::GET, "/api/v1/app/project?page=2&page_size=2")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ids(&page), [created[4].clone(), created[3].clone()]);
    assert_eq!(page["total_count"], 5);
    assert_eq!(page["has_next_page"], true);
    assert_eq!(page["has_previous_page"], true);
    let (_, last) = json(
        app.admin(Method::GET, "/api/v1/app/project?page=3&page_size=2")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ids(&last), [created[2].clone()]);
    assert_eq!(last["has_next_page"], false);
    let (_, beyond) = json(
        app.admin(Method::GET, "/api/v1/app/project?page=9&page_size=2")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(beyond["data"], json!([]));
    assert_eq!(beyond["total_count"], 5);

    // Pins are per user: another admin sees none pinned.
    let other = person(&app, "admin2@acme.test", "AppAdmin").await;
    let (_, theirs) = json(
        other
            .req(&app, Method::GET, "/api/v1/app/project")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        ids(&theirs),
        [4, 3, 2, 1, 0].map(|i| created[i].clone()),
        "newest first"
    );
    assert!(theirs["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["is_pinned"] == false));
}

#[tokio::test]
async fn list_projects_filters_by_visibility_and_rejects_bad_paging() {
    let app = TestApp::spawn().await;
    let private = admin_project(&app, "Private one", "Private").await;
    let open = admin_project(&app, "Org one", "Org").await;
    let (status, list) = json(
        app.admin(Method::GET, "/api/v1/app/project?visibility=Org")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&list), [open]);
    let (_, list) = json(
        app.admin(Method::GET, "/api/v1/app/project?visibility=Private")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ids(&list), [private]);

    let body = problem(
        app.admin(Method::GET, "/api/v1/app/project?visibility=Public")
            .send()
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "visibility", "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("Private"),
        "{body}"
    );

    for (query, field) in [
        ("page_size=101", "page_size"),
        ("page_size=0", "page_size"),
        ("page=0", "page"),
        ("page=-3", "page"),
        ("page_size=abc", "page_size"),
        ("page=1.5", "page"),
    ] {
        let body = problem(
            app.admin(Method::GET, &format!("/api/v1/app/project?{query}"))
                .send()
                .await
                .unwrap(),
            400,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    let (status, list) = json(
        app.admin(Method::GET, "/api/v1/app/project?page_size=100")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, list["total_count"].as_i64()), (200, Some(2)));
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

    let (status, p) = json(
        editor
            .req(&app, Method::PUT, &path)
            .json(&json!({"name": "Plan B", "goal": null, "deadline": null,
                "visibility": "Org", "default_member_role": "Editor", "default_role_enabled": true,
                "project_context": "ctx", "answer_context": "ans"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{p}");
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
    let (status, p) = json(
        app.admin(Method::PUT, &path)
            .json(&json!({"deadline": "2027-01-02T03:04:05Z"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["deadline"], "2027-01-02T03:04:05Z");
    assert_eq!(p["name"], "Plan B");
    assert_eq!(p["project_context"], "ctx");
    let (_, got) = json(owner.req(&app, Method::GET, &path).send().await.unwrap()).await;
    assert_eq!(got["deadline"], "2027-01-02T03:04:05Z");

    let res = viewer
        .req(&app, Method::PUT, &path)
        .json(&json!({"name": "Viewer was here"}))
        .send()
        .await
        .unwrap();
    let body = problem(res, 403, "project_editor_required").await;
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
    let res = app
        .admin(Method::PUT, &path)
        .header("content-type", "text/plain")
        .body("{\"name\": \"x\"}")
        .send()
        .await
        .unwrap();
    problem(res, 415, "unsupported_media_type").await;
    let res = app
        .admin(Method::PUT, "/api/v1/app/project/proj_0000000000000000")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    problem(res, 404, "project_not_found").await;
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
    let res = editor
        .req(&app, Method::POST, &format!("{path}/artifact"))
        .json(&json!({"name": "Notes", "type": "Document"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = editor
        .req(&app, Method::POST, &format!("{path}/pin"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let res = editor
        .req(&app, Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    let body = problem(res, 403, "project_owner_required").await;
    assert!(body["detail"].as_str().unwrap().contains("Owner"), "{body}");

    let res = owner.req(&app, Method::DELETE, &path).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert!(res.text().await.unwrap().is_empty());
    for who in [&owner, &editor] {
        let res = who.req(&app, Method::GET, &path).send().await.unwrap();
        problem(res, 404, "project_not_found").await;
    }
    let res = owner.req(&app, Method::DELETE, &path).send().await.unwrap();
    problem(res, 404, "project_not_found").await;
    let (_, latest) = json(
        app.admin(
            Method::GET,
            &format!("/api/v1/app/user/{}/latest-artifacts", editor.id),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(latest, json!([]), "artifacts went with the project");

    // An AppAdmin deletes a project it is not a member of.
    let other = create_project_as(&app, &owner.token, json!({"name": "Other"})).await;
    let res = app
        .admin(
            Method::DELETE,
            &format!("/api/v1/app/project/{}", other["id"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (_, list) = json(
        owner
            .req(&app, Method::GET, "/api/v1/app/project")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list["total_count"], 0, "{list}");
}

#[tokio::test]
async fn pins_are_per_user_idempotent_and_open_to_anyone_who_sees_the_project() {
    let app = TestApp::spawn().await;
    let reader = person(&app, "reader@acme.test", "AppMember").await;
    let open = admin_project(&app, "Open", "Org").await;
    let path = format!("/api/v1/app/project/{open}/pin");
    for _ in 0..2 {
        let (status, p) = json(reader.req(&app, Method::POST, &path).send().await.unwrap()).await;
        assert_eq!(status, 200, "{p}");
        assert_eq!(p["id"], open.as_str());
        assert_eq!(p["is_pinned"], true);
    }
    let (_, p) = json(
        reader
            .req(&app, Method::GET, &format!("/api/v1/app/project/{open}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(p["is_pinned"], true);
    let (_, p) = json(
        app.admin(Method::GET, &format!("/api/v1/app/project/{open}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(p["is_pinned"], false, "the admin did not pin it");

    for _ in 0..2 {
        let res = reader
            .req(&app, Method::DELETE, &path)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
    }
    let (_, p) = json(
        reader
            .req(&app, Method::GET, &format!("/api/v1/app/project/{open}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(p["is_pinned"], false);

    let res = reader.req(&app, Method::GET, &path).send().await.unwrap();
    problem(res, 405, "method_not_allowed").await;
    let res = reader
        .req(
            &app,
            Method::POST,
            "/api/v1/app/project/proj_0000000000000000/pin",
        )
        .send()
        .await
        .unwrap();
    problem(res, 404, "project_not_found").await;
}

#[tokio::test]
async fn a_users_project_list_is_for_that_user_or_an_admin() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let lee = person(&app, "lee@acme.test", "AppMember").await;
    let mine = create_project_as(&app, &sasha.token, json!({"name": "Mine"})).await;
    let mine = mine["id"].as_str().unwrap().to_owned();
    let open = admin_project(&app, "Open", "Org").await;
    let _hidden = admin_project(&app, "Admin only", "Private").await;
    let newest = create_project_as(&app, &sasha.token, json!({"name": "Newest"})).await;
    let newest = newest["id"].as_str().unwrap().to_owned();
    let res = sasha
        .req(
            &app,
            Method::POST,
            &format!("/api/v1/app/project/{open}/pin"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let path = format!("/api/v1/app/user/{}/project", sasha.id);
    let expected = [open.clone(), newest.clone(), mine.clone()];
    let (status, own) = json(sasha.req(&app, Method::GET, &path).send().await.unwrap()).await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(
        ids(&own),
        expected,
        "pinned first, then newest; no private project of others"
    );
    assert_eq!(own["total_count"], 3);
    assert_eq!(own["data"][0]["is_pinned"], true);
    assert_eq!(own["data"][1]["is_pinned"], false);
    assert_eq!(own["has_next_page"], false);
    assert_eq!(own["has_previous_page"], false);
    assert_eq!(own["next_cursor"], Value::Null);

    // An AppAdmin sees the same list, with is_pinned for sasha, not for the admin.
    let (status, seen) = json(app.admin(Method::GET, &path).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(seen, own);

    let (_, paged) = json(
        sasha
            .req(&app, Method::GET, &format!("{path}?page=2&page_size=2"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ids(&paged), [mine]);
    assert_eq!(paged["has_previous_page"], true);

    let res = lee.req(&app, Method::GET, &path).send().await.unwrap();
    let body = problem(res, 403, "admin_required").await;
    assert!(
        body["detail"].as_str().unwrap().contains("AppAdmin"),
        "{body}"
    );

    for (query, field) in [
        ("page_size=101", "page_size"),
        ("page=0", "page"),
        ("page=x", "page"),
    ] {
        let body = problem(
            sasha
                .req(&app, Method::GET, &format!("{path}?{query}"))
                .send()
                .await
                .unwrap(),
            400,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    for bad in ["user_0000000000000000", "nope", "proj_0000000000000000"] {
        let res = app
            .admin(Method::GET, &format!("/api/v1/app/user/{bad}/project"))
            .send()
            .await
            .unwrap();
        problem(res, 404, "user_not_found").await;
    }
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    let res = app
        .admin(
            Method::GET,
            &format!("/api/v1/app/user/{}/project", globex.user_id),
        )
        .send()
        .await
        .unwrap();
    problem(res, 404, "user_not_found").await;

    // The admin's own list holds every project of the org.
    let (_, all) = json(
        app.admin(
            Method::GET,
            &format!("/api/v1/app/user/{}/project", app.admin.user_id),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(all["total_count"], 4, "{all}");
}

#[tokio::test]
async fn openapi_documents_the_project_routes() {
    let app = TestApp::spawn().await;
    let (status, doc) = json(app.anon(Method::GET, "/openapi.json").send().await.unwrap()).await;
    assert_eq!(status, 200);
    let expected = [
        ("/api/v1/app/project", "get", "200"),
        ("/api/v1/app/project", "post", "201"),
        ("/api/v1/app/project/{id}", "get", "200"),
        ("/api/v1/app/project/{id}", "put", "200"),
        ("/api/v1/app/project/{id}", "delete", "204"),
        ("/api/v1/app/project/{id}/pin", "post", "200"),
        ("/api/v1/app/project/{id}/pin", "delete", "204"),
        ("/api/v1/app/project/{id}/member", "get", "200"),
        ("/api/v1/app/project/{id}/member", "post", "201"),
        ("/api/v1/app/project/{id}/member/{user_id}", "put", "200"),
        ("/api/v1/app/project/{id}/member/{user_id}", "delete", "204"),
        ("/api/v1/app/project/{id}/artifact", "get", "200"),
        ("/api/v1/app/project/{id}/artifact", "post", "201"),
        (
            "/api/v1/app/project/{id}/artifact/{artifact_id}",
            "get",
            "200",
        ),
        (
            "/api/v1/app/project/{id}/artifact/{artifact_id}",
            "patch",
            "200",
        ),
        (
            "/api/v1/app/project/{id}/artifact/{artifact_id}",
            "delete",
            "204",
        ),
        ("/api/v1/app/user/{id}/project", "get", "200"),
        ("/api/v1/app/user/{id}/latest-artifacts", "get", "200"),
        ("/api/v1/app/user/integrations", "get", "200"),
        ("/api/v1/app/user/integrations", "post", "201"),
        ("/api/v1/app/user/integrations/{id}", "delete", "204"),
    ];
    for (path, method, ok) in expected {
        let responses = &doc["paths"][path][method]["responses"];
        assert!(responses.is_object(), "{method} {path} is not documented");
        for status in [ok, "400", "401", "403", "500", "503"] {
            assert!(
                responses[status].is_object(),
                "{method} {path} lacks {status}: {responses}"
            );
        }
        if path.contains('{') {
            assert!(responses["404"].is_object(), "{method} {path} lacks 404");
        }
    }
    for (path, method) in [
        ("/api/v1/app/project/{id}/member", "post"),
        ("/api/v1/app/project/{id}/member/{user_id}", "put"),
        ("/api/v1/app/project/{id}/member/{user_id}", "delete"),
        ("/api/v1/app/user/integrations", "post"),
    ] {
        assert!(
            doc["paths"][path][method]["responses"]["409"].is_object(),
            "{method} {path} lacks 409"
        );
    }
    let schemas = &doc["components"]["schemas"];
    for field in [
        "member_count",
        "is_pinned",
        "default_member_role",
        "deadline",
    ] {
        assert!(
            schemas["Project"]["properties"][field].is_object(),
            "Project.{field}: {}",
            schemas["Project"]
        );
    }
    assert!(schemas["Artifact"]["properties"]["type"].is_object());
    assert!(schemas["Artifact"]["properties"]["ingest_status"].is_object());
    assert_eq!(
        schemas["ArtifactType"]["enum"],
        json!(["Document", "Spreadsheet", "Presentation", "Image", "Other"])
    );
    assert_eq!(schemas["Visibility"]["enum"], json!(["Private", "Org"]));
}
