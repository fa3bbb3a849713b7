//! Errors that tell a newcomer what to do: the credential a route expects, an org that
//! cannot be used, where the routes are described, and problem+json for bad headers.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};

#[tokio::test]
async fn a_credential_of_the_other_family_is_a_401_naming_the_expected_one() {
    let app = TestApp::spawn().await;
    let workspace = app.workspace().await;
    let body = app
        .external(&app.admin.token, Method::GET, "/api/v1/channels")
        .problem(401, "unauthorized")
        .await;
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("workspace API key"), "{detail}");
    assert!(detail.contains("not an API token"), "{detail}");

    let body = app
        .as_user(
            &workspace.api_key,
            &app.admin.org_slug,
            Method::GET,
            "/api/v1/app/me",
        )
        .problem(401, "unauthorized")
        .await;
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("API token (rpat_…) or a session"),
        "{detail}"
    );
    assert!(detail.contains("not a workspace API key"), "{detail}");

    // A credential of neither kind keeps the plain answer.
    let body = app
        .external("rxk_nope", Method::GET, "/api/v1/channels")
        .problem(401, "unauthorized")
        .await;
    assert_eq!(body["detail"], "the API key is invalid or revoked");
}

#[tokio::test]
async fn an_unknown_org_and_another_tenants_org_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let other = app.bootstrap("globex", "admin@globex.test").await;
    let mut details = Vec::new();
    for org in [
        "no-such-org",
        other.org_slug.as_str(),
        other.org_id.as_str(),
    ] {
        let body = app
            .as_user(&app.admin.token, org, Method::GET, "/api/v1/app/me")
            .problem(403, "not_a_member")
            .await;
        details.push(body["detail"].as_str().unwrap().to_owned());
    }
    assert!(details.iter().all(|d| *d == details[0]), "{details:?}");
    assert!(details[0].contains("does not exist or you are not a user of it"));
    assert!(details[0].contains("x-org"), "{}", details[0]);
}

#[tokio::test]
async fn an_unknown_route_points_to_the_docs_and_docs_without_the_slash_redirects() {
    let app = TestApp::spawn().await;
    let body = app
        .anon(Method::GET, "/api/v1/nope")
        .problem(404, "route_not_found")
        .await;
    assert!(
        body["detail"].as_str().unwrap().contains("/docs/"),
        "{body}"
    );
    assert!(body["request_id"].is_string(), "{body}");

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(res.status(), 301);
    assert_eq!(res.headers()["location"], "/docs/");
    let res = app.anon(Method::GET, "/docs").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("swagger"));
}

#[tokio::test]
async fn malformed_header_values_get_problem_json_with_a_request_id() {
    let app = TestApp::spawn().await;
    let not_utf8 = reqwest::header::HeaderValue::from_bytes(b"\xff\xfe").unwrap();
    let cases = [
        ("x-org", "/api/v1/app/me", true, 400, "invalid_org_header"),
        (
            "authorization",
            "/api/v1/app/me",
            false,
            401,
            "unauthorized",
        ),
        (
            "authorization",
            "/api/v1/channels",
            false,
            401,
            "unauthorized",
        ),
    ];
    for (header, path, with_token, status, code) in cases {
        let mut req = app.anon(Method::GET, path).header(header, not_utf8.clone());
        if with_token {
            req = req.bearer_auth(&app.admin.token);
        }
        let reply = req.reply().await;
        assert!(reply.header("x-request-id").is_some(), "{header} {path}");
        let body = reply.problem(status, code);
        assert!(body["request_id"].is_string(), "{header} {path}: {body}");
    }
    let res = app
        .admin(Method::POST, "/api/v1/app/tokens")
        .header("content-type", not_utf8)
        .body(r#"{"name": "ci"}"#)
        .reply()
        .await;
    assert!(res.header("x-request-id").is_some());
    res.problem(415, "unsupported_media_type");
}
