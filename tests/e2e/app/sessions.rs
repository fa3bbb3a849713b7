//! Accounts and sessions: sign-up, sign-in, the session cookie, get-session, sign-out.

use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use reqwest::Method;
use roster_e2e::{Expect, Reply, TestApp};
use serde_json::{json, Value};

fn cookie_of(reply: &Reply) -> &str {
    reply.header("set-cookie").expect("set-cookie")
}

async fn sign_up(app: &TestApp, email: &str, password: &str) -> (String, Value) {
    let reply = app
        .anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": email, "password": password, "name": "Lee"}))
        .status(200)
        .await;
    (cookie_of(&reply).to_owned(), reply.json())
}

#[tokio::test]
async fn sign_up_creates_an_account_and_a_session_cookie() {
    let app = TestApp::spawn().await;
    let (cookie, body) = sign_up(&app, "lee@example.com", "correct horse").await;
    assert!(
        cookie.starts_with("better-auth.session_token=rses_"),
        "{cookie}"
    );
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=604800"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain-http public URL: no Secure flag: {cookie}"
    );
    assert!(body["token"].as_str().unwrap().starts_with("rses_"));
    assert_eq!(body["user"]["email"], "lee@example.com");
    assert!(body["user"]["id"].as_str().unwrap().starts_with("acct_"));
    assert!(body["user"].get("password_hash").is_none() && body["user"].get("password").is_none());
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes_only() {
    let app = TestApp::spawn().await;
    sign_up(&app, "lee@example.com", "correct horse").await;
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        password_hash: String,
    }
    let mut conn = app.pool.get().await.unwrap();
    let row: Row =
        diesel::sql_query("SELECT password_hash FROM accounts WHERE email = 'lee@example.com'")
            .get_result(&mut conn)
            .await
            .unwrap();
    assert!(
        row.password_hash.starts_with("$argon2id$"),
        "{}",
        row.password_hash
    );
    assert!(!row.password_hash.contains("correct horse"));
}

#[tokio::test]
async fn sign_up_rejects_taken_emails_and_bad_input() {
    let app = TestApp::spawn().await;
    sign_up(&app, "lee@example.com", "correct horse").await;
    app.anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "LEE@example.com", "password": "another long one", "name": "Lee"}))
        .problem(409, "email_taken")
        .await;
    // An account created by an admin (without a password) holds its email too.
    app.anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "admin@acme.test", "password": "another long one", "name": "X"}))
        .problem(409, "email_taken")
        .await;
    for (body, field) in [
        (
            json!({"email": "nope", "password": "correct horse", "name": "Lee"}),
            "email",
        ),
        (
            json!({"email": "a@b.co", "password": "short", "name": "Lee"}),
            "password",
        ),
        (
            json!({"email": "a@b.co", "password": "x".repeat(129), "name": "Lee"}),
            "password",
        ),
        (
            json!({"email": "a@b.co", "password": "correct horse", "name": ""}),
            "name",
        ),
        (
            json!({"email": "a@b.co", "password": "correct horse"}),
            "name",
        ),
        (
            json!({"email": 1, "password": "correct horse", "name": "Lee"}),
            "email",
        ),
    ] {
        let problem_body = app
            .anon(Method::POST, "/api/auth/sign-up/email")
            .json(&body)
            .status(400)
            .await
            .json();
        assert!(
            problem_body["detail"].as_str().unwrap().contains(field),
            "{body}: {problem_body}"
        );
    }
}

#[tokio::test]
async fn sign_up_can_be_closed() {
    let app = TestApp::spawn_with(|c| c.signup = roster_gateway::config::Signup::Closed).await;
    app.anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "lee@example.com", "password": "correct horse", "name": "Lee"}))
        .problem(403, "signup_closed")
        .await;
}

#[tokio::test]
async fn sign_in_checks_the_password_and_says_nothing_more() {
    let app = TestApp::spawn().await;
    sign_up(&app, "lee@example.com", "correct horse").await;
    let wrong = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "lee@example.com", "password": "wrong horse"}))
        .problem(401, "unauthorized")
        .await;
    let unknown = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "who@example.com", "password": "wrong horse"}))
        .problem(401, "unauthorized")
        .await;
    assert_eq!(
        wrong["detail"], unknown["detail"],
        "no hint whether the email exists"
    );
    // An account without a password cannot sign in with one.
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "admin@acme.test", "password": "anything goes"}))
        .problem(401, "unauthorized")
        .await;
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "lee@example.com"}))
        .problem(400, "validation_failed")
        .await;
    let reply = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "LEE@example.com", "password": "correct horse", "rememberMe": true}))
        .status(200)
        .await;
    assert!(cookie_of(&reply).starts_with("better-auth.session_token=rses_"));
    assert_eq!(reply.json()["user"]["email"], "lee@example.com");
}

#[tokio::test]
async fn the_session_cookie_works_like_a_token_in_the_active_org() {
    let app = TestApp::spawn().await;
    let (_, signed_up) = sign_up(&app, "lee@example.com", "correct horse").await;
    let body = json!({"account_id": signed_up["user"]["id"], "role": "AppMember", "user_info": {"email": "lee@example.com", "name": "Lee"}});
    let user = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&body)
        .created()
        .await;
    // Signed up before joining: that session has no active org, so it needs x-org.
    let early = signed_up["token"].as_str().unwrap();
    app.anon(Method::GET, "/api/v1/app/me")
        .header("cookie", format!("better-auth.session_token={early}"))
        .problem(400, "org_required")
        .await;
    app.anon(Method::GET, "/api/v1/app/me")
        .header("cookie", format!("better-auth.session_token={early}"))
        .header("x-org", "acme")
        .status(200)
        .await;

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let signed_in = client
        .post(app.url("/api/auth/sign-in/email"))
        .json(&json!({"email": "lee@example.com", "password": "correct horse"}))
        .ok()
        .await;
    let me = client.get(app.url("/api/v1/app/me")).ok().await;
    assert_eq!(me["id"], user["id"], "the cookie picks the active org");
    // The session token also works as a bearer token.
    app.as_user(
        signed_in["token"].as_str().unwrap(),
        "acme",
        Method::GET,
        "/api/v1/app/me",
    )
    .status(200)
    .await;

    let session = client.get(app.url("/api/auth/get-session")).ok().await;
    assert_eq!(session["user"]["email"], "lee@example.com");
    assert_eq!(
        session["session"]["activeOrganizationId"],
        app.admin.org_id.as_str()
    );
    assert_eq!(session["session"]["userId"], signed_up["user"]["id"]);

    let out = client.post(app.url("/api/auth/sign-out")).status(200).await;
    assert!(
        cookie_of(&out).contains("better-auth.session_token=;"),
        "{out:?}"
    );
    assert_eq!(out.json(), json!({"success": true}));
    let none = client.get(app.url("/api/auth/get-session")).ok().await;
    assert_eq!(none, Value::Null);
    app.as_user(
        signed_in["token"].as_str().unwrap(),
        "acme",
        Method::GET,
        "/api/v1/app/me",
    )
    .problem(401, "unauthorized")
    .await;
}

#[tokio::test]
async fn get_session_without_a_session_is_null() {
    let app = TestApp::spawn().await;
    let body = app.anon(Method::GET, "/api/auth/get-session").ok().await;
    assert_eq!(body, Value::Null);
    let body = app
        .anon(Method::GET, "/api/auth/get-session")
        .header("cookie", "better-auth.session_token=rses_forged")
        .ok()
        .await;
    assert_eq!(body, Value::Null);
    let body = app.anon(Method::POST, "/api/auth/sign-out").ok().await;
    assert_eq!(body, json!({"success": true}));
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_email_and_per_client() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limit_per_credential = 3;
        c.rate_limit_per_client = 5;
    })
    .await;
    sign_up(&app, "lee@example.com", "correct horse").await;
    let attempt = |email: &str| {
        app.anon(Method::POST, "/api/auth/sign-in/email")
            .json(&json!({"email": email, "password": "wrong horse"}))
    };
    for _ in 0..3 {
        attempt("lee@example.com").status(401).await;
    }
    let limited = attempt("LEE@example.com").reply().await;
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(limited.header("ratelimit-limit"), Some("3"));
    assert_eq!(limited.header("ratelimit-remaining"), Some("0"));
    limited.problem(429, "too_many_requests");
    // The right password does not get through either while the window lasts.
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "lee@example.com", "password": "correct horse"}))
        .problem(429, "too_many_requests")
        .await;
    // Another email from the same address is limited by the per-client count (5).
    attempt("other@example.com")
        .problem(429, "too_many_requests")
        .await;
}

#[tokio::test]
async fn a_session_signed_out_stops_working_at_once_though_it_was_just_used() {
    let app = TestApp::spawn().await;
    let (_, body) = sign_up(&app, "brief@example.test", "correct horse battery").await;
    let token = body["token"].as_str().unwrap();
    // Authenticated (and so cached), though not a user of the org.
    app.as_user(token, "acme", Method::GET, "/api/v1/app/me")
        .problem(403, "not_a_member")
        .await;
    app.anon(Method::POST, "/api/auth/sign-out")
        .bearer_auth(token)
        .status(200)
        .await;
    app.as_user(token, "acme", Method::GET, "/api/v1/app/me")
        .problem(401, "unauthorized")
        .await;
}
