//! Artifacts of projects, and a user's latest artifacts.

use reqwest::Method;
use roster_e2e::{json, problem, Expect, TestApp};
use serde_json::{json, Value};

use crate::app::fixtures::{add_member, admin_project, create_project_as, person, Person};

fn artifact_path(project: &str) -> String {
    format!("/api/v1/app/project/{project}/artifact")
}

/// Adds an artifact as `who`; returns its JSON.
async fn add_artifact(app: &TestApp, who: &Person, project: &str, body: Value) -> Value {
    let a = who
        .req(app, Method::POST, &artifact_path(project))
        .json(&body)
        .created()
        .await;
    a
}

/// The same as the admin.
async fn admin_artifact(app: &TestApp, project: &str, name: &str) -> Value {
    let a = app
        .admin(Method::POST, &artifact_path(project))
        .json(&json!({"name": name, "type": "Document"}))
        .created()
        .await;
    a
}

fn names(list: &Value) -> Vec<String> {
    let items = list
        .get("data")
        .unwrap_or(list)
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"));
    items
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn editors_add_artifacts_with_defaults_and_every_field() {
    let app = TestApp::spawn().await;
    let editor = person(&app, "editor@acme.test", "AppMember").await;
    let project = admin_project(&app, "P", "Private").await;
    add_member(&app, &project, &editor.id, "Editor").await;

    let res = editor
        .req(&app, Method::POST, &artifact_path(&project))
        .json(&json!({"name": "Q1 Support Summary", "type": "Document"}))
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let (status, a) = json(res).await;
    assert_eq!(status, 201, "{a}");
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
            .send()
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
        let res = post(body).await.unwrap();
        let problem_body = problem(res, 400, "validation_failed").await;
        assert_eq!(problem_body["errors"][0]["field"], field, "{problem_body}");
        let message = problem_body["errors"][0]["message"].as_str().unwrap();
        for value in allowed {
            assert!(message.contains(value), "{field}: {message}");
        }
    }
    let body = problem(
        post(r#"{"name": "A", "type": 7}"#).await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "type", "{body}");
    let body = problem(
        post(r#"{"name": "A", "type": "Image", "has_content": "yes"}"#)
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "has_content");
    let body = problem(
        post(r#"{"name": " ", "type": "Image"}"#).await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "name");
    let body = problem(
        post(r#"{"name": "A"}"#).await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("type"), "{body}");
    problem(
        post(r#"{"name": "A", "#).await.unwrap(),
        400,
        "invalid_json",
    )
    .await;
    problem(post("").await.unwrap(), 400, "invalid_json").await;
    let list = app.admin(Method::GET, &artifact_path(&project)).ok().await;
    assert_eq!(list["total_count"], 0, "{list}");
}

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
    let (status, list) = json(
        viewer
            .req(&app, Method::GET, &artifact_path(&private))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, names(&list)), (200, vec!["Secret".to_owned()]));
    let _ = viewer.req(&app, Method::GET, &secret_path).ok().await;
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
    let (status, a) = json(
        outsider
            .req(&app, Method::GET, &public_path)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, a["name"].as_str()), (200, Some("Public")));
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
        .ok()
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
            .send()
    };
    problem(patch("{}").await.unwrap(), 400, "empty_update").await;
    let body = problem(
        patch(r#"{"state": "Gone"}"#).await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "state");
    assert!(
        body["detail"].as_str().unwrap().contains("Processing"),
        "{body}"
    );
    let body = problem(
        patch(r#"{"source": "Agent"}"#).await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("source"),
        "{body}"
    );
    let body = problem(
        patch(r#"{"name": ""}"#).await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "name");
    problem(patch("nope").await.unwrap(), 400, "invalid_json").await;

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

#[tokio::test]
async fn artifact_lists_are_newest_first_filter_and_page_by_offset_or_cursor() {
    let app = TestApp::spawn().await;
    let project = admin_project(&app, "P", "Private").await;
    for n in 0..5 {
        let kind = if n % 2 == 0 { "Document" } else { "Image" };
        let _ = app
            .admin(Method::POST, &artifact_path(&project))
            .json(&json!({"name": format!("A{n}"), "type": kind,
                    "state": if n == 4 { "Failed" } else { "Ready" }}))
            .created()
            .await;
    }
    let get = |query: String| {
        app.admin(Method::GET, &format!("{}?{query}", artifact_path(&project)))
            .send()
    };
    let (status, all) = json(get(String::new()).await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(names(&all), ["A4", "A3", "A2", "A1", "A0"]);
    assert_eq!(all["total_count"], 5);
    let (_, docs) = json(get("type=Document".into()).await.unwrap()).await;
    assert_eq!(names(&docs), ["A4", "A2", "A0"]);
    assert_eq!(docs["total_count"], 3);
    let (_, ready_docs) = json(get("type=Document&state=Ready".into()).await.unwrap()).await;
    assert_eq!(names(&ready_docs), ["A2", "A0"]);

    let (_, page2) = json(get("page=2&page_size=2".into()).await.unwrap()).await;
    assert_eq!(names(&page2), ["A2", "A1"]);
    assert_eq!(page2["has_next_page"], true);
    assert_eq!(page2["has_previous_page"], true);

    // Cursors walk forwards (older) and back (newer).
    let (_, first) = json(get("first=2".into()).await.unwrap()).await;
    assert_eq!(names(&first), ["A4", "A3"]);
    assert_eq!(first["has_next_page"], true);
    assert_eq!(first["has_previous_page"], false);
    let next = first["next_cursor"].as_str().unwrap().to_owned();
    let (_, second) = json(get(format!("after={next}&first=2")).await.unwrap()).await;
    assert_eq!(names(&second), ["A2", "A1"]);
    assert_eq!(second["has_previous_page"], true);
    assert_eq!(second["has_next_page"], true);
    let next = second["next_cursor"].as_str().unwrap().to_owned();
    let (_, third) = json(get(format!("after={next}&first=2")).await.unwrap()).await;
    assert_eq!(names(&third), ["A0"]);
    assert_eq!(third["has_next_page"], false);
    assert_eq!(third["next_cursor"], Value::Null);
    let previous = third["previous_cursor"].as_str().unwrap().to_owned();
    let (_, back) = json(get(format!("before={previous}&last=2")).await.unwrap()).await;
    assert_eq!(names(&back), ["A2", "A1"]);
    assert_eq!(back["has_previous_page"], true);
    assert_eq!(back["has_next_page"], true);
    let (_, tail) = json(get("last=2".into()).await.unwrap()).await;
    assert_eq!(names(&tail), ["A1", "A0"]);

    for (query, code, field) in [
        ("type=Video", "validation_failed", Some("type")),
        ("state=Done", "validation_failed", Some("state")),
        ("page_size=101", "validation_failed", Some("page_size")),
        ("page=0", "validation_failed", Some("page")),
        ("first=0", "validation_failed", Some("first")),
        ("page_size=ten", "validation_failed", Some("page_size")),
        ("after=not-a-cursor", "validation_failed", Some("after")),
        ("page=2&first=2", "mixed_paging", None),
        ("first=2&last=2", "mixed_paging", None),
    ] {
        let body = problem(get(query.into()).await.unwrap(), 400, code).await;
        if let Some(field) = field {
            assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
        }
    }
}

#[tokio::test]
async fn latest_artifacts_are_a_users_newest_from_projects_the_caller_may_see() {
    let app = TestApp::spawn().await;
    let author = person(&app, "author@acme.test", "AppMember").await;
    let reader = person(&app, "reader@acme.test", "AppMember").await;
    let private = create_project_as(&app, &author.token, json!({"name": "Mine"})).await;
    let private = private["id"].as_str().unwrap().to_owned();
    let open = create_project_as(
        &app,
        &author.token,
        json!({"name": "Ours", "visibility": "Org"}),
    )
    .await;
    let open = open["id"].as_str().unwrap().to_owned();
    for n in 0..12 {
        let project = if n % 3 == 0 { &private } else { &open };
        add_artifact(
            &app,
            &author,
            project,
            json!({"name": format!("L{n:02}"), "type": "Other"}),
        )
        .await;
    }
    // Someone else's artifact is not the author's.
    admin_artifact(&app, &open, "Admin's").await;
    let path = format!("/api/v1/app/user/{}/latest-artifacts", author.id);

    let latest = author.req(&app, Method::GET, &path).ok().await;
    assert!(latest.is_array(), "a bare JSON array: {latest}");
    assert_eq!(
        names(&latest),
        ["L11", "L10", "L09", "L08", "L07", "L06", "L05", "L04", "L03", "L02"],
        "newest first, 10 by default"
    );
    for key in [
        "id",
        "project_id",
        "name",
        "type",
        "source",
        "state",
        "ingest_status",
        "has_content",
        "created_at",
    ] {
        assert!(
            latest[0].get(key).is_some(),
            "seed field {key}: {}",
            latest[0]
        );
    }
    let three = author
        .req(&app, Method::GET, &format!("{path}?limit=3"))
        .ok()
        .await;
    assert_eq!(names(&three), ["L11", "L10", "L09"]);
    let all = author
        .req(&app, Method::GET, &format!("{path}?limit=100"))
        .ok()
        .await;
    assert_eq!(all.as_array().unwrap().len(), 12);

    // The reader sees only what came from the Org project.
    let seen = reader
        .req(&app, Method::GET, &format!("{path}?limit=100"))
        .ok()
        .await;
    assert_eq!(
        names(&seen),
        ["L11", "L10", "L08", "L07", "L05", "L04", "L02", "L01"]
    );
    assert!(seen
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["project_id"] == open.as_str()));
    // An AppAdmin sees them all.
    let admin_seen = app
        .admin(Method::GET, &format!("{path}?limit=100"))
        .ok()
        .await;
    assert_eq!(admin_seen, all);
    // A user with none: an empty array.
    let (status, none) = json(
        author
            .req(
                &app,
                Method::GET,
                &format!("/api/v1/app/user/{}/latest-artifacts", reader.id),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, none), (200, json!([])));

    for query in ["limit=0", "limit=101", "limit=-1", "limit=ten"] {
        let body = author
            .req(&app, Method::GET, &format!("{path}?{query}"))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], "limit", "{query}: {body}");
    }
    for bad in ["user_0000000000000000", "nope"] {
        author
            .req(
                &app,
                Method::GET,
                &format!("/api/v1/app/user/{bad}/latest-artifacts"),
            )
            .problem(404, "user_not_found")
            .await;
    }
    app.anon(Method::GET, &path)
        .problem(401, "unauthorized")
        .await;
}
