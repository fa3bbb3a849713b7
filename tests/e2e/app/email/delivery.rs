//! The outbox: mail retried when the server refuses it for now, bodies gone once sent,
//! sign-up closed by default, and the flows that need mail refused without it.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{app_with_mail, mail_to, texts};

#[tokio::test]
async fn mail_the_server_refuses_for_now_is_sent_again() {
    let (app, smtp) = app_with_mail().await;
    // The bootstrapped admin's own mail first, so that the refusal meets ours.
    mail_to(&smtp, "admin@acme.test", "set your password").await;
    let sessions = smtp.sessions();
    smtp.refuse_next(1, "451 4.3.0 try again later");
    app.create_user("later@acme.test", "AppMember").await;
    let mail = mail_to(&smtp, "later@acme.test", "set your password").await;
    assert!(mail.link().is_some());
    // The refusal and the retry each opened a session with the server.
    assert!(smtp.sessions() >= sessions + 2, "{}", smtp.sessions());
    let deadline = tokio::time::Instant::now() + super::MAIL_WAIT;
    loop {
        let rows = texts(
            &app,
            "SELECT state || ':' || attempts || ':' || (body IS NULL)::text AS t \
             FROM mail_outbox WHERE recipient = 'later@acme.test'",
        )
        .await;
        if rows == ["sent:2:true"] {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{rows:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn without_mail_the_flows_that_need_it_answer_503() {
    let app = TestApp::spawn().await;
    for (path, body) in [
        (
            "/api/auth/send-verification-email",
            json!({"email": "lee@example.com"}),
        ),
        (
            "/api/auth/request-password-reset",
            json!({"email": "lee@example.com"}),
        ),
    ] {
        app.anon(Method::POST, path)
            .json(&body)
            .problem(503, "MAIL_NOT_CONFIGURED")
            .await;
    }
    // Adding users still works: their mail waits in the outbox.
    app.create_user("waits@acme.test", "AppMember").await;
    let pending = texts(
        &app,
        "SELECT state AS t FROM mail_outbox WHERE recipient = 'waits@acme.test'",
    )
    .await;
    assert_eq!(pending, ["pending"]);
}

#[tokio::test]
async fn sign_up_is_closed_by_default() {
    let app = TestApp::spawn_with(|c| {
        c.signup = roster_gateway::config::Config::for_database("postgres://x/y", &[0; 32]).signup
    })
    .await;
    app.anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "lee@example.com", "password": "correct horse battery", "name": "Lee"}))
        .problem(403, "SIGNUP_CLOSED")
        .await;
}
