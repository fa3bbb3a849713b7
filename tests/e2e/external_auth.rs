//! Authentication of external users (`POST /api/v1/external-users/authenticate`), their
//! access tokens (`GET /api/v1/external-users/me`), blocking, and super identities.

use base64::Engine;
use reqwest::Method;
use roster_e2e::{json, listed, problem, TestApp, TEST_SECRET};
use serde_json::{json, Value};

const USERS: &str = "/api/v1/external-users";
const AUTHENTICATE: &str = "/api/v1/external-users/authenticate";
const ME: &str = "/api/v1/external-users/me";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn authenticate(app: &TestApp, key: &str, body: Value) -> (u16, Value) {
    json(
        app.external(key, Method::POST, AUTHENTICATE)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// The claims of a JWT, without checking it (the server does that).
fn claims(token: &str) -> Value {
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
    let res = app
        .external(key, Method::POST, AUTHENTICATE)
        .json(&json!({"channelId": channel, "externalId": "crm-1", "id": null, "identifier": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
    let (status, first) = json(res).await;
    assert_eq!(status, 200, "{first}");
    let mut fields: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "accessToken",
            "blocked",
            "channelId",
            "createdAt",
            "externalId",
            "externalUserGroupId",
            "id",
            "identifier",
            "name",
            "superIdentityId",
            "tierId",
            "updatedAt",
            "workspaceId"
        ]
    );
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
        let (status, again) = authenticate(&app, key, body.clone()).await;
        assert_eq!(status, 200, "{body}: {again}");
        assert_eq!(again["id"], first["id"], "{body}");
        assert_eq!(
            again["identifier"],
            Value::Null,
            "found users are not changed"
        );
        assert!(again["accessToken"].is_string());
    }
    let (_, total, _) = listed(app.external(key, Method::GET, USERS).send().await.unwrap()).await;
    assert_eq!(total, Some(1));
}

#[tokio::test]
async fn authenticate_by_identifier_ignores_case_and_stays_in_its_channel() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let web = app.channel(&key, "Website").await;
    let chat = app.channel(&key, "WhatsApp").await;
    let (status, ada) = authenticate(
        &app,
        &key,
        json!({"channelId": web, "identifier": "Ada@Example.com"}),
    )
    .await;
    assert_eq!(status, 200, "{ada}");
    assert_eq!(ada["identifier"], "Ada@Example.com");
    let (_, again) = authenticate(
        &app,
        &key,
        json!({"channelId": web, "identifier": "ada@example.COM"}),
    )
    .await;
    assert_eq!(again["id"], ada["id"]);
    // An unknown externalId falls through to the identifier.
    let (_, by_identifier) = authenticate(
        &app,
        &key,
        json!({"channelId": web, "externalId": "crm-404", "identifier": "ADA@example.com"}),
    )
    .await;
    assert_eq!(by_identifier["id"], ada["id"]);
    // Another channel: a new user of the same super identity; an id from another channel
    // does not match there.
    let (status, on_chat) = authenticate(
        &app,
        &key,
        json!({"channelId": chat, "id": ada["id"], "identifier": "ada@example.com"}),
    )
    .await;
    assert_eq!(status, 200, "{on_chat}");
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

    let res = app
        .external(&key, Method::POST, AUTHENTICATE)
        .json(&json!({"channelId": channel, "externalId": null, "id": null, "identifier": null}))
        .send()
        .await
        .unwrap();
    problem(res, 400, "user_reference_required").await;
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
        let (status, problem) = authenticate(&app, &key, body.clone()).await;
        assert_eq!(status, 400, "{body}: {problem}");
        if let Some(field) = field {
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
    }
    for channel_id in [uuid::Uuid::new_v4().to_string(), their_channel] {
        let res = app
            .external(&key, Method::POST, AUTHENTICATE)
            .json(&json!({"channelId": channel_id, "externalId": "crm-1", "id": null, "identifier": null}))
            .send()
            .await
            .unwrap();
        let body = problem(res, 404, "channel_not_found").await;
        assert_eq!(body["detail"], "Channel not found");
    }
    let res = app
        .external(&key, Method::POST, AUTHENTICATE)
        .json(&json!({"channelId": channel, "id": uuid::Uuid::new_v4()}))
        .send()
        .await
        .unwrap();
    problem(res, 404, "external_user_not_found").await;
    let res = app
        .anon(Method::POST, AUTHENTICATE)
        .json(&json!({"channelId": channel, "externalId": "crm-1"}))
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;
    let (_, total, _) = listed(app.external(&key, Method::GET, USERS).send().await.unwrap()).await;
    assert_eq!(total, Some(0), "nothing was created");
    let res = app
        .external(&key, Method::GET, AUTHENTICATE)
        .send()
        .await
        .unwrap();
    problem(res, 405, "method_not_allowed").await;
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
        let calls = (0..50).map(|_| {
            let req = app.external(&key, Method::POST, AUTHENTICATE).json(&body);
            async move { json(req.send().await.unwrap()).await }
        });
        let results = futures_util::future::join_all(calls).await;
        let first = &results[0].1;
        for (status, user) in &results {
            assert_eq!(*status, 200, "{user}");
            assert_eq!(user["id"], first["id"]);
            assert_eq!(user["superIdentityId"], first["superIdentityId"]);
        }
        let (_, total, list) = listed(
            app.external(&key, Method::GET, &format!("{USERS}?channelIds={channel}"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(total, Some(1), "{list}");
        assert_eq!(list[0]["id"], first["id"]);
    }
    // The callers that lost the race left no super identity behind.
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.pool.get().await.unwrap();
    let identities: Count = diesel_async::RunQueryDsl::get_result(
        diesel::sql_query("SELECT count(*) AS n FROM external_super_identities"),
        &mut conn,
    )
    .await
    .unwrap();
    assert_eq!(identities.n, 2);
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
        let req = app
            .external(&key, Method::POST, AUTHENTICATE)
            .json(&json!({"channelId": channel, "identifier": "+15550100"}));
        async move { json(req.send().await.unwrap()).await }
    });
    let results = futures_util::future::join_all(calls).await;
    let identity = &results[0].1["superIdentityId"];
    for (status, user) in &results {
        assert_eq!(*status, 200, "{user}");
        assert_eq!(&user["superIdentityId"], identity);
    }
    let (_, total, _) = listed(
        app.external(
            &key,
            Method::GET,
            &format!("{USERS}?superIdentityIds={}", identity.as_str().unwrap()),
        )
        .send()
        .await
        .unwrap(),
    )
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
    let (_, ada_mail) = authenticate(
        &app,
        &key,
        json!({"channelId": mail, "identifier": "ADA@EXAMPLE.COM"}),
    )
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

    let (_, total, list) = listed(
        app.external(
            &key,
            Method::GET,
            &format!(
                "{USERS}?superIdentityIds={}",
                ada["superIdentityId"].as_str().unwrap()
            ),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(total, Some(3));
    let got: Vec<String> = list.as_array().unwrap().iter().map(id).collect();
    assert_eq!(got, [id(&ada), id(&ada_chat), id(&ada_mail)]);
}

#[tokio::test]
async fn me_returns_the_token_owner_and_blocking_takes_effect_at_once() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let channel = app.channel(&key, "Website").await;
    let (_, auth) = authenticate(
        &app,
        &key,
        json!({"channelId": channel, "externalId": "crm-1"}),
    )
    .await;
    let token = auth["accessToken"].as_str().unwrap().to_owned();
    let path = format!("{USERS}/{}", id(&auth));
    let (_, stored) = json(app.external(&key, Method::GET, &path).send().await.unwrap()).await;

    let (status, me) = json(
        app.anon(Method::GET, ME)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, &me), (200, &stored));
    let (status, me) = json(app.external(&token, Method::GET, ME).send().await.unwrap()).await;
    assert_eq!((status, &me), (200, &stored), "a raw token works too");

    let (status, blocked) = json(
        app.external(&key, Method::PATCH, &path)
            .json(&json!({"blocked": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, &blocked["blocked"]), (200, &json!(true)));
    let res = app
        .anon(Method::GET, ME)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    problem(res, 403, "external_user_blocked").await;
    for body in [
        json!({"channelId": channel, "externalId": "crm-1"}),
        json!({"channelId": channel, "id": auth["id"]}),
    ] {
        let res = app
            .external(&key, Method::POST, AUTHENTICATE)
            .json(&body)
            .send()
            .await
            .unwrap();
        problem(res, 403, "external_user_blocked").await;
    }
    // Blocked users are still listed and readable through the API key.
    let (status, got) = json(app.external(&key, Method::GET, &path).send().await.unwrap()).await;
    assert_eq!((status, &got["blocked"]), (200, &json!(true)));

    let (status, _) = json(
        app.external(&key, Method::PATCH, &path)
            .json(&json!({"blocked": false}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let (status, me) = json(
        app.anon(Method::GET, ME)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, me["blocked"].as_bool()), (200, Some(false)));
    let (status, again) = authenticate(
        &app,
        &key,
        json!({"channelId": channel, "externalId": "crm-1"}),
    )
    .await;
    assert_eq!((status, &again["id"]), (200, &auth["id"]));
}

#[tokio::test]
async fn me_rejects_missing_forged_expired_and_foreign_tokens() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let channel = app.channel(&ws.api_key, "Website").await;
    let (_, auth) = authenticate(
        &app,
        &ws.api_key,
        json!({"channelId": channel, "externalId": "crm-1"}),
    )
    .await;
    let good = auth["accessToken"].as_str().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let api_key_id = claims(good)["apiKeyId"].clone();
    let claims_at = |iat: i64| {
        json!({"iss": "roster", "aud": "external-users", "sub": auth["id"], "workspaceId": ws.id,
               "channelId": channel, "superIdentityId": auth["superIdentityId"], "apiKeyId": api_key_id,
               "iat": iat, "exp": iat + 3600})
    };
    let real_key = roster_external_users::access::signing_key(TEST_SECRET);
    let expired = roster_core::jwt::sign(&claims_at(now - 7200), &real_key);
    let forged = roster_core::jwt::sign(
        &claims_at(now),
        &roster_external_users::access::signing_key(b"some other secret, at least 32 bytes"),
    );
    let wrong_audience = roster_core::jwt::sign(
        &json!({"iss": "roster", "aud": "slack-link", "sub": auth["id"], "workspaceId": ws.id,
                "channelId": channel, "superIdentityId": auth["superIdentityId"], "iat": now, "exp": now + 60}),
        &real_key,
    );
    let unknown_user = roster_core::jwt::sign(
        &json!({"iss": "roster", "aud": "external-users", "sub": uuid::Uuid::new_v4(), "workspaceId": ws.id,
                "channelId": channel, "superIdentityId": auth["superIdentityId"], "iat": now, "exp": now + 60}),
        &real_key,
    );
    let tampered = format!("{good}x");
    let res = app.anon(Method::GET, ME).send().await.unwrap();
    problem(res, 401, "unauthorized").await;
    for (bad, what) in [
        (expired.as_str(), "expired"),
        (forged.as_str(), "invalid"),
        (wrong_audience.as_str(), "invalid"),
        (unknown_user.as_str(), "invalid"),
        (tampered.as_str(), "invalid"),
        ("not.a.jwt", "invalid"),
        (ws.api_key.as_str(), "invalid"),
    ] {
        let res = app
            .anon(Method::GET, ME)
            .bearer_auth(bad)
            .send()
            .await
            .unwrap();
        let body = problem(res, 401, "unauthorized").await;
        assert!(body["detail"].as_str().unwrap().contains(what), "{body}");
    }
    // A token made the way the server makes them, with the server's key, works.
    let minted = roster_core::jwt::sign(&claims_at(now), &real_key);
    let (status, me) = json(
        app.anon(Method::GET, ME)
            .bearer_auth(&minted)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, &me["id"]), (200, &auth["id"]));
    let res = app
        .anon(Method::PUT, ME)
        .bearer_auth(good)
        .send()
        .await
        .unwrap();
    problem(res, 405, "method_not_allowed").await;
    let res = app
        .external(
            &ws.api_key,
            Method::DELETE,
            &format!("{USERS}/{}", id(&auth)),
        )
        .send()
        .await
        .unwrap();
    problem(res, 405, "method_not_allowed").await;
}
