//! Authentication of external users (`POST /api/v1/external-users/authenticate`), and the
//! super identities that join a person's users across channels.

use base64::Engine;
use futures_util::future::join_all;
use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{fields, id, EXTERNAL_USER_FIELDS, USERS};

pub(super) const AUTHENTICATE: &str = "/api/v1/external-users/authenticate";

/// `POST /authenticate` with `body`, under the API key `key`.
pub(super) fn authenticate(app: &TestApp, key: &str, body: Value) -> RequestBuilder {
    app.external(key, Method::POST, AUTHENTICATE).json(&body)
}

/// The claims of a JWT, without checking it (the server does that).
pub(super) fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn authenticate_creates_a_new_user_then_finds_it_again() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let key = ws.api_key.as_str();
    let channel = app.channel(key, "Website").await;
    let reply = authenticate(
        &app,
        key,
        json!({"channelId": channel, "externalId": "crm-1", "id": null, "identifier": null}),
    )
    .status(200)
    .await;
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let first = reply.json();
    let mut expected = [&["accessToken"][..], &EXTERNAL_USER_FIELDS].concat();
    expected.sort_unstable();
    assert_eq!(fields(&first), expected);
    assert_eq!(first["externalId"], "crm-1");
    assert_eq!(first["channelId"], channel.as_str());
    assert_eq!(first["workspaceId"], ws.id.as_str());
    assert_eq!(first["blocked"], false);
    for field in ["identifier", "name", "tierId", "externalUserGroupId"] {
        assert_eq!(first[field], Value::Null, "{field}");
    }
    let token = first["accessToken"].as_str().unwrap();
    let c = claims(token);
    assert_eq!(c["sub"], first["id"]);
    assert_eq!(c["workspaceId"], ws.id.as_str());
    assert_eq!(c["channelId"], channel.as_str());
    assert_eq!(c["superIdentityId"], first["superIdentityId"]);
    assert_eq!(
        c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(),
        3600
    );

    // By externalId again, by id, by id and externalId: the same user, a fresh token.
    for body in [
        json!({"channelId": channel, "externalId": "crm-1", "id": null, "identifier": null}),
        json!({"channelId": channel, "externalId": null, "id": first["id"], "identifier": null}),
        json!({"channelId": channel, "externalId": "crm-1", "id": first["id"], "identifier": "new@example.com"}),
        json!({"channelId": channel, "externalId": "crm-1"}),
    ] {
        let again = authenticate(&app, key, body.clone()).ok().await;
        assert_eq!(again["id"], first["id"], "{body}");
        assert_eq!(
            again["identifier"],
            Value::Null,
            "found users are not changed"
        );
        assert!(again["accessToken"].is_string());
    }
    let (total, _) = app.external(key, Method::GET, USERS).listed().await;
    assert_eq!(total, Some(1));
}

#[tokio::test]
async fn authenticate_by_identifier_ignores_case_and_stays_in_its_channel() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let web = app.channel(&key, "Website").await;
    let chat = app.channel(&key, "WhatsApp").await;
    let ada = authenticate(
        &app,
        &key,
        json!({"channelId": web, "identifier": "Ada@Example.com"}),
    )
    .ok()
    .await;
    assert_eq!(ada["identifier"], "Ada@Example.com");
    let again = authenticate(
        &app,
        &key,
        json!({"channelId": web, "identifier": "ada@example.COM"}),
    )
    .ok()
    .await;
    assert_eq!(again["id"], ada["id"]);
    // An unknown externalId falls through to the identifier.
    let by_identifier = authenticate(
        &app,
        &key,
        json!({"channelId": web, "externalId": "crm-404", "identifier": "ADA@example.com"}),
    )
    .ok()
    .await;
    assert_eq!(by_identifier["id"], ada["id"]);
    // Another channel: a new user of the same super identity; an id from another channel
    // does not match there.
    let on_chat = authenticate(
        &app,
        &key,
        json!({"channelId": chat, "id": ada["id"], "identifier": "ada@example.com"}),
    )
    .ok()
    .await;
    assert_ne!(on_chat["id"], ada["id"]);
    assert_eq!(on_chat["channelId"], chat.as_str());
    assert_eq!(on_chat["superIdentityId"], ada["superIdentityId"]);
}

#[tokio::test]
async fn authenticate_rejects_bad_input_unknown_channels_and_unknown_ids() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let channel = app.channel(&key, "Website").await;
    let other = app.workspace().await.api_key;
    let their_channel = app.channel(&other, "Theirs").await;

    app.external(&key, Method::POST, AUTHENTICATE)
        .json(&json!({"channelId": channel, "externalId": null, "id": null, "identifier": null}))
        .problem(400, "user_reference_required")
        .await;
    for (body, field) in [
        (json!({"externalId": "crm-1"}), None),
        (
            json!({"channelId": "nope", "externalId": "crm-1"}),
            Some("channelId"),
        ),
        (json!({"channelId": channel, "id": "nope"}), Some("id")),
        (
            json!({"channelId": channel, "externalId": "ab"}),
            Some("externalId"),
        ),
        (
            json!({"channelId": channel, "externalId": "x".repeat(251)}),
            Some("externalId"),
        ),
        (
            json!({"channelId": channel, "identifier": "i".repeat(251)}),
            Some("identifier"),
        ),
    ] {
        let problem = authenticate(&app, &key, body).status(400).await.json();
        if let Some(field) = field {
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
    }
    for channel_id in [uuid::Uuid::new_v4().to_string(), their_channel] {
        let body = authenticate(
            &app,
            &key,
            json!({"channelId": channel_id, "externalId": "crm-1", "id": null, "identifier": null}),
        )
        .problem(404, "channel_not_found")
        .await;
        assert_eq!(body["detail"], "Channel not found");
    }
    authenticate(
        &app,
        &key,
        json!({"channelId": channel, "id": uuid::Uuid::new_v4()}),
    )
    .problem(404, "external_user_not_found")
    .await;
    app.anon(Method::POST, AUTHENTICATE)
        .json(&json!({"channelId": channel, "externalId": "crm-1"}))
        .problem(401, "unauthorized")
        .await;
    let (total, _) = app.external(&key, Method::GET, USERS).listed().await;
    assert_eq!(total, Some(0), "nothing was created");
    app.external(&key, Method::GET, AUTHENTICATE)
        .problem(405, "method_not_allowed")
        .await;
}

#[tokio::test]
async fn fifty_concurrent_authentications_of_a_new_user_create_one() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let web = app.channel(&key, "Website").await;
    let chat = app.channel(&key, "WhatsApp").await;
    for (channel, body) in [
        (
            &web,
            json!({"channelId": web, "externalId": "crm-race", "id": null, "identifier": null}),
        ),
        (
            &chat,
            json!({"channelId": chat, "externalId": null, "id": null, "identifier": "Race@Example.com"}),
        ),
    ] {
        let calls = (0..50).map(|_| authenticate(&app, &key, body.clone()).ok());
        let results = join_all(calls).await;
        let first = &results[0];
        for user in &results {
            assert_eq!(user["id"], first["id"]);
            assert_eq!(user["superIdentityId"], first["superIdentityId"]);
        }
        let (total, list) = app
            .external(&key, Method::GET, &format!("{USERS}?channelIds={channel}"))
            .listed()
            .await;
        assert_eq!(total, Some(1), "{list}");
        assert_eq!(list[0]["id"], first["id"]);
    }
    // The callers that lost the race left no super identity behind.
    let identities = app
        .sql_count("SELECT count(*) AS n FROM external_super_identities")
        .await;
    assert_eq!(identities, 2);
}

#[tokio::test]
async fn concurrent_first_sightings_on_two_channels_share_one_super_identity() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let mut channels = Vec::new();
    for n in 0..5 {
        channels.push(app.channel(&key, &format!("Channel {n}")).await);
    }
    let calls = channels.iter().map(|channel| {
        authenticate(
            &app,
            &key,
            json!({"channelId": channel, "identifier": "+15550100"}),
        )
        .ok()
    });
    let results = join_all(calls).await;
    let identity = &results[0]["superIdentityId"];
    for user in &results {
        assert_eq!(&user["superIdentityId"], identity);
    }
    let (total, _) = app
        .external(
            &key,
            Method::GET,
            &format!("{USERS}?superIdentityIds={}", identity.as_str().unwrap()),
        )
        .listed()
        .await;
    assert_eq!(total, Some(5));
}

#[tokio::test]
async fn super_identities_join_by_identifier_across_channels_of_one_workspace() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let web = app.channel(&key, "Website").await;
    let chat = app.channel(&key, "WhatsApp").await;
    let mail = app.channel(&key, "Email").await;
    let ada = app
        .external_create(
            &key,
            USERS,
            json!({"channelId": web, "identifier": "Ada@Example.com", "name": "Ada"}),
        )
        .await;
    let ada_chat = app
        .external_create(
            &key,
            USERS,
            json!({"channelId": chat, "identifier": "ada@example.com"}),
        )
        .await;
    assert_eq!(ada_chat["superIdentityId"], ada["superIdentityId"]);
    let ada_mail = authenticate(
        &app,
        &key,
        json!({"channelId": mail, "identifier": "ADA@EXAMPLE.COM"}),
    )
    .ok()
    .await;
    assert_eq!(ada_mail["superIdentityId"], ada["superIdentityId"]);
    let bob = app
        .external_create(
            &key,
            USERS,
            json!({"channelId": chat, "identifier": "bob@example.com"}),
        )
        .await;
    assert_ne!(bob["superIdentityId"], ada["superIdentityId"]);
    let no_identifier = app
        .external_create(
            &key,
            USERS,
            json!({"channelId": mail, "externalId": "crm-7"}),
        )
        .await;
    assert_ne!(no_identifier["superIdentityId"], ada["superIdentityId"]);
    assert_ne!(no_identifier["superIdentityId"], bob["superIdentityId"]);
    // Another workspace never joins.
    let other = app.workspace().await.api_key;
    let elsewhere = app.channel(&other, "Website").await;
    let theirs = app
        .external_create(
            &other,
            USERS,
            json!({"channelId": elsewhere, "identifier": "ada@example.com"}),
        )
        .await;
    assert_ne!(theirs["superIdentityId"], ada["superIdentityId"]);

    let (total, list) = app
        .external(
            &key,
            Method::GET,
            &format!(
                "{USERS}?superIdentityIds={}",
                ada["superIdentityId"].as_str().unwrap()
            ),
        )
        .listed()
        .await;
    assert_eq!(total, Some(3));
    let got: Vec<String> = list.as_array().unwrap().iter().map(id).collect();
    assert_eq!(got, [id(&ada), id(&ada_chat), id(&ada_mail)]);
}
