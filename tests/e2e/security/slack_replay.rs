//! A signed Slack request is answered once: sent again within its 5-minute window, by
//! whoever captured it, it is refused as a bad signature is, on every replica.

use reqwest::Method;
use roster_e2e::problem;

use crate::slack::{command_body, now, sign, Slack, TEAM};

#[tokio::test]
async fn a_replayed_slash_command_is_refused_on_every_replica() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let timestamp = now().to_string();
    let body = command_body(TEAM, "U0ALICE", "alice", "link");
    let res = slack.signed_command(&timestamp, &body).await;
    assert_eq!(res.status(), 200);

    let again = problem(
        slack.signed_command(&timestamp, &body).await,
        401,
        "unauthorized",
    )
    .await;
    assert!(
        again["detail"].as_str().unwrap().contains("replay"),
        "{again}"
    );
    // The same signature spelled in upper case is the same request.
    let signature = sign(&timestamp, &body);
    let upper = format!("v0={}", signature[3..].to_uppercase());
    let replica = slack.app.replica();
    let res = slack
        .app
        .client
        .request(Method::POST, replica.url("/work-apps/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", &timestamp)
        .header("x-slack-signature", upper)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;

    // A new request from the same user, a second later or with other text, is answered.
    let other = command_body(TEAM, "U0ALICE", "alice", "status");
    assert_eq!(slack.signed_command(&timestamp, &other).await.status(), 200);
}
