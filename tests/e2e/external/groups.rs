//! External user groups (`/api/v1/external-user-groups`): CRUD, validation, and the list
//! filters `externalId`, `ids`, `tierIds` and `search`.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{fields, listed_ids};

const GROUPS: &str = "/api/v1/external-user-groups";

#[tokio::test]
async fn groups_are_created_read_updated_and_deleted() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let key = ws.api_key.as_str();
    let tier = app.tier(key, "Gold").await;
    let group = app
        .external_create(
            key,
            GROUPS,
            json!({"name": "Aurora Labs", "externalId": "crm-1182", "tierId": tier}),
        )
        .await;
    assert_eq!(
        fields(&group),
        [
            "createdAt",
            "externalId",
            "id",
            "metadata",
            "name",
            "tierId",
            "updatedAt",
            "workspaceId"
        ]
    );
    assert_eq!(group["name"], "Aurora Labs");
    assert_eq!(group["externalId"], "crm-1182");
    assert_eq!(group["tierId"], tier.as_str());
    assert_eq!(group["workspaceId"], ws.id.as_str());
    let path = format!("{GROUPS}/{}", group["id"].as_str().unwrap());
    let got = app.external(key, Method::GET, &path).ok().await;
    assert_eq!(&got, &group);

    // Only what is sent changes; null clears.
    let updated = app
        .external(key, Method::PATCH, &path)
        .json(&json!({"externalId": null, "tierId": null}))
        .ok()
        .await;
    assert_eq!(updated["externalId"], Value::Null);
    assert_eq!(updated["tierId"], Value::Null);
    assert_eq!(updated["name"], "Aurora Labs");
    let updated = app
        .external(key, Method::PATCH, &path)
        .json(&json!({"name": "Aurora", "externalId": "crm-9", "tierId": tier}))
        .ok()
        .await;
    assert_eq!(
        (&updated["name"], &updated["externalId"], &updated["tierId"]),
        (&json!("Aurora"), &json!("crm-9"), &json!(tier))
    );

    // Deleting a group leaves its users without one.
    let channel = app.channel(key, "Website").await;
    let user = app
        .external_create(
            key,
            "/api/v1/external-users",
            json!({"channelId": channel, "externalUserGroupId": group["id"]}),
        )
        .await;
    assert_eq!(user["externalUserGroupId"], group["id"]);
    app.external(key, Method::DELETE, &path).no_content().await;
    app.external(key, Method::GET, &path)
        .problem(404, "external_user_group_not_found")
        .await;
    let user = app
        .external(
            key,
            Method::GET,
            &format!("/api/v1/external-users/{}", user["id"].as_str().unwrap()),
        )
        .ok()
        .await;
    assert_eq!(user["externalUserGroupId"], Value::Null);
}

#[tokio::test]
async fn group_fields_are_validated() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    for (body, field) in [
        (json!({"name": "ab"}), "name"),
        (json!({"name": "x".repeat(51)}), "name"),
        (json!({"name": "Fine", "externalId": "ab"}), "externalId"),
        (
            json!({"name": "Fine", "externalId": "x".repeat(251)}),
            "externalId",
        ),
        (json!({"name": "Fine", "tierId": "gold"}), "tierId"),
        (json!({"name": "Fine", "externalId": 5}), "externalId"),
    ] {
        let body = app
            .external(&key, Method::POST, GROUPS)
            .json(&body)
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    for (name, external_id) in [
        ("abc".to_owned(), "abc".to_owned()),
        ("x".repeat(50), "y".repeat(250)),
    ] {
        let group = app
            .external_create(
                &key,
                GROUPS,
                json!({"name": name, "externalId": external_id}),
            )
            .await;
        assert_eq!(
            (group["name"].as_str(), group["externalId"].as_str()),
            (Some(name.as_str()), Some(external_id.as_str()))
        );
    }
    app.external(&key, Method::POST, GROUPS)
        .json(&json!({"name": "Fine", "tierId": uuid::Uuid::new_v4()}))
        .problem(404, "tier_not_found")
        .await;

    let group = app
        .external_create(&key, GROUPS, json!({"name": "Target"}))
        .await;
    let path = format!("{GROUPS}/{}", group["id"].as_str().unwrap());
    for (body, status, code) in [
        (json!({}), 400, "empty_update"),
        (json!({"name": "ab"}), 400, "validation_failed"),
        (json!({"externalId": "ab"}), 400, "validation_failed"),
        (
            json!({"tierId": uuid::Uuid::new_v4()}),
            404,
            "tier_not_found",
        ),
        (json!({"externalId": "abc"}), 409, "external_id_taken"),
        (json!({"colour": "red"}), 400, "validation_failed"),
    ] {
        app.external(&key, Method::PATCH, &path)
            .json(&body)
            .problem(status, code)
            .await;
    }
}

#[tokio::test]
async fn a_duplicate_group_external_id_in_the_workspace_is_409() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    app.external_create(
        &key,
        GROUPS,
        json!({"name": "First", "externalId": "acct-1"}),
    )
    .await;
    let body = app
        .external(&key, Method::POST, GROUPS)
        .json(&json!({"name": "Second", "externalId": "acct-1"}))
        .problem(409, "external_id_taken")
        .await;
    assert_eq!(body["errors"][0]["field"], "externalId");
    // Groups without an external reference never collide; other workspaces are separate.
    app.external_create(&key, GROUPS, json!({"name": "No ref"}))
        .await;
    app.external_create(&key, GROUPS, json!({"name": "No ref either"}))
        .await;
    let other = app.workspace().await.api_key;
    app.external_create(
        &other,
        GROUPS,
        json!({"name": "Elsewhere", "externalId": "acct-1"}),
    )
    .await;
}

#[tokio::test]
async fn group_list_filters_alone_and_combined() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let gold = app.tier(&key, "Gold").await;
    let silver = app.tier(&key, "Silver").await;
    let mut g = Vec::new();
    for body in [
        json!({"name": "Aurora Labs", "externalId": "CRM-100", "tierId": gold}),
        json!({"name": "Borealis Inc", "externalId": "crm-200", "tierId": silver}),
        json!({"name": "Cirrus 100% Co", "tierId": gold}),
        json!({"name": "Dune", "externalId": "other-1"}),
    ] {
        g.push(
            app.external_create(&key, GROUPS, body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let (app, key) = (&app, &key);
    let q = move |query: String| listed_ids(app, key, GROUPS, query);
    assert_eq!(q(String::new()).await, g);
    assert_eq!(q("externalId=crm-200".into()).await, [g[1].clone()]);
    assert_eq!(
        q("externalId=CRM-200".into()).await,
        Vec::<String>::new(),
        "exact match"
    );
    assert_eq!(q(format!("ids={}", g[2])).await, [g[2].clone()]);
    assert_eq!(
        q(format!("ids={}&ids={}", g[3], g[0])).await,
        [g[0].clone(), g[3].clone()]
    );
    assert_eq!(
        q(format!("ids[]={}&ids[]={}", g[1], g[2])).await,
        [g[1].clone(), g[2].clone()]
    );
    assert_eq!(
        q(format!("tierIds={gold}")).await,
        [g[0].clone(), g[2].clone()]
    );
    assert_eq!(
        q(format!("tierIds={gold}&tierIds={silver}")).await,
        g[..3].to_vec()
    );
    assert_eq!(
        q("search=crm".into()).await,
        g[..2].to_vec(),
        "external id, any case"
    );
    assert_eq!(
        q("search=BOREALIS".into()).await,
        [g[1].clone()],
        "name, any case"
    );
    assert_eq!(q("search=100".into()).await, [g[0].clone(), g[2].clone()]);
    assert_eq!(
        q("search=100%25".into()).await,
        [g[2].clone()],
        "% is literal"
    );
    assert_eq!(
        q("search=%20%20".into()).await,
        g,
        "blank search does not filter"
    );
    assert_eq!(
        q(format!("tierIds={gold}&search=crm")).await,
        [g[0].clone()]
    );
    assert_eq!(
        q(format!(
            "tierIds={gold}&ids={}&ids={}&search=100",
            g[0], g[1]
        ))
        .await,
        [g[0].clone()]
    );
    assert_eq!(
        q(format!("externalId=crm-200&tierIds={gold}")).await,
        Vec::<String>::new()
    );
    assert_eq!(
        q(format!("tierIds={gold}&pageSize=1&pageNumber=2")).await,
        [g[2].clone()]
    );
    let (total, _) = app
        .external(
            key,
            Method::GET,
            &format!("{GROUPS}?tierIds={gold}&pageSize=1"),
        )
        .listed()
        .await;
    assert_eq!(total, Some(2), "the total counts every match, not the page");

    for (query, field) in [
        ("ids=nope", "ids"),
        (&*format!("tierIds={gold}&tierIds=12"), "tierIds"),
        ("externalId=a&externalId=b", "externalId"),
        (&*format!("search={}", "x".repeat(201)), "search"),
        ("pageSize=0", "pageSize"),
    ] {
        let body = app
            .external(key, Method::GET, &format!("{GROUPS}?{query}"))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
}
