//! The wire better-auth clients read: codes, messages and statuses of errors, and the
//! user and session objects. Other families keep their own codes.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{browser, sign_up, PASSWORD};

#[tokio::test]
async fn errors_carry_better_auths_code_and_message_beside_the_problem_fields() {
    let app = TestApp::spawn().await;
    sign_up(&app, "lee@example.com").await;
    let wrong = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "lee@example.com", "password": "wrong horse"}))
        .problem(401, "INVALID_EMAIL_OR_PASSWORD")
        .await;
    assert_eq!(wrong["message"], "Invalid email or password");
    let taken = app
        .anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "Lee@Example.com", "password": PASSWORD, "name": "Lee"}))
        .problem(422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")
        .await;
    assert_eq!(taken["message"], "User already exists. Use another email.");
    assert_eq!(taken["title"], "Unprocessable Entity");
    for (body, code, message) in [
        (
            json!({"email": "nope", "password": PASSWORD, "name": "Lee"}),
            "INVALID_EMAIL",
            "Invalid email",
        ),
        (
            json!({"email": "a@b.co", "password": "short", "name": "Lee"}),
            "PASSWORD_TOO_SHORT",
            "Password too short",
        ),
        (
            json!({"email": "a@b.co", "password": "x".repeat(129), "name": "Lee"}),
            "PASSWORD_TOO_LONG",
            "Password too long",
        ),
        (
            json!({"email": "a@b.co", "password": PASSWORD}),
            "VALIDATION_ERROR",
            "",
        ),
        (
            json!({"email": "a@b.co", "password": 12345678, "name": "Lee"}),
            "VALIDATION_ERROR",
            "",
        ),
    ] {
        let problem = app
            .anon(Method::POST, "/api/auth/sign-up/email")
            .json(&body)
            .problem(400, code)
            .await;
        let expected = if message.is_empty() {
            problem["detail"].as_str().unwrap()
        } else {
            message
        };
        assert_eq!(problem["message"], expected, "{body}: {problem}");
    }
    let malformed = app
        .anon(Method::POST, "/api/auth/sign-up/email")
        .header("content-type", "application/json")
        .body("{\"email\":")
        .problem(400, "VALIDATION_ERROR")
        .await;
    assert!(malformed["message"].is_string());
    app.anon(Method::GET, "/api/auth/list-sessions")
        .problem(401, "UNAUTHORIZED")
        .await;
}

#[tokio::test]
async fn other_families_keep_their_own_codes_and_no_message() {
    let app = TestApp::spawn().await;
    let body = app
        .anon(Method::GET, "/api/v1/app/me")
        .problem(401, "unauthorized")
        .await;
    assert!(body.get("message").is_none(), "{body}");
}

#[tokio::test]
async fn user_and_session_have_better_auths_shape() {
    let app = TestApp::spawn().await;
    let (token, user) = sign_up(&app, "lee@example.com").await;
    for key in [
        "id",
        "email",
        "name",
        "emailVerified",
        "image",
        "createdAt",
        "updatedAt",
    ] {
        assert!(user.get(key).is_some(), "user lacks {key}: {user}");
    }
    assert!(user.get("created_at").is_none(), "{user}");
    assert_eq!(user["emailVerified"], false);
    assert!(user["image"].is_null());
    let current = browser(&app, &token, Method::GET, "/api/auth/get-session")
        .header("user-agent", "roster-e2e/1")
        .ok()
        .await;
    let session = &current["session"];
    for key in [
        "id",
        "token",
        "userId",
        "expiresAt",
        "createdAt",
        "updatedAt",
        "ipAddress",
        "userAgent",
        "activeOrganizationId",
    ] {
        assert!(session.get(key).is_some(), "session lacks {key}: {session}");
    }
    assert_eq!(session["token"], token.as_str());
    assert_eq!(session["userId"], user["id"]);
    assert_eq!(session["ipAddress"], "127.0.0.1");
    assert!(session["activeOrganizationId"].is_null());
    assert!(session["expiresAt"].as_str().unwrap().ends_with('Z'));
}
