//! `GET /api/v1/app/audit-events`: filters, cursor pages that hold still while events are
//! written, bad input and who may read it.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};

use serde_json::json;

use super::{all_events, audit_page, types};

#[tokio::test]
async fn filters_by_type_prefix_actor_target_and_time() {
    let app = TestApp::spawn().await;
    let (member, token) = app.user_with_token("max@acme.test", "AppMember").await;
    let member_id = member["id"].as_str().unwrap();
    // The member renames itself: its own event, as its own actor.
    app.as_user(
        &token,
        "acme",
        Method::PUT,
        &format!("/api/v1/app/user/{member_id}"),
    )
    .json(&json!({"name": "Max"}))
    .status(200)
    .await;
    app.admin(
        Method::POST,
        &format!("/api/v1/app/user/{member_id}/deactivate"),
    )
    .status(200)
    .await;

    let page = audit_page(&app, "type=user.updated&type=user.deactivated").await;
    assert_eq!(types(&page), ["user.deactivated", "user.updated"]);
    let page = audit_page(&app, "type=user.*").await;
    assert_eq!(page["data"].as_array().unwrap().len(), 4);
    let page = audit_page(&app, &format!("actor_id={member_id}")).await;
    assert_eq!(types(&page), ["user.updated"]);
    let page = audit_page(&app, &format!("target_id={member_id}&type=user.created")).await;
    assert_eq!(page["data"][0]["target"]["id"], member_id);
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(audit_page(&app, "type=webhook.*").await["data"], json!([]));

    // since is inclusive, until exclusive.
    let newest = audit_page(&app, "first=1").await["data"][0].clone();
    let at = newest["occurred_at"].as_str().unwrap();
    let page = audit_page(&app, &format!("since={at}")).await;
    assert_eq!(page["data"][0]["id"], newest["id"]);
    let page = audit_page(&app, &format!("until={at}")).await;
    assert!(page["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["id"] != newest["id"]));
    // The bootstrap's user and token, the member, its token and its update.
    assert_eq!(page["data"].as_array().unwrap().len(), 5);
    let page = audit_page(
        &app,
        "since=2000-01-01T00:00:00Z&until=2001-01-01T00:00:00%2B01:00",
    )
    .await;
    assert_eq!(page["data"], json!([]));
    assert_eq!(page["has_next_page"], false);
    assert!(page["next_cursor"].is_null());
}

#[tokio::test]
async fn pages_hold_still_while_events_are_written() {
    let app = TestApp::spawn().await;
    for i in 0..24 {
        app.create_user(&format!("u{i}@acme.test"), "AppMember")
            .await;
    }
    let everything: Vec<String> = all_events(&app, "")
        .await
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    // The bootstrap's user and token, and 24 users.
    assert_eq!(everything.len(), 26);
    let mut seen = Vec::new();
    let mut after = String::new();
    let mut written = 0;
    loop {
        let page = audit_page(&app, &format!("first=7{after}")).await;
        seen.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_owned()),
        );
        // New events land before the first page, never among the pages still to come.
        for _ in 0..3 {
            app.create_user(&format!("late{written}@acme.test"), "AppMember")
                .await;
            written += 1;
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => after = format!("&after={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, everything);
    assert_eq!(all_events(&app, "").await.len(), 26 + written);
}

#[tokio::test]
async fn bad_filters_are_400_naming_the_field_and_only_admins_read() {
    let app = TestApp::spawn().await;
    for (query, field) in [
        ("type=user.exploded", "type"),
        ("type=nope.*", "type"),
        ("type=*", "type"),
        ("since=yesterday", "since"),
        ("until=2026-13-01T00:00:00Z", "until"),
        ("first=0", "first"),
        ("first=101", "first"),
        ("first=ten", "first"),
        ("after=not-a-cursor", "after"),
        (
            "since=2026-01-01T00:00:00Z&since=2026-01-02T00:00:00Z",
            "since",
        ),
    ] {
        let body = app
            .admin(Method::GET, &format!("/api/v1/app/audit-events?{query}"))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    let long = "x".repeat(65);
    let body = app
        .admin(
            Method::GET,
            &format!("/api/v1/app/audit-events?actor_id={long}&target_id={long}"),
        )
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 2, "{body}");

    let (_, token) = app.user_with_token("mo@acme.test", "AppMember").await;
    app.as_user(&token, "acme", Method::GET, "/api/v1/app/audit-events")
        .status(403)
        .await;
    // Another org's admin sees only its own org's events.
    let other = app.bootstrap("globex", "boss@globex.test").await;
    let page = app
        .as_user(
            &other.token,
            "globex",
            Method::GET,
            "/api/v1/app/audit-events",
        )
        .ok()
        .await;
    // Its bootstrap: its admin and the admin's token.
    assert_eq!(page["data"].as_array().unwrap().len(), 2, "{page}");
    assert_eq!(page["data"][0]["org_id"], other.org_id.as_str());
}
