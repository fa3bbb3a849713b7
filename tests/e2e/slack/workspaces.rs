//! Slack workspaces registered by hand: listed and uninstalled per tenant, and a
//! workspace's linked users, across tenants.

use reqwest::Method;
use roster_e2e::Expect;
use serde_json::{json, Value};

use super::{Slack, TEAM};

#[tokio::test]
async fn workspaces_are_registered_listed_and_uninstalled_per_tenant() {
    let slack = Slack::start().await;
    let body = slack.register(TEAM, "Acme").await;
    assert_eq!(body["teamId"], TEAM);
    assert_eq!(body["teamName"], "Acme");
    assert_eq!(body["tenantId"], slack.app.admin.org_id.as_str());
    assert_eq!(body["hasBotToken"], false);
    assert!(
        body["botUserId"].is_null() && body["enterpriseId"].is_null(),
        "{body}"
    );
    assert!(body["installedAt"].as_str().unwrap().ends_with('Z'));

    let register = |bearer: &str, body: Value| {
        slack
            .req(bearer, Method::POST, "/work-apps/slack/workspaces")
            .json(&body)
    };
    let admin = slack.app.admin.token.clone();
    let p = register(
        &admin,
        json!({"teamId": TEAM, "teamName": "Again", "tenantId": "acme"}),
    )
    .problem(409, "slack_team_taken")
    .await;
    assert_eq!(
        p["detail"],
        "this Slack workspace is already connected to a tenant"
    );
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;
    register(
        &globex.token,
        json!({"teamId": TEAM, "teamName": "Mine", "tenantId": "globex"}),
    )
    .problem(409, "slack_team_taken")
    .await;
    let (_, member) = slack
        .app
        .user_with_token("member@acme.test", "AppMember")
        .await;
    register(
        &member,
        json!({"teamId": "T0OTHER", "teamName": "Other", "tenantId": "acme"}),
    )
    .problem(403, "admin_required")
    .await;
    register(
        &globex.token,
        json!({"teamId": "T0OTHER", "teamName": "Other", "tenantId": "acme"}),
    )
    .problem(403, "not_a_member")
    .await;
    let p = register(
        &admin,
        json!({"teamId": "t0lower", "teamName": " ", "tenantId": "acme", "enterpriseId": "X"}),
    )
    .problem(400, "validation_failed")
    .await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["teamId", "teamName", "enterpriseId"], "{p}");
    let body = slack.register("T0GRID", "Grid").await;
    assert_eq!(body["teamId"], "T0GRID");

    let list = slack
        .req(
            &member,
            Method::GET,
            "/work-apps/slack/workspaces?tenantId=acme",
        )
        .ok()
        .await;
    let teams: Vec<&str> = list["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["teamId"].as_str().unwrap())
        .collect();
    assert_eq!(teams, [TEAM, "T0GRID"]);
    let list = slack
        .req(
            &globex.token,
            Method::GET,
            "/work-apps/slack/workspaces?tenantId=globex",
        )
        .ok()
        .await;
    assert_eq!(list, json!({"workspaces": []}));

    // Uninstalling takes the links (and the Slack integration) with it.
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    slack
        .link(&alice_token, alice["id"].as_str().unwrap(), TEAM, "U0ALICE")
        .await;
    let path = format!("/work-apps/slack/workspaces/{TEAM}");
    slack
        .req(
            &globex.token,
            Method::DELETE,
            &format!("{path}?tenantId=globex"),
        )
        .problem(404, "slack_workspace_not_found")
        .await;
    slack
        .req(&member, Method::DELETE, &format!("{path}?tenantId=acme"))
        .problem(403, "admin_required")
        .await;
    slack
        .admin(
            Method::DELETE,
            "/work-apps/slack/workspaces/nope?tenantId=acme",
        )
        .problem(404, "slack_workspace_not_found")
        .await;
    slack
        .admin(Method::DELETE, &format!("{path}?tenantId=acme"))
        .no_content()
        .await;
    assert!(slack.integration_types(&alice_token).await.is_empty());
    slack
        .admin(Method::DELETE, &format!("{path}?tenantId=acme"))
        .problem(404, "slack_workspace_not_found")
        .await;
    slack
        .admin(Method::PUT, &format!("{path}?tenantId=acme"))
        .problem(405, "method_not_allowed")
        .await;

    // The team is free again: another tenant may take it.
    let body = register(
        &globex.token,
        json!({"teamId": TEAM, "teamName": "Now Globex's", "tenantId": "globex"}),
    )
    .created()
    .await;
    assert_eq!(body["tenantId"], json!(globex.org_id));
    let body = slack.command(TEAM, "U0ALICE", "alice", "status").ok().await;
    assert!(
        body["text"].as_str().unwrap().contains("not linked"),
        "{body}"
    );
}

#[tokio::test]
async fn a_workspaces_users_are_for_its_own_tenant() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    slack
        .link(&alice_token, alice["id"].as_str().unwrap(), TEAM, "U0ALICE")
        .await;

    let users = |bearer: &str, team: &str| {
        slack.req(
            bearer,
            Method::GET,
            &format!("/work-apps/slack/workspaces/{team}/users"),
        )
    };
    let body = users(&alice_token, TEAM).ok().await;
    assert_eq!(body["linkedUsers"].as_array().unwrap().len(), 1);
    assert_eq!(body["linkedUsers"][0]["userId"], alice["id"]);

    users(&alice_token, "T0UNKNOWN")
        .problem(404, "slack_workspace_not_found")
        .await;
    let p = users(&alice_token, "acme")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(p["errors"][0]["field"], "teamId", "{p}");
    assert!(
        p["detail"].as_str().unwrap().contains("^T[A-Z0-9]+$"),
        "{p}"
    );
    users(&alice_token, "T0acme")
        .problem(400, "validation_failed")
        .await;

    // Another tenant's admin cannot tell it from an unknown workspace.
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;
    let p = users(&globex.token, TEAM)
        .problem(404, "slack_workspace_not_found")
        .await;
    assert_eq!(p["detail"], "slack_workspace not found");
    slack
        .app
        .anon(
            Method::GET,
            &format!("/work-apps/slack/workspaces/{TEAM}/users"),
        )
        .problem(401, "unauthorized")
        .await;
}
