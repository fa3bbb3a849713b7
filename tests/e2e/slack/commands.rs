//! The signed slash command: `link`, `unlink`, `status`, `help`, a team that is not
//! installed, and requests whose signature is bad or stale.

use reqwest::Method;
use roster_e2e::{Expect, TestApp, TEST_SECRET};
use serde_json::Value;

use super::{command_body, now, sign, Slack, TEAM};

fn text_of(message: &Value) -> String {
    assert_eq!(message["response_type"], "ephemeral", "{message}");
    message["blocks"][0]["text"]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("no section text in {message}"))
        .to_owned()
}

#[tokio::test]
async fn link_answers_a_link_account_button_with_a_signed_token() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let body = slack.command(TEAM, "U0ALICE", "alice", "link").ok().await;
    assert_eq!(body["response_type"], "ephemeral");
    assert!(text_of(&body).contains("Link your Slack account"), "{body}");
    let button = &body["blocks"][1]["elements"][0];
    assert_eq!(body["blocks"][1]["type"], "actions");
    assert_eq!(button["type"], "button");
    assert_eq!(button["text"]["text"], "Link Account");
    let url = button["url"].as_str().unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:8080/link?token="),
        "{url}"
    );
    assert!(body["text"].as_str().unwrap().contains(url), "{body}");
    assert!(
        body["blocks"][2]["elements"][0]["text"]
            .as_str()
            .unwrap()
            .contains("expires in 10 minutes"),
        "{body}"
    );
    // The token is an HS256 JWT with Inkeep's claims, a jti, and a 10-minute lifetime.
    let token = url.split_once("token=").unwrap().1;
    let key = roster_slack::link_token::key(TEST_SECRET);
    let claims: Value = roster_core::jwt::verify(token, &key, now(), 0).unwrap();
    assert_eq!(claims["iss"], "inkeep-auth");
    assert_eq!(claims["aud"], "slack-link");
    assert_eq!(claims["sub"], "slack:T0ACME:U0ALICE");
    assert_eq!(claims["tokenUse"], "slackLinkCode");
    assert_eq!(claims["tenantId"], slack.app.admin.org_id.as_str());
    assert_eq!(claims["slack"]["teamId"], "T0ACME");
    assert_eq!(claims["slack"]["userId"], "U0ALICE");
    assert_eq!(claims["slack"]["username"], "alice");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        600
    );
    assert!(
        claims["jti"].as_str().is_some_and(|j| !j.is_empty()),
        "{claims}"
    );
}

#[tokio::test]
async fn status_and_unlink_answer_in_slack_and_keep_the_integration_in_step() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let (alice, alice_token) = slack
        .app
        .user_with_token("alice@acme.test", "AppMember")
        .await;
    let alice_id = alice["id"].as_str().unwrap();

    let body = slack.command(TEAM, "U0ALICE", "alice", "status").ok().await;
    assert!(text_of(&body).contains("not linked"), "{body}");

    slack.link(&alice_token, alice_id, TEAM, "U0ALICE").await;
    let body = slack.command(TEAM, "U0ALICE", "alice", "status").ok().await;
    let text = text_of(&body);
    assert!(
        text.contains("is linked to *User alice@acme.test* (alice@acme.test)"),
        "{text}"
    );
    assert_eq!(slack.integration_types(&alice_token).await, ["Slack"]);

    let body = slack.command(TEAM, "U0ALICE", "alice", "unlink").ok().await;
    assert!(text_of(&body).contains("no longer linked"), "{body}");
    assert!(slack.integration_types(&alice_token).await.is_empty());
    assert!(slack.linked_users(TEAM).await.is_empty());

    let body = slack.command(TEAM, "U0ALICE", "alice", "unlink").ok().await;
    assert!(text_of(&body).contains("is not linked"), "{body}");
    let body = slack.command(TEAM, "U0ALICE", "alice", "status").ok().await;
    assert!(text_of(&body).contains("`/roster link`"), "{body}");
}

#[tokio::test]
async fn help_lists_the_subcommands_and_unknown_ones_get_help_too() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    for text in ["help", ""] {
        let body = slack.command(TEAM, "U0ALICE", "alice", text).ok().await;
        let help = text_of(&body);
        for sub in [
            "/roster link",
            "/roster unlink",
            "/roster status",
            "/roster help",
        ] {
            assert!(help.contains(sub), "{sub} missing from {help}");
        }
    }
    let body = slack
        .command(TEAM, "U0ALICE", "alice", "dance <now>")
        .ok()
        .await;
    let help = text_of(&body);
    assert!(help.starts_with("I don't know `dance`"), "{help}");
    assert!(help.contains("/roster link"), "{help}");
}

#[tokio::test]
async fn a_team_that_is_not_installed_is_told_so() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let body = slack
        .command("T0NOBODY", "U0ALICE", "alice", "link")
        .ok()
        .await;
    let text = text_of(&body);
    assert!(text.contains("not connected to Roster"), "{text}");
    assert!(text.contains("/work-apps/slack/install"), "{text}");
    assert_eq!(
        body["blocks"].as_array().unwrap().len(),
        1,
        "no button: {body}"
    );
}

#[tokio::test]
async fn a_bad_signature_is_401() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let body = command_body(TEAM, "U0ALICE", "alice", "link");
    let ts = now().to_string();
    let send = |signature: Option<String>, timestamp: Option<String>, body: String| {
        let mut req = slack
            .app
            .anon(Method::POST, "/work-apps/slack/commands")
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(s) = signature {
            req = req.header("x-slack-signature", s);
        }
        if let Some(t) = timestamp {
            req = req.header("x-slack-request-timestamp", t);
        }
        req.body(body)
    };
    // Signed over another body.
    let p = send(
        Some(sign(&ts, &body)),
        Some(ts.clone()),
        body.replace("link", "unlink"),
    )
    .problem(401, "unauthorized")
    .await;
    assert_eq!(p["detail"], "the Slack request signature is invalid");
    // Signed with another secret.
    send(
        Some(format!("v0={}", "ab".repeat(32))),
        Some(ts.clone()),
        body.clone(),
    )
    .problem(401, "unauthorized")
    .await;
    // Not hex, no v0= prefix.
    send(Some("v0=zz".into()), Some(ts.clone()), body.clone())
        .problem(401, "unauthorized")
        .await;
    let bare = sign(&ts, &body).trim_start_matches("v0=").to_owned();
    send(Some(bare), Some(ts.clone()), body.clone())
        .problem(401, "unauthorized")
        .await;
    // Headers missing.
    let p = send(None, Some(ts.clone()), body.clone())
        .problem(401, "unauthorized")
        .await;
    assert!(
        p["detail"].as_str().unwrap().contains("X-Slack-Signature"),
        "{p}"
    );
    let p = send(Some(sign(&ts, &body)), None, body.clone())
        .problem(401, "unauthorized")
        .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("X-Slack-Request-Timestamp"),
        "{p}"
    );
    // Nothing was linked or issued by any of them: the good request still works.
    slack.signed_command(&ts, &body).ok().await;
}

#[tokio::test]
async fn a_stale_or_future_timestamp_is_401_even_when_signed() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    let body = command_body(TEAM, "U0ALICE", "alice", "link");
    for ts in [now() - 301, now() - 3600, now() + 400] {
        let p = slack
            .signed_command(&ts.to_string(), &body)
            .problem(401, "unauthorized")
            .await;
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("more than 5 minutes off"),
            "{p}"
        );
    }
    slack
        .signed_command(&(now() - 240).to_string(), &body)
        .ok()
        .await;
}

#[tokio::test]
async fn a_signed_body_that_is_not_a_slash_command_is_400() {
    let slack = Slack::start().await;
    let p = slack
        .signed_command(&now().to_string(), "user_id=U0ALICE&text=link")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(p["errors"][0]["field"], "team_id", "{p}");
}

#[tokio::test]
async fn commands_without_a_signing_secret_are_503() {
    let app = TestApp::spawn().await;
    let body = command_body(TEAM, "U0ALICE", "alice", "link");
    let ts = now().to_string();
    let p = app
        .anon(Method::POST, "/work-apps/slack/commands")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", &ts)
        .header("x-slack-signature", sign(&ts, &body))
        .body(body)
        .problem(503, "unavailable")
        .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("SLACK_SIGNING_SECRET"),
        "{p}"
    );
}
