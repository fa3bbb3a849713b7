//! A Slack team registered by hand is unconfirmed until a signed request arrives from it;
//! until then the team's owner installing the app by OAuth, in any tenant, takes it over
//! instead of getting a 409.

use reqwest::Method;
use roster_e2e::{json, problem};
use serde_json::Value;

use crate::slack::{Slack, TEAM};

async fn workspaces(slack: &Slack, token: &str, tenant: &str) -> Vec<Value> {
    let (status, body) = json(
        slack
            .req(
                token,
                Method::GET,
                &format!("/work-apps/slack/workspaces?tenantId={tenant}"),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
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

    let res = slack
        .install_by_oauth(&globex.token, "globex", "globex-install", TEAM)
        .await;
    let (status, installed) = json(res).await;
    assert_eq!(status, 200, "{installed}");
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
    let res = slack
        .admin(Method::POST, "/work-apps/slack/workspaces")
        .json(&serde_json::json!({"teamId": TEAM, "teamName": "Again", "tenantId": "acme"}))
        .send()
        .await
        .unwrap();
    problem(res, 409, "slack_team_taken").await;
}

#[tokio::test]
async fn a_signed_request_from_the_team_confirms_its_registration() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let res = slack.command(TEAM, "U0ALICE", "alice", "help").await;
    assert_eq!(res.status(), 200);
    let listed = workspaces(&slack, &slack.app.admin.token, "acme").await;
    assert_eq!(listed[0]["confirmed"], true, "{listed:?}");

    // A confirmed team stays where it is: another tenant's install is a 409.
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;
    let res = slack
        .install_by_oauth(&globex.token, "globex", "globex-install", TEAM)
        .await;
    problem(res, 409, "slack_team_taken").await;
    assert_eq!(
        workspaces(&slack, &slack.app.admin.token, "acme")
            .await
            .len(),
        1
    );
}
