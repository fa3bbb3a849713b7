//! Errors that come from HTTP itself, whatever the route: unknown routes, wrong methods,
//! bodies too large or nested too deep, content types.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};

#[tokio::test]
async fn unknown_route_is_problem_404_with_request_id() {
    let app = TestApp::spawn().await;
    let reply = app.anon(Method::GET, "/nope").reply().await;
    let body = reply.problem(404, "route_not_found");
    assert_eq!(body["request_id"], reply.header("x-request-id").unwrap());
}

#[tokio::test]
async fn wrong_method_is_problem_405() {
    let app = TestApp::spawn().await;
    let body = app
        .admin(Method::PATCH, "/api/v1/app/me")
        .problem(405, "method_not_allowed")
        .await;
    assert!(body["detail"].as_str().unwrap().contains("PATCH"), "{body}");
    app.admin(Method::DELETE, "/api/v1/app/user")
        .problem(405, "method_not_allowed")
        .await;
}

#[tokio::test]
async fn body_over_one_mib_is_413() {
    let app = TestApp::spawn().await;
    let big = format!(
        "{{\"role\":\"AppMember\",\"user_info\":{{\"email\":\"a@b.co\",\"name\":\"{}\"}}}}",
        "x".repeat(1 << 20)
    );
    app.admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "application/json")
        .body(big)
        .problem(413, "payload_too_large")
        .await;
}

#[tokio::test]
async fn body_over_one_mib_without_content_length_is_413() {
    let app = TestApp::spawn().await;
    let chunk = vec![b' '; 64 * 1024];
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..20).map(|_| Ok(chunk.clone())).collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    app.admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "application/json")
        .body(body)
        .problem(413, "payload_too_large")
        .await;
}

#[tokio::test]
async fn non_json_content_type_is_415() {
    let app = TestApp::spawn().await;
    app.admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "text/plain")
        .body("{}")
        .problem(415, "unsupported_media_type")
        .await;
    app.admin(Method::POST, "/api/v1/app/user")
        .body("{}")
        .problem(415, "unsupported_media_type")
        .await;
}

#[tokio::test]
async fn deeply_nested_or_oversized_json_values_are_400() {
    let app = TestApp::spawn().await;
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    app.admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "application/json")
        .body(nested)
        .problem(400, "invalid_json")
        .await;
    let long_name = serde_json::json!({"role": "AppMember", "user_info": {"email": "a@b.co", "name": "x".repeat(900_000)}});
    let body = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&long_name)
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "user_info.name");
    let long_email = serde_json::json!({"role": "AppMember", "user_info": {"email": format!("{}@b.co", "a".repeat(500)), "name": "A"}});
    app.admin(Method::POST, "/api/v1/app/user")
        .json(&long_email)
        .problem(400, "validation_failed")
        .await;
    app.admin(
        Method::GET,
        &format!("/api/v1/app/user?search={}", "s".repeat(201)),
    )
    .problem(400, "validation_failed")
    .await;
}
