//! Redeeming link tokens at `users/link/verify-token`: single use, tenant membership,
//! expiry, idempotent relinking, the 409 and its take-over, and concurrent redemption.

use reqwest::Method;
use roster_e2e::{Expect, TEST_SECRET};
use roster_identity::OrgId;
use roster_slack::link_token::{self, LinkSubject};
use roster_slack::{SlackUserId, TeamId};
use serde_json::json;

use super::{now, Slack, TEAM};

#[tokio::test]
async fn verify_token_links_the_slack_user_and_shows_the_slack_integration() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let alice_id = alice["id"].as_str().unwrap();
    assert!(slack.integration_types(&alice_token).await.is_empty());

    let token = slack.link_token(TEAM, "U0ALICE", "alice").await;
    let body = slack
        .verify(&alice_token, &token, alice_id, false)
        .ok()
        .await;
    assert_eq!(body["success"], true);
    assert!(
        roster_slack::SlackLinkId::parse(body["linkId"].as_str().unwrap()).is_some(),
        "{body}"
    );
    assert_eq!(body["tenantId"], slack.app.admin.org_id.as_str());
    assert_eq!(body["slackTeamId"], "T0ACME");
    assert_eq!(body["slackUserId"], "U0ALICE");
    assert_eq!(body["slackUsername"], "alice");

    assert_eq!(slack.integration_types(&alice_token).await, ["Slack"]);
    let linked = slack.linked_users(TEAM).await;
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0]["id"], body["linkId"]);
    assert_eq!(linked[0]["userId"], alice_id);
    assert_eq!(linked[0]["slackUserId"], "U0ALICE");
    assert_eq!(linked[0]["slackUsername"], "alice");
    assert_eq!(linked[0]["slackTeamId"], "T0ACME");
    assert!(
        linked[0]["slackEmail"].is_null() && linked[0]["lastUsedAt"].is_null(),
        "{linked:?}"
    );
    assert!(linked[0]["linkedAt"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn the_same_person_linking_again_gets_the_same_link_id() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let alice_id = alice["id"].as_str().unwrap();
    let first = slack.link(&alice_token, alice_id, TEAM, "U0ALICE").await;
    let again = slack.link(&alice_token, alice_id, TEAM, "U0ALICE").await;
    assert_eq!(again["linkId"], first["linkId"]);
    assert_eq!(again["success"], true);
    assert_eq!(slack.linked_users(TEAM).await.len(), 1);
    assert_eq!(slack.integration_types(&alice_token).await, ["Slack"]);
}

#[tokio::test]
async fn a_replayed_token_is_400_already_used() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let (bob, bob_token) = slack
        .app
        .user_with_token("bob@acme.test", "AppMember")
        .await;
    let token = slack.link_token(TEAM, "U0ALICE", "alice").await;
    slack
        .verify(&alice_token, &token, alice["id"].as_str().unwrap(), false)
        .ok()
        .await;

    let p = slack
        .verify(&alice_token, &token, alice["id"].as_str().unwrap(), false)
        .problem(400, "link_token_used")
        .await;
    assert!(
        p["detail"].as_str().unwrap().contains("already used"),
        "{p}"
    );
    // Nor can someone else who got hold of it take the link over with it.
    let p = slack
        .verify(&bob_token, &token, bob["id"].as_str().unwrap(), true)
        .problem(400, "link_token_used")
        .await;
    assert!(p["error"].as_str().unwrap().contains("already used"), "{p}");
    assert_eq!(slack.linked_users(TEAM).await[0]["userId"], alice["id"]);
}

#[tokio::test]
async fn an_expired_or_foreign_token_is_400() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let alice_id = alice["id"].as_str().unwrap();
    let subject = LinkSubject {
        org_id: OrgId::parse(&slack.app.admin.org_id).unwrap(),
        team_id: TeamId::parse(TEAM).unwrap(),
        slack_user_id: SlackUserId::parse("U0ALICE").unwrap(),
        enterprise_id: None,
        username: Some("alice".into()),
    };
    // Issued an hour ago with a 10-minute lifetime, by the gateway's own key.
    let key = link_token::key(TEST_SECRET);
    let expired = link_token::issue(&key, &subject, now() - 3600, 600);
    let p = slack
        .verify(&alice_token, &expired, alice_id, false)
        .problem(400, "link_token_expired")
        .await;
    assert!(p["error"].as_str().unwrap().contains("expired"), "{p}");

    let forged = link_token::issue(
        &link_token::key(b"some other server's secret, long"),
        &subject,
        now(),
        600,
    );
    let p = slack
        .verify(&alice_token, &forged, alice_id, false)
        .problem(400, "invalid_link_token")
        .await;
    assert_eq!(p["errors"][0]["field"], "token", "{p}");
    slack
        .verify(&alice_token, "not.a.token", alice_id, false)
        .problem(400, "invalid_link_token")
        .await;

    // A token for a workspace the tenant no longer has links nothing.
    let other_team = LinkSubject {
        team_id: TeamId::parse("T0GONE").unwrap(),
        ..subject
    };
    let fresh = link_token::issue(&key, &other_team, now(), 600);
    slack
        .verify(&alice_token, &fresh, alice_id, false)
        .problem(404, "slack_workspace_not_found")
        .await;
    assert!(slack.linked_users(TEAM).await.is_empty());
}

#[tokio::test]
async fn verify_token_checks_the_caller_and_the_request() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let (bob, _) = slack
        .app
        .user_with_token("bob@acme.test", "AppMember")
        .await;
    let token = slack.link_token(TEAM, "U0ALICE", "alice").await;

    // No credential.
    slack
        .app
        .anon(Method::POST, "/work-apps/slack/users/link/verify-token")
        .json(&json!({"token": token, "userId": alice["id"]}))
        .problem(401, "unauthorized")
        .await;

    // A user of another tenant.
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;
    let p = slack
        .verify(&globex.token, &token, &globex.user_id, false)
        .problem(403, "not_a_member")
        .await;
    assert_eq!(p["detail"], "you are not a user of this org");

    // Someone else's userId.
    let p = slack
        .verify(&alice_token, &token, bob["id"].as_str().unwrap(), false)
        .problem(403, "not_your_user")
        .await;
    assert!(
        p["detail"].as_str().unwrap().contains("your own user"),
        "{p}"
    );

    // Validation names the fields.
    let p = slack
        .req(
            &alice_token,
            Method::POST,
            "/work-apps/slack/users/link/verify-token",
        )
        .json(&json!({"token": "", "userId": "alice", "userEmail": "nope"}))
        .problem(400, "validation_failed")
        .await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["token", "userId", "userEmail"], "{p}");
    let p = slack
        .req(
            &alice_token,
            Method::POST,
            "/work-apps/slack/users/link/verify-token",
        )
        .json(&json!({"userId": alice["id"]}))
        .problem(400, "validation_failed")
        .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("missing field `token`"),
        "{p}"
    );

    // None of that used the token up.
    slack
        .verify(&alice_token, &token, alice["id"].as_str().unwrap(), false)
        .ok()
        .await;
}

#[tokio::test]
async fn a_deactivated_user_cannot_redeem() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let alice_id = alice["id"].as_str().unwrap();
    let token = slack.link_token(TEAM, "U0ALICE", "alice").await;
    slack
        .app
        .admin(
            Method::POST,
            &format!("/api/v1/app/user/{alice_id}/deactivate"),
        )
        .status(200)
        .await;
    slack
        .verify(&alice_token, &token, alice_id, false)
        .problem(403, "user_inactive")
        .await;
}

#[tokio::test]
async fn a_slack_user_linked_to_someone_else_is_409_unless_taken_over() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let (bob, bob_token) = slack
        .app
        .user_with_token("bob@acme.test", "AppMember")
        .await;
    let alice_link = slack
        .link(&alice_token, alice["id"].as_str().unwrap(), TEAM, "U0ALICE")
        .await;

    let token = slack.link_token(TEAM, "U0ALICE", "alice").await;
    let bob_id = bob["id"].as_str().unwrap();
    let p = slack
        .verify(&bob_token, &token, bob_id, false)
        .problem(409, "slack_user_linked")
        .await;
    assert!(p["detail"].as_str().unwrap().contains("takeOver"), "{p}");
    assert_eq!(slack.linked_users(TEAM).await[0]["userId"], alice["id"]);

    // The 409 did not use the token up: the same token takes the link over.
    let body = slack.verify(&bob_token, &token, bob_id, true).ok().await;
    assert_eq!(body["linkId"], alice_link["linkId"]);
    let linked = slack.linked_users(TEAM).await;
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0]["userId"], bob_id);
    assert_eq!(slack.integration_types(&bob_token).await, ["Slack"]);
    assert!(slack.integration_types(&alice_token).await.is_empty());
    let body = slack
        .req(
            &alice_token,
            Method::GET,
            &format!(
                "/work-apps/slack/users/status?tenantId=acme&userId={}",
                alice["id"].as_str().unwrap()
            ),
        )
        .ok()
        .await;
    assert_eq!(body, json!({"connected": false, "connection": null}));
}

#[tokio::test]
async fn concurrent_redemptions_of_one_token_let_exactly_one_succeed() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let (bob, bob_token) = slack
        .app
        .user_with_token("bob@acme.test", "AppMember")
        .await;
    let token = slack.link_token(TEAM, "U0SHARED", "shared").await;
    let attempts = (0..8).map(|i| {
        let (bearer, user) = if i % 2 == 0 {
            (&alice_token, alice["id"].as_str().unwrap())
        } else {
            (&bob_token, bob["id"].as_str().unwrap())
        };
        slack.verify(bearer, &token, user, true).reply()
    });
    let results = futures_util::future::join_all(attempts).await;
    let (winners, losers): (Vec<_>, Vec<_>) = results.iter().partition(|r| r.status == 200);
    assert_eq!(winners.len(), 1, "{results:?}");
    for loser in losers {
        loser.problem(400, "link_token_used");
    }
    let linked = slack.linked_users(TEAM).await;
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0]["id"], winners[0].json()["linkId"]);
}

#[derive(diesel::QueryableByName)]
struct Jti {
    #[diesel(sql_type = diesel::sql_types::Text)]
    jti: String,
}

#[tokio::test]
async fn redemptions_of_long_expired_tokens_are_pruned() {
    use diesel_async::RunQueryDsl;
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let mut conn = slack.app.pool.get().await.unwrap();
    diesel::sql_query(
        "INSERT INTO slack_link_redemptions (org_id, jti, expires_at) VALUES \
         ($1, 'old', now() - interval '2 hours'), ($1, 'recent', now() - interval '5 minutes')",
    )
    .bind::<diesel::sql_types::Text, _>(&slack.app.admin.org_id)
    .execute(&mut conn)
    .await
    .unwrap();
    slack
        .link(&alice_token, alice["id"].as_str().unwrap(), TEAM, "U0ALICE")
        .await;
    let mut left: Vec<String> = diesel::sql_query("SELECT jti FROM slack_link_redemptions")
        .load::<Jti>(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.jti)
        .collect();
    left.sort_by_key(|j| j != "recent");
    assert_eq!(left.len(), 2, "{left:?}");
    assert_eq!(left[0], "recent", "{left:?}");
    assert_eq!(left[1].len(), 32, "the new token's jti: {left:?}");
}
