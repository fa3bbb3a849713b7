//! A signed Slack request is answered once: sent again within its 5-minute window, by
//! whoever captured it, it is refused as a bad signature is, on every replica.

use reqwest::Method;
use roster_e2e::Expect;

use crate::slack::{command_body, now, sign, Slack, TEAM};

#[tokio::test]
async fn a_replayed_slash_command_is_refused_on_every_replica() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let timestamp = now().to_string();
    let body = command_body(TEAM, "U0ALICE", "alice", "link");
    slack.signed_command(&timestamp, &body).status(200).await;

    let again = slack
        .signed_command(&timestamp, &body)
        .problem(401, "unauthorized")
        .await;
    assert!(
        again["detail"].as_str().unwrap().contains("replay"),
        "{again}"
    );
    // The same signature spelled in upper case is the same request.
    let signature = sign(&timestamp, &body);
    let upper = format!("v0={}", signature[3..].to_uppercase());
    let replica = slack.app.replica();
    slack
        .app
        .client
        .request(Method::POST, replica.url("/work-apps/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", &timestamp)
        .header("x-slack-signature", upper)
        .body(body.clone())
        .problem(401, "unauthorized")
        .await;

    // A new request from the same user, a second later or with other text, is answered.
    let other = command_body(TEAM, "U0ALICE", "alice", "status");
    slack.signed_command(&timestamp, &other).status(200).await;
}

#[derive(diesel::QueryableByName)]
struct Kept {
    #[diesel(sql_type = diesel::sql_types::Text)]
    state: String,
}

#[tokio::test]
async fn received_signatures_are_kept_only_while_their_window_lasts() {
    use diesel_async::RunQueryDsl;
    let slack = Slack::start().await;
    let mut conn = slack.app.pool.get().await.unwrap();
    diesel::sql_query(
        "INSERT INTO slack_request_signatures (signature_hash, expires_at) VALUES \
         ('\\x01', now() - interval '2 hours'), ('\\x02', now() + interval '4 minutes')",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    slack
        .command(TEAM, "U0ALICE", "alice", "help")
        .status(200)
        .await;
    let mut kept: Vec<String> = diesel::sql_query(
        "SELECT CASE WHEN expires_at < now() THEN 'expired' ELSE 'live' END AS state \
         FROM slack_request_signatures",
    )
    .load::<Kept>(&mut conn)
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.state)
    .collect();
    kept.sort();
    // The live one and the command's own; the expired one is gone.
    assert_eq!(kept, ["live", "live"]);
}
