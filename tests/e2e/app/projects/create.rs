//! Projects: create, with defaults or every field, and what it refuses.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use crate::app::fixtures::{create_project_as, person};

#[tokio::test]
async fn create_project_applies_defaults_and_makes_the_creator_its_owner() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let (location, p) = sasha
        .req(&app, Method::POST, "/api/v1/app/project")
        .json(&json!({"name": "  Customer Insights  "}))
        .created_at()
        .await;
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
    };
    post("{\"name\": ").problem(400, "invalid_json").await;
    post("[]").problem(400, "validation_failed").await;

    let body = post("{\"name\": 5}")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "name", "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("invalid type"),
        "{body}"
    );

    let body = post("{}").problem(400, "validation_failed").await;
    assert!(body["detail"].as_str().unwrap().contains("name"), "{body}");

    let body = post("{\"name\": \"P\", \"visibility\": \"Public\"}")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "visibility", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("Public") && message.contains("Private") && message.contains("Org"),
        "names the value and the allowed ones: {message}"
    );

    let body = post("{\"name\": \"P\", \"default_member_role\": \"Admin\"}")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "default_member_role");
    let message = body["errors"][0]["message"].as_str().unwrap();
    for allowed in ["Owner", "Editor", "Viewer"] {
        assert!(message.contains(allowed), "{message}");
    }

    for wrong in ["3", "true", "[\"Org\"]", "{}"] {
        let body = post(&format!("{{\"name\": \"P\", \"visibility\": {wrong}}}"))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], "visibility", "{wrong}: {body}");
    }

    let body = post("{\"name\": \"P\", \"deadline\": 1767225600}")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "deadline", "{body}");

    let body = post("{\"name\": \"P\", \"default_role_enabled\": \"yes\"}")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "default_role_enabled");

    let body = post("{\"name\": \"P\", \"colour\": \"red\"}")
        .problem(400, "validation_failed")
        .await;
    assert!(
        body["detail"].as_str().unwrap().contains("colour"),
        "{body}"
    );

    // Every field error at once.
    let body = post(&format!(
        "{{\"name\": \"  \", \"deadline\": \"next friday\", \"goal\": \"{}\"}}",
        "g".repeat(2001)
    ))
    .problem(400, "validation_failed")
    .await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "goal", "deadline"], "{body}");

    let body = post(&format!("{{\"name\": \"{}\"}}", "n".repeat(201)))
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "name");

    // Nothing was created by any of these.
    let list = app.admin(Method::GET, "/api/v1/app/project").ok().await;
    assert_eq!(list["total_count"], 0, "{list}");
}

#[tokio::test]
async fn project_routes_need_a_credential_and_an_org() {
    let app = TestApp::spawn().await;
    let reply = app.anon(Method::GET, "/api/v1/app/project").reply().await;
    reply.problem(401, "unauthorized");
    assert!(reply.header("www-authenticate").is_some(), "{reply}");
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
