//! Secrets at rest: every flow that handles a secret runs, every plaintext secret it saw
//! is collected, and then every value of every column of every table (from
//! `information_schema`, so new tables are read too) is searched for each secret, its
//! hex and base64 encodings, and its first characters.

use std::collections::BTreeMap;

use base64::Engine;
use reqwest::Method;
use roster_e2e::{Expect, TEST_SECRET};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::db_scan;
use super::tenants::World;
use crate::slack::SIGNING_SECRET;

/// What a secret's "obvious prefix" is: its type prefix (`rpat_`, `xoxb-`, ...) and the
/// next ten characters, or its first ten characters when it has no type prefix.
fn prefix(secret: &str) -> &str {
    let typed = secret
        .char_indices()
        .take(6)
        .find(|(_, c)| *c == '_' || *c == '-')
        .map(|(i, _)| i + 1)
        .unwrap_or(0);
    let end = secret
        .char_indices()
        .nth(typed + 10)
        .map(|(i, _)| i)
        .unwrap_or(secret.len());
    &secret[..end]
}

/// The strings whose presence in a column means the secret is stored in the clear.
fn needles(secret: &str) -> Vec<(String, String)> {
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD.encode(secret.as_bytes());
    let mut out = vec![
        ("plaintext".to_owned(), secret.to_lowercase()),
        ("hex".to_owned(), hex::encode(secret.as_bytes())),
        ("base64".to_owned(), b64.to_lowercase()),
        ("prefix".to_owned(), prefix(secret).to_lowercase()),
    ];
    // A JWT's signature is what makes it unforgeable.
    if let Some((_, signature)) = secret.rsplit_once('.') {
        if secret.matches('.').count() == 2 && signature.len() >= 16 {
            out.push(("JWT signature".to_owned(), signature.to_lowercase()));
        }
    }
    out
}

#[tokio::test]
async fn no_plaintext_secret_is_stored_in_any_column() {
    let world = World::new().await;
    let app = &world.slack.app;
    let mut secrets: BTreeMap<String, String> = BTreeMap::new();
    for tenant in [&world.a, &world.b] {
        for (what, secret) in &tenant.secrets {
            secrets.insert(format!("{} {what}", tenant.label), secret.clone());
        }
    }

    // Sign in with Slack to the end: the fake Slack hands Roster a user access token.
    let a = &world.a;
    let connect = world
        .slack
        .req(
            &a.admin.token,
            Method::POST,
            "/work-apps/slack/users/connect",
        )
        .json(&json!({"userId": a.admin.user_id, "tenantId": a.slug}))
        .ok()
        .await;
    let connect_token = connect["sessionToken"].as_str().unwrap().to_owned();
    secrets.insert("connect session token (completed)".into(), connect_token);
    let path = connect["connectUrl"]
        .as_str()
        .unwrap()
        .strip_prefix(&app.config.public_url)
        .unwrap()
        .to_owned();
    let browser = crate::slack::browser();
    let location = browser.get(app.url(&path)).redirect().await;
    let state: BTreeMap<String, String> =
        serde_urlencoded::from_str(location.split_once('?').unwrap().1).unwrap();
    world
        .slack
        .fake
        .expect_sign_in("secret-code", &a.team_id, "U0ACME7", "Ada", "ada@acme.test");
    let query =
        serde_urlencoded::to_string([("code", "secret-code"), ("state", state["state"].as_str())])
            .unwrap();
    browser
        .get(app.url(&format!("/work-apps/slack/connect/callback?{query}")))
        .status(200)
        .await;
    secrets.insert(
        "Slack user access token".into(),
        "xoxp-fake-secret-code".into(),
    );

    // The operator's bootstrap prints a token and an API key.
    let out = roster_gateway::cli::bootstrap(&app.bootstrap_args(
        "carol",
        "carol@carol.test",
        Some("carol's secret password"),
    ))
    .await
    .unwrap();
    secrets.insert("CLI bootstrap token".into(), out.token.clone());
    secrets.insert(
        "CLI bootstrap API key".into(),
        out.api_key.clone().expect("api key"),
    );
    secrets.insert(
        "CLI bootstrap password".into(),
        "carol's secret password".into(),
    );

    // A webhook endpoint's secrets (rotated: the old one signs on beside the new one),
    // and a delivery made with them.
    let receiver = crate::events::receiver::Receiver::ok();
    let created = crate::events::endpoints::create_endpoint(
        app,
        json!({"url": receiver.url, "events": ["user.created"]}),
    )
    .await;
    let endpoint = created["id"].as_str().unwrap();
    secrets.insert(
        "webhook secret (rotated out)".into(),
        created["secret"].as_str().unwrap().to_owned(),
    );
    let rotated = app
        .admin(
            Method::POST,
            &format!("/api/v1/app/webhooks/{endpoint}/rotate-secret"),
        )
        .ok()
        .await;
    secrets.insert(
        "webhook secret".into(),
        rotated["secret"].as_str().unwrap().to_owned(),
    );
    app.create_user("hooked@acme.test", "AppMember").await;
    assert!(
        receiver
            .until(std::time::Duration::from_secs(15), |r| !r.is_empty())
            .await
    );
    let signature = receiver.received()[0].headers["webhook-signature"]
        .to_str()
        .unwrap()
        .to_owned();
    for (i, one) in signature.split(' ').enumerate() {
        secrets.insert(format!("webhook signature {i}"), one.to_owned());
    }

    // The server's own secrets.
    secrets.insert(
        "ROSTER_SECRET".into(),
        String::from_utf8(TEST_SECRET.to_vec()).unwrap(),
    );
    secrets.insert("SLACK_SIGNING_SECRET".into(), SIGNING_SECRET.into());
    secrets.insert(
        "SLACK_CLIENT_SECRET".into(),
        "fake-client-secret-3333".into(),
    );
    assert!(secrets.len() >= 29, "{secrets:#?}");

    let needles: Vec<(String, String)> = secrets
        .iter()
        .flat_map(|(what, secret)| {
            needles(secret)
                .into_iter()
                .map(move |(how, needle)| (format!("{what} ({how})"), needle))
        })
        .collect();
    // What must be found, so that the scan is known to read every kind of column: a
    // token's SHA-256 in a bytea column, an external identifier, an org id.
    let controls = [
        hex::encode(Sha256::digest(a.admin.token.as_bytes())),
        hex::encode(Sha256::digest(world.b.api_key.as_bytes())),
        world.b.identifier.clone(),
        world.b.org_id.clone(),
        // A delivery of the endpoint, and its event.
        endpoint.to_owned(),
        receiver.received()[0].id().to_owned(),
    ];
    let mut seen_controls = vec![false; controls.len()];

    let mut conn = app.pool.get().await.unwrap();
    let columns = db_scan::columns(&mut conn).await;
    let tables = db_scan::tables(&columns);
    let mut values = 0;
    let mut found = Vec::new();
    for column in &columns {
        for value in db_scan::values(&mut conn, column).await {
            values += 1;
            let value = value.to_lowercase();
            for (what, needle) in &needles {
                if value.contains(needle.as_str()) {
                    found.push(format!("{} holds {what}", column.name()));
                }
            }
            for (i, control) in controls.iter().enumerate() {
                seen_controls[i] |= value.contains(control.as_str());
            }
        }
    }
    eprintln!(
        "secrets at rest: {} secrets ({} search strings), {} tables, {} columns, {values} values scanned, {} found",
        secrets.len(),
        needles.len(),
        tables.len(),
        columns.len(),
        found.len()
    );
    assert!(tables.len() >= 20, "{tables:?}");
    for (control, seen) in controls.iter().zip(seen_controls) {
        assert!(
            seen,
            "the scan did not find {control}: it does not read every column"
        );
    }
    assert!(
        found.is_empty(),
        "plaintext secrets at rest:\n{}",
        found.join("\n")
    );
}

#[test]
fn prefixes_are_the_type_and_ten_more_characters() {
    assert_eq!(prefix("rpat_abcdefghijklmnop"), "rpat_abcdefghij");
    assert_eq!(prefix("xoxb-123456789012345"), "xoxb-1234567890");
    assert_eq!(prefix("correct horse battery"), "correct ho");
    assert_eq!(prefix("short"), "short");
}
