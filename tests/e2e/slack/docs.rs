//! The OpenAPI document describes the Slack family with the seed's field names, and the
//! link-token lifetime setting is honoured.

use reqwest::Method;
use roster_e2e::{Expect, TestApp, TEST_SECRET};
use roster_gateway::config::Secret;
use serde_json::Value;

use super::{now, Slack, SIGNING_SECRET, TEAM};

#[tokio::test]
async fn openapi_documents_the_slack_family() {
    let app = TestApp::spawn().await;
    let doc = app.anon(Method::GET, "/openapi.json").ok().await;
    let routes = [
        (
            "/work-apps/slack/users/link/verify-token",
            "post",
            &["200", "400", "401", "403", "404", "409", "503"][..],
        ),
        (
            "/work-apps/slack/users/link-status",
            "get",
            &["200", "400", "401", "403"][..],
        ),
        (
            "/work-apps/slack/users/status",
            "get",
            &["200", "400", "401", "403", "404"][..],
        ),
        (
            "/work-apps/slack/users/disconnect",
            "post",
            &["200", "400", "401", "403", "404"][..],
        ),
        (
            "/work-apps/slack/users/connect",
            "post",
            &["200", "401", "403", "503"][..],
        ),
        (
            "/work-apps/slack/workspaces",
            "post",
            &["201", "401", "403", "409"][..],
        ),
        (
            "/work-apps/slack/workspaces",
            "get",
            &["200", "401", "403"][..],
        ),
        (
            "/work-apps/slack/workspaces/{teamId}",
            "delete",
            &["204", "403", "404"][..],
        ),
        (
            "/work-apps/slack/workspaces/{teamId}/users",
            "get",
            &["200", "400", "404"][..],
        ),
        (
            "/work-apps/slack/commands",
            "post",
            &["200", "400", "401", "503"][..],
        ),
        (
            "/work-apps/slack/install",
            "get",
            &["302", "401", "403", "503"][..],
        ),
        (
            "/work-apps/slack/oauth_redirect",
            "get",
            &["200", "400", "409", "503"][..],
        ),
        (
            "/work-apps/slack/connect",
            "get",
            &["302", "400", "503"][..],
        ),
        (
            "/work-apps/slack/connect/callback",
            "get",
            &["200", "400", "404", "409", "503"][..],
        ),
    ];
    for (path, method, statuses) in routes {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert_eq!(op["tags"][0], "slack", "{method} {path}");
        for status in statuses {
            assert!(
                op["responses"][status].is_object(),
                "{method} {path} lacks {status}: {}",
                op["responses"]
            );
        }
    }
    let schemas = &doc["components"]["schemas"];
    let props = |name: &str| -> Vec<String> {
        let p: &Value = &schemas[name]["properties"];
        let mut keys: Vec<String> = p
            .as_object()
            .unwrap_or_else(|| panic!("no schema {name}"))
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(
        props("LinkedUser"),
        [
            "id",
            "lastUsedAt",
            "linkedAt",
            "slackEmail",
            "slackTeamId",
            "slackUserId",
            "slackUsername",
            "userId"
        ]
    );
    assert_eq!(props("ConnectResponse"), ["connectUrl", "sessionToken"]);
    assert_eq!(
        props("Connection"),
        [
            "appUserEmail",
            "appUserId",
            "connectionId",
            "linkedAt",
            "slackDisplayName",
            "slackTeamId",
            "slackUserId",
            "tenantId"
        ]
    );
    assert_eq!(props("ConnectionStatus"), ["connected", "connection"]);
    assert!(
        props("VerifyTokenResponse").starts_with(&["linkId".to_owned(), "slackTeamId".to_owned()])
    );
    assert_eq!(
        props("VerifyTokenRequest"),
        ["takeOver", "token", "userEmail", "userId"]
    );
    assert_eq!(
        props("LinkStatus"),
        ["linkId", "linked", "linkedAt", "slackUsername", "userId"]
    );
    assert_eq!(
        props("DisconnectRequest"),
        ["slackTeamId", "slackUserId", "tenantId", "userId"]
    );
    assert_eq!(
        props("ConnectRequest"),
        ["tenantId", "userEmail", "userId", "userName"]
    );
}

#[tokio::test]
async fn the_link_token_lifetime_is_configurable() {
    let fake = super::FakeSlack::start();
    let app = TestApp::spawn_with(|config| {
        config.slack.signing_secret = Some(Secret(SIGNING_SECRET.as_bytes().to_vec()));
        config.slack.link_token_ttl_secs = 120;
        config.slack.api_base_url = fake.api_base_url();
    })
    .await;
    let slack = Slack {
        app,
        fake,
        browser: super::browser(),
    };
    slack.register(TEAM, "Acme").await;
    let body = slack.command(TEAM, "U0ALICE", "alice", "link").ok().await;
    assert!(
        body["blocks"][2]["elements"][0]["text"]
            .as_str()
            .unwrap()
            .contains("expires in 2 minutes"),
        "{body}"
    );
    let token = slack.link_token(TEAM, "U0ALICE", "alice").await;
    let claims: Value = roster_core::jwt::verify(
        &token,
        &roster_slack::link_token::key(TEST_SECRET),
        now(),
        0,
    )
    .unwrap();
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        120
    );
}
