//! `/api/v1/app/webhooks`: endpoints created, listed, changed and deleted, their secrets,
//! and bad input.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{all_events, types};

pub(crate) async fn create_endpoint(app: &TestApp, body: Value) -> Value {
    let (location, created) = app
        .admin(Method::POST, "/api/v1/app/webhooks")
        .json(&body)
        .created_at()
        .await;
    assert_eq!(
        location,
        format!("/api/v1/app/webhooks/{}", created["id"].as_str().unwrap())
    );
    created
}

#[tokio::test]
async fn endpoints_are_created_listed_changed_and_deleted_and_lists_never_show_secrets() {
    let app = TestApp::spawn().await;
    let created = create_endpoint(
        &app,
        json!({"url": "https://hooks.example.com/roster", "events": ["user.created", "user.*"], "description": "CRM"}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(roster_core::id::is_well_formed("whep", &id), "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{created}");
    assert_eq!(created["events"], json!(["user.*", "user.created"]));
    assert_eq!(created["enabled"], true);
    let everything = create_endpoint(&app, json!({"url": "https://all.example.com/"})).await;
    assert!(everything["events"].is_null() && everything["description"].is_null());

    let list = app.admin(Method::GET, "/api/v1/app/webhooks").ok().await;
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    assert!(!list.to_string().contains("whsec_"), "{list}");
    let path = format!("/api/v1/app/webhooks/{id}");
    let got = app.admin(Method::GET, &path).ok().await;
    assert!(
        got.get("secret").is_none() && got["description"] == "CRM",
        "{got}"
    );
    let shown = app.admin(Method::GET, &format!("{path}/secret")).ok().await;
    assert_eq!(shown["secret"], secret.as_str());

    let changed = app
        .admin(Method::PATCH, &path)
        .json(&json!({"events": null, "description": null, "enabled": false}))
        .ok()
        .await;
    assert!(changed["events"].is_null() && changed["description"].is_null());
    assert_eq!(changed["enabled"], false);
    app.admin(Method::PATCH, &path)
        .json(&json!({}))
        .problem(400, "empty_update")
        .await;

    app.admin(Method::DELETE, &path).no_content().await;
    app.admin(Method::GET, &path)
        .problem(404, "webhook_not_found")
        .await;

    let events = all_events(&app, "type=webhook.*").await;
    assert_eq!(
        types(&json!({"data": events})),
        [
            "webhook.deleted",
            "webhook.updated",
            "webhook.created",
            "webhook.created"
        ]
    );
    assert_eq!(events[0]["data"], json!({"id": id}));
    assert!(!json!(events).to_string().contains("whsec_"));
}

#[tokio::test]
async fn bad_endpoints_are_400_naming_the_field() {
    let app = TestApp::spawn().await;
    for (body, field) in [
        (json!({"url": "not a url"}), "url"),
        (json!({"url": "ftp://hooks.example.com/"}), "url"),
        (json!({"url": "https://u:p@hooks.example.com/"}), "url"),
        (
            json!({"url": "https://hooks.example.com/", "events": ["user.exploded"]}),
            "events[0]",
        ),
        (
            json!({"url": "https://hooks.example.com/", "events": ["user.created", "nope.*"]}),
            "events[1]",
        ),
        (
            json!({"url": "https://hooks.example.com/", "events": []}),
            "events",
        ),
        (
            json!({"url": "https://hooks.example.com/", "description": "x".repeat(501)}),
            "description",
        ),
    ] {
        let problem = app
            .admin(Method::POST, "/api/v1/app/webhooks")
            .json(&body)
            .problem(400, "validation_failed")
            .await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    create_endpoint(
        &app,
        json!({"url": "https://hooks.example.com/", "description": "x".repeat(500)}),
    )
    .await;

    // Without ROSTER_WEBHOOK_ALLOW_PRIVATE: https only, and never a private address.
    let strict = TestApp::spawn_with(|c| c.webhooks.allow_private = false).await;
    for url in [
        "http://hooks.example.com/",
        "https://127.0.0.1/hook",
        "https://[::1]/",
        "https://10.1.2.3/",
        "https://localhost/",
    ] {
        let problem = strict
            .admin(Method::POST, "/api/v1/app/webhooks")
            .json(&json!({"url": url}))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(problem["errors"][0]["field"], "url", "{url}: {problem}");
    }

    // Only AppAdmins, and only their own org's endpoints and deliveries.
    let (_, token) = app.user_with_token("mo@acme.test", "AppMember").await;
    app.as_user(&token, "acme", Method::GET, "/api/v1/app/webhooks")
        .problem(403, "admin_required")
        .await;
    let other = app.bootstrap("globex", "boss@globex.test").await;
    let theirs = app
        .as_user(&other.token, "globex", Method::POST, "/api/v1/app/webhooks")
        .json(&json!({"url": "https://hooks.globex.example/"}))
        .created()
        .await;
    let theirs = theirs["id"].as_str().unwrap();
    for (method, path) in [
        (Method::GET, format!("/api/v1/app/webhooks/{theirs}")),
        (Method::GET, format!("/api/v1/app/webhooks/{theirs}/secret")),
        (
            Method::POST,
            format!("/api/v1/app/webhooks/{theirs}/rotate-secret"),
        ),
        (Method::POST, format!("/api/v1/app/webhooks/{theirs}/test")),
        (
            Method::GET,
            format!("/api/v1/app/webhooks/{theirs}/deliveries"),
        ),
        (Method::DELETE, format!("/api/v1/app/webhooks/{theirs}")),
        (Method::GET, "/api/v1/app/webhooks/whep_nope".to_owned()),
    ] {
        app.admin(method, &path)
            .problem(404, "webhook_not_found")
            .await;
    }
}
