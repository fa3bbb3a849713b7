//! Rate limits of the credential endpoints: 429 with `Retry-After` and `RateLimit-*`.

use std::collections::BTreeSet;

use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use crate::platform::hardening::operations::operations;
use crate::slack::{command_body, Slack};

/// Asserts a 429 with `Retry-After` and the `RateLimit-*` headers for `limit`.
async fn assert_limited(req: RequestBuilder, limit: u32) {
    let reply = req.reply().await;
    reply.problem(429, "too_many_requests");
    let header = |name: &str| {
        reply
            .header(name)
            .unwrap_or_else(|| panic!("no {name} header: {reply}"))
    };
    let retry: u64 = header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(header("ratelimit-limit"), limit.to_string());
    assert_eq!(header("ratelimit-remaining"), "0");
    let reset: u64 = header("ratelimit-reset").parse().unwrap();
    assert!((1..=60).contains(&reset), "{reset}");
}

#[tokio::test]
async fn authenticate_is_rate_limited_per_api_key_and_per_client() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limit_authenticate_per_key = 3;
        c.rate_limit_authenticate_per_client = 6;
    })
    .await;
    let workspace = app.workspace().await;
    let channel = app.channel(&workspace.api_key, "Website").await;
    let second = app
        .admin(
            Method::POST,
            &format!("/api/v1/app/workspaces/{}/api-keys", workspace.id),
        )
        .json(&json!({"name": "second"}))
        .created()
        .await;
    let second = second["secret"].as_str().unwrap().to_owned();
    let attempt = |key: &str| {
        app.external(key, Method::POST, "/api/v1/external-users/authenticate")
            .json(&json!({"channelId": channel, "externalId": null, "id": null, "identifier": "ada@example.com"}))
    };
    for _ in 0..3 {
        attempt(&workspace.api_key).status(200).await;
    }
    assert_limited(attempt(&workspace.api_key), 3).await;
    // Another key has its own count, until the address has made 6 attempts.
    attempt(&second).status(200).await;
    // A wrong key counts against the address too.
    attempt("rxk_wrong").status(401).await;
    assert_limited(attempt(&second), 6).await;
    assert_limited(attempt("rxk_wrong"), 6).await;
    // Other endpoints of the family are not limited.
    app.external(&second, Method::GET, "/api/v1/channels")
        .status(200)
        .await;
}

#[tokio::test]
async fn slack_commands_are_rate_limited_per_slack_user_and_per_client() {
    let fake = crate::slack::FakeSlack::start();
    let app = TestApp::spawn_with(|c| {
        c.slack.signing_secret = Some(roster_gateway::config::Secret(
            crate::slack::SIGNING_SECRET.as_bytes().to_vec(),
        ));
        c.rate_limit_slack_commands_per_user = 2;
        c.rate_limit_slack_commands_per_client = 5;
    })
    .await;
    let slack = Slack {
        app,
        fake,
        browser: crate::slack::browser(),
    };
    slack.register("T0RATE", "Rate").await;
    for _ in 0..2 {
        slack
            .command("T0RATE", "U0ONE", "one", "status")
            .status(200)
            .await;
    }
    assert_limited(slack.command("T0RATE", "U0ONE", "one", "status"), 2).await;
    // The same user id in another team is another Slack user.
    slack
        .command("T0OTHER", "U0ONE", "one", "help")
        .status(200)
        .await;
    // An unsigned request counts against the address (and is a 401).
    slack
        .app
        .anon(Method::POST, "/work-apps/slack/commands")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(command_body("T0RATE", "U0TWO", "two", "help"))
        .status(401)
        .await;
    assert_limited(slack.command("T0RATE", "U0TWO", "two", "help"), 5).await;
}

#[tokio::test]
async fn exactly_the_credential_endpoints_document_429() {
    let app = TestApp::spawn().await;
    let limited: BTreeSet<String> = operations(&app)
        .await
        .iter()
        .filter(|op| op.responds("429"))
        .map(|op| format!("{} {}", op.method, op.path))
        .collect();
    let expected: BTreeSet<String> = [
        "post /api/auth/sign-in/email",
        "post /api/auth/sign-up/email",
        "post /api/v1/external-users/authenticate",
        "post /work-apps/slack/commands",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(limited, expected);
}
