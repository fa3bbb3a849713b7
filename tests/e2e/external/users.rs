//! External users (`/api/v1/external-users`): create, get and update, with validation,
//! conflicts and workspace scoping. Lists are in `lists`.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{fields, id, EXTERNAL_USER_FIELDS, USERS};

#[tokio::test]
async fn create_returns_the_seed_shape() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let key = ws.api_key.as_str();
    let channel = app.channel(key, "Website").await;
    let tier = app.tier(key, "Gold").await;
    let group = app.group(key, "Aurora Labs").await;
    let user = app
        .external(key, Method::POST, USERS)
        .json(&json!({
            "channelId": channel, "externalId": "crm-20931", "externalUserGroupId": group,
            "identifier": "ada@example.com", "name": "Ada Lovelace", "tierId": tier
        }))
        .ok()
        .await;
    assert_eq!(fields(&user), EXTERNAL_USER_FIELDS);
    assert_eq!(user["blocked"], false);
    assert_eq!(user["channelId"], channel.as_str());
    assert_eq!(user["externalId"], "crm-20931");
    assert_eq!(user["externalUserGroupId"], group.as_str());
    assert_eq!(user["identifier"], "ada@example.com");
    assert_eq!(user["name"], "Ada Lovelace");
    assert_eq!(user["tierId"], tier.as_str());
    assert_eq!(user["workspaceId"], ws.id.as_str());
    for field in ["id", "superIdentityId"] {
        let u = uuid::Uuid::try_parse(user[field].as_str().unwrap()).unwrap();
        assert_eq!(u.get_version_num(), 4, "{field}");
    }
    let created_at = user["createdAt"].as_str().unwrap();
    assert!(
        created_at.ends_with('Z') && created_at.len() == 24,
        "{created_at}"
    );

    let got = app
        .external(key, Method::GET, &format!("{USERS}/{}", id(&user)))
        .ok()
        .await;
    assert_eq!(&got, &user);

    // Everything but the channel may be null or left out.
    let minimal = app
        .external_create(
            key,
            USERS,
            json!({"channelId": channel, "externalId": null, "identifier": null}),
        )
        .await;
    for field in [
        "externalId",
        "externalUserGroupId",
        "identifier",
        "name",
        "tierId",
    ] {
        assert_eq!(minimal[field], Value::Null, "{field}");
    }
    assert_ne!(minimal["superIdentityId"], user["superIdentityId"]);
}

#[tokio::test]
async fn name_external_id_and_identifier_bounds() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let channel = app.channel(&key, "Website").await;
    let cases = [
        ("name", "ab".to_owned(), false),
        ("name", "abc".to_owned(), true),
        ("name", "é".repeat(50), true),
        ("name", "é".repeat(51), false),
        ("externalId", "ab".to_owned(), false),
        ("externalId", "abc".to_owned(), true),
        ("externalId", "x".repeat(250), true),
        ("externalId", "x".repeat(251), false),
        ("identifier", String::new(), false),
        ("identifier", "i".repeat(250), true),
        ("identifier", "i".repeat(251), false),
    ];
    for (field, value, ok) in cases {
        let create = app
            .external(&key, Method::POST, USERS)
            .json(&json!({"channelId": channel, field: value}));
        if ok {
            let user = create.ok().await;
            assert_eq!(user[field], value.as_str());
        } else {
            let body = create.problem(400, "validation_failed").await;
            assert_eq!(body["errors"][0]["field"], field, "{body}");
        }
    }
    // Several bad fields are reported together.
    let body = app
        .external(&key, Method::POST, USERS)
        .json(&json!({"channelId": channel, "name": "x", "externalId": "y"}))
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 2, "{body}");
    for (body, field) in [
        (json!({}), None),
        (json!({"channelId": "nope"}), Some("channelId")),
        (json!({"channelId": channel, "tierId": 5}), Some("tierId")),
        (json!({"channelId": channel, "blocked": true}), None),
    ] {
        let problem = app
            .external(&key, Method::POST, USERS)
            .json(&body)
            .status(400)
            .await
            .json();
        if let Some(field) = field {
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
    }
}

#[tokio::test]
async fn an_unknown_channel_tier_or_group_is_404_naming_it() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let channel = app.channel(&key, "Website").await;
    let other = app.workspace().await.api_key;
    let their_channel = app.channel(&other, "Theirs").await;
    let their_tier = app.tier(&other, "Gold").await;
    let random = uuid::Uuid::new_v4().to_string();
    for (body, code) in [
        (json!({"channelId": random}), "channel_not_found"),
        (json!({"channelId": their_channel}), "channel_not_found"),
        (
            json!({"channelId": channel, "tierId": random}),
            "tier_not_found",
        ),
        (
            json!({"channelId": channel, "tierId": their_tier}),
            "tier_not_found",
        ),
        (
            json!({"channelId": channel, "externalUserGroupId": random}),
            "external_user_group_not_found",
        ),
    ] {
        app.external(&key, Method::POST, USERS)
            .json(&body)
            .problem(404, code)
            .await;
    }
    let (total, _) = app.external(&key, Method::GET, USERS).listed().await;
    assert_eq!(total, Some(0), "nothing was created");
}

#[tokio::test]
async fn duplicates_in_a_channel_are_409_but_other_channels_are_free() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let web = app.channel(&key, "Website").await;
    let whatsapp = app.channel(&key, "WhatsApp").await;
    app.external_create(
        &key,
        USERS,
        json!({"channelId": web, "externalId": "u-1", "identifier": "Ada@Example.com"}),
    )
    .await;
    for (body, code, field) in [
        (
            json!({"channelId": web, "externalId": "u-1"}),
            "external_id_taken",
            "externalId",
        ),
        (
            json!({"channelId": web, "identifier": "ada@example.COM"}),
            "identifier_taken",
            "identifier",
        ),
        (
            json!({"channelId": web, "identifier": " ada@example.com "}),
            "identifier_taken",
            "identifier",
        ),
    ] {
        let body = app
            .external(&key, Method::POST, USERS)
            .json(&body)
            .problem(409, code)
            .await;
        assert_eq!(body["errors"][0]["field"], field);
    }
    // externalId is compared exactly; other channels do not collide.
    app.external_create(&key, USERS, json!({"channelId": web, "externalId": "U-1"}))
        .await;
    app.external_create(
        &key,
        USERS,
        json!({"channelId": whatsapp, "externalId": "u-1", "identifier": "ada@example.com"}),
    )
    .await;
    let (total, _) = app.external(&key, Method::GET, USERS).listed().await;
    assert_eq!(total, Some(3));
}

#[tokio::test]
async fn patch_changes_only_what_is_sent_and_null_clears() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let channel = app.channel(&key, "Website").await;
    let tier = app.tier(&key, "Gold").await;
    let group = app.group(&key, "Acme").await;
    let user = app
        .external_create(
            &key,
            USERS,
            json!({
                "channelId": channel, "externalId": "u-1", "identifier": "ada@example.com",
                "name": "Ada", "tierId": tier, "externalUserGroupId": group
            }),
        )
        .await;
    let path = format!("{USERS}/{}", id(&user));
    let patch = |body: Value| app.external(&key, Method::PATCH, &path).json(&body);

    let renamed = patch(json!({"name": "Ada Lovelace"})).ok().await;
    assert_eq!(renamed["name"], "Ada Lovelace");
    for field in [
        "externalId",
        "identifier",
        "tierId",
        "externalUserGroupId",
        "blocked",
        "superIdentityId",
        "createdAt",
    ] {
        assert_eq!(renamed[field], user[field], "{field} unchanged");
    }
    assert!(renamed["updatedAt"].as_str() >= user["updatedAt"].as_str());

    let cleared = patch(json!({
        "name": null, "externalId": null, "identifier": null, "tierId": null, "externalUserGroupId": null
    }))
    .ok()
    .await;
    for field in [
        "name",
        "externalId",
        "identifier",
        "tierId",
        "externalUserGroupId",
    ] {
        assert_eq!(cleared[field], Value::Null, "{field} cleared");
    }
    let set = patch(json!({
        "blocked": true, "externalId": "u-2", "identifier": "ADA@example.com", "tierId": tier, "externalUserGroupId": group
    }))
    .ok()
    .await;
    assert_eq!(
        (
            &set["blocked"],
            &set["externalId"],
            &set["identifier"],
            &set["tierId"],
            &set["externalUserGroupId"]
        ),
        (
            &json!(true),
            &json!("u-2"),
            &json!("ADA@example.com"),
            &json!(tier),
            &json!(group)
        )
    );
    let got = app.external(&key, Method::GET, &path).ok().await;
    assert_eq!(got, set);

    app.external_create(
        &key,
        USERS,
        json!({"channelId": channel, "externalId": "taken", "identifier": "bob@example.com"}),
    )
    .await;
    for (body, status, code) in [
        (json!({}), 400, "empty_update"),
        (json!({"name": "ab"}), 400, "validation_failed"),
        (json!({"name": "x".repeat(51)}), 400, "validation_failed"),
        (json!({"externalId": "ab"}), 400, "validation_failed"),
        (
            json!({"externalId": "x".repeat(251)}),
            400,
            "validation_failed",
        ),
        (json!({"blocked": "yes"}), 400, "validation_failed"),
        (json!({"externalId": "taken"}), 409, "external_id_taken"),
        (
            json!({"identifier": "BOB@example.com"}),
            409,
            "identifier_taken",
        ),
        (
            json!({"tierId": uuid::Uuid::new_v4()}),
            404,
            "tier_not_found",
        ),
        (
            json!({"externalUserGroupId": uuid::Uuid::new_v4()}),
            404,
            "external_user_group_not_found",
        ),
    ] {
        patch(body).problem(status, code).await;
    }
    let unchanged = app.external(&key, Method::GET, &path).ok().await;
    assert_eq!(unchanged, set, "failed patches change nothing");
}

#[tokio::test]
async fn unknown_malformed_and_foreign_ids_are_404() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let other = app.bootstrap("globex", "admin@globex.test").await;
    let theirs = app.workspace_of(&other).await.api_key;
    let their_channel = app.channel(&theirs, "Theirs").await;
    let their_user = app
        .external_create(
            &theirs,
            USERS,
            json!({"channelId": their_channel, "externalId": "u-1"}),
        )
        .await;
    for target in [
        id(&their_user),
        uuid::Uuid::new_v4().to_string(),
        "not-a-uuid".into(),
        "1234".into(),
    ] {
        let path = format!("{USERS}/{target}");
        app.external(&key, Method::GET, &path)
            .problem(404, "external_user_not_found")
            .await;
        app.external(&key, Method::PATCH, &path)
            .json(&json!({"blocked": true}))
            .problem(404, "external_user_not_found")
            .await;
    }
    let theirs_now = app
        .external(
            &theirs,
            Method::GET,
            &format!("{USERS}/{}", id(&their_user)),
        )
        .ok()
        .await;
    assert_eq!(theirs_now, their_user, "untouched");
    let (total, list) = app.external(&key, Method::GET, USERS).listed().await;
    assert_eq!((total, list), (Some(0), json!([])));
    let (total, list) = app
        .external(
            &key,
            Method::GET,
            &format!("{USERS}?channelIds={their_channel}"),
        )
        .listed()
        .await;
    assert_eq!((total, list), (Some(0), json!([])));
}
