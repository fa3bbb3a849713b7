//! What the logs hold. Before: 4xx warnings quoted the request's input, `RUST_LOG=debug`
//! logged every SQL statement's parameters (emails, token hashes, as bytes), and the
//! client address was whatever `X-Forwarded-For` said. Now nothing a client sent reaches
//! the log at any level, and the address is the TCP peer's (see `client_address` for
//! trusted proxies). The log is read as `roster-gateway serve` writes it.

use reqwest::Method;
use roster_e2e::Expect;
use serde_json::{json, Value};

use super::super::process::GatewayProcess;

/// `text` as a Debug of its bytes would show it: `[101, 109, ...]`.
fn as_bytes(text: &str) -> String {
    let bytes: Vec<String> = text.bytes().map(|b| b.to_string()).collect();
    bytes.join(", ")
}

#[tokio::test]
async fn debug_logs_hold_no_query_body_or_sql_parameter_and_name_the_peer() {
    let gateway = GatewayProcess::start_with("json", &[("RUST_LOG", "debug")]).await;
    let client = reqwest::Client::new();
    let forged = "198.51.100.23";
    let send = |path: &str| {
        client
            .request(Method::POST, gateway.url(path))
            .header("x-forwarded-for", forged)
    };
    // A 400 whose problem quotes the input back to its client.
    let refused = send("/api/auth/sign-in/email")
        .json(&json!({"email": "someone@acme.test", "password": 987_654_321}))
        .problem(400, "VALIDATION_ERROR")
        .await;
    assert!(refused.to_string().contains("987654321"), "{refused}");
    // A query string, and an email that is a bound SQL parameter.
    send("/api/auth/sign-in/email?hint=query-marker-q7")
        .json(&json!({"email": "email-marker-e7@acme.test", "password": "password-marker-p7"}))
        .problem(401, "INVALID_EMAIL_OR_PASSWORD")
        .await;
    gateway
        .wait_for_line(|l| l.contains("\"status\":401"))
        .await;

    let log = gateway.lines().join("\n");
    let requests: Vec<Value> = gateway
        .lines()
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["route"] == "/api/auth/sign-in/email")
        .collect();
    assert_eq!(requests.len(), 2, "{log}");
    for line in &requests {
        assert_eq!(line["span"]["client"], "127.0.0.1", "the peer: {line}");
    }
    assert_eq!(requests[0]["code"], "validation_failed", "{log}");
    assert!(
        log.contains("\"level\":\"DEBUG\""),
        "the log is at debug: {log}"
    );
    for (input, what) in [
        ("987654321", "a body's value"),
        ("query-marker-q7", "a query parameter"),
        ("email-marker-e7", "an email"),
        ("password-marker-p7", "a password"),
        (forged, "a forwarded address from an untrusted peer"),
    ] {
        assert!(!log.contains(input), "the log holds {what}: {log}");
        assert!(
            !log.contains(&as_bytes(input)),
            "the log holds {what} as SQL parameter bytes: {log}"
        );
    }
}

/// Every line of `log` that holds `secret`.
fn lines_with<'a>(log: &'a [String], secret: &str) -> Vec<&'a String> {
    log.iter().filter(|l| l.contains(secret)).collect()
}

/// The link token (`rlnk_...`) of the log transport's mail whose subject is `subject`.
async fn link_token_in_log(gateway: &GatewayProcess, subject: &str) -> String {
    let line = gateway
        .wait_for_line(|l| l.contains(MAIL_LINE) && l.contains(subject))
        .await;
    let at = line.find("rlnk_").expect("a link token in the mail");
    line[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

/// The message of the development mail transport's lines: the one place a link is logged.
const MAIL_LINE: &str = "mail (development log transport)";

#[tokio::test]
async fn no_password_session_api_token_or_link_is_logged_but_the_dev_mail_line_at_debug() {
    let db = roster_e2e::TestDb::new().await;
    let admin_token = {
        let mut conn = roster_core::db::pool(&db.url, 1)
            .unwrap()
            .get()
            .await
            .unwrap();
        roster_identity::bootstrap::run(
            &mut conn,
            roster_identity::bootstrap::Bootstrap {
                org_slug: roster_core::text::Slug::parse("slug", "acme").unwrap(),
                org_name: "Acme".into(),
                email: roster_core::text::Email::parse("email", "admin@acme.test").unwrap(),
                name: "Admin".into(),
                password: None,
            },
        )
        .await
        .unwrap()
        .token
    };
    let gateway = GatewayProcess::start_on(
        &db.url,
        "json",
        &[
            ("RUST_LOG", "debug"),
            ("ROSTER_MAIL_TRANSPORT", "log"),
            ("ROSTER_SIGNUP", "open"),
        ],
    )
    .await;
    let client = reqwest::Client::new();
    // A request as `token` in acme (none when empty).
    let send = |method: Method, path: &str, token: &str| {
        let request = client.request(method, gateway.url(path));
        match token {
            "" => request,
            token => request.bearer_auth(token).header("x-org", "acme"),
        }
    };
    let post = |path: &str, token: &str, body: Value| send(Method::POST, path, token).json(&body);
    let get = |path: &str, token: &str| send(Method::GET, path, token);
    let (first, second, third) = (
        "first secret passphrase 81",
        "second secret passphrase 82",
        "third secret passphrase 83",
    );
    let email = "lee@example.com";

    // Sign-up mails a verification link; following it proves the address.
    let signed_up = post(
        "/api/auth/sign-up/email",
        "",
        json!({"email": email, "password": first, "name": "Lee"}),
    )
    .ok()
    .await;
    let first_session = signed_up["token"].as_str().unwrap().to_owned();
    let verify = link_token_in_log(&gateway, "Confirm your email").await;
    get(&format!("/api/auth/verify-email?token={verify}"), "")
        .ok()
        .await;
    // A reset: its link, its landing page (the token in the path), the new password.
    post(
        "/api/auth/request-password-reset",
        "",
        json!({"email": email}),
    )
    .ok()
    .await;
    let reset = link_token_in_log(&gateway, "Reset your password").await;
    get(&format!("/api/auth/reset-password/{reset}"), "")
        .ok()
        .await;
    post(
        "/api/auth/reset-password",
        "",
        json!({"newPassword": second, "token": reset}),
    )
    .ok()
    .await;
    // A wrong password, a sign-in, a change that ends the other sessions, the session list.
    post(
        "/api/auth/sign-in/email",
        "",
        json!({"email": email, "password": first}),
    )
    .problem(401, "INVALID_EMAIL_OR_PASSWORD")
    .await;
    let second_session = post(
        "/api/auth/sign-in/email",
        "",
        json!({"email": email, "password": second}),
    )
    .ok()
    .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    post(
        "/api/auth/change-password",
        &second_session,
        json!({"currentPassword": second, "newPassword": third, "revokeOtherSessions": true}),
    )
    .ok()
    .await;
    get("/api/auth/list-sessions", &second_session).ok().await;
    // An API token made, used and revoked.
    let created = post(
        "/api/v1/app/tokens",
        &admin_token,
        json!({"name": "laptop"}),
    )
    .created()
    .await;
    let api_token = created["secret"].as_str().unwrap().to_owned();
    get("/api/v1/app/me", &api_token).ok().await;
    let revoke = format!("/api/v1/app/tokens/{}", created["id"].as_str().unwrap());
    send(Method::DELETE, &revoke, &admin_token)
        .status(204)
        .await;
    gateway
        .wait_for_line(|l| l.contains("\"status\":204"))
        .await;

    let log = gateway.lines();
    assert!(
        log.iter().any(|l| l.contains("\"level\":\"DEBUG\"")),
        "the log is at debug"
    );
    for (secret, what) in [
        (first, "a password (sign-up, and a wrong sign-in)"),
        (second, "a password (reset, sign-in)"),
        (third, "a password (change)"),
        (first_session.as_str(), "a session token"),
        (second_session.as_str(), "a session token"),
        (admin_token.as_str(), "an API token (used)"),
        (api_token.as_str(), "an API token (created, used)"),
    ] {
        let hash = roster_core::secret::hash(secret);
        for form in [secret.to_owned(), hex::encode(&hash), as_bytes(secret)] {
            let found = lines_with(&log, &form);
            assert!(found.is_empty(), "the log holds {what}: {found:#?}");
        }
    }
    // A link is printed once, by the development mail transport, for the operator; never
    // as a request's path or query, nor as its hash.
    for (token, what) in [(&verify, "verification"), (&reset, "reset")] {
        let found = lines_with(&log, token);
        assert_eq!(found.len(), 1, "the {what} link: {found:#?}");
        assert!(found[0].contains(MAIL_LINE), "{}", found[0]);
        let hash = roster_core::secret::hash(token);
        assert!(lines_with(&log, &hex::encode(&hash)).is_empty());
    }
}
