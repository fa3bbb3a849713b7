//! Events of no org: what an account that is a user of no org does (its sign-up, its
//! sessions, its settings) is recorded with `org_id` null. No org's audit log shows it,
//! no webhook delivers it, and the operator reads it with `roster-gateway audit-events`.

use std::process::Command;

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::all_events;

const PASSWORD: &str = "tangerine quokka 42";

/// `roster-gateway audit-events` on the app's database: its NDJSON lines, parsed.
fn audit_events(app: &TestApp, args: &[&str]) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_roster-gateway-e2e"))
        .arg("audit-events")
        .args(args)
        .env("DATABASE_URL", &app.db.url)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "audit-events {args:?}: {stderr}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect()
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn an_account_of_no_org_emits_events_of_no_org_that_only_the_operator_reads() {
    let app = TestApp::spawn().await;
    // An endpoint that takes every event: none of no org may reach it.
    app.admin(Method::POST, "/api/v1/app/webhooks")
        .json(&json!({"url": "http://127.0.0.1:9/all"}))
        .created()
        .await;
    let signed_up = app
        .anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "lee@example.com", "password": PASSWORD, "name": "Lee"}))
        .ok()
        .await;
    let account = signed_up["user"]["id"].as_str().unwrap().to_owned();
    let token = signed_up["token"].as_str().unwrap().to_owned();
    let as_lee = |path: &str| app.anon(Method::POST, path).bearer_auth(&token);
    as_lee("/api/auth/update-user")
        .json(&json!({"name": "Lee Renamed"}))
        .ok()
        .await;
    as_lee("/api/auth/change-password")
        .json(&json!({"currentPassword": PASSWORD, "newPassword": "a new long phrase 7"}))
        .ok()
        .await;
    // A refused write of no org writes nothing either.
    as_lee("/api/auth/change-password")
        .json(&json!({"currentPassword": PASSWORD, "newPassword": "a new long phrase 8"}))
        .problem(400, "INVALID_PASSWORD")
        .await;
    as_lee("/api/auth/revoke-sessions").ok().await;

    let no_org = audit_events(&app, &[]);
    assert_eq!(
        types(&no_org),
        [
            "session.all_revoked",
            "account.password_changed",
            "account.updated",
            "session.created",
            "account.signed_up"
        ]
    );
    for event in &no_org {
        assert!(event["org_id"].is_null(), "{event}");
        assert!(event["id"].as_str().unwrap().starts_with("evt_"), "{event}");
    }
    let signed = &no_org[4];
    assert_eq!(signed["target"], json!({"type": "account", "id": account}));
    assert_eq!(signed["actor"]["type"], "system");
    assert_eq!(signed["data"]["email"], "lee@example.com");
    assert_eq!(no_org[2]["data"]["name"], "Lee Renamed");
    let dumped = serde_json::to_string(&no_org).unwrap();
    for secret in [PASSWORD, "a new long phrase 7", token.as_str(), "argon2"] {
        assert!(!dumped.contains(secret), "{secret} in {dumped}");
    }

    // The filters of the audit log apply.
    let filtered = audit_events(&app, &["--type", "account.*", "--target-id", &account]);
    assert_eq!(
        types(&filtered),
        [
            "account.password_changed",
            "account.updated",
            "account.signed_up"
        ]
    );
    // An org's own events, by slug, and none of them is of no org.
    let acme = audit_events(&app, &["--org", "acme", "--type", "webhook.created"]);
    assert_eq!(types(&acme), ["webhook.created"]);
    assert_eq!(acme[0]["org_id"], app.admin.org_id.as_str());
    // No org's audit log shows them, and no endpoint was sent them.
    let seen = all_events(&app, "").await;
    assert!(seen
        .iter()
        .all(|e| e["org_id"] == app.admin.org_id.as_str()));
    assert!(seen
        .iter()
        .all(|e| !no_org.iter().any(|n| n["id"] == e["id"])));
    let delivered = app
        .sql_count(
            "SELECT count(*) AS n FROM webhook_deliveries d JOIN events e ON e.id = d.event_id \
             WHERE e.org_id IS NULL",
        )
        .await;
    assert_eq!(delivered, 0);
}

#[tokio::test]
async fn audit_events_refuses_bad_filters_and_unknown_orgs() {
    let app = TestApp::spawn().await;
    for args in [
        &["audit-events", "--since", "yesterday"][..],
        &["audit-events", "--type", "nope.created"][..],
        &["audit-events", "--org", "nowhere"][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_roster-gateway-e2e"))
            .args(args)
            .env("DATABASE_URL", &app.db.url)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(out.stdout.is_empty(), "{args:?} printed events");
    }
}

#[tokio::test]
async fn a_session_of_an_account_in_an_org_stays_in_that_orgs_audit_log() {
    let app = TestApp::spawn().await;
    let signed_up = app
        .anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "kim@example.com", "password": PASSWORD, "name": "Kim"}))
        .ok()
        .await;
    app.verify_email("kim@example.com").await;
    let added = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(
            &json!({"account_id": signed_up["user"]["id"], "role": "AppMember",
            "user_info": {"email": "kim@example.com", "name": "Kim"}}),
        )
        .created()
        .await;
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "kim@example.com", "password": PASSWORD}))
        .ok()
        .await;
    let acme = all_events(&app, "type=session.created").await;
    assert_eq!(acme.len(), 1, "{acme:?}");
    // Only the sign-up's own, from before the account joined acme, are of no org.
    let no_org = audit_events(&app, &[]);
    assert_eq!(types(&no_org), ["session.created", "account.signed_up"]);
    assert_eq!(no_org[1]["data"]["email"], "kim@example.com");

    // Deleting its only user deletes the account: its events of no org keep its ids only.
    let user_id = added["id"].as_str().unwrap();
    app.admin(Method::DELETE, &format!("/api/v1/app/user/{user_id}"))
        .no_content()
        .await;
    let erased = audit_events(&app, &[]);
    assert_eq!(types(&erased), ["session.created", "account.signed_up"]);
    for (before, after) in no_org.iter().zip(&erased) {
        assert_eq!(
            after["data"],
            json!({"id": before["data"]["id"]}),
            "{after}"
        );
        assert_eq!(after["target"], before["target"]);
    }
    assert!(!serde_json::to_string(&erased).unwrap().contains("kim@"));
}
