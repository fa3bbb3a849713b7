//! The seed's read and unlink routes: `link-status` (and `lastUsedAt`), `status`,
//! `disconnect`.

use diesel_async::RunQueryDsl;
use reqwest::{Method, RequestBuilder};
use roster_e2e::Expect;
use serde_json::{json, Value};

use super::{Slack, TEAM};

fn link_status(slack: &Slack, bearer: &str, query: &str) -> RequestBuilder {
    slack.req(
        bearer,
        Method::GET,
        &format!("/work-apps/slack/users/link-status?{query}"),
    )
}

fn disconnect(slack: &Slack, bearer: &str, body: Value) -> RequestBuilder {
    slack
        .req(bearer, Method::POST, "/work-apps/slack/users/disconnect")
        .json(&body)
}

#[tokio::test]
async fn link_status_says_whether_a_slack_user_is_linked() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let link = slack
        .link(&alice_token, alice["id"].as_str().unwrap(), TEAM, "U0ALICE")
        .await;

    let body = link_status(
        &slack,
        &alice_token,
        "slackUserId=U0ALICE&slackTeamId=T0ACME&tenantId=acme",
    )
    .ok()
    .await;
    assert_eq!(body["linked"], true);
    assert_eq!(body["linkId"], link["linkId"]);
    assert_eq!(body["slackUsername"], "u0alice");
    assert_eq!(body["userId"], alice["id"]);
    assert!(body["linkedAt"].as_str().unwrap().ends_with('Z'), "{body}");

    let body = link_status(
        &slack,
        &alice_token,
        "slackUserId=U0NOBODY&slackTeamId=T0ACME&tenantId=acme",
    )
    .ok()
    .await;
    assert_eq!(body, json!({"linked": false}));
    // The tenant may be named by id too.
    let query = format!(
        "slackUserId=U0ALICE&slackTeamId=T0ACME&tenantId={}",
        slack.app.admin.org_id
    );
    let body = link_status(&slack, &slack.app.admin.token, &query)
        .ok()
        .await;
    assert_eq!(body["linked"].clone(), json!(true));

    let p = slack
        .req(
            &alice_token,
            Method::GET,
            "/work-apps/slack/users/link-status?slackUserId=U0ALICE&tenantId=acme",
        )
        .problem(400, "validation_failed")
        .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("missing field `slackTeamId`"),
        "{p}"
    );
    let p = slack
        .req(
            &alice_token,
            Method::GET,
            "/work-apps/slack/users/link-status?slackUserId=U0ALICE&slackTeamId=acme&tenantId=acme",
        )
        .problem(400, "validation_failed")
        .await;
    assert!(
        p["detail"].as_str().unwrap().contains("^T[A-Z0-9]+$"),
        "{p}"
    );

    // Another tenant's users may not ask; without tenantId the org is `default`, which
    // this test server does not have.
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;
    slack
        .req(&globex.token, Method::GET, "/work-apps/slack/users/link-status?slackUserId=U0ALICE&slackTeamId=T0ACME&tenantId=acme").problem(403, "not_a_member").await;
    let body = link_status(
        &slack,
        &globex.token,
        "slackUserId=U0ALICE&slackTeamId=T0ACME&tenantId=globex",
    )
    .ok()
    .await;
    assert_eq!(body, json!({"linked": false}));
    slack
        .req(
            &alice_token,
            Method::GET,
            "/work-apps/slack/users/link-status?slackUserId=U0ALICE&slackTeamId=T0ACME",
        )
        .problem(403, "not_a_member")
        .await;
    slack
        .app
        .anon(
            Method::GET,
            "/work-apps/slack/users/link-status?slackUserId=U0ALICE&slackTeamId=T0ACME",
        )
        .problem(401, "unauthorized")
        .await;
}

/// The caller's membership comes from the principal cache, which no change to the user
/// outlives: a deactivation or a demotion shows on the very next Slack call.
#[tokio::test]
async fn a_cached_member_loses_access_when_deactivated() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let alice_id = alice["id"].as_str().unwrap();
    slack.link(&alice_token, alice_id, TEAM, "U0ALICE").await;
    let query = "slackUserId=U0ALICE&slackTeamId=T0ACME&tenantId=acme";
    for _ in 0..3 {
        let body = link_status(&slack, &alice_token, query).ok().await;
        assert_eq!(&body["linked"], &json!(true), "{body}");
    }
    slack
        .app
        .admin(
            Method::POST,
            &format!("/api/v1/app/user/{alice_id}/deactivate"),
        )
        .status(200)
        .await;
    link_status(&slack, &alice_token, query).status(403).await;
    slack
        .app
        .admin(
            Method::POST,
            &format!("/api/v1/app/user/{alice_id}/activate"),
        )
        .status(200)
        .await;
    link_status(&slack, &alice_token, query).ok().await;
}

#[tokio::test]
async fn link_status_records_last_used_at_at_most_once_a_minute() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    slack
        .link(&alice_token, alice["id"].as_str().unwrap(), TEAM, "U0ALICE")
        .await;
    let query = "slackUserId=U0ALICE&slackTeamId=T0ACME&tenantId=acme";
    assert!(slack.linked_users(TEAM).await[0]["lastUsedAt"].is_null());

    link_status(&slack, &slack.app.admin.token, query)
        .ok()
        .await;
    let first = slack.linked_users(TEAM).await[0]["lastUsedAt"].clone();
    assert!(first.as_str().is_some_and(|t| t.ends_with('Z')), "{first}");

    // Within the minute, reads stay reads.
    for _ in 0..3 {
        link_status(&slack, &slack.app.admin.token, query)
            .ok()
            .await;
    }
    assert_eq!(slack.linked_users(TEAM).await[0]["lastUsedAt"], first);

    // Once the last write is over a minute old, the next read writes again.
    let mut conn = slack.app.pool.get().await.unwrap();
    diesel::sql_query("UPDATE slack_user_links SET last_used_at = now() - interval '2 minutes'")
        .execute(&mut conn)
        .await
        .unwrap();
    let backdated = slack.linked_users(TEAM).await[0]["lastUsedAt"].clone();
    link_status(&slack, &slack.app.admin.token, query)
        .ok()
        .await;
    let touched = slack.linked_users(TEAM).await[0]["lastUsedAt"].clone();
    assert_ne!(touched, backdated);
    assert!(
        touched.as_str().unwrap() > backdated.as_str().unwrap(),
        "{touched} > {backdated}"
    );
}

#[tokio::test]
async fn status_is_for_yourself_or_an_admin() {
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
    let alice_id = alice["id"].as_str().unwrap();
    let link = slack.link(&alice_token, alice_id, TEAM, "U0ALICE").await;
    let path = format!("/work-apps/slack/users/status?tenantId=acme&userId={alice_id}");

    let expect = |body: &Value| {
        assert_eq!(body["connected"], true, "{body}");
        let c = &body["connection"];
        assert_eq!(c["appUserEmail"], "alice@acme.test");
        assert_eq!(c["appUserId"], alice_id);
        assert_eq!(c["connectionId"], link["linkId"]);
        assert_eq!(c["slackDisplayName"], "u0alice");
        assert_eq!(c["slackTeamId"], "T0ACME");
        assert_eq!(c["slackUserId"], "U0ALICE");
        assert_eq!(c["tenantId"], slack.app.admin.org_id.as_str());
        assert!(c["linkedAt"].as_str().unwrap().ends_with('Z'), "{c}");
    };
    let body = slack.req(&alice_token, Method::GET, &path).ok().await;
    expect(&body);
    let body = slack.admin(Method::GET, &path).ok().await;
    expect(&body);

    let p = slack
        .req(&bob_token, Method::GET, &path)
        .problem(403, "admin_required")
        .await;
    assert!(p["detail"].as_str().unwrap().contains("AppAdmin"), "{p}");
    let bob_path = format!(
        "/work-apps/slack/users/status?tenantId=acme&userId={}",
        bob["id"].as_str().unwrap()
    );
    let body = slack.req(&bob_token, Method::GET, &bob_path).ok().await;
    assert_eq!(body, json!({"connected": false, "connection": null}));

    slack
        .admin(
            Method::GET,
            "/work-apps/slack/users/status?tenantId=acme&userId=user_0000000000000000",
        )
        .problem(404, "user_not_found")
        .await;
    slack
        .admin(
            Method::GET,
            "/work-apps/slack/users/status?tenantId=acme&userId=alice",
        )
        .problem(400, "validation_failed")
        .await;
    // An admin of another tenant sees nothing of acme's.
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;
    slack
        .req(&globex.token, Method::GET, &path)
        .problem(403, "not_a_member")
        .await;
    slack
        .req(
            &globex.token,
            Method::GET,
            &format!("/work-apps/slack/users/status?tenantId=globex&userId={alice_id}"),
        )
        .problem(404, "user_not_found")
        .await;
}

#[tokio::test]
async fn disconnect_removes_your_own_link_and_then_404s() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    slack
        .link(&alice_token, alice["id"].as_str().unwrap(), TEAM, "U0ALICE")
        .await;
    assert_eq!(slack.integration_types(&alice_token).await, ["Slack"]);

    let body = disconnect(&slack, &alice_token, json!({"tenantId": "acme"}))
        .ok()
        .await;
    assert_eq!(body, json!({"success": true}));
    assert!(slack.linked_users(TEAM).await.is_empty());
    assert!(slack.integration_types(&alice_token).await.is_empty());

    let p = disconnect(&slack, &alice_token, json!({"tenantId": "acme"}))
        .problem(404, "slack_link_not_found")
        .await;
    assert_eq!(p["detail"], "slack_link not found");
    let p = disconnect(
        &slack,
        &alice_token,
        json!({"tenantId": "acme", "slackUserId": "U0ALICE"}),
    )
    .problem(400, "validation_failed")
    .await;
    assert_eq!(p["errors"][0]["field"], "slackTeamId", "{p}");
}

#[tokio::test]
async fn an_admin_may_unlink_anyone_in_the_tenant_and_a_member_only_themselves() {
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
    let alice_id = alice["id"].as_str().unwrap();
    let bob_id = bob["id"].as_str().unwrap();
    slack.link(&alice_token, alice_id, TEAM, "U0ALICE").await;
    slack.link(&bob_token, bob_id, TEAM, "U0BOB").await;

    for body in [
        json!({"tenantId": "acme", "userId": alice_id}),
        json!({"tenantId": "acme", "slackTeamId": TEAM, "slackUserId": "U0ALICE"}),
    ] {
        let p = disconnect(&slack, &bob_token, body)
            .problem(403, "admin_required")
            .await;
        assert!(p["detail"].as_str().unwrap().contains("AppAdmin"), "{p}");
    }
    assert_eq!(
        slack.linked_users(TEAM).await.len(),
        2,
        "nothing was removed"
    );

    // Another tenant's admin cannot reach acme's links.
    let globex = slack.app.bootstrap("globex", "admin@globex.test").await;
    let body = json!({"tenantId": "acme", "slackTeamId": TEAM, "slackUserId": "U0ALICE"});
    disconnect(&slack, &globex.token, body)
        .problem(403, "not_a_member")
        .await;
    let body = json!({"tenantId": "globex", "slackTeamId": TEAM, "slackUserId": "U0ALICE"});
    disconnect(&slack, &globex.token, body)
        .problem(404, "slack_link_not_found")
        .await;

    let body = json!({"tenantId": "acme", "slackTeamId": TEAM, "slackUserId": "U0ALICE"});
    let body = disconnect(&slack, &slack.app.admin.token, body).ok().await;
    assert_eq!(body, json!({"success": true}));
    assert!(slack.integration_types(&alice_token).await.is_empty());
    let body = json!({"tenantId": "acme", "userId": bob_id});
    disconnect(&slack, &slack.app.admin.token, body).ok().await;
    assert!(slack.linked_users(TEAM).await.is_empty());
    assert!(slack.integration_types(&bob_token).await.is_empty());
    let body = json!({"tenantId": "acme", "userId": bob_id});
    disconnect(&slack, &slack.app.admin.token, body)
        .problem(404, "slack_link_not_found")
        .await;
}
