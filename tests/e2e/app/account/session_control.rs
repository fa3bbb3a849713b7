//! The sessions an account controls: list-sessions (never another session's token),
//! revoke-session (by token or by the id listed in its place), revoke-other-sessions and
//! revoke-sessions; only the caller's own sessions.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{alive, browser, events_of, member_of_acme, sign_in, sign_up, PASSWORD};

#[tokio::test]
async fn list_sessions_shows_the_accounts_sessions_and_only_its_own_token() {
    let app = TestApp::spawn().await;
    let (first, user) = sign_up(&app, "lee@example.com").await;
    let second = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .header("user-agent", "Firefox/120")
        .json(&json!({"email": "lee@example.com", "password": PASSWORD}))
        .ok()
        .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    sign_up(&app, "other@example.com").await;
    let listed = browser(&app, &second, Method::GET, "/api/auth/list-sessions")
        .reply()
        .await;
    assert_eq!(listed.header("cache-control"), Some("no-store"));
    let listed = listed.expect(200).json();
    let sessions = listed.as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{listed}");
    assert!(sessions.iter().all(|s| s["userId"] == user["id"]));
    let own = sessions
        .iter()
        .find(|s| s["token"] == second.as_str())
        .expect("own token");
    assert_eq!(own["userAgent"], "Firefox/120");
    let other = sessions
        .iter()
        .find(|s| s["token"] != second.as_str())
        .unwrap();
    assert_eq!(other["token"], other["id"]);
    assert!(
        !listed.to_string().contains(&first),
        "another session's token leaked"
    );
    app.anon(Method::GET, "/api/auth/list-sessions")
        .bearer_auth(&second)
        .ok()
        .await;
}

#[tokio::test]
async fn revoke_session_ends_one_by_token_or_listed_id() {
    let app = TestApp::spawn().await;
    let me = member_of_acme(&app, "lee@example.com").await;
    let by_token = sign_in(&app, "lee@example.com", PASSWORD).await;
    let by_id = sign_in(&app, "lee@example.com", PASSWORD).await;
    browser(&app, &me, Method::POST, "/api/auth/revoke-session")
        .json(&json!({"token": by_token}))
        .ok()
        .await;
    assert!(!alive(&app, &by_token).await);
    let listed = browser(&app, &me, Method::GET, "/api/auth/list-sessions")
        .ok()
        .await;
    let id = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["token"] != me.as_str())
        .unwrap()["id"]
        .clone();
    let body = browser(&app, &me, Method::POST, "/api/auth/revoke-session")
        .json(&json!({"token": id}))
        .ok()
        .await;
    assert_eq!(body, json!({"status": true}));
    assert!(!alive(&app, &by_id).await && alive(&app, &me).await);
    // Revoking its own session clears the cookie.
    let reply = browser(&app, &me, Method::POST, "/api/auth/revoke-session")
        .json(&json!({"token": me}))
        .status(200)
        .await;
    assert!(reply
        .header("set-cookie")
        .unwrap()
        .contains("better-auth.session_token=;"));
    assert!(!alive(&app, &me).await);
    assert_eq!(
        events_of(&app, &app.admin.org_id, "session.revoked").await,
        3
    );
}

#[tokio::test]
async fn another_accounts_session_and_bad_input_are_refused() {
    let app = TestApp::spawn().await;
    let (mine, _) = sign_up(&app, "lee@example.com").await;
    let (theirs, _) = sign_up(&app, "kim@example.com").await;
    let their_id = browser(&app, &theirs, Method::GET, "/api/auth/get-session")
        .ok()
        .await["session"]["id"]
        .clone();
    let revoke = |body: serde_json::Value| {
        browser(&app, &mine, Method::POST, "/api/auth/revoke-session").json(&body)
    };
    revoke(json!({"token": theirs}))
        .problem(404, "SESSION_NOT_FOUND")
        .await;
    revoke(json!({"token": their_id}))
        .problem(404, "SESSION_NOT_FOUND")
        .await;
    revoke(json!({"token": "ses_0000000000000000"}))
        .problem(404, "SESSION_NOT_FOUND")
        .await;
    revoke(json!({"token": ""}))
        .problem(400, "VALIDATION_ERROR")
        .await;
    revoke(json!({"token": "x".repeat(201)}))
        .problem(400, "VALIDATION_ERROR")
        .await;
    revoke(json!({"token": 5}))
        .problem(400, "VALIDATION_ERROR")
        .await;
    revoke(json!({})).problem(400, "VALIDATION_ERROR").await;
    assert!(alive(&app, &theirs).await);
    for path in [
        "/api/auth/revoke-session",
        "/api/auth/revoke-sessions",
        "/api/auth/revoke-other-sessions",
    ] {
        app.anon(Method::POST, path)
            .json(&json!({"token": theirs}))
            .problem(401, "UNAUTHORIZED")
            .await;
    }
    assert_eq!(
        // The sign-ups' own sessions only (events of no org).
        app.sql_count(
            "SELECT count(*) AS n FROM events WHERE type LIKE 'session.%' \
             AND type <> 'session.created'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn revoke_other_sessions_and_revoke_sessions_end_what_they_say() {
    let app = TestApp::spawn().await;
    let me = member_of_acme(&app, "lee@example.com").await;
    let other = sign_in(&app, "lee@example.com", PASSWORD).await;
    let (stranger, _) = sign_up(&app, "kim@example.com").await;
    browser(&app, &me, Method::POST, "/api/auth/revoke-other-sessions")
        .ok()
        .await;
    assert!(alive(&app, &me).await && !alive(&app, &other).await && alive(&app, &stranger).await);
    let again = sign_in(&app, "lee@example.com", PASSWORD).await;
    let reply = browser(&app, &me, Method::POST, "/api/auth/revoke-sessions")
        .status(200)
        .await;
    assert!(reply
        .header("set-cookie")
        .unwrap()
        .contains("better-auth.session_token=;"));
    assert!(!alive(&app, &me).await && !alive(&app, &again).await && alive(&app, &stranger).await);
    assert_eq!(
        events_of(&app, &app.admin.org_id, "session.others_revoked").await,
        1
    );
    assert_eq!(
        events_of(&app, &app.admin.org_id, "session.all_revoked").await,
        1
    );
    // The revoked session is gone at once, in this process's credential cache too.
    app.anon(Method::GET, "/api/v1/app/me")
        .bearer_auth(&me)
        .header("x-org", "acme")
        .problem(401, "unauthorized")
        .await;
}
