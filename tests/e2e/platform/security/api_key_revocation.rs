//! Revoking a workspace API key ends the external access tokens issued through it at
//! once, not an hour later when they expire.

use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, TestApp};
use serde_json::json;

const ME: &str = "/api/v1/external-users/me";

/// A new API key of the workspace: (id, secret).
async fn api_key(app: &TestApp, workspace_id: &str, name: &str) -> (String, String) {
    let key = app
        .admin(
            Method::POST,
            &format!("/api/v1/app/workspaces/{workspace_id}/api-keys"),
        )
        .json(&json!({"name": name}))
        .created()
        .await;
    (
        key["id"].as_str().unwrap().to_owned(),
        key["secret"].as_str().unwrap().to_owned(),
    )
}

async fn access_token(app: &TestApp, secret: &str, channel: &str) -> String {
    let auth = app
        .external(secret, Method::POST, "/api/v1/external-users/authenticate")
        .json(&json!({"channelId": channel, "externalId": "crm-7"}))
        .ok()
        .await;
    auth["accessToken"].as_str().unwrap().to_owned()
}

fn me(app: &TestApp, token: &str) -> RequestBuilder {
    app.anon(Method::GET, ME).bearer_auth(token)
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
        assert_eq!(me(&app, token).ok().await["externalId"], "crm-7");
    }

    app.admin(
        Method::DELETE,
        &format!("/api/v1/app/workspaces/{}/api-keys/{widget_id}", ws.id),
    )
    .no_content()
    .await;

    let body = me(&app, &through_widget).problem(401, "unauthorized").await;
    assert!(
        body["detail"].as_str().unwrap().contains("revoked"),
        "{body}"
    );
    // The same user's token from a key still live works on.
    me(&app, &through_backend).ok().await;
}
