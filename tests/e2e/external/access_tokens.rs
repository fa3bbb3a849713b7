//! External users' access tokens (`GET /api/v1/external-users/me`): who they name, which
//! are refused, and blocking, which takes effect at once.

use reqwest::Method;
use roster_e2e::{Expect, TestApp, TEST_SECRET};
use serde_json::json;

use super::auth::{authenticate, claims};
use super::{id, USERS};

const ME: &str = "/api/v1/external-users/me";

#[tokio::test]
async fn me_returns_the_token_owner_and_blocking_takes_effect_at_once() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let channel = app.channel(&key, "Website").await;
    let auth = authenticate(
        &app,
        &key,
        json!({"channelId": channel, "externalId": "crm-1"}),
    )
    .ok()
    .await;
    let token = auth["accessToken"].as_str().unwrap().to_owned();
    let path = format!("{USERS}/{}", id(&auth));
    let stored = app.external(&key, Method::GET, &path).ok().await;

    let me = app.anon(Method::GET, ME).bearer_auth(&token).ok().await;
    assert_eq!(&me, &stored);
    let me = app.external(&token, Method::GET, ME).ok().await;
    assert_eq!(&me, &stored, "a raw token works too");

    let blocked = app
        .external(&key, Method::PATCH, &path)
        .json(&json!({"blocked": true}))
        .ok()
        .await;
    assert_eq!(&blocked["blocked"], &json!(true));
    app.anon(Method::GET, ME)
        .bearer_auth(&token)
        .problem(403, "external_user_blocked")
        .await;
    for body in [
        json!({"channelId": channel, "externalId": "crm-1"}),
        json!({"channelId": channel, "id": auth["id"]}),
    ] {
        authenticate(&app, &key, body)
            .problem(403, "external_user_blocked")
            .await;
    }
    // Blocked users are still listed and readable through the API key.
    let got = app.external(&key, Method::GET, &path).ok().await;
    assert_eq!(&got["blocked"], &json!(true));

    app.external(&key, Method::PATCH, &path)
        .json(&json!({"blocked": false}))
        .ok()
        .await;
    let me = app.anon(Method::GET, ME).bearer_auth(&token).ok().await;
    assert_eq!(me["blocked"], false);
    let again = authenticate(
        &app,
        &key,
        json!({"channelId": channel, "externalId": "crm-1"}),
    )
    .ok()
    .await;
    assert_eq!(again["id"], auth["id"]);
}

#[tokio::test]
async fn me_rejects_missing_forged_expired_and_foreign_tokens() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let channel = app.channel(&ws.api_key, "Website").await;
    let auth = authenticate(
        &app,
        &ws.api_key,
        json!({"channelId": channel, "externalId": "crm-1"}),
    )
    .ok()
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
    app.anon(Method::GET, ME).problem(401, "unauthorized").await;
    for (bad, what) in [
        (expired.as_str(), "expired"),
        (forged.as_str(), "invalid"),
        (wrong_audience.as_str(), "invalid"),
        (unknown_user.as_str(), "invalid"),
        (tampered.as_str(), "invalid"),
        ("not.a.jwt", "invalid"),
        (ws.api_key.as_str(), "invalid"),
    ] {
        let body = app
            .anon(Method::GET, ME)
            .bearer_auth(bad)
            .problem(401, "unauthorized")
            .await;
        assert!(body["detail"].as_str().unwrap().contains(what), "{body}");
    }
    // A token made the way the server makes them, with the server's key, works.
    let minted = roster_core::jwt::sign(&claims_at(now), &real_key);
    let me = app.anon(Method::GET, ME).bearer_auth(&minted).ok().await;
    assert_eq!(&me["id"], &auth["id"]);
    app.anon(Method::PUT, ME)
        .bearer_auth(good)
        .problem(405, "method_not_allowed")
        .await;
    app.external(
        &ws.api_key,
        Method::DELETE,
        &format!("{USERS}/{}", id(&auth)),
    )
    .problem(405, "method_not_allowed")
    .await;
}
