//! The caller's integrations (`/api/v1/app/user/integrations`).

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use crate::app::fixtures::person;

const PATH: &str = "/api/v1/app/user/integrations";

#[tokio::test]
async fn integrations_are_listed_created_and_deleted_by_their_user() {
    let app = TestApp::spawn().await;
    let list = app.admin(Method::GET, PATH).ok().await;
    assert_eq!(list, json!([]), "a bare empty array");

    let (location, conf) = app
        .admin(Method::POST, PATH)
        .json(&json!({"type": "Confluence"}))
        .created_at()
        .await;
    let id = conf["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("conf_") && id.len() == 21, "{id}");
    assert_eq!(location, format!("{PATH}/{id}"));
    assert_eq!(conf["user_id"], app.admin.user_id.as_str());
    assert_eq!(conf["org_id"], app.admin.org_id.as_str());
    assert_eq!(conf["type"], "Confluence");
    assert!(conf["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(conf["updated_at"], conf["created_at"]);

    let jira = app
        .admin(Method::POST, PATH)
        .json(&json!({"type": "Jira"}))
        .created()
        .await;
    let list = app.admin(Method::GET, PATH).ok().await;
    assert_eq!(list, json!([conf, jira]), "oldest first");

    app.admin(Method::DELETE, &format!("{PATH}/{id}"))
        .no_content()
        .await;
    let list = app.admin(Method::GET, PATH).ok().await;
    assert_eq!(list, json!([jira]));
    app.admin(Method::DELETE, &format!("{PATH}/{id}"))
        .problem(404, "integration_not_found")
        .await;
    // Deleted, it may be connected again.
    let again = app
        .admin(Method::POST, PATH)
        .json(&json!({"type": "Confluence"}))
        .created()
        .await;
    assert_ne!(again["id"], id.as_str());
}

#[tokio::test]
async fn the_same_type_twice_is_409() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    for who in [&app.admin.token, &sasha.token] {
        app.as_user(who, "acme", Method::POST, PATH)
            .json(&json!({"type": "GitHub"}))
            .status(201)
            .await;
    }
    let body = sasha
        .req(&app, Method::POST, PATH)
        .json(&json!({"type": "GitHub"}))
        .problem(409, "integration_exists")
        .await;
    assert_eq!(body["errors"][0]["field"], "type", "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("GitHub"),
        "{body}"
    );
    let list = sasha.req(&app, Method::GET, PATH).ok().await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
}

#[tokio::test]
async fn every_type_is_accepted_and_unknown_ones_are_400() {
    let app = TestApp::spawn().await;
    for kind in ["Confluence", "Jira", "GoogleDrive", "Notion", "GitHub"] {
        let body = app
            .admin(Method::POST, PATH)
            .json(&json!({"type": kind}))
            .created()
            .await;
        assert_eq!(body["type"], kind);
    }
    let post = |body: &'static str| {
        app.admin(Method::POST, PATH)
            .header("content-type", "application/json")
            .body(body)
    };
    let body = post(r#"{"type": "Dropbox"}"#)
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "type");
    let message = body["errors"][0]["message"].as_str().unwrap();
    for allowed in [
        "Confluence",
        "Jira",
        "GoogleDrive",
        "Notion",
        "GitHub",
        "Slack",
    ] {
        assert!(message.contains(allowed), "{message}");
    }
    assert!(message.contains("Dropbox"), "{message}");
    let body = post(r#"{"type": "confluence"}"#)
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "type", "names are exact");
    // A wrong type for an enum is about the field, not a JSON syntax error.
    let body = post(r#"{"type": 3}"#)
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "type");
    assert!(
        body["detail"].as_str().unwrap().contains("Confluence"),
        "{body}"
    );
    let body = post("{}").problem(400, "validation_failed").await;
    assert!(body["detail"].as_str().unwrap().contains("type"), "{body}");
    post(r#"{"type": "#).problem(400, "invalid_json").await;
    app.admin(Method::POST, PATH)
        .header("content-type", "text/plain")
        .body(r#"{"type": "Jira"}"#)
        .problem(415, "unsupported_media_type")
        .await;
    let list = app.admin(Method::GET, PATH).ok().await;
    assert_eq!(
        list.as_array().unwrap().len(),
        5,
        "every type but Slack, made by hand"
    );
}

#[tokio::test]
async fn someone_elses_integration_is_404_and_stays() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let theirs = sasha
        .req(&app, Method::POST, PATH)
        .json(&json!({"type": "Notion"}))
        .created()
        .await;
    let id = theirs["id"].as_str().unwrap();
    // Not even an AppAdmin deletes another user's integration through this route.
    app.admin(Method::DELETE, &format!("{PATH}/{id}"))
        .problem(404, "integration_not_found")
        .await;
    let list = app.admin(Method::GET, PATH).ok().await;
    assert_eq!(list, json!([]), "the admin's own list");
    let list = sasha.req(&app, Method::GET, PATH).ok().await;
    assert_eq!(list, json!([theirs]));

    // Another org's integration, and malformed ids.
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    let foreign = app
        .as_user(&globex.token, "globex", Method::POST, PATH)
        .json(&json!({"type": "Jira"}))
        .created()
        .await;
    assert_eq!(foreign["org_id"], globex.org_id.as_str());
    for bad in [
        foreign["id"].as_str().unwrap(),
        "conf_0000000000000000",
        "conf_nope",
        "user_4b7c2a1d9e5f3c8b",
    ] {
        app.admin(Method::DELETE, &format!("{PATH}/{bad}"))
            .problem(404, "integration_not_found")
            .await;
    }
    let list = app
        .as_user(&globex.token, "globex", Method::GET, PATH)
        .ok()
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
}

#[tokio::test]
async fn integrations_route_is_not_taken_for_a_user_id_and_needs_a_caller() {
    let app = TestApp::spawn().await;
    let list = app.admin(Method::GET, PATH).ok().await;
    assert!(list.is_array(), "not a user lookup: {list}");
    app.admin(Method::PUT, PATH)
        .problem(405, "method_not_allowed")
        .await;
    app.admin(Method::GET, &format!("{PATH}/conf_0000000000000000"))
        .problem(405, "method_not_allowed")
        .await;
    app.anon(Method::GET, PATH)
        .problem(401, "unauthorized")
        .await;
    app.anon(Method::POST, PATH)
        .json(&json!({"type": "Jira"}))
        .problem(401, "unauthorized")
        .await;
    app.anon(Method::DELETE, &format!("{PATH}/conf_0000000000000000"))
        .problem(401, "unauthorized")
        .await;
}

#[tokio::test]
async fn slack_integrations_follow_slack_links_and_are_not_made_or_removed_by_hand() {
    let app = TestApp::spawn().await;
    app.admin(Method::POST, PATH)
        .json(&json!({"type": "Slack"}))
        .problem(400, "managed_integration")
        .await;
    // One kept in step by a Slack link cannot be deleted through the App API either.
    let mut conn = app.pool.get().await.unwrap();
    let org = roster_identity::OrgId::parse(&app.admin.org_id).unwrap();
    let user = roster_identity::UserId::parse(&app.admin.user_id).unwrap();
    let linked = roster_identity::integrations::ensure(
        &mut conn,
        &org,
        &user,
        roster_identity::integrations::IntegrationType::Slack,
    )
    .await
    .unwrap();
    app.admin(Method::DELETE, &format!("{PATH}/{}", linked.id))
        .problem(409, "managed_integration")
        .await;
    let list = app.admin(Method::GET, PATH).ok().await;
    assert_eq!(list[0]["type"], "Slack", "{list}");
}
