//! Password reset: no enumeration, a link that works once, every session ended.

use reqwest::Method;
use roster_e2e::Expect;
use serde_json::json;

use super::{app_with_mail, exec, mail_to, reset_token_of, session_alive, sign_up, texts};

const OLD: &str = "correct horse battery";
const NEW: &str = "tangerine quokka 42";

#[tokio::test]
async fn reset_answers_alike_for_unknown_emails_works_once_and_ends_every_session() {
    let (app, smtp) = app_with_mail().await;
    let signed_up = sign_up(&app, "lee@example.com", OLD).await;
    let old_session = signed_up["token"].as_str().unwrap().to_owned();

    let known = app
        .anon(Method::POST, "/api/auth/request-password-reset")
        .json(&json!({"email": "lee@example.com", "redirectTo": "/reset"}))
        .ok()
        .await;
    let unknown = app
        .anon(Method::POST, "/api/auth/request-password-reset")
        .json(&json!({"email": "ghost@example.com", "redirectTo": "/reset"}))
        .ok()
        .await;
    assert_eq!(known, unknown);
    assert_eq!(known["status"], true);

    let mail = mail_to(&smtp, "lee@example.com", "Reset your password").await;
    let link = super::link_of(&app, &mail);
    assert!(link.contains("/api/auth/reset-password/rlnk_"), "{link}");
    let token = reset_token_of(&app, &mail).await;

    // A weak password is refused without using the link up.
    app.anon(Method::POST, "/api/auth/reset-password")
        .json(&json!({"newPassword": "password", "token": token}))
        .problem(400, "PASSWORD_TOO_WEAK")
        .await;
    for body in [
        json!({"newPassword": NEW}),
        json!({"newPassword": 5, "token": token}),
        json!({"newPassword": "short", "token": token}),
    ] {
        // better-auth's codes: PASSWORD_TOO_SHORT, or VALIDATION_ERROR.
        let reply = app
            .anon(Method::POST, "/api/auth/reset-password")
            .json(&body)
            .status(400)
            .await
            .json();
        let code = reply["code"].as_str().unwrap_or_default();
        assert!(
            ["PASSWORD_TOO_SHORT", "VALIDATION_ERROR"].contains(&code),
            "{body} -> {reply}"
        );
    }
    app.anon(Method::POST, "/api/auth/reset-password")
        .json(&json!({"newPassword": NEW, "token": "rlnk_forged"}))
        .problem(400, "INVALID_TOKEN")
        .await;

    let done = app
        .anon(Method::POST, "/api/auth/reset-password")
        .json(&json!({"newPassword": NEW, "token": token}))
        .ok()
        .await;
    assert_eq!(done, json!({"status": true}));
    assert!(!session_alive(&app, &old_session).await);
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "lee@example.com", "password": OLD}))
        .problem(401, "INVALID_EMAIL_OR_PASSWORD")
        .await;
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "lee@example.com", "password": NEW}))
        .ok()
        .await;
    // Once only, and its landing page says so.
    app.anon(Method::POST, "/api/auth/reset-password")
        .json(&json!({"newPassword": "another fine passphrase 9", "token": token}))
        .problem(400, "INVALID_TOKEN")
        .await;
    let location = super::no_redirects().get(&link).redirect().await;
    assert_eq!(location, "/reset?error=INVALID_TOKEN");

    // No mail went to the unknown address; nothing secret is at rest.
    assert!(smtp
        .messages()
        .iter()
        .all(|m| !m.to.contains(&"ghost@example.com".to_owned())));
    let at_rest = texts(
        &app,
        "SELECT coalesce(body, '') || subject AS t FROM mail_outbox UNION ALL \
         SELECT data::text AS t FROM events",
    )
    .await;
    assert!(at_rest.iter().all(|r| !r.contains(&token)), "{at_rest:?}");
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let (app, smtp) = app_with_mail().await;
    sign_up(&app, "lee@example.com", OLD).await;
    app.anon(Method::POST, "/api/auth/request-password-reset")
        .json(&json!({"email": "lee@example.com"}))
        .ok()
        .await;
    let mail = mail_to(&smtp, "lee@example.com", "Reset your password").await;
    let token = reset_token_of(&app, &mail).await;
    exec(
        &app,
        "UPDATE mail_links SET expires_at = now() - interval '1 second'",
    )
    .await;
    app.anon(Method::POST, "/api/auth/reset-password")
        .json(&json!({"newPassword": NEW, "token": token}))
        .problem(400, "INVALID_TOKEN")
        .await;
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "lee@example.com", "password": OLD}))
        .ok()
        .await;
}

#[tokio::test]
async fn a_reset_link_without_redirect_goes_to_the_configured_reset_page() {
    let smtp = roster_devkit::smtp::SmtpServer::start().await.unwrap();
    let url = smtp.url();
    let app = roster_e2e::TestApp::spawn_with(|c| {
        c.mail.smtp_url = Some(url);
        c.mail.reset_password_page = Some("https://app.example/reset".into());
    })
    .await;
    app.create_user("page@acme.test", "AppMember").await;
    let mail = mail_to(&smtp, "page@acme.test", "set your password").await;
    let location = super::no_redirects()
        .get(super::link_of(&app, &mail))
        .redirect()
        .await;
    assert!(
        location.starts_with("https://app.example/reset?token=rlnk_"),
        "{location}"
    );
    let token = reset_token_of(&app, &mail).await;
    app.anon(Method::POST, "/api/auth/reset-password")
        .json(&json!({"newPassword": NEW, "token": token}))
        .ok()
        .await;
    // Without a page, a used link's landing answers 400 INVALID_TOKEN.
    let plain = roster_e2e::TestApp::spawn().await;
    plain
        .anon(Method::GET, "/api/auth/reset-password/rlnk_forged")
        .problem(400, "INVALID_TOKEN")
        .await;
}
