//! A Slack team registered by hand is unconfirmed until a signed request arrives from it;
//! until then the team's owner installing the app by OAuth, in any tenant, takes it over
//! instead of getting a 409.

use reqwest::Method;
use roster_e2e::Expect;
use serde_json::Value;

use crate::slack::{Slack, TEAM};

async fn workspaces(slack: &Slack, token: &str, tenant: &str) -> Vec<Value> {
    let body = slack
        .req(
            token,
            Method::GET,
            &format!("/work-apps/slack/workspaces?tenantId={tenant}"),
        )
        .ok()
        .await;
    body["workspaces"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_owners_install_takes_a_team_over_from_an_unconfirmed_registration() {
    let slack = Slack::start().await;
    // An AppAdmin of acme squats the team id of globex's Slack.
    let squat = slack.register(TEAM, "Not Acme").await;
    assert_eq!(squat["confirmed"], false, "{squat}");
    let acme = slack.app.admin.clone();
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;

    let installed = slack
        .install_by_oauth(&globex.token, "globex", "globex-install", TEAM)
        .await
        .expect(200)
        .json();
    assert_eq!(installed["tenantId"], globex.org_id.as_str());
    assert_eq!(
        (&installed["confirmed"], &installed["hasBotToken"]),
        (&Value::Bool(true), &Value::Bool(true))
    );
    assert!(workspaces(&slack, &acme.token, "acme").await.is_empty());
    let listed = workspaces(&slack, &globex.token, "globex").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["teamId"], TEAM);
    // Now it is globex's: acme cannot register it again.
    slack
        .admin(Method::POST, "/work-apps/slack/workspaces")
        .json(&serde_json::json!({"teamId": TEAM, "teamName": "Again", "tenantId": "acme"}))
        .problem(409, "slack_team_taken")
        .await;
}

#[tokio::test]
async fn a_signed_request_from_the_team_confirms_its_registration() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    slack
        .command(TEAM, "U0ALICE", "alice", "help")
        .status(200)
        .await;
    let listed = workspaces(&slack, &slack.app.admin.token, "acme").await;
    assert_eq!(listed[0]["confirmed"], true, "{listed:?}");

    // A confirmed team stays where it is: another tenant's install is a 409.
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;
    slack
        .install_by_oauth(&globex.token, "globex", "globex-install", TEAM)
        .await
        .problem(409, "slack_team_taken");
    assert_eq!(
        workspaces(&slack, &slack.app.admin.token, "acme")
            .await
            .len(),
        1
    );
}
