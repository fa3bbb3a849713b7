//! CSRF and CORS: a state-changing request with the session cookie must come from a
//! trusted origin (`ROSTER_TRUSTED_ORIGINS`, default the public URL's); bearer requests
//! need no Origin. Trusted origins get CORS with credentials on `/api/auth/*` and
//! `/work-apps/slack/*`, preflight included; others get no CORS header at all.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

const TRUSTED: &str = "https://app.example.test";

async fn signed_up(app: &TestApp) -> String {
    let body = app
        .anon(Method::POST, "/api/auth/sign-up/email")
        .json(
            &json!({"email": "lee@example.com", "password": "tangerine quokka 42", "name": "Lee"}),
        )
        .ok()
        .await;
    body["token"].as_str().unwrap().to_owned()
}

fn with_cookie(app: &TestApp, token: &str, method: Method, path: &str) -> reqwest::RequestBuilder {
    app.anon(method, path)
        .header("cookie", format!("better-auth.session_token={token}"))
}

#[tokio::test]
async fn cookie_writes_need_a_trusted_origin() {
    let app = TestApp::spawn_with(|c| {
        c.trusted_origins = format!("{TRUSTED}, http://localhost:3000").parse().unwrap()
    })
    .await;
    let token = signed_up(&app).await;
    let update = |origin: Option<&str>, referer: Option<&str>| {
        let mut req = with_cookie(&app, &token, Method::POST, "/api/auth/update-user")
            .json(&json!({"name": "Changed"}));
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        if let Some(referer) = referer {
            req = req.header("referer", referer);
        }
        req
    };
    let missing = update(None, None)
        .problem(403, "MISSING_OR_NULL_ORIGIN")
        .await;
    assert_eq!(missing["message"], "Missing or null Origin");
    update(Some("null"), None)
        .problem(403, "MISSING_OR_NULL_ORIGIN")
        .await;
    let foreign = update(Some("https://evil.example.test"), None)
        .problem(403, "INVALID_ORIGIN")
        .await;
    assert_eq!(foreign["message"], "Invalid origin");
    update(Some("https://app.example.test.evil.test"), None)
        .problem(403, "INVALID_ORIGIN")
        .await;
    update(None, Some("https://evil.example.test/page"))
        .problem(403, "INVALID_ORIGIN")
        .await;
    // Nothing changed so far.
    let name = with_cookie(&app, &token, Method::GET, "/api/auth/get-session")
        .ok()
        .await["user"]["name"]
        .clone();
    assert_eq!(name, "Lee");
    update(Some("HTTPS://APP.example.test"), None).ok().await;
    update(None, Some("http://localhost:3000/settings?x=1"))
        .ok()
        .await;
    // Reads need no Origin; bearer requests need none either.
    with_cookie(&app, &token, Method::GET, "/api/auth/list-sessions")
        .ok()
        .await;
    app.anon(Method::POST, "/api/auth/update-user")
        .bearer_auth(&token)
        .json(&json!({"name": "By bearer"}))
        .ok()
        .await;
    // Other families too: their codes are their own.
    with_cookie(&app, &token, Method::POST, "/api/v1/app/tokens")
        .header("x-org", "acme")
        .json(&json!({"name": "t"}))
        .problem(403, "missing_or_null_origin")
        .await;
}

#[tokio::test]
async fn the_default_trusted_origin_is_the_public_urls() {
    let app =
        TestApp::spawn_with(|c| c.public_url = "https://roster.example.test/base".into()).await;
    let token = signed_up(&app).await;
    with_cookie(&app, &token, Method::POST, "/api/auth/sign-out")
        .header("origin", "https://roster.example.test")
        .ok()
        .await;
    let token = signed_up_again(&app).await;
    with_cookie(&app, &token, Method::POST, "/api/auth/sign-out")
        .header("origin", "http://127.0.0.1:8080")
        .problem(403, "INVALID_ORIGIN")
        .await;
}

async fn signed_up_again(app: &TestApp) -> String {
    let body = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "lee@example.com", "password": "tangerine quokka 42"}))
        .ok()
        .await;
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn trusted_origins_get_cors_with_credentials_and_others_none() {
    let app = TestApp::spawn_with(|c| c.trusted_origins = TRUSTED.parse().unwrap()).await;
    let preflight = |path: &str, origin: &str| {
        app.anon(Method::OPTIONS, path)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .reply()
    };
    for path in ["/api/auth/sign-in/email", "/work-apps/slack/workspaces"] {
        let ok = preflight(path, TRUSTED).await;
        assert_eq!(ok.status, 204, "{ok}");
        assert_eq!(ok.header("access-control-allow-origin"), Some(TRUSTED));
        assert_eq!(ok.header("access-control-allow-credentials"), Some("true"));
        assert!(ok
            .header("access-control-allow-methods")
            .unwrap()
            .contains("POST"));
        assert_eq!(
            ok.header("access-control-allow-headers"),
            Some("content-type")
        );
        let no = preflight(path, "https://evil.example.test").await;
        assert!(no.header("access-control-allow-origin").is_none(), "{no}");
        assert!(
            no.header("access-control-allow-credentials").is_none(),
            "{no}"
        );
    }
    // Outside the two families: no CORS, even for a trusted origin.
    let app_family = preflight("/api/v1/app/me", TRUSTED).await;
    assert!(
        app_family.header("access-control-allow-origin").is_none(),
        "{app_family}"
    );
    let answer = app
        .anon(Method::GET, "/api/auth/get-session")
        .header("origin", TRUSTED)
        .status(200)
        .await;
    assert_eq!(answer.header("access-control-allow-origin"), Some(TRUSTED));
    assert_eq!(
        answer.header("access-control-allow-credentials"),
        Some("true")
    );
    let refused = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .header("origin", TRUSTED)
        .json(&json!({"email": "who@example.com", "password": "wrong horse"}))
        .status(401)
        .await;
    assert_eq!(
        refused.header("access-control-allow-origin"),
        Some(TRUSTED),
        "errors too"
    );
    let foreign = app
        .anon(Method::GET, "/api/auth/get-session")
        .header("origin", "https://evil.example.test")
        .status(200)
        .await;
    assert!(foreign.header("access-control-allow-origin").is_none());
}
