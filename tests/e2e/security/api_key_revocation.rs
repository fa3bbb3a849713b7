//! Revoking a workspace API key ends the external access tokens issued through it at
//! once, not an hour later when they expire.

use reqwest::Method;
use roster_e2e::{json, problem, TestApp};
use serde_json::{json, Value};

const ME: &str = "/api/v1/external-users/me";

/// A new API key of the workspace: (id, secret).
async fn api_key(app: &TestApp, workspace_id: &str, name: &str) -> (String, String) {
    let (status, key) = json(
        app.admin(
            Method::POST,
            &format!("/api/v1/app/workspaces/{workspace_id}/api-keys"),
        )
        .json(&json!({"name": name}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{key}");
    (
        key["id"].as_str().unwrap().to_owned(),
        key["secret"].as_str().unwrap().to_owned(),
    )
}

async fn access_token(app: &TestApp, secret: &str, channel: &str) -> String {
    let (status, auth) = json(
        app.external(secret, Method::POST, "/api/v1/external-users/authenticate")
            .json(&json!({"channelId": channel, "externalId": "crm-7"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{auth}");
    auth["accessToken"].as_str().unwrap().to_owned()
}

async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    app.anon(Method::GET, ME)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn revoking_an_api_key_ends_the_access_tokens_it_issued() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let channel = app.channel(&ws.api_key, "Website").await;
    let (widget_id, widget) = api_key(&app, &ws.id, "widget").await;
    let (_, backend) = api_key(&app, &ws.id, "backend").await;
    let through_widget = access_token(&app, &widget, &channel).await;
    let through_backend = access_token(&app, &backend, &channel).await;
    for token in [&through_widget, &through_backend] {
        let (status, user) = json(me(&app, token).await).await;
        assert_eq!((status, &user["externalId"]), (200, &Value::from("crm-7")));
    }

    let res = app
        .admin(
            Method::DELETE,
            &format!("/api/v1/app/workspaces/{}/api-keys/{widget_id}", ws.id),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);

    let body = problem(me(&app, &through_widget).await, 401, "unauthorized").await;
    assert!(
        body["detail"].as_str().unwrap().contains("revoked"),
        "{body}"
    );
    // The same user's token from a key still live works on.
    let (status, _) = json(me(&app, &through_backend).await).await;
    assert_eq!(status, 200);
}
