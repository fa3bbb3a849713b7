//! Accounts and sessions: sign-up, sign-in, the session cookie, get-session, sign-out.

use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use reqwest::Method;
use roster_e2e::{json, problem, TestApp};
use serde_json::{json, Value};

fn cookie_of(res: &reqwest::Response) -> String {
    res.headers()
        .get("set-cookie")
        .expect("set-cookie")
        .to_str()
        .unwrap()
        .to_owned()
}

async fn sign_up(app: &TestApp, email: &str, password: &str) -> (String, Value) {
    let res = app
        .anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": email, "password": password, "name": "Lee"}))
        .send()
        .await
        .unwrap();
    let cookie = cookie_of(&res);
    let (status, body) = json(res).await;
    assert_eq!(status, 200, "{body}");
    (cookie, body)
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
    let res = app
        .anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "LEE@example.com", "password": "another long one", "name": "Lee"}))
        .send()
        .await
        .unwrap();
    problem(res, 409, "email_taken").await;
    // An account created by an admin (without a password) holds its email too.
    let res = app
        .anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "admin@acme.test", "password": "another long one", "name": "X"}))
        .send()
        .await
        .unwrap();
    problem(res, 409, "email_taken").await;
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
        let res = app
            .anon(Method::POST, "/api/auth/sign-up/email")
            .json(&body)
            .send()
            .await
            .unwrap();
        let (status, problem_body) = json(res).await;
        assert_eq!(status, 400, "{body}: {problem_body}");
        assert!(
            problem_body["detail"].as_str().unwrap().contains(field),
            "{body}: {problem_body}"
        );
    }
}

#[tokio::test]
async fn sign_up_can_be_closed() {
    let app = TestApp::spawn_with(|c| c.signup = roster_gateway::config::Signup::Closed).await;
    let res = app
        .anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "lee@example.com", "password": "correct horse", "name": "Lee"}))
        .send()
        .await
        .unwrap();
    problem(res, 403, "signup_closed").await;
}

#[tokio::test]
async fn sign_in_checks_the_password_and_says_nothing_more() {
    let app = TestApp::spawn().await;
    sign_up(&app, "lee@example.com", "correct horse").await;
    let wrong = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "lee@example.com", "password": "wrong horse"}))
        .send()
        .await
        .unwrap();
    let wrong = problem(wrong, 401, "unauthorized").await;
    let unknown = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "who@example.com", "password": "wrong horse"}))
        .send()
        .await
        .unwrap();
    let unknown = problem(unknown, 401, "unauthorized").await;
    assert_eq!(
        wrong["detail"], unknown["detail"],
        "no hint whether the email exists"
    );
    // An account without a password cannot sign in with one.
    let res = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "admin@acme.test", "password": "anything goes"}))
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;
    let res = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "lee@example.com"}))
        .send()
        .await
        .unwrap();
    problem(res, 400, "validation_failed").await;
    let res = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "LEE@example.com", "password": "correct horse", "rememberMe": true}))
        .send()
        .await
        .unwrap();
    assert!(cookie_of(&res).starts_with("better-auth.session_token=rses_"));
    let (status, body) = json(res).await;
    assert_eq!(
        (status, body["user"]["email"].as_str()),
        (200, Some("lee@example.com"))
    );
}

#[tokio::test]
async fn the_session_cookie_works_like_a_token_in_the_active_org() {
    let app = TestApp::spawn().await;
    let (_, signed_up) = sign_up(&app, "lee@example.com", "correct horse").await;
    let body = json!({"account_id": signed_up["user"]["id"], "role": "AppMember", "user_info": {"email": "lee@example.com", "name": "Lee"}});
    let (status, user) = json(
        app.admin(Method::POST, "/api/v1/app/user")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201);
    // Signed up before joining: that session has no active org, so it needs x-org.
    let early = signed_up["token"].as_str().unwrap();
    let res = app
        .anon(Method::GET, "/api/v1/app/me")
        .header("cookie", format!("better-auth.session_token={early}"))
        .send()
        .await
        .unwrap();
    problem(res, 400, "org_required").await;
    let res = app
        .anon(Method::GET, "/api/v1/app/me")
        .header("cookie", format!("better-auth.session_token={early}"))
        .header("x-org", "acme")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = client
        .post(app.url("/api/auth/sign-in/email"))
        .json(&json!({"email": "lee@example.com", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    let (_, signed_in) = json(res).await;
    let (status, me) = json(client.get(app.url("/api/v1/app/me")).send().await.unwrap()).await;
    assert_eq!(
        (status, me["id"].clone()),
        (200, user["id"].clone()),
        "the cookie picks the active org"
    );
    // The session token also works as a bearer token.
    let res = app
        .as_user(
            signed_in["token"].as_str().unwrap(),
            "acme",
            Method::GET,
            "/api/v1/app/me",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let (status, session) = json(
        client
            .get(app.url("/api/auth/get-session"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(session["user"]["email"], "lee@example.com");
    assert_eq!(session["session"]["activeOrgId"], app.admin.org_id.as_str());
    assert_eq!(session["session"]["userId"], signed_up["user"]["id"]);

    let res = client
        .post(app.url("/api/auth/sign-out"))
        .send()
        .await
        .unwrap();
    assert!(
        cookie_of(&res).contains("better-auth.session_token=;"),
        "{}",
        cookie_of(&res)
    );
    let (status, out) = json(res).await;
    assert_eq!((status, out), (200, json!({"success": true})));
    let (status, none) = json(
        client
            .get(app.url("/api/auth/get-session"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, none), (200, Value::Null));
    let res = app
        .as_user(
            signed_in["token"].as_str().unwrap(),
            "acme",
            Method::GET,
            "/api/v1/app/me",
        )
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;
}

#[tokio::test]
async fn get_session_without_a_session_is_null() {
    let app = TestApp::spawn().await;
    let (status, body) = json(
        app.anon(Method::GET, "/api/auth/get-session")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body), (200, Value::Null));
    let res = app
        .anon(Method::GET, "/api/auth/get-session")
        .header("cookie", "better-auth.session_token=rses_forged")
        .send()
        .await
        .unwrap();
    let (status, body) = json(res).await;
    assert_eq!((status, body), (200, Value::Null));
    let (status, body) = json(
        app.anon(Method::POST, "/api/auth/sign-out")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body), (200, json!({"success": true})));
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
            .send()
    };
    for _ in 0..3 {
        assert_eq!(attempt("lee@example.com").await.unwrap().status(), 401);
    }
    let res = attempt("LEE@example.com").await.unwrap();
    let retry: u64 = res
        .headers()
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(res.headers().get("ratelimit-limit").unwrap(), "3");
    assert_eq!(res.headers().get("ratelimit-remaining").unwrap(), "0");
    problem(res, 429, "too_many_requests").await;
    // The right password does not get through either while the window lasts.
    let res = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "lee@example.com", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    problem(res, 429, "too_many_requests").await;
    // Another email from the same address is limited by the per-client count (5).
    let res = attempt("other@example.com").await.unwrap();
    problem(res, 429, "too_many_requests").await;
}

#[tokio::test]
async fn a_session_signed_out_stops_working_at_once_though_it_was_just_used() {
    let app = TestApp::spawn().await;
    let (_, body) = sign_up(&app, "brief@example.test", "correct horse battery").await;
    let token = body["token"].as_str().unwrap();
    // Authenticated (and so cached), though not a user of the org.
    let res = app
        .as_user(token, "acme", Method::GET, "/api/v1/app/me")
        .send()
        .await
        .unwrap();
    problem(res, 403, "not_a_member").await;
    let res = app
        .anon(Method::POST, "/api/auth/sign-out")
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .as_user(token, "acme", Method::GET, "/api/v1/app/me")
        .send()
        .await
        .unwrap();
    problem(res, 401, "unauthorized").await;
}
