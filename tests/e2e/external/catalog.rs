//! Channels, tiers and external user groups (`/api/v1/channels`, `/api/v1/tiers`,
//! `/api/v1/external-user-groups`), authenticated by a workspace API key.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{fields, ids};

/// `2026-02-08T14:12:45.123Z`
fn is_millis_utc(value: &Value) -> bool {
    value.as_str().is_some_and(|s| {
        s.len() == 24
            && s.ends_with('Z')
            && s.as_bytes()[19] == b'.'
            && roster_core::time::parse(s).is_some()
    })
}

#[tokio::test]
async fn channels_are_created_read_renamed_listed_and_deleted() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let key = ws.api_key.as_str();
    let created = app
        .external_create(key, "/api/v1/channels", json!({"name": " Website chat "}))
        .await;
    assert_eq!(
        fields(&created),
        ["createdAt", "id", "name", "updatedAt", "workspaceId"]
    );
    assert_eq!(created["name"], "Website chat");
    assert_eq!(created["workspaceId"], ws.id.as_str());
    assert!(is_millis_utc(&created["createdAt"]), "{created}");
    assert_eq!(created["createdAt"], created["updatedAt"]);
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/channels/{id}");

    let got = app.external(key, Method::GET, &path).ok().await;
    assert_eq!(&got, &created);

    let renamed = app
        .external(key, Method::PATCH, &path)
        .json(&json!({"name": "WhatsApp"}))
        .ok()
        .await;
    assert_eq!(renamed["name"], "WhatsApp");
    assert_eq!(renamed["id"], created["id"]);
    assert_eq!(renamed["createdAt"], created["createdAt"]);
    assert!(renamed["updatedAt"].as_str() >= created["updatedAt"].as_str());

    let (total, list) = app
        .external(key, Method::GET, "/api/v1/channels")
        .listed()
        .await;
    assert_eq!((total, &list), (Some(1), &json!([renamed])));

    app.external(key, Method::DELETE, &path).no_content().await;
    app.external(key, Method::GET, &path)
        .problem(404, "channel_not_found")
        .await;
    app.external(key, Method::DELETE, &path)
        .problem(404, "channel_not_found")
        .await;
    app.external(key, Method::PATCH, &path)
        .json(&json!({"name": "Gone"}))
        .problem(404, "channel_not_found")
        .await;
}

#[tokio::test]
async fn channel_and_tier_names_are_3_to_50_characters() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    for collection in ["/api/v1/channels", "/api/v1/tiers"] {
        for ok in ["abc".to_owned(), "é".repeat(50)] {
            let created = app
                .external_create(&key, collection, json!({"name": ok}))
                .await;
            assert_eq!(created["name"], ok.as_str());
        }
        for bad in ["ab".to_owned(), "é".repeat(51), "  ab  ".to_owned()] {
            let body = app
                .external(&key, Method::POST, collection)
                .json(&json!({"name": bad}))
                .problem(400, "validation_failed")
                .await;
            assert_eq!(body["errors"][0]["field"], "name", "{body}");
            assert_eq!(
                body["errors"][0]["message"],
                "must be 3 to 50 characters long"
            );
        }
        for (body, field) in [(json!({}), "."), (json!({"name": 3}), "name")] {
            let problem = app
                .external(&key, Method::POST, collection)
                .json(&body)
                .status(400)
                .await
                .json();
            if field != "." {
                assert_eq!(problem["errors"][0]["field"], field);
            }
        }
        let (total, list) = app.external(&key, Method::GET, collection).listed().await;
        assert_eq!(total, Some(2));
        let path = format!("{collection}/{}", list[0]["id"].as_str().unwrap());
        let body = app
            .external(&key, Method::PATCH, &path)
            .json(&json!({"name": "x".repeat(51)}))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], "name");
        for empty in [json!({}), json!({"name": null})] {
            app.external(&key, Method::PATCH, &path)
                .json(&empty)
                .problem(400, "empty_update")
                .await;
        }
    }
}

#[tokio::test]
async fn a_channel_with_users_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let channel = app.channel(&key, "Website").await;
    app.external_create(
        &key,
        "/api/v1/external-users",
        json!({"channelId": channel, "externalId": "u-001"}),
    )
    .await;
    app.external(&key, Method::DELETE, &format!("/api/v1/channels/{channel}"))
        .problem(409, "channel_in_use")
        .await;
    app.external(&key, Method::GET, &format!("/api/v1/channels/{channel}"))
        .status(200)
        .await;
}

#[tokio::test]
async fn catalog_lists_page_with_bounds_and_a_stable_order() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let mut made = Vec::new();
    for n in 0..12 {
        made.push(app.channel(&key, &format!("Channel {n:02}")).await);
    }
    let page = |q: &str| app.external(&key, Method::GET, &format!("/api/v1/channels{q}"));
    // Default page size 10, oldest first.
    let (total, list) = page("").listed().await;
    assert_eq!(total, Some(12));
    assert_eq!(ids(&list), made[..10]);
    let (_, list) = page("?pageNumber=2").listed().await;
    assert_eq!(ids(&list), made[10..]);
    let (_, list) = page("?pageNumber=3&pageSize=5").listed().await;
    assert_eq!(ids(&list), made[10..]);
    for (q, len) in [
        ("?pageSize=1", 1),
        ("?pageSize=100", 12),
        ("?pageNumber=1&pageSize=12", 12),
    ] {
        let (total, list) = page(q).listed().await;
        assert_eq!(
            (total, list.as_array().unwrap().len()),
            (Some(12), len),
            "{q}"
        );
    }
    // Past the end: an empty page, still with the total.
    let (total, list) = page("?pageNumber=4&pageSize=5").listed().await;
    assert_eq!((total, list), (Some(12), json!([])));
    for (q, field) in [
        ("?pageNumber=0", "pageNumber"),
        ("?pageNumber=-1", "pageNumber"),
        ("?pageSize=0", "pageSize"),
        ("?pageSize=101", "pageSize"),
        ("?pageNumber=abc", "pageNumber"),
        ("?pageSize=1.5", "pageSize"),
        ("?pageSize=", "pageSize"),
        ("?pageNumber=1&pageNumber=2", "pageNumber"),
        ("?pageNumber=99999999999999999999", "pageNumber"),
    ] {
        let body = app
            .external(&key, Method::GET, &format!("/api/v1/channels{q}"))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], field, "{q}: {body}");
    }
    app.external(&key, Method::GET, "/api/v1/tiers?pageSize=101")
        .problem(400, "validation_failed")
        .await;
}

#[tokio::test]
async fn tiers_are_created_read_renamed_and_deleted_leaving_users_and_groups_without_one() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let tier = app
        .external_create(&key, "/api/v1/tiers", json!({"name": "Gold"}))
        .await;
    let tier_id = tier["id"].as_str().unwrap();
    let path = format!("/api/v1/tiers/{tier_id}");
    let got = app.external(&key, Method::GET, &path).ok().await;
    assert_eq!(&got, &tier);
    let renamed = app
        .external(&key, Method::PATCH, &path)
        .json(&json!({"name": "Platinum"}))
        .ok()
        .await;
    assert_eq!(renamed["name"], "Platinum");

    let channel = app.channel(&key, "Website").await;
    let group = app
        .external_create(
            &key,
            "/api/v1/external-user-groups",
            json!({"name": "Aurora Labs", "tierId": tier_id}),
        )
        .await;
    let user = app
        .external_create(
            &key,
            "/api/v1/external-users",
            json!({"channelId": channel, "externalId": "u-001", "tierId": tier_id}),
        )
        .await;
    assert_eq!(user["tierId"], tier_id);

    app.external(&key, Method::DELETE, &path).no_content().await;
    app.external(&key, Method::GET, &path)
        .problem(404, "tier_not_found")
        .await;
    let group = app
        .external(
            &key,
            Method::GET,
            &format!(
                "/api/v1/external-user-groups/{}",
                group["id"].as_str().unwrap()
            ),
        )
        .ok()
        .await;
    assert_eq!(group["tierId"], Value::Null, "{group}");
    let user = app
        .external(
            &key,
            Method::GET,
            &format!("/api/v1/external-users/{}", user["id"].as_str().unwrap()),
        )
        .ok()
        .await;
    assert_eq!(user["tierId"], Value::Null, "{user}");
    assert_eq!(user["externalId"], "u-001");
}

#[tokio::test]
async fn another_workspaces_catalog_is_404_and_never_listed() {
    let app = TestApp::spawn().await;
    let mine = app.workspace().await.api_key;
    let other = app.bootstrap("globex", "admin@globex.test").await;
    let theirs = app.workspace_of(&other).await.api_key;
    let channel = app.channel(&theirs, "Their channel").await;
    let tier = app.tier(&theirs, "Their tier").await;
    let group = app.group(&theirs, "Their group").await;
    for (path, code) in [
        (format!("/api/v1/channels/{channel}"), "channel_not_found"),
        (format!("/api/v1/tiers/{tier}"), "tier_not_found"),
        (
            format!("/api/v1/external-user-groups/{group}"),
            "external_user_group_not_found",
        ),
        (
            "/api/v1/channels/not-a-uuid".to_owned(),
            "channel_not_found",
        ),
        ("/api/v1/tiers/123".to_owned(), "tier_not_found"),
        (
            "/api/v1/external-user-groups/zz".to_owned(),
            "external_user_group_not_found",
        ),
    ] {
        app.external(&mine, Method::GET, &path)
            .problem(404, code)
            .await;
        app.external(&mine, Method::PATCH, &path)
            .json(&json!({"name": "Hijacked"}))
            .problem(404, code)
            .await;
        app.external(&mine, Method::DELETE, &path)
            .problem(404, code)
            .await;
    }
    for collection in [
        "/api/v1/channels",
        "/api/v1/tiers",
        "/api/v1/external-user-groups",
    ] {
        let (total, list) = app.external(&mine, Method::GET, collection).listed().await;
        assert_eq!((total, list), (Some(0), json!([])), "{collection}");
        let (total, _) = app
            .external(&theirs, Method::GET, collection)
            .listed()
            .await;
        assert_eq!(total, Some(1), "{collection}: theirs untouched");
    }
    // Their tier cannot be referenced from my workspace.
    app.external(&mine, Method::POST, "/api/v1/external-user-groups")
        .json(&json!({"name": "Mine", "tierId": tier}))
        .problem(404, "tier_not_found")
        .await;
}

#[tokio::test]
async fn catalog_routes_need_a_key_and_answer_405_to_other_methods() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let id = uuid::Uuid::new_v4();
    for (method, path) in [
        (Method::GET, "/api/v1/channels".to_owned()),
        (Method::POST, "/api/v1/tiers".to_owned()),
        (Method::GET, format!("/api/v1/external-user-groups/{id}")),
        (Method::DELETE, format!("/api/v1/channels/{id}")),
    ] {
        app.anon(method, &path).problem(401, "unauthorized").await;
    }
    for (method, path) in [
        (Method::PUT, format!("/api/v1/channels/{id}")),
        (Method::DELETE, "/api/v1/tiers".to_owned()),
        (Method::PUT, "/api/v1/external-user-groups".to_owned()),
    ] {
        app.external(&key, method, &path)
            .problem(405, "method_not_allowed")
            .await;
    }
}
